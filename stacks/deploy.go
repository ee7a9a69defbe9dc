package stacks

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/vigilops/vigil/alerts"
	"github.com/vigilops/vigil/components/notify"
)

// Deployment is what Deploy created, for callers that wire more resources to it.
type Deployment struct {
	Topics *notify.Topics
	// Artifacts are the generated Prometheus rules and Alertmanager configuration,
	// by path. Delivering them to Prometheus and Alertmanager on ECS is the job of the
	// monitoring-stack component of the roadmap; until then `vigil plan --out`
	// writes them for review and for tools that deploy them.
	Artifacts map[string][]byte
	// Outputs are the stack outputs Deploy exported, so that `vigil plan` can show them
	// and other stacks can read them with a StackReference.
	Outputs pulumi.Map
}

// Deploy creates everything the environment asks for and exports the stack outputs:
//   - topicArns: the SNS topic ARN of each severity, where alarms and Alertmanager publish;
//   - notificationKeyArn: the KMS key that encrypts them;
//   - tier: dev or prod.
func Deploy(ctx *pulumi.Context, env *Environment) (*Deployment, error) {
	for _, w := range env.Warnings {
		if err := ctx.Log.Warn(w, nil); err != nil {
			return nil, err
		}
	}
	subscribers := map[alerts.Severity]notify.Subscribers{}
	for sev, ep := range env.Notifications {
		s := notify.Subscribers{Emails: ep.Emails, SMS: ep.SMS}
		if ep.PagerDuty != "" {
			s.PagerDuty = []pulumi.StringInput{secretString(ep.PagerDuty)}
		}
		for _, w := range ep.Webhooks {
			s.Webhooks = append(s.Webhooks, secretString(w))
		}
		subscribers[sev] = s
	}
	topics, err := notify.NewTopics(ctx, "notify", &notify.TopicsArgs{
		NamePrefix:            env.NamePrefix,
		AccountID:             env.AccountID,
		Region:                env.Region,
		Subscribers:           subscribers,
		PublisherRoleARNs:     env.PublisherRoles,
		KeyDeletionWindowDays: env.KeyDeletionWindowDays,
		Tags:                  env.Tags,
	})
	if err != nil {
		return nil, err
	}
	d := &Deployment{
		Topics:    topics,
		Artifacts: env.Artifacts,
		Outputs: pulumi.Map{
			"tier":               pulumi.String(env.Tier),
			"topicArns":          topics.TopicArns,
			"notificationKeyArn": topics.KeyArn,
		},
	}
	for k, v := range d.Outputs {
		ctx.Export(k, v)
	}
	return d, nil
}

// secretString hands a secret to Pulumi as a secret output: it is encrypted in the
// state and masked in every display.
func secretString(s Secret) pulumi.StringOutput {
	return pulumi.ToSecret(pulumi.String(s.Reveal())).(pulumi.StringOutput)
}
