package notify_test

import (
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"

	"github.com/vigilops/vigil/alerts"
	"github.com/vigilops/vigil/components/notify"
)

// A program of another repository creates the severity topics of its own service.
// The PagerDuty URL comes from the stack's config as a secret.
func ExampleNewTopics() {
	pulumi.Run(func(ctx *pulumi.Context) error {
		cfg := config.New(ctx, "")
		topics, err := notify.NewTopics(ctx, "alerts", &notify.TopicsArgs{
			NamePrefix: "payments-prod",
			AccountID:  "123456789012",
			Region:     "eu-west-1",
			Subscribers: map[alerts.Severity]notify.Subscribers{
				alerts.Critical: {
					Emails:    []string{"payments-oncall@example.com"},
					PagerDuty: []pulumi.StringInput{cfg.RequireSecret("pagerdutyUrl")},
				},
			},
		})
		if err != nil {
			return err // one error listing every invalid argument; nothing was created
		}
		ctx.Export("criticalTopic", topics.Topic[alerts.Critical].Arn)
		return nil
	})
}

// The ECS platform creates the Alertmanager task role after the topics and lets it
// publish: an identity policy on the role is all it takes, the key policy and the topic
// policies stay as they are.
func ExampleTopics_GrantPublish() {
	pulumi.Run(func(ctx *pulumi.Context) error {
		topics, err := notify.NewTopics(ctx, "alerts", &notify.TopicsArgs{
			NamePrefix: "payments-prod",
			AccountID:  "123456789012",
			Region:     "eu-west-1",
		})
		if err != nil {
			return err
		}
		role, err := iam.NewRole(ctx, "alertmanager", &iam.RoleArgs{
			AssumeRolePolicy: pulumi.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow",` +
				`"Principal":{"Service":"ecs-tasks.amazonaws.com"},"Action":"sts:AssumeRole"}]}`),
		})
		if err != nil {
			return err
		}
		if _, err := topics.GrantPublish(ctx, "alertmanager-publishes", role.Name); err != nil {
			return err
		}
		// Once everything is created: refuse a stack whose alerts could go nowhere.
		return topics.RequirePublisher()
	})
}
