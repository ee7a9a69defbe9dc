// Package config is the notifier's configuration: which channel gets which
// severities, in what format, and where its webhook URL is kept. It travels in the
// function's environment as JSON (VIGIL_NOTIFIER_CONFIG) and holds no secret: a
// channel names the Secrets Manager secret that holds its URL, which the function
// reads at cold start. The Pulumi component writes it with Marshal; the function
// reads it with Parse, which reports every problem at once. Pure Go.
package config

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/vigilops/vigil/notifier/format"
	"github.com/vigilops/vigil/notifier/message"
	"github.com/vigilops/vigil/validate"
)

// EnvVar is the environment variable that holds the configuration's JSON.
const EnvVar = "VIGIL_NOTIFIER_CONFIG"

// Config is the whole configuration of one stack's notifier.
type Config struct {
	// Environment names the stack's environment (dev, prod). Shown on messages that
	// do not name one. Required.
	Environment string `json:"environment"`
	// Channels are where notifications go. At least one, at most 20.
	Channels []Channel `json:"channels"`
	// AlertmanagerURL and GrafanaURL are linked from Prometheus alerts; https.
	// Default to no links.
	AlertmanagerURL string `json:"alertmanagerUrl,omitempty"`
	GrafanaURL      string `json:"grafanaUrl,omitempty"`
	// TimeZone shows times, an IANA name such as Europe/Paris. Defaults to UTC.
	TimeZone string `json:"timeZone,omitempty"`
	// Summary configures the daily summary. Defaults to none.
	Summary *Summary `json:"summary,omitempty"`
}

// Channel is one chat space or endpoint.
type Channel struct {
	// Name identifies the channel in logs and errors, 1 to 64 letters, digits, '-'
	// or '_'; unique. Required.
	Name string `json:"name"`
	// Target is googlechat, slack, teams or webhook. Required.
	Target format.Target `json:"target"`
	// Severities are those the channel receives, recoveries included. Messages
	// whose severity is unknown go to every channel. At least one.
	Severities []message.Severity `json:"severities"`
	// SecretID is the ARN or name of the Secrets Manager secret that holds the
	// webhook URL: the whole secret string, or the SecretKey field of a JSON secret.
	// Required.
	SecretID string `json:"secretId"`
	// SecretKey picks a field of a JSON secret. Defaults to the whole string.
	SecretKey string `json:"secretKey,omitempty"`
	// DailySummary sends the daily summary to this channel. Defaults to true for
	// googlechat, slack and teams, false for webhook.
	DailySummary *bool `json:"dailySummary,omitempty"`
}

// Summary configures the daily summary.
type Summary struct {
	// AlarmNamePrefix selects the stack's alarms, such as reservations-prod-.
	// Required, 1 to 255 characters.
	AlarmNamePrefix string `json:"alarmNamePrefix"`
	// UptimeAlarms maps a service to the alarm whose time in ALARM is its downtime
	// (a health check's). Defaults to none: no uptime section.
	UptimeAlarms map[string]string `json:"uptimeAlarms,omitempty"`
}

// ReceivesSummary reports whether the channel gets the daily summary.
func (c Channel) ReceivesSummary() bool {
	if c.DailySummary != nil {
		return *c.DailySummary
	}
	return c.Target != format.Webhook
}

// Receives reports whether the channel gets messages of severity s. An unknown
// severity (a topic vigil did not name) goes everywhere rather than nowhere.
func (c Channel) Receives(s message.Severity) bool {
	if !s.Valid() {
		return true
	}
	for _, want := range c.Severities {
		if want == s {
			return true
		}
	}
	return false
}

// Location is the configured time zone.
func (c Config) Location() *time.Location {
	loc, err := time.LoadLocation(c.TimeZone)
	if err != nil || c.TimeZone == "" {
		return time.UTC
	}
	return loc
}

// Marshal writes c as the JSON that Parse reads.
func Marshal(c Config) ([]byte, error) { return json.Marshal(c) }

var (
	channelNameRe = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)
	secretARNRe   = regexp.MustCompile(`^arn:aws(-cn|-us-gov)?:secretsmanager:[a-z0-9-]+:[0-9]{12}:secret:[A-Za-z0-9/_+=.@-]+$`)
	secretNameRe  = regexp.MustCompile(`^[A-Za-z0-9/_+=.@-]{1,512}$`)
)

// Parse reads and checks the JSON configuration.
func Parse(data []byte) (Config, error) {
	var c Config
	var ps validate.Problems
	d := json.NewDecoder(bytes.NewReader(data))
	d.DisallowUnknownFields()
	if err := d.Decode(&c); err != nil {
		ps.Addf(EnvVar, "it is written by the notifier component; check the JSON", "is not a notifier configuration: %v", err)
		return Config{}, ps.Err("notifier configuration")
	}
	c.check(&ps)
	if err := ps.Err("notifier configuration"); err != nil {
		return Config{}, err
	}
	return c, nil
}

func (c Config) check(ps *validate.Problems) {
	validate.Required(ps, "environment", c.Environment, "for example prod")
	switch {
	case len(c.Channels) == 0:
		ps.Add("channels", "needs at least one channel", "add a googlechat, slack, teams or webhook channel")
	case len(c.Channels) > 20:
		ps.Addf("channels", "one function serves at most 20 channels", "has %d channels", len(c.Channels))
	}
	seen := map[string]bool{}
	for i, ch := range c.Channels {
		path := fmt.Sprintf("channels[%d]", i)
		if !channelNameRe.MatchString(ch.Name) {
			ps.Addf(path+".name", "1 to 64 letters, digits, - or _", "must be a channel name, got %q", ch.Name)
		} else if seen[ch.Name] {
			ps.Addf(path+".name", "give each channel its own name", "repeats the channel name %q", ch.Name)
		}
		seen[ch.Name] = true
		if _, err := format.ParseTarget(path+".target", string(ch.Target)); err != nil {
			ps.Addf(path+".target", validate.UnknownHint(string(ch.Target), targetNames()), "is not a target, got %q", ch.Target)
		}
		if len(ch.Severities) == 0 {
			ps.Add(path+".severities", "needs at least one severity", "for example [critical, high]")
		}
		for j, s := range ch.Severities {
			if !s.Valid() {
				ps.Addf(fmt.Sprintf("%s.severities[%d]", path, j), validate.UnknownHint(string(s), severityNames()), "is not a severity, got %q", s)
			}
		}
		switch {
		case ch.SecretID == "":
			ps.Add(path+".secretId", "is required", "the ARN or name of the Secrets Manager secret holding the webhook URL")
		case strings.Contains(ch.SecretID, "://"):
			// Never echo it: this is likely the URL itself, a secret.
			ps.Add(path+".secretId", "looks like a URL, not a secret's name", "webhook URLs are secrets: store the URL in Secrets Manager and give the secret's ARN here")
		case strings.HasPrefix(ch.SecretID, "arn:") && !secretARNRe.MatchString(ch.SecretID):
			ps.Add(path+".secretId", "is not a Secrets Manager secret ARN", "for example arn:aws:secretsmanager:eu-west-1:123456789012:secret:vigil-prod-chat-AbCdEf")
		case !strings.HasPrefix(ch.SecretID, "arn:") && !secretNameRe.MatchString(ch.SecretID):
			ps.Add(path+".secretId", "is not a Secrets Manager secret name", "letters, digits and /_+=.@- up to 512 characters")
		}
	}
	for _, u := range []struct{ path, value string }{{"alertmanagerUrl", c.AlertmanagerURL}, {"grafanaUrl", c.GrafanaURL}} {
		if u.value == "" {
			continue
		}
		p, err := url.Parse(u.value)
		if err != nil || p.Scheme != "https" || p.Host == "" {
			ps.Addf(u.path, "links in chat must be https", "must be an https URL, got %q", u.value)
		}
	}
	if c.TimeZone != "" {
		if _, err := time.LoadLocation(c.TimeZone); err != nil {
			ps.Addf("timeZone", "an IANA name such as Europe/Paris or UTC", "is not a time zone, got %q", c.TimeZone)
		}
	}
	if s := c.Summary; s != nil {
		if len(s.AlarmNamePrefix) == 0 || len(s.AlarmNamePrefix) > 255 {
			ps.Addf("summary.alarmNamePrefix", "the prefix every alarm of the stack starts with, such as reservations-prod-", "must be 1 to 255 characters, got %d", len(s.AlarmNamePrefix))
		}
		for service, alarm := range s.UptimeAlarms {
			if alarm == "" {
				ps.Addf("summary.uptimeAlarms."+service, "the name of the health-check alarm of "+service, "must name an alarm")
			}
		}
	}
}

func targetNames() []string {
	var out []string
	for _, t := range format.Targets() {
		out = append(out, string(t))
	}
	return out
}

func severityNames() []string {
	var out []string
	for _, s := range message.Severities() {
		out = append(out, string(s))
	}
	return out
}
