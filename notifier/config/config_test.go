package config_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vigilops/vigil/notifier/config"
	"github.com/vigilops/vigil/notifier/format"
	"github.com/vigilops/vigil/notifier/message"
)

const prod = `{
  "environment": "prod",
  "channels": [
    {"name": "ops-chat", "target": "googlechat", "severities": ["critical", "high", "medium"],
     "secretId": "arn:aws:secretsmanager:eu-west-1:123456789012:secret:vigil-prod-ops-chat-AbCdEf"},
    {"name": "audit", "target": "webhook", "severities": ["critical", "high", "medium", "low"],
     "secretId": "vigil-prod/webhooks", "secretKey": "audit"}
  ],
  "alertmanagerUrl": "https://alertmanager.example.com",
  "timeZone": "Europe/Paris",
  "summary": {"alarmNamePrefix": "reservations-prod-", "uptimeAlarms": {"api": "reservations-prod-api-health"}}
}`

func TestAConfigurationIsReadWithItsRouting(t *testing.T) {
	c, err := config.Parse([]byte(prod))
	require.NoError(t, err)
	assert.Equal(t, "prod", c.Environment)
	require.Len(t, c.Channels, 2)
	chat, audit := c.Channels[0], c.Channels[1]
	assert.Equal(t, format.GoogleChat, chat.Target)
	assert.True(t, chat.Receives(message.Critical))
	assert.True(t, chat.Receives(message.Medium))
	assert.False(t, chat.Receives(message.Low), "prod: low goes to e-mail, not to chat")
	assert.True(t, chat.Receives(""), "an unknown severity goes everywhere")
	assert.True(t, chat.ReceivesSummary(), "chat channels get the summary by default")
	assert.False(t, audit.ReceivesSummary(), "webhooks do not, by default")
	assert.Equal(t, "Europe/Paris", c.Location().String())

	again, err := config.Marshal(c)
	require.NoError(t, err)
	back, err := config.Parse(again)
	require.NoError(t, err)
	assert.Equal(t, c, back, "Marshal writes what Parse reads")
}

func TestDailySummaryCanBeTurnedOnAndOffPerChannel(t *testing.T) {
	on, off := true, false
	assert.True(t, config.Channel{Target: format.Webhook, DailySummary: &on}.ReceivesSummary())
	assert.False(t, config.Channel{Target: format.Slack, DailySummary: &off}.ReceivesSummary())
	assert.True(t, config.Channel{Target: format.Teams}.ReceivesSummary())
}

func TestNoTimeZoneIsUTC(t *testing.T) {
	assert.Equal(t, "UTC", config.Config{}.Location().String())
}

func TestEveryProblemOfAConfigurationIsReportedAtOnce(t *testing.T) {
	bad := `{
	  "environment": "",
	  "channels": [
	    {"name": "ops chat", "target": "googlechta", "severities": ["critical", "page"], "secretId": "https://chat.googleapis.com/v1/spaces/AAA/messages?key=KEY&token=TOKEN"},
	    {"name": "x", "target": "slack", "severities": [], "secretId": "arn:aws:secretsmanager:eu-west-1:123:secret:x"},
	    {"name": "x", "target": "teams", "severities": ["low"], "secretId": ""}
	  ],
	  "alertmanagerUrl": "http://am.example.com",
	  "timeZone": "Mars/Olympus",
	  "summary": {"alarmNamePrefix": "", "uptimeAlarms": {"api": ""}}
	}`
	_, err := config.Parse([]byte(bad))
	require.Error(t, err)
	msg := err.Error()
	for _, want := range []string{
		"environment: is required",
		`channels[0].name: must be a channel name, got "ops chat"`,
		`channels[0].target: is not a target, got "googlechta"`, "did you mean googlechat?",
		`channels[0].severities[1]: is not a severity, got "page"`,
		"channels[0].secretId: looks like a URL, not a secret's name",
		"channels[1].severities: needs at least one severity",
		"channels[1].secretId: is not a Secrets Manager secret ARN",
		`channels[2].name: repeats the channel name "x"`,
		"channels[2].secretId: is required",
		`alertmanagerUrl: must be an https URL, got "http://am.example.com"`,
		`timeZone: is not a time zone, got "Mars/Olympus"`,
		"summary.alarmNamePrefix: must be 1 to 255 characters, got 0",
		"summary.uptimeAlarms.api: must name an alarm",
		"(13 problems)",
	} {
		assert.Contains(t, msg, want)
	}
	assert.NotContains(t, msg, "TOKEN", "a URL given as secretId is never echoed")
	assert.NotContains(t, msg, "KEY")
}

func TestTheChannelCountIsBounded(t *testing.T) {
	channels := func(n int) string {
		var cs []string
		for i := 0; i < n; i++ {
			cs = append(cs, `{"name":"c`+strings.Repeat("x", i)+`","target":"slack","severities":["low"],"secretId":"s"}`)
		}
		return `{"environment":"dev","channels":[` + strings.Join(cs, ",") + `]}`
	}
	tests := map[string]struct {
		n    int
		want string
	}{
		"No channel is refused.":    {0, "channels: needs at least one channel"},
		"One channel is fine.":      {1, ""},
		"Twenty channels are fine.": {20, ""},
		"Twenty-one are too many.":  {21, "channels: has 21 channels"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			_, err := config.Parse([]byte(channels(tt.n)))
			if tt.want == "" {
				require.NoError(t, err)
				return
			}
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}

func TestUnknownFieldsAndBrokenJSONAreRefused(t *testing.T) {
	for name, in := range map[string]string{
		"An unknown field (a URL where it does not belong).": `{"environment":"dev","webhookUrl":"https://x","channels":[]}`,
		"Not JSON.": `environment: dev`,
		"Empty.":    ``,
	} {
		t.Run(name, func(t *testing.T) {
			_, err := config.Parse([]byte(in))
			require.Error(t, err)
			assert.Contains(t, err.Error(), "VIGIL_NOTIFIER_CONFIG: is not a notifier configuration")
		})
	}
}

func TestSecretNamesAndARNsAreAccepted(t *testing.T) {
	for _, id := range []string{
		"vigil/prod/chat",
		"arn:aws:secretsmanager:eu-west-1:123456789012:secret:vigil/prod/chat-AbCdEf",
		"arn:aws-cn:secretsmanager:cn-north-1:123456789012:secret:x",
		strings.Repeat("a", 512),
	} {
		_, err := config.Parse([]byte(`{"environment":"dev","channels":[{"name":"c","target":"slack","severities":["low"],"secretId":"` + id + `"}]}`))
		assert.NoError(t, err, id)
	}
	_, err := config.Parse([]byte(`{"environment":"dev","channels":[{"name":"c","target":"slack","severities":["low"],"secretId":"` + strings.Repeat("a", 513) + `"}]}`))
	assert.Error(t, err, "513 characters is one too many")
}

func TestNamesAndPrefixesAreCheckedAtBothEndsOfTheirRange(t *testing.T) {
	cfg := func(name, prefix string) string {
		return `{"environment":"dev","channels":[{"name":"` + name + `","target":"slack","severities":["low"],"secretId":"s"}],` +
			`"summary":{"alarmNamePrefix":"` + prefix + `"}}`
	}
	tests := map[string]struct {
		name, prefix, want string
	}{
		"A one-character name and prefix.":   {"a", "p", ""},
		"A 64-character name.":               {strings.Repeat("n", 64), "p", ""},
		"A 65-character name is refused.":    {strings.Repeat("n", 65), "p", "channels[0].name: must be a channel name"},
		"A 255-character prefix.":            {"a", strings.Repeat("p", 255), ""},
		"A 256-character prefix is refused.": {"a", strings.Repeat("p", 256), "summary.alarmNamePrefix: must be 1 to 255 characters, got 256"},
		"An empty name is refused.":          {"", "p", `channels[0].name: must be a channel name, got ""`},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			_, err := config.Parse([]byte(cfg(tt.name, tt.prefix)))
			if tt.want == "" {
				require.NoError(t, err)
				return
			}
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}
