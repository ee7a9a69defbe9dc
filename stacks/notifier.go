package stacks

import (
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/vigilops/vigil/alerts"
	"github.com/vigilops/vigil/components/notify"
	"github.com/vigilops/vigil/notifier/format"
	"github.com/vigilops/vigil/validate"
)

// resolveNotifier checks vigil:notifier. The component checks the rest (names, time
// zone, time of day) when the stack deploys; what a user writes here is checked now,
// at its key.
func resolveNotifier(ps *validate.Problems, env *Environment, cfg *Config) {
	const p = Namespace + ":notifier"
	n := cfg.Notifier
	env.Notifier = n
	var targets []string
	for _, t := range format.Targets() {
		targets = append(targets, string(t))
	}
	for i, c := range n.Channels {
		path := fmt.Sprintf("%s.channels[%d]", p, i)
		validate.Required(ps, path+".name", c.Name, "a short name such as team-chat")
		if validate.Required(ps, path+".target", c.Target, "googlechat, slack, teams or webhook") {
			validate.OneOf(ps, path+".target", c.Target, targets)
		}
		if len(c.Severities) == 0 {
			ps.Add(path+".severities", "is required", "the severities the channel gets, such as [critical, high, medium]")
		}
		for j, s := range c.Severities {
			if !alerts.Severity(s).Valid() {
				validate.OneOf(ps, fmt.Sprintf("%s.severities[%d]", path, j), s, []string{"critical", "high", "medium", "low"})
			}
		}
		if c.Webhook == "" {
			ps.Add(path+".webhook", "is required", fmt.Sprintf("pulumi config set --secret --path 'notifier.channels[%d].webhook' <url>", i))
		} else if !c.Webhook.Placeholder() {
			validate.HTTPSURL(ps, path+".webhook", c.Webhook.Reveal())
		}
	}
	if len(n.Channels) > 0 && len(n.AlarmEmails) == 0 {
		ps.Add(p+".alarmEmails", "is required with channels",
			"the e-mail addresses that hear when the notification path itself breaks (it must not depend on the notifier)")
	}
	for i, e := range n.AlarmEmails {
		validate.Email(ps, fmt.Sprintf("%s.alarmEmails[%d]", p, i), e)
	}
	for key, u := range map[string]string{"alertmanagerUrl": n.AlertmanagerURL, "grafanaUrl": n.GrafanaURL} {
		if u != "" {
			validate.HTTPSURL(ps, p+"."+key, u)
		}
	}
	if len(n.Channels) == 0 && (n.DailySummaryAt != "" || len(n.AlarmEmails) > 0) {
		env.Warnings = append(env.Warnings, p+": no channels, so no notifier is deployed")
	}
}

// deployNotifier creates the notifier Lambda when the stack has chat channels.
func deployNotifier(ctx *pulumi.Context, env *Environment, topics *notify.Topics, east *notify.RegionalTopics) (*notify.Notifier, error) {
	n := env.Notifier
	if len(n.Channels) == 0 {
		return nil, nil
	}
	args := &notify.NotifierArgs{
		Topics: topics, Environment: env.Stack, AlarmEmails: n.AlarmEmails,
		AlertmanagerURL: n.AlertmanagerURL, GrafanaURL: n.GrafanaURL, TimeZone: n.TimeZone,
		RunbookBaseURL: env.RunbookBaseURL, LogRetentionDays: env.LogRetentionDays, Tags: env.Tags,
		USEast1: east,
	}
	for _, c := range n.Channels {
		ch := notify.NotifierChannel{Name: c.Name, Target: format.Target(c.Target), WebhookURL: secretString(c.Webhook)}
		for _, s := range c.Severities {
			ch.Severities = append(ch.Severities, alerts.Severity(s))
		}
		args.Channels = append(args.Channels, ch)
	}
	if n.DailySummaryAt != "" {
		uptime := map[string]string{}
		for _, a := range env.Alarms.Alarms {
			if a.Slug == "uptime-check-failed" {
				uptime[a.Resource] = a.Name
			}
		}
		args.DailySummary = &notify.DailySummary{At: n.DailySummaryAt, TimeZone: n.TimeZone, UptimeAlarms: uptime}
	}
	return notify.NewNotifier(ctx, "notifier", args)
}

// notifierWants reports whether the stack's notifier needs the topics' key to allow
// its log group, secrets and queue.
func notifierWants(env *Environment) bool { return len(env.Notifier.Channels) > 0 }
