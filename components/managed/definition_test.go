package managed

import (
	"strings"
	"testing"

	amconfig "github.com/prometheus/alertmanager/config"
	"github.com/prometheus/alertmanager/dispatch"
	"github.com/prometheus/common/model"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vigilops/vigil/alerts"
	"github.com/vigilops/vigil/alerts/routing"
	"github.com/vigilops/vigil/validate"
)

// receiversOf lists the receivers an alert with these labels is routed to.
func receiversOf(c *amconfig.Config, ls model.LabelSet) []string {
	var out []string
	for _, r := range dispatch.NewRoute(c.Route, nil).Match(ls) {
		out = append(out, r.RouteOpts.Receiver)
	}
	return out
}

func TestTheDefinitionWrapsTheFileUnchangedAndRoutesEveryAlertTheSame(t *testing.T) {
	in := alertmanagerYAML(t, routingConfig())
	def, topics, err := Definition(DefinitionArgs{
		Alertmanager: in, AccountID: account, Region: region,
		Templates: map[string][]byte{"default_template": []byte("{{ define \"sns.vigil.title\" }}[{{ .Status }}]{{ end }}\n")},
	})
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(string(def), "template_files:\n"), "template_files come first:\n%s", def)
	assert.Contains(t, string(def), "\nalertmanager_config: |", "AMP wants the file as a literal block")

	back, err := ParseDefinition(def)
	require.NoError(t, err)
	assert.Equal(t, string(in), back.AlertmanagerConfig, "the file is carried byte for byte")
	assert.Equal(t, map[string]string{"default_template": "{{ define \"sns.vigil.title\" }}[{{ .Status }}]{{ end }}\n"}, back.TemplateFiles)

	want, err := amconfig.Load(string(in))
	require.NoError(t, err)
	got, err := amconfig.Load(back.AlertmanagerConfig)
	require.NoError(t, err, "Alertmanager's own loader reads what AMP gets")
	for _, ls := range []model.LabelSet{
		{"alertname": "Watchdog", "environment": "prod", "severity": "low"},
		{"alertname": "ServiceDown", "environment": "prod", "severity": "critical", "service": "api"},
		{"alertname": "HighLatency", "environment": "prod", "severity": "high"},
		{"alertname": "DiskFilling", "environment": "prod", "severity": "medium"},
		{"alertname": "CertExpiry", "environment": "prod", "severity": "low"},
		{"alertname": "ServiceDown", "environment": "dev", "severity": "critical"},
		{"alertname": "NoEnvironment", "severity": "critical"},
	} {
		assert.Equal(t, receiversOf(want, ls), receiversOf(got, ls), "%v", ls)
	}
	// And the routes are the ones routing meant, so the comparison above is not of
	// two empty lists.
	assert.Equal(t, []string{"sns-critical"}, receiversOf(got, model.LabelSet{"environment": "prod", "severity": "critical"}))
	assert.Equal(t, []string{"watchdog"}, receiversOf(got, model.LabelSet{"alertname": "Watchdog", "environment": "prod"}))
	assert.Equal(t, []string{"sns-low"}, receiversOf(got, model.LabelSet{"environment": "dev", "severity": "critical"}))

	var wantTopics []string
	for _, sev := range alerts.Severities() {
		wantTopics = append(wantTopics, topicARN(sev))
	}
	assert.ElementsMatch(t, wantTopics, topics, "the topics the file publishes to")
}

func TestWithoutTemplatesTheDefinitionIsTheFileAlone(t *testing.T) {
	in := alertmanagerYAML(t, routingConfig())
	def, _, err := Definition(DefinitionArgs{Alertmanager: in, AccountID: account, Region: region})
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(string(def), "alertmanager_config: |"), "%s", def[:40])
	assert.NotContains(t, string(def), "template_files")
}

func TestAHeartbeatWebhookIsRefusedWithItsReceiversName(t *testing.T) {
	c := routingConfig()
	c.Watchdog.Heartbeat = &routing.Webhook{URL: "https://api.opsgenie.com/v2/heartbeats/vigil-prod/ping", CredentialsFile: "/run/secrets/key", AuthScheme: "GenieKey"}
	c.Targets[alerts.Medium] = routing.Target{Webhook: &routing.Webhook{URL: "https://chat.example.com/hooks/vigil", CredentialsFile: "/run/secrets/chat"}}
	_, _, err := Definition(DefinitionArgs{Alertmanager: alertmanagerYAML(t, c), AccountID: account, Region: region})
	require.Error(t, err)
	var verr *validate.Error
	require.ErrorAs(t, err, &verr)
	assert.Equal(t, []string{
		"Alertmanager.receivers[2] (webhook-medium).webhook_configs",
		"Alertmanager.receivers[4] (watchdog).webhook_configs",
	}, paths(verr))
	assert.Contains(t, err.Error(), `receiver "watchdog" uses webhook_configs, which Amazon Managed Service for Prometheus does not support`)
	assert.Contains(t, err.Error(), `receiver "webhook-medium" uses webhook_configs`)
	assert.Contains(t, err.Error(), "hint: AMP delivers to SNS topics only")
}

func paths(e *validate.Error) []string {
	var out []string
	for _, p := range e.Problems {
		out = append(out, p.Path)
	}
	return out
}

// every is a file with every part AMP refuses, once each.
const every = `global:
  resolve_timeout: 5m
  http_config:
    follow_redirects: false
route:
  receiver: sns
  repeat_interval: 121h
  routes:
    - receiver: sns
      repeat_interval: 120h
      routes:
        - receiver: sns
          repeat_interval: 6d
templates:
  - /etc/alertmanager/*.tmpl
receivers:
  - name: sns
    sns_configs:
      - topic_arn: arn:aws:sns:eu-west-1:123456789012:ok
        sigv4:
          region: eu-west-1
      - topic_arn: arn:aws:sns:eu-west-1:123456789012:with-api-url
        api_url: https://sns.eu-west-1.amazonaws.com
        http_config:
          proxy_url: http://proxy.example.com:3128
        sigv4:
          region: eu-west-1
      - topic_arn: arn:aws:sns:eu-west-1:123456789012:no-sigv4
      - topic_arn: arn:aws:sns:eu-west-1:123456789012:no-region
        sigv4:
          role_arn: arn:aws:iam::123456789012:role/other
      - topic_arn: arn:aws:sns:eu-west-1:123456789012:keys
        sigv4:
          region: eu-west-1
          access_key: AKIAXXXXXXXXXXXXXXXX
          secret_key: SECRETSECRETSECRETSECRETSECRET
      - topic_arn: arn:aws:sns:eu-west-1:210987654321:other-account
        sigv4:
          region: eu-west-1
      - topic_arn: arn:aws:sns:us-east-1:123456789012:other-region
        sigv4:
          region: eu-west-1
      - phone_number: "+14155550100"
        sigv4:
          region: eu-west-1
      - target_arn: arn:aws:sns:eu-west-1:123456789012:endpoint/GCM/app/0123
        sigv4:
          region: eu-west-1
  - name: chat
    slack_configs:
      - api_url: https://hooks.slack.com/services/T000/B000/XXXX
        channel: "#alerts"
    email_configs:
      - to: oncall@example.com
        from: am@example.com
        smarthost: smtp.example.com:587
`

func TestEveryUnsupportedPartIsListedAtOnceWithWhereItIs(t *testing.T) {
	_, _, err := Definition(DefinitionArgs{Alertmanager: []byte(every), AccountID: account, Region: region})
	require.Error(t, err)
	var verr *validate.Error
	require.ErrorAs(t, err, &verr)
	assert.Equal(t, []string{
		"Alertmanager.global.http_config",
		"Alertmanager.receivers[0] (sns).sns_configs[1].api_url",
		"Alertmanager.receivers[0] (sns).sns_configs[1].http_config",
		"Alertmanager.receivers[0] (sns).sns_configs[2].sigv4",
		"Alertmanager.receivers[0] (sns).sns_configs[3].sigv4.region",
		"Alertmanager.receivers[0] (sns).sns_configs[3].sigv4.role_arn",
		"Alertmanager.receivers[0] (sns).sns_configs[4].sigv4.access_key",
		"Alertmanager.receivers[0] (sns).sns_configs[4].sigv4.secret_key",
		"Alertmanager.receivers[0] (sns).sns_configs[5].topic_arn",
		"Alertmanager.receivers[0] (sns).sns_configs[6].sigv4.region",
		"Alertmanager.receivers[0] (sns).sns_configs[6].topic_arn",
		"Alertmanager.receivers[0] (sns).sns_configs[7].phone_number",
		"Alertmanager.receivers[0] (sns).sns_configs[8].target_arn",
		"Alertmanager.receivers[1] (chat).email_configs",
		"Alertmanager.receivers[1] (chat).slack_configs",
		"Alertmanager.route.repeat_interval",
		"Alertmanager.route.routes[0].routes[0].repeat_interval",
		"Alertmanager.templates[0]",
	}, paths(verr), "120h (5d) is allowed; 121h and 6d are not")
	msg := err.Error()
	assert.Contains(t, msg, "is a topic of account 210987654321, not of the workspace's account 123456789012")
	assert.Contains(t, msg, "is a topic of region us-east-1, not of the workspace's region eu-west-1")
	assert.Contains(t, msg, "sigv4.region: is eu-west-1, but the topic is in us-east-1")
	assert.NotContains(t, msg, "SECRETSECRET", "a key in the file is never repeated")
	assert.NotContains(t, msg, "AKIAXXXX")
}

func TestTheRepeatIntervalMayBeFiveDaysAndNoMore(t *testing.T) {
	for interval, ok := range map[string]bool{"5d": true, "120h": true, "4d23h59m": true, "120h1m": false, "5d1s": false} {
		t.Run(interval, func(t *testing.T) {
			c := routingConfig()
			yml := strings.Replace(string(alertmanagerYAML(t, c)), "repeat_interval: 4h", "repeat_interval: "+interval, 1)
			require.Contains(t, yml, "repeat_interval: "+interval)
			_, _, err := Definition(DefinitionArgs{Alertmanager: []byte(yml), AccountID: account, Region: region})
			if ok {
				assert.NoError(t, err)
			} else {
				require.Error(t, err)
				assert.Contains(t, err.Error(), "Alertmanager.route.repeat_interval: is "+interval+", longer than the 5d")
			}
		})
	}
}

func TestAFileAlertmanagerRefusesIsRefusedWithAlertmanagersWords(t *testing.T) {
	_, _, err := Definition(DefinitionArgs{Alertmanager: []byte("route:\n  receiver: nobody\nreceivers:\n  - name: sns\n"), AccountID: account, Region: region})
	require.Error(t, err)
	assert.Contains(t, err.Error(), `Alertmanager: Alertmanager refuses the file: undefined receiver "nobody"`)

	_, _, err = Definition(DefinitionArgs{AccountID: account, Region: region})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "Alertmanager: is required")
}

func TestTemplatesTheFileNamesMustBeGiven(t *testing.T) {
	yml := strings.Replace(string(alertmanagerYAML(t, routingConfig())), "receivers:", "templates:\n  - default_template\nreceivers:", 1)
	_, _, err := Definition(DefinitionArgs{Alertmanager: []byte(yml), AccountID: account, Region: region})
	require.Error(t, err)
	assert.Contains(t, err.Error(), `Alertmanager.templates[0]: names "default_template", which is not one of the template files given`)

	_, _, err = Definition(DefinitionArgs{Alertmanager: []byte(yml), AccountID: account, Region: region,
		Templates: map[string][]byte{"default_template": []byte(`{{ define "x" }}x{{ end }}`)}})
	assert.NoError(t, err)
}
