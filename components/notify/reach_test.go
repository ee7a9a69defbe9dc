package notify

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vigilops/vigil/alerts"
	"github.com/vigilops/vigil/alerts/routing"
	"github.com/vigilops/vigil/validate"
)

// prodRouting is the routing that stacks build for prodArgs: every severity to its
// topic, critical paging (it has PagerDuty and SMS subscribers).
func prodRouting() routing.Config {
	cfg := routing.Config{Environment: "prod", Targets: map[alerts.Severity]routing.Target{}}
	for _, sev := range alerts.Severities() {
		cfg.Targets[sev] = routing.Target{
			TopicARN: "arn:aws:sns:eu-west-1:123456789012:vigil-prod-" + string(sev),
			Pages:    sev == alerts.Critical,
		}
	}
	return cfg
}

func TestCheckRoutingFindsWhereAlertsWouldNotArrive(t *testing.T) {
	tests := map[string]struct {
		args  *TopicsArgs
		grant bool
		edit  func(*routing.Config)
		want  []string // paths of the problems; nil for none
	}{
		"Routing to these topics, with a named publisher, arrives.": {args: prodArgs()},
		"A grant to a role created later is a publisher too.": {
			args: validArgs(), grant: true,
		},
		"Topics nobody may publish to are refused.": {
			args: func() *TopicsArgs { a := prodArgs(); a.PublisherRoleARNs = nil; return a }(),
			want: []string{"Publishers"},
		},
		"A topic of another region, account or prefix is refused.": {
			args: prodArgs(),
			edit: func(c *routing.Config) {
				c.Targets[alerts.High] = routing.Target{TopicARN: "arn:aws:sns:eu-central-1:123456789012:vigil-prod-high"}
				c.Targets[alerts.Medium] = routing.Target{TopicARN: "arn:aws:sns:eu-west-1:999999999999:vigil-prod-medium"}
				c.Targets[alerts.Low] = routing.Target{TopicARN: "arn:aws:sns:eu-west-1:123456789012:vigil-prod-medium"}
			},
			want: []string{"Targets.high.TopicARN", "Targets.low.TopicARN", "Targets.medium.TopicARN"}, // sorted by path
		},
		"A topic with a pager routed as quiet is refused, and a quiet topic routed as paging.": {
			args: prodArgs(),
			edit: func(c *routing.Config) {
				c.Targets[alerts.Critical] = routing.Target{TopicARN: c.Targets[alerts.Critical].TopicARN}
				c.Targets[alerts.Low] = routing.Target{TopicARN: c.Targets[alerts.Low].TopicARN, Pages: true}
			},
			want: []string{"Targets.critical.Pages", "Targets.low.Pages"},
		},
		"Webhooks are not the topics' business and need no publisher.": {
			args: func() *TopicsArgs { a := prodArgs(); a.PublisherRoleARNs = nil; return a }(),
			edit: func(c *routing.Config) {
				for _, sev := range alerts.Severities() {
					c.Targets[sev] = routing.Target{Webhook: &routing.Webhook{URL: "https://chat.example.com/hook", CredentialsFile: "/run/secrets/t"}}
				}
			},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			cfg := prodRouting()
			if tc.edit != nil {
				tc.edit(&cfg)
			}
			var got error
			_, _, err := deployWith(t, tc.args, func(ctx *pulumi.Context, topics *Topics) error {
				if tc.grant {
					role, err := newRole(ctx, "alertmanager", "alertmanager")
					if err != nil {
						return err
					}
					if _, err := topics.GrantPublish(ctx, "alertmanager", role); err != nil {
						return err
					}
				}
				got = topics.CheckRouting(cfg)
				return nil
			})
			require.NoError(t, err)
			if tc.want == nil {
				assert.NoError(t, got)
				return
			}
			var invalid *validate.Error
			require.ErrorAs(t, got, &invalid)
			var paths []string
			for _, p := range invalid.Problems {
				paths = append(paths, p.Path)
			}
			assert.Equal(t, tc.want, paths)
		})
	}
}

func TestCheckRoutingSaysWhatIsWrongAndHowToFixIt(t *testing.T) {
	cfg := prodRouting()
	cfg.Targets[alerts.Critical] = routing.Target{TopicARN: cfg.Targets[alerts.Critical].TopicARN}
	cfg.Targets[alerts.High] = routing.Target{TopicARN: "arn:aws:sns:eu-central-1:123456789012:vigil-prod-high"}
	args := prodArgs()
	args.PublisherRoleARNs = nil
	var got error
	_, _, err := deployWith(t, args, func(_ *pulumi.Context, topics *Topics) error {
		got = topics.CheckRouting(cfg)
		return nil
	})
	require.NoError(t, err)
	require.Error(t, got)
	assert.Equal(t, `invalid routing to notify.Topics "vigil-prod" (3 problems):
  Publishers: no role may publish to the vigil-prod topics: Alertmanager's SNS notifications would all be refused
    hint: call Topics.GrantPublish with the Alertmanager task role, or list an existing role in PublisherRoleARNs
  Targets.critical.Pages: is false, but the critical topic has PagerDuty or SMS subscribers: its alerts page
    hint: set Pages, or remove the PagerDuty and SMS subscribers of the topic if it must not page
  Targets.high.TopicARN: is arn:aws:sns:eu-central-1:123456789012:vigil-prod-high, not the high topic arn:aws:sns:eu-west-1:123456789012:vigil-prod-high: Alertmanager would publish where these topics are not
    hint: build the targets with notify.TopicARN from the topics' prefix, account and region`, got.Error())
}
