package routing

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vigilops/vigil/alerts"
	"github.com/vigilops/vigil/validate"
)

// problems builds cfg and returns its problems as "path: message" lines.
func problems(t *testing.T, cfg Config) []string {
	t.Helper()
	f, err := Build(cfg)
	var invalid *validate.Error
	require.ErrorAs(t, err, &invalid)
	assert.Equal(t, File{}, f, "an invalid config gives no file")
	var out []string
	for _, p := range invalid.Problems {
		out = append(out, p.Path+": "+p.Message)
	}
	return out
}

func TestBadInputsAreRefusedWithEveryProblemNamed(t *testing.T) {
	tests := map[string]struct {
		change func(*Config)
		want   []string
	}{
		"A severity without a topic ARN or a webhook is refused.": {
			change: func(c *Config) { c.Targets[alerts.High] = Target{Pages: true} },
			want:   []string{"Targets.high: has no destination"},
		},
		"A severity missing from Targets is refused.": {
			change: func(c *Config) { delete(c.Targets, alerts.Medium) },
			want:   []string{"Targets.medium: is required"},
		},
		"A malformed topic ARN is refused.": {
			change: func(c *Config) {
				c.Targets[alerts.Low] = Target{TopicARN: "arn:aws:sns:eu-west-1:1234:reservations-prod-low"}
			},
			want: []string{`Targets.low.TopicARN: must be an SNS topic ARN, got "arn:aws:sns:eu-west-1:1234:reservations-prod-low"`},
		},
		"An SQS queue ARN is not a topic ARN.": {
			change: func(c *Config) { c.Targets[alerts.Low] = Target{TopicARN: "arn:aws:sqs:eu-west-1:123456789012:events"} },
			want:   []string{`Targets.low.TopicARN: must be an SNS topic ARN, got "arn:aws:sqs:eu-west-1:123456789012:events"`},
		},
		"A severity with both a topic and a webhook is refused.": {
			change: func(c *Config) {
				c.Targets[alerts.Medium] = Target{TopicARN: topic("x"), Webhook: &Webhook{URL: "https://chat.example.com/hook", CredentialsFile: "/run/secrets/t"}}
			},
			want: []string{"Targets.medium: has both a TopicARN and a Webhook"},
		},
		"A plain-http webhook is refused.": {
			change: func(c *Config) { c.Watchdog.Heartbeat.URL = "http://heartbeat.example.com/ping" },
			want:   []string{`Watchdog.Heartbeat.URL: must be https, got scheme "http" (host heartbeat.example.com)`},
		},
		"A webhook without the file of its token, or with a relative one, is refused.": {
			change: func(c *Config) {
				c.Watchdog.Heartbeat.CredentialsFile = ""
				c.Targets[alerts.Medium] = Target{Webhook: &Webhook{URL: "https://chat.example.com/hook", CredentialsFile: "secrets/token"}}
			},
			want: []string{
				`Targets.medium.Webhook.CredentialsFile: must be an absolute path, got "secrets/token"`,
				"Watchdog.Heartbeat.CredentialsFile: is required",
			},
		},
		"A Basic authorization scheme is refused, as Alertmanager would.": {
			change: func(c *Config) { c.Watchdog.Heartbeat.AuthScheme = "basic" },
			want:   []string{"Watchdog.Heartbeat.AuthScheme: must not be Basic, which Alertmanager refuses in an Authorization setting"},
		},
		"An unknown severity is refused, in Targets and in PagingSeverities.": {
			change: func(c *Config) {
				c.Targets["critcal"] = Target{TopicARN: topic("x")}
				c.PagingSeverities = append(c.PagingSeverities, "urgent")
			},
			want: []string{
				`PagingSeverities[2]: unknown severity "urgent"`,
				`Targets.critcal: unknown severity "critcal": alerts carry only critical, high, medium and low`,
			},
		},
		"A severity listed twice as paging is refused.": {
			change: func(c *Config) { c.PagingSeverities = append(c.PagingSeverities, alerts.Critical) },
			want:   []string{`PagingSeverities[2]: severity "critical" is listed twice`},
		},
		"In prod, a medium alert may not go to a paging target.": {
			change: func(c *Config) { t := c.Targets[alerts.Medium]; t.Pages = true; c.Targets[alerts.Medium] = t },
			want:   []string{"Targets.medium.Pages: medium alerts may not page, but their target pages"},
		},
		"Low may not page even when listed as paging, because it also receives what no route takes.": {
			change: func(c *Config) {
				c.PagingSeverities = append(c.PagingSeverities, alerts.Low)
				t := c.Targets[alerts.Low]
				t.Pages = true
				c.Targets[alerts.Low] = t
			},
			want: []string{"Targets.low.Pages: must be false: alerts of other environments and alerts without an environment label go to the low receiver too"},
		},
		"A topic shared by two severities pages for both or for neither.": {
			change: func(c *Config) { c.Targets[alerts.Medium] = Target{TopicARN: c.Targets[alerts.High].TopicARN} },
			want:   []string{"Targets.medium.Pages: says false, but high has the same target and says true"},
		},
		"The environment is required, as a plain name.": {
			change: func(c *Config) { c.Environment = "Prod EU" },
			want:   []string{`Environment: must be 1 to 32 lower-case letters, digits or hyphens, starting with a letter and not ending with a hyphen, got "Prod EU"`},
		},
		"Timings out of range are refused.": {
			change: func(c *Config) {
				c.GroupWait = -time.Second
				c.RepeatInterval = time.Minute
				c.Watchdog.Interval = 2 * time.Hour
			},
			want: []string{
				"GroupWait: must be between 0s and 1h0m0s, got -1s",
				"RepeatInterval: must be at least GroupInterval (5m0s), got 1m0s",
				"Watchdog.Interval: must be between 1s and 1h0m0s, got 2h0m0s",
			},
		},
		"Every problem is reported at once.": {
			change: func(c *Config) {
				c.Environment = ""
				c.Targets[alerts.Critical] = Target{TopicARN: "nope", Pages: true}
				delete(c.Targets, alerts.Low)
				c.Watchdog.Heartbeat.URL = "ftp://heartbeat.example.com/"
			},
			want: []string{
				"Environment: is required",
				`Targets.critical.TopicARN: must be an SNS topic ARN, got "nope"`,
				"Targets.low: is required",
				`Watchdog.Heartbeat.URL: must be https, got scheme "ftp" (host heartbeat.example.com)`,
			},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			cfg := prodConfig()
			tc.change(&cfg)
			assert.Equal(t, tc.want, problems(t, cfg))
		})
	}
}

func TestDevNeverPages(t *testing.T) {
	for _, sev := range alerts.Severities() {
		t.Run("A dev "+string(sev)+" alert may not go to a paging target.", func(t *testing.T) {
			cfg := devConfig()
			target := cfg.Targets[sev]
			target.Pages = true
			cfg.Targets[sev] = target
			_, err := Build(cfg)
			require.Error(t, err)
			assert.Equal(t, `invalid routing.Config of environment "dev" (1 problem):
  Targets.`+string(sev)+`.Pages: environment "dev" never pages, but the `+string(sev)+` target pages
    hint: give this severity a target that notifies without paging (e-mail, chat), or list it in PagingSeverities (prod only)`, err.Error())
		})
	}
}

func TestTheHintSuggestsTheSeverityThatWasMeant(t *testing.T) {
	cfg := prodConfig()
	cfg.Targets["critcal"] = Target{TopicARN: topic("x")}
	_, err := Build(cfg)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "hint: did you mean critical?")
}

func TestAWebhookURLThatCarriesASecretIsRefusedWithoutRepeatingIt(t *testing.T) {
	tests := map[string]struct {
		url, secret, want string
	}{
		"A token in the query string.": {
			"https://hooks.example.com/ping?token=s3cr3t0k3n", "s3cr3t0k3n",
			"must not have a query string or fragment, which usually carry a token (host hooks.example.com)",
		},
		"A password in the user info.": {
			"https://alertmanager:hunter2pass@hooks.example.com/ping", "hunter2pass",
			"must not hold user:password@ (host hooks.example.com)",
		},
		"A UUID in the path, as heartbeat services hand out.": {
			"https://hc-ping.example.com/0f8fad5b-d9cb-469f-a165-70867728950e", "0f8fad5b-d9cb-469f-a165-70867728950e",
			"has a path that looks like a secret token (host hc-ping.example.com)",
		},
		"A long token in the path, as chat webhooks hand out.": {
			"https://chat.example.com/services/T0123/B0456/2g8mXZoLyU2Y4KBT1X9eTQ6R", "2g8mXZoLyU2Y4KBT1X9eTQ6R",
			"has a path that looks like a secret token (host chat.example.com)",
		},
		"A token in a plain-http URL.": {
			"http://hooks.example.com/ping?key=s3cr3t0k3n", "s3cr3t0k3n",
			`must be https, got scheme "http" (host hooks.example.com)`,
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			for _, where := range []string{"heartbeat", "severity"} {
				cfg := prodConfig()
				path := "Watchdog.Heartbeat.URL"
				if where == "heartbeat" {
					cfg.Watchdog.Heartbeat.URL = tc.url
				} else {
					path = "Targets.medium.Webhook.URL"
					cfg.Targets[alerts.Medium] = Target{Webhook: &Webhook{URL: tc.url, CredentialsFile: "/run/secrets/chat-token"}}
				}
				_, err := Build(cfg)
				require.Error(t, err)
				assert.Contains(t, problems(t, cfg), path+": "+tc.want)
				assert.NotContains(t, err.Error(), tc.secret, "the error repeats the secret")
			}
		})
	}
}

func TestTheOutputNamesTheFileOfATokenAndNeverAToken(t *testing.T) {
	cfg := prodWithWebhook()
	out := string(build(t, cfg).YAML())
	assert.Contains(t, out, "credentials_file: /run/secrets/chat-relay-token")
	assert.Contains(t, out, "credentials_file: /run/secrets/opsgenie-heartbeat-key")
	for _, field := range []string{"credentials:", "password", "secret_key", "access_key", "bearer_token:", "?"} {
		assert.NotContains(t, out, field+" ", "the file holds no credential")
	}
	assert.NotContains(t, out, "url_file", "Alertmanager 0.25 does not know url_file")
}

func TestBuildLeavesTheCallersConfigAlone(t *testing.T) {
	cfg := prodWithWebhook()
	build(t, cfg)
	assert.Empty(t, cfg.Targets[alerts.Medium].Webhook.AuthScheme, "defaults are applied to a copy")
	assert.Zero(t, cfg.GroupWait)
}

func TestValidateReportsWhatBuildReports(t *testing.T) {
	cfg := devConfig()
	cfg.Targets[alerts.Critical] = Target{TopicARN: topic("x"), Pages: true}
	_, buildErr := Build(cfg)
	require.Error(t, buildErr)
	assert.Equal(t, buildErr.Error(), cfg.Validate().Error())
	assert.NoError(t, prodConfig().Validate(), "the prod fixture is valid")
	assert.True(t, strings.HasPrefix(buildErr.Error(), `invalid routing.Config of environment "dev"`))
}
