package notify_test

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"

	"github.com/vigilops/vigil/alerts"
	"github.com/vigilops/vigil/components/notify"
	"github.com/vigilops/vigil/notifier/format"
)

// A team's program posts its critical and high alerts to Google Chat, with a daily
// summary at nine in Paris. The topics' key must also serve the notifier (Key), and
// the webhook URL comes from the stack's config as a secret. Without Code, the
// notifier is built from vigil's source, once per process.
func ExampleNewNotifier() {
	pulumi.Run(func(ctx *pulumi.Context) error {
		cfg := config.New(ctx, "")
		topics, err := notify.NewTopics(ctx, "alerts", &notify.TopicsArgs{
			NamePrefix: "payments-prod",
			AccountID:  "123456789012",
			Region:     "eu-west-1",
			Key:        notify.NotifierKeyUse("payments-prod"),
		})
		if err != nil {
			return err
		}
		n, err := notify.NewNotifier(ctx, "chat", &notify.NotifierArgs{
			Topics:      topics,
			Environment: "prod",
			Channels: []notify.NotifierChannel{{
				Name: "payments-chat", Target: format.GoogleChat,
				Severities: []alerts.Severity{alerts.Critical, alerts.High},
				WebhookURL: cfg.RequireSecret("chatWebhookUrl"),
			}},
			AlarmEmails:  []string{"payments-platform@example.com"},
			DailySummary: &notify.DailySummary{At: "09:00", TimeZone: "Europe/Paris"},
		})
		if err != nil {
			return err // one error listing every invalid argument; nothing was created
		}
		ctx.Export("notifierDeadLetterQueue", n.DeadLetterQueueArn)
		return nil
	})
}
