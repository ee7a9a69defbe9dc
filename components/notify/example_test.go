package notify_test

import (
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
