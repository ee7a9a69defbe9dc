package routing

import (
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	amconfig "github.com/prometheus/alertmanager/config"
	"github.com/prometheus/alertmanager/pkg/labels"
	"github.com/prometheus/common/model"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"

	"github.com/vigilops/vigil/alerts"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

const account = "123456789012"

func topic(name string) string { return "arn:aws:sns:eu-west-1:" + account + ":" + name }

// prodConfig is a prod Alertmanager: critical and high page (their topics have
// PagerDuty and SMS subscribers), and the Watchdog pings an Opsgenie heartbeat.
func prodConfig() Config {
	return Config{
		Environment:      "prod",
		PagingSeverities: []alerts.Severity{alerts.Critical, alerts.High},
		Targets: map[alerts.Severity]Target{
			alerts.Critical: {TopicARN: topic("reservations-prod-critical"), Pages: true},
			alerts.High:     {TopicARN: topic("reservations-prod-high"), Pages: true},
			alerts.Medium:   {TopicARN: topic("reservations-prod-medium")},
			alerts.Low:      {TopicARN: topic("reservations-prod-low")},
		},
		Watchdog: Watchdog{Heartbeat: &Webhook{
			URL:             "https://api.opsgenie.com/v2/heartbeats/reservations-prod/ping",
			CredentialsFile: "/run/secrets/opsgenie-heartbeat-key",
			AuthScheme:      "GenieKey",
		}},
	}
}

// devConfig is a dev Alertmanager: nothing pages, the Watchdog notifies nobody, and
// alerts are repeated less often.
func devConfig() Config {
	return Config{
		Environment: "dev",
		Targets: map[alerts.Severity]Target{
			alerts.Critical: {TopicARN: topic("reservations-dev-critical")},
			alerts.High:     {TopicARN: topic("reservations-dev-high")},
			alerts.Medium:   {TopicARN: topic("reservations-dev-medium")},
			alerts.Low:      {TopicARN: topic("reservations-dev-low")},
		},
		RepeatInterval:         12 * time.Hour,
		CriticalRepeatInterval: 4 * time.Hour,
	}
}

// prodWithWebhook sends medium alerts of prod to a chat relay instead of a topic.
func prodWithWebhook() Config {
	cfg := prodConfig()
	cfg.Targets[alerts.Medium] = Target{Webhook: &Webhook{
		URL:             "https://chat-relay.example.com/alertmanager",
		CredentialsFile: "/run/secrets/chat-relay-token",
	}}
	return cfg
}

func build(t *testing.T, cfg Config) File {
	t.Helper()
	f, err := Build(cfg)
	require.NoError(t, err)
	return f
}

// load reads a file back with the config package of Alertmanager v0.34.
func load(t *testing.T, f File) *amconfig.Config {
	t.Helper()
	loaded, err := amconfig.Load(string(f.YAML()))
	require.NoError(t, err, "Alertmanager refuses:\n%s", f.YAML())
	return loaded
}

func TestGoldenFiles(t *testing.T) {
	tests := map[string]struct {
		cfg    Config
		golden string
	}{
		"The prod configuration pages for critical and high and pings the heartbeat.": {prodConfig(), "prod.yaml"},
		"The dev configuration pages nobody and sends the Watchdog nowhere.":          {devConfig(), "dev.yaml"},
		"A severity can go to a webhook whose token is read from a file.":             {prodWithWebhook(), "prod-webhook.yaml"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got := build(t, tc.cfg).YAML()
			path := filepath.Join("testdata", tc.golden)
			if *update {
				require.NoError(t, os.WriteFile(path, got, 0o644))
			}
			want, err := os.ReadFile(path)
			require.NoError(t, err, "run `go test ./alerts/routing -update` to create it")
			assert.Equal(t, string(want), string(got), "the generated file changed: if on purpose, run with -update and read the diff")
		})
	}
}

// The YAML of a File reads back into the same File: no field is lost to a wrong tag,
// an omitempty that drops a false or zero that matters, or a template mangled by
// quoting.
func TestTheFileReadsBackIntoTheSameValue(t *testing.T) {
	for name, cfg := range map[string]Config{"prod": prodConfig(), "dev": devConfig(), "prod with a webhook": prodWithWebhook()} {
		t.Run("The "+name+" file reads back into the File it was rendered from.", func(t *testing.T) {
			f := build(t, cfg)
			var back File
			require.NoError(t, yaml.Unmarshal(f.YAML(), &back))
			assert.Equal(t, f, back)
		})
	}
}

func TestAlertmanagerReadsTheRoutingTreeItWasGiven(t *testing.T) {
	loaded := load(t, build(t, prodConfig()))
	root := loaded.Route

	assert.Equal(t, "sns-low", root.Receiver, "the low receiver is the catch-all")
	assert.Equal(t, []model.LabelName{"alertname", "service"}, root.GroupBy)
	assert.Equal(t, model.Duration(30*time.Second), *root.GroupWait)
	assert.Equal(t, model.Duration(5*time.Minute), *root.GroupInterval)
	assert.Equal(t, model.Duration(4*time.Hour), *root.RepeatInterval)

	require.Len(t, root.Routes, 5)
	watchdog := root.Routes[0]
	assert.Equal(t, "watchdog", watchdog.Receiver, "the Watchdog route comes first")
	assert.Equal(t, `{alertname="Watchdog",environment="prod"}`, labels.Matchers(watchdog.Matchers).String())
	assert.False(t, watchdog.Continue)
	assert.Equal(t, model.Duration(0), *watchdog.GroupWait)
	assert.Equal(t, model.Duration(time.Minute), *watchdog.GroupInterval)
	assert.Equal(t, model.Duration(time.Minute), *watchdog.RepeatInterval)

	for i, sev := range alerts.Severities() {
		r := root.Routes[i+1]
		assert.Equal(t, "sns-"+string(sev), r.Receiver)
		assert.Equal(t, `{environment="prod",severity="`+string(sev)+`"}`, labels.Matchers(r.Matchers).String())
		assert.False(t, r.Continue)
		if sev == alerts.Critical {
			assert.Equal(t, model.Duration(time.Hour), *r.RepeatInterval, "critical repeats every hour")
		} else {
			assert.Nil(t, r.RepeatInterval, "%s inherits the root's 4h", sev)
		}
	}
}

func TestAlertmanagerReadsEveryReceiver(t *testing.T) {
	loaded := load(t, build(t, prodWithWebhook()))
	byName := map[string]amconfig.Receiver{}
	var names []string
	for _, r := range loaded.Receivers {
		byName[r.Name] = r
		names = append(names, r.Name)
	}
	assert.Equal(t, []string{"sns-critical", "sns-high", "webhook-medium", "sns-low", "watchdog"}, names)

	for _, sev := range []alerts.Severity{alerts.Critical, alerts.High, alerts.Low} {
		r := byName["sns-"+string(sev)]
		require.Len(t, r.SNSConfigs, 1, sev)
		sns := r.SNSConfigs[0]
		assert.Equal(t, topic("reservations-prod-"+string(sev)), sns.TopicARN)
		assert.Equal(t, "eu-west-1", sns.Sigv4.Region, "signed in the topic's region")
		assert.Empty(t, sns.Sigv4.AccessKey, "credentials come from the task role")
		assert.Empty(t, string(sns.Sigv4.SecretKey))
		assert.Empty(t, sns.Sigv4.RoleARN)
		assert.True(t, sns.SendResolved(), "recovery notices are sent")
		// What the templates render is TestEverySNSReceiverAsLoadedRendersTheNotification's.
		assert.Empty(t, r.WebhookConfigs)
	}

	medium := byName["webhook-medium"]
	require.Len(t, medium.WebhookConfigs, 1)
	assert.Empty(t, medium.SNSConfigs)
	wh := medium.WebhookConfigs[0]
	assert.True(t, wh.SendResolved())
	assert.Equal(t, "https://chat-relay.example.com/alertmanager", string(wh.URL))
	require.NotNil(t, wh.HTTPConfig.Authorization)
	assert.Equal(t, "Bearer", wh.HTTPConfig.Authorization.Type, "the default scheme")
	assert.Equal(t, "/run/secrets/chat-relay-token", wh.HTTPConfig.Authorization.CredentialsFile)
	assert.Empty(t, string(wh.HTTPConfig.Authorization.Credentials), "the token stays in its file")

	watchdog := byName["watchdog"]
	require.Len(t, watchdog.WebhookConfigs, 1)
	hb := watchdog.WebhookConfigs[0]
	assert.False(t, hb.SendResolved(), "a resolved Watchdog means Prometheus stopped: it must not count as a ping")
	assert.Equal(t, "GenieKey", hb.HTTPConfig.Authorization.Type)
	assert.Equal(t, "/run/secrets/opsgenie-heartbeat-key", hb.HTTPConfig.Authorization.CredentialsFile)
}

func TestWithoutAHeartbeatTheWatchdogGoesToAReceiverThatNotifiesNobody(t *testing.T) {
	loaded := load(t, build(t, devConfig()))
	var watchdog *amconfig.Receiver
	for i := range loaded.Receivers {
		if loaded.Receivers[i].Name == WatchdogReceiver {
			watchdog = &loaded.Receivers[i]
		}
	}
	require.NotNil(t, watchdog)
	assert.Equal(t, amconfig.Receiver{Name: "watchdog", Labels: map[string]string{"name": "watchdog"}}, *watchdog, "no integration at all")
	assert.Equal(t, model.Duration(4*time.Hour), *loaded.Route.Routes[1].RepeatInterval, "dev's critical repeat interval")
	assert.Equal(t, model.Duration(12*time.Hour), *loaded.Route.RepeatInterval)
}
