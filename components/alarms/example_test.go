package alarms_test

import (
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/vigilops/vigil/alerts"
	cw "github.com/vigilops/vigil/alerts/cloudwatch"
	"github.com/vigilops/vigil/components/alarms"
	"github.com/vigilops/vigil/components/notify"
)

// A program of another repository, in eu-west-1, watches its service. The uptime
// alarm must live in us-east-1 with Route 53's metrics, so the program also creates
// severity topics there, through a us-east-1 provider, and passes both.
func ExampleNewAlarms() {
	pulumi.Run(func(ctx *pulumi.Context) error {
		set, err := cw.Build(cw.Estate{
			Options: cw.Options{NamePrefix: "payments-prod", RunbookBaseURL: "https://runbooks.example.com/alarms"},
			Services: []cw.Service{{
				Name: "payments", ECS: &cw.ECSService{Cluster: "prod", Service: "payments"},
				HealthCheckURL: "https://payments.example.com/health",
			}},
		})
		if err != nil {
			return err // every problem, at its path; nothing was created
		}
		home, err := notify.NewTopics(ctx, "alerts", &notify.TopicsArgs{NamePrefix: "payments-prod", AccountID: "123456789012", Region: "eu-west-1"})
		if err != nil {
			return err
		}
		east, err := aws.NewProvider(ctx, "us-east-1", &aws.ProviderArgs{Region: pulumi.String("us-east-1")})
		if err != nil {
			return err
		}
		eastTopics, err := notify.NewTopics(ctx, "alerts-us-east-1", &notify.TopicsArgs{NamePrefix: "payments-prod", AccountID: "123456789012", Region: "us-east-1"}, pulumi.Provider(east))
		if err != nil {
			return err
		}
		arns := func(t *notify.Topics) map[alerts.Severity]pulumi.StringInput {
			out := map[alerts.Severity]pulumi.StringInput{}
			for sev, topic := range t.Topic {
				out[sev] = topic.Arn
			}
			return out
		}
		_, err = alarms.NewAlarms(ctx, "alarms", &alarms.AlarmsArgs{
			Region: "eu-west-1",
			Alarms: set.Alarms, Composites: set.Composites, HealthChecks: set.HealthChecks, AgentConfigs: set.AgentConfigs,
			Topics:  arns(home),
			USEast1: &alarms.Regional{Provider: east, Topics: arns(eastTopics)},
		})
		return err
	})
}
