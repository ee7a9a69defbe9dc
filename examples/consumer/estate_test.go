package main

import (
	"strings"
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"

	"github.com/vigilops/vigil/vigiltest"
)

const (
	pagerDutyURL = "https://events.pagerduty.com/integration/0123456789abcdef0123456789abcdef/enqueue"
	chatURL      = "https://chat.example.com/v1/spaces/AAAA/messages?key=k&token=t"
)

// stack runs the program as `pulumi up` of the given stack would, with the sample
// config and the secrets set as `pulumi config set --secret` sets them.
func stack(t *testing.T, name string, extra ...vigiltest.Option) (*vigiltest.Cloud, error) {
	t.Helper()
	opts := []vigiltest.Option{
		vigiltest.WithProject("payments-monitoring"),
		vigiltest.WithStack(name),
		vigiltest.WithConfig("aws:region", "eu-west-1"),
		vigiltest.WithConfig("team", "payments"),
		vigiltest.WithConfig("accountId", "123456789012"),
		vigiltest.WithConfig("oncallEmail", "payments-oncall@example.com"),
		vigiltest.WithConfig("teamEmail", "payments@example.com"),
		vigiltest.WithConfig("runbookBaseUrl", "https://runbooks.example.com/payments"),
		vigiltest.WithConfig("services", `[{"name":"payments-api","downMinutes":2},{"name":"ledger"}]`),
		vigiltest.WithSecretConfig("chatWebhook", chatURL),
	}
	return vigiltest.Run(program, append(opts, extra...)...)
}

func prod(t *testing.T) *vigiltest.Cloud {
	t.Helper()
	cloud, err := stack(t, "prod", vigiltest.WithSecretConfig("pagerdutyUrl", pagerDutyURL))
	require.NoError(t, err)
	return cloud
}

func named(t *testing.T, cloud *vigiltest.Cloud, token, name string) vigiltest.Resource {
	t.Helper()
	r, ok := cloud.Named(token, name)
	require.True(t, ok, "no %s named %s", token, name)
	return r
}

func TestProdGetsATopicPerSeverityNamedForTheTeam(t *testing.T) {
	cloud := prod(t)
	comp := named(t, cloud, "vigil:notify:Topics", "notify")
	topics := cloud.ByType("aws:sns/topic:Topic")
	require.Len(t, topics, 4)
	for _, sev := range []string{"critical", "high", "medium", "low"} {
		topic := named(t, cloud, "aws:sns/topic:Topic", "notify-"+sev)
		assert.Equal(t, comp.URN, topic.Parent, "the topics belong to vigil's component")
		name, _ := topic.String("name")
		assert.Equal(t, "payments-prod-"+sev, name)
		team, _ := topic.Input("tags.team")
		assert.Equal(t, "payments", team)
		env, _ := topic.Input("tags.environment")
		assert.Equal(t, "prod", env)
	}
}

func TestProdPagesForCriticalAndHighWithTheSecretPagerDutyURL(t *testing.T) {
	cloud := prod(t)
	var pagers []string
	for _, s := range cloud.ByType("aws:sns/topicSubscription:TopicSubscription") {
		if strings.Contains(s.Name, "-pagerduty-") {
			pagers = append(pagers, s.Name)
			endpoint, _ := s.Input("endpoint")
			assert.Equal(t, vigiltest.Masked, endpoint, "%s: the URL is a secret", s.Name)
			clear, ok := s.Secret("endpoint")
			require.True(t, ok)
			assert.Equal(t, pagerDutyURL, clear, "%s: it reaches AWS intact", s.Name)
			protocol, _ := s.String("protocol")
			assert.Equal(t, "https", protocol)
		}
	}
	assert.ElementsMatch(t, []string{"notify-critical-pagerduty-0", "notify-high-pagerduty-0"}, pagers)

	hook := named(t, cloud, "aws:sns/topicSubscription:TopicSubscription", "notify-medium-webhook-0")
	assert.True(t, hook.IsSecret("endpoint"), "the chat webhook is a secret too")

	var emails []string
	for _, s := range cloud.ByType("aws:sns/topicSubscription:TopicSubscription") {
		if p, _ := s.String("protocol"); p == "email" {
			to, _ := s.String("endpoint")
			parent := strings.TrimPrefix(strings.SplitN(s.Name, "-email-", 2)[0], "notify-")
			emails = append(emails, parent+" "+to)
		}
	}
	assert.ElementsMatch(t, []string{
		"critical payments-oncall@example.com", "high payments-oncall@example.com",
		"medium payments@example.com", "low payments@example.com",
	}, emails)
}

func TestNoInputHoldsASecretInClear(t *testing.T) {
	cloud := prod(t)
	for _, r := range cloud.Resources() {
		plain, err := yaml.Marshal(r.Plain())
		require.NoError(t, err)
		assert.NotContains(t, string(plain), "0123456789abcdef", "%s %s", r.Type, r.Name)
		assert.NotContains(t, string(plain), "token=t", "%s %s", r.Type, r.Name)
	}
}

func TestDevNeverPagesAndRefusesAPagerDutyURL(t *testing.T) {
	cloud, err := stack(t, "dev")
	require.NoError(t, err)
	for _, s := range cloud.ByType("aws:sns/topicSubscription:TopicSubscription") {
		assert.NotContains(t, s.Name, "pagerduty", "dev never pages")
	}
	topic := named(t, cloud, "aws:sns/topic:Topic", "notify-critical")
	name, _ := topic.String("name")
	assert.Equal(t, "payments-dev-critical", name)

	cloud, err = stack(t, "dev", vigiltest.WithSecretConfig("pagerdutyUrl", pagerDutyURL))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "PagerDuty: must not be set in dev: dev never pages")
	assert.NotContains(t, err.Error(), "0123456789abcdef", "the error does not show the secret")
	assert.Empty(t, cloud.Resources(), "an invalid estate creates nothing")
}

func TestAnInvalidEstateReportsEveryProblemAndCreatesNothing(t *testing.T) {
	cloud, err := vigiltest.Run(func(ctx *pulumi.Context) error {
		_, err := Deploy(ctx, "notify", &Estate{Environment: "staging"})
		return err
	})
	require.Error(t, err)
	for _, want := range []string{
		"Environment: ", `"staging"`,
		"Team: is required",
		"OnCall: is required",
		"Services: must list at least one service",
	} {
		assert.Contains(t, err.Error(), want)
	}
	assert.Empty(t, cloud.Resources())

	_, err = stack(t, "prod")
	require.Error(t, err, "prod without a PagerDuty URL")
	assert.Contains(t, err.Error(), "PagerDuty: is required in prod")
}

// The Alertmanager configuration publishes to exactly the topics the program creates.
func TestAlertmanagerRoutesEachSeverityToTheTopicThatWasCreated(t *testing.T) {
	var arns vigiltest.Outputs
	var am []byte
	cloud, err := vigiltest.Run(func(ctx *pulumi.Context) error {
		m, err := Deploy(ctx, "notify", &Estate{
			Team: "payments", Environment: "prod", AccountID: "123456789012", Region: "eu-west-1",
			Services: []Service{{Name: "payments-api"}}, OnCall: "oncall@example.com",
			PagerDuty: pulumi.ToSecret(pulumi.String(pagerDutyURL)).(pulumi.StringOutput), RunbookBaseURL: "https://runbooks.example.com",
		})
		if err != nil {
			return err
		}
		arns.Capture("topicArns", m.Topics.TopicArns)
		am = m.Alertmanager
		return nil
	}, vigiltest.WithStack("prod"))
	require.NoError(t, err)
	require.Len(t, cloud.ByType("aws:sns/topic:Topic"), 4)
	created, err := arns.Get("topicArns")
	require.NoError(t, err)

	var file struct {
		Receivers []struct {
			Name       string `yaml:"name"`
			SNSConfigs []struct {
				TopicARN string `yaml:"topic_arn"`
			} `yaml:"sns_configs"`
		} `yaml:"receivers"`
	}
	require.NoError(t, yaml.Unmarshal(am, &file))
	routed := map[string]any{}
	for _, r := range file.Receivers {
		if len(r.SNSConfigs) == 1 {
			routed[strings.TrimPrefix(r.Name, "sns-")] = r.SNSConfigs[0].TopicARN
		}
	}
	assert.Equal(t, created, routed)
	assert.Equal(t, "arn:aws:sns:eu-west-1:123456789012:payments-prod-critical", routed["critical"])
}

func TestTheRulesCarryTheEnvironmentAndEachServicesDownTime(t *testing.T) {
	var m *Monitoring
	_, err := vigiltest.Run(func(ctx *pulumi.Context) error {
		var err error
		m, err = Deploy(ctx, "notify", &Estate{
			Team: "payments", Environment: "dev", AccountID: "123456789012", Region: "eu-west-1",
			Services: []Service{{Name: "payments-api", DownFor: 2 * time.Minute}, {Name: "ledger"}},
			OnCall:   "oncall@example.com", RunbookBaseURL: "https://runbooks.example.com",
		})
		return err
	})
	require.NoError(t, err)
	var file struct {
		Groups []struct {
			Name  string `yaml:"name"`
			Rules []struct {
				Alert  string            `yaml:"alert"`
				Expr   string            `yaml:"expr"`
				For    string            `yaml:"for"`
				Labels map[string]string `yaml:"labels"`
			} `yaml:"rules"`
		} `yaml:"groups"`
	}
	require.NoError(t, yaml.Unmarshal(m.Rules, &file))
	down := map[string]string{}
	for _, g := range file.Groups {
		for _, r := range g.Rules {
			assert.Equal(t, "dev", r.Labels["environment"], "%s/%s", g.Name, r.Alert)
			if r.Alert == "ServiceDown" {
				down[g.Name] = r.For + " " + r.Expr
			}
		}
	}
	assert.Equal(t, map[string]string{
		"service:payments-api": `2m (sum(up{job="payments-api"}) or vector(0)) == 0`,
		"service:ledger":       `5m (sum(up{job="ledger"}) or vector(0)) == 0`,
	}, down)
}
