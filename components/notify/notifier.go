package notify

import (
	"fmt"
	"net/url"
	"regexp"
	"sort"
	"time"
	_ "time/tzdata" // time zones are checked wherever vigil runs, as the Lambda (which embeds them) will read them

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/vigilops/vigil/alerts"
	"github.com/vigilops/vigil/components/alarms"
	"github.com/vigilops/vigil/notifier/config"
	"github.com/vigilops/vigil/notifier/format"
	"github.com/vigilops/vigil/notifier/message"
	"github.com/vigilops/vigil/validate"
)

// NotifierTypeToken is the Pulumi type of the Notifier component.
const NotifierTypeToken = "vigil:notify:Notifier"

// The notifier function's settings (notifier/README.md): Go on provided.al2023, one
// executable called bootstrap, arm64. The timeout covers a delivery's four attempts
// with their backoff and a Retry-After of up to 60 seconds.
const (
	NotifierRuntime      = "provided.al2023"
	NotifierHandler      = "bootstrap"
	NotifierArchitecture = "arm64"
	NotifierTimeout      = 120 // seconds
	NotifierMemoryMiB    = 256
	// NotifierMaxRetries is how often Lambda retries an event that failed, before it
	// goes to the dead-letter queue (Lambda's maximum, 2).
	NotifierMaxRetries = 2
	// DailySummaryInput is what the schedule sends the function.
	DailySummaryInput = `{"action":"daily-summary"}`
)

// maxNotifierPrefix keeps the longest name derived from the prefix,
// <prefix>-notifier-schedule (the scheduler's IAM role), within IAM's 64 characters.
const maxNotifierPrefix = 64 - len("-notifier-schedule")

// NotifierChannel is one chat space or endpoint the function posts to.
type NotifierChannel struct {
	// Name identifies the channel in logs, secret names and resource names: 1 to 64
	// letters, digits, '-' or '_', unique. Required.
	Name string
	// Target is googlechat, slack, teams or webhook. Required.
	Target format.Target
	// Severities are those the channel receives, recoveries included; the function
	// subscribes to the topic of every severity some channel wants. At least one.
	Severities []alerts.Severity
	// WebhookURL is the channel's https webhook URL. It is a secret: the component
	// marks it secret whatever it is given, stores it in a Secrets Manager secret
	// encrypted with the topics' key, and never puts it in any other input, the
	// function's environment included. Required.
	WebhookURL pulumi.StringInput
	// DailySummary sends the daily summary to this channel. Defaults to true for
	// googlechat, slack and teams, false for webhook.
	DailySummary *bool
}

// DailySummary configures the once-a-day summary each chat channel gets: what is in
// ALARM, what fired and recovered in the last 24 hours, and uptime per service.
type DailySummary struct {
	// At is the local time of day, HH:MM on a 24-hour clock. Defaults to 09:00.
	At string
	// TimeZone is the IANA time zone of At, such as Europe/Paris. Defaults to the
	// NotifierArgs' TimeZone, then UTC.
	TimeZone string
	// AlarmNamePrefix selects the alarms summarised, 1 to 255 characters. Defaults to
	// the topics' prefix and a hyphen (vigil-prod-), the start of every alarm name
	// vigil builds.
	AlarmNamePrefix string
	// UptimeAlarms maps a service to the alarm whose time in ALARM is its downtime
	// (its health check's). Defaults to none: no uptime section.
	UptimeAlarms map[string]string
}

// NotifierCode is a built notifier package. Defaults to building the notifier from
// source (see NotifierArgs.ModuleDir).
type NotifierCode struct {
	// ZipPath is the zip holding bootstrap. Required.
	ZipPath string
	// SourceCodeHash is the base64 SHA-256 of the zip. Required.
	SourceCodeHash string
}

// NotifierArgs configures the notifier.
type NotifierArgs struct {
	// Topics are the severity topics the function subscribes to. Their key encrypts
	// the webhook secrets, the dead-letter queue, the log group and the alarm topic,
	// so the topics must have been created with Key covering
	// NotifierKeyUse(NamePrefix). Their prefix starts every physical name
	// (<prefix>-notifier, ...), at most 46 characters. Required.
	Topics *Topics
	// Environment names the environment on messages that name none (dev, prod).
	// Required.
	Environment string
	// Channels are where notifications go, 1 to 20. PagerDuty, e-mail and SMS stay
	// subscriptions of the topics (TopicsArgs.Subscribers). Required.
	Channels []NotifierChannel
	// AlarmEmails receive the alarms on the notification path itself (dead-letter
	// queue not empty, function errors and throttles, SNS deliveries failed on any
	// severity topic), through an e-mail-only topic that does not depend on the
	// function, so that a broken path is noticed. At least one.
	AlarmEmails []string
	// DailySummary configures the daily summary. Defaults to none: no schedule, and
	// the function may not read CloudWatch.
	DailySummary *DailySummary
	// AlertmanagerURL and GrafanaURL are linked from Prometheus alerts; https.
	// Default to no links.
	AlertmanagerURL, GrafanaURL string
	// TimeZone shows times in messages, an IANA name. Defaults to UTC.
	TimeZone string
	// RunbookBaseURL is where the runbooks of the notifier's own alarms live; each
	// links to RunbookBaseURL#<slug>. Defaults to no link.
	RunbookBaseURL string
	// LogRetentionDays of the function's log group, a value CloudWatch Logs accepts.
	// Zero means 30.
	LogRetentionDays int
	// Code is a built package. Defaults to building the notifier from the source in
	// ModuleDir, once per process (see BuildNotifier).
	Code *NotifierCode
	// ModuleDir is the root of the module that holds the notifier's source, for the
	// build. Defaults to the go.mod of github.com/vigilops/vigil found from the
	// working directory upwards, else that module as the go command resolves it (a
	// team's program that requires it).
	ModuleDir string
	// USEast1 are the severity topics of us-east-1, for a stack of another region:
	// Route 53's uptime alarms live there and notify those topics (components/alarms),
	// so the function subscribes to them too (SNS delivers to a function of another
	// region, but not from us-east-1 into an opt-in region such as eu-south-1, which is
	// refused), and their failed deliveries are alarmed on in us-east-1, to an e-mail
	// topic there. Defaults to none.
	USEast1 *RegionalTopics
	// Tags are set on every resource that takes tags. Defaults to none.
	Tags map[string]string
}

// RegionalTopics are severity topics of another region and the provider they were
// created with.
type RegionalTopics struct {
	// Topics are what NewTopics returned for that region. Required.
	Topics *Topics
	// Provider is the provider of that region. Required.
	Provider pulumi.ProviderResource
}

// optInRegions are the regions that SNS in us-east-1 cannot deliver to a Lambda
// function of (Amazon SNS Developer Guide, "Prerequisites for integrating Amazon SNS
// with Lambda functions across regions": regions launched after March 20, 2019, which
// an account opts in to).
var optInRegions = map[string]bool{
	"af-south-1": true, "ap-east-1": true, "ap-east-2": true, "ap-northeast-3": true, "ap-south-2": true,
	"ap-southeast-3": true, "ap-southeast-4": true, "ap-southeast-5": true, "ap-southeast-7": true,
	"ca-west-1": true, "eu-central-2": true, "eu-south-1": true, "eu-south-2": true, "il-central-1": true,
	"me-central-1": true, "me-south-1": true, "mx-central-1": true,
}

var (
	dayTimeRe     = regexp.MustCompile(`^([01][0-9]|2[0-3]):([0-5][0-9])$`)
	channelNameRe = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)
)

// Validate returns one error listing every problem of the arguments, or nil.
func (a *NotifierArgs) Validate() error {
	var ps validate.Problems
	switch {
	case a.Topics == nil:
		ps.Add("Topics", "is required", "pass the *Topics that NewTopics returned")
	case a.Topics.prefix == "":
		ps.Add("Topics", "was not made by NewTopics", "pass the *Topics that NewTopics returned")
	default:
		if len(a.Topics.prefix) > maxNotifierPrefix {
			ps.Addf("Topics", "use a shorter NamePrefix", "has the prefix %q of %d characters; the notifier's names take at most %d", a.Topics.prefix, len(a.Topics.prefix), maxNotifierPrefix)
		}
		if need := NotifierKeyUse(a.Topics.prefix); !a.Topics.keyUse.covers(need) {
			ps.Addf("Topics", fmt.Sprintf("create the topics with TopicsArgs.Key = notify.NotifierKeyUse(%q)", a.Topics.prefix),
				"have a key that may not encrypt the notifier's log group %s, secrets and dead-letter queue", need.LogGroups[0])
		}
	}
	validate.Required(&ps, "Environment", a.Environment, "for example prod")
	switch n := len(a.Channels); {
	case n == 0:
		ps.Add("Channels", "needs at least one channel", "add a googlechat, slack, teams or webhook channel")
	case n > 20:
		ps.Addf("Channels", "one function serves at most 20 channels", "has %d channels", n)
	}
	names := make([]string, len(a.Channels))
	for i, ch := range a.Channels {
		path := fmt.Sprintf("Channels[%d]", i)
		names[i] = ch.Name
		if !channelNameRe.MatchString(ch.Name) {
			ps.Addf(path+".Name", "1 to 64 letters, digits, - or _", "must be a channel name, got %q", ch.Name)
		}
		if _, err := format.ParseTarget(path+".Target", string(ch.Target)); err != nil {
			ps.Addf(path+".Target", validate.UnknownHint(string(ch.Target), targetNames()), "must be googlechat, slack, teams or webhook, got %q", ch.Target)
		}
		if len(ch.Severities) == 0 {
			ps.Add(path+".Severities", "needs at least one severity", "for example [critical, high]")
		}
		for j, s := range ch.Severities {
			if !s.Valid() {
				ps.Addf(fmt.Sprintf("%s.Severities[%d]", path, j), validate.UnknownHint(string(s), severityNames()), "must be a severity, got %q", s)
			}
		}
		if ch.WebhookURL == nil {
			ps.Add(path+".WebhookURL", "is required", "pass the webhook URL as a secret, for example from config.RequireSecret")
		}
	}
	validate.Unique(&ps, "Channels[%d].Name", names, "give each channel its own name: it names the channel's secret")
	if len(a.AlarmEmails) == 0 {
		ps.Add("AlarmEmails", "needs at least one address", "the alarms on the notifier itself go by e-mail, so that a broken notifier is noticed")
	}
	for i, e := range a.AlarmEmails {
		validate.Email(&ps, fmt.Sprintf("AlarmEmails[%d]", i), e)
	}
	onlyOnce(&ps, "AlarmEmails", a.AlarmEmails)
	for _, u := range []struct{ path, value string }{{"AlertmanagerURL", a.AlertmanagerURL}, {"GrafanaURL", a.GrafanaURL}} {
		if p, err := url.Parse(u.value); u.value != "" && (err != nil || p.Scheme != "https" || p.Host == "") {
			ps.Addf(u.path, "links in chat must be https, such as https://grafana.example.com", "must be an https URL, got %q", u.value)
		}
	}
	checkZone(&ps, "TimeZone", a.TimeZone)
	if s := a.DailySummary; s != nil {
		if s.At != "" && !dayTimeRe.MatchString(s.At) {
			ps.Addf("DailySummary.At", "HH:MM on a 24-hour clock, 00:00 to 23:59, such as 09:00", "must be a time of day, got %q", s.At)
		}
		checkZone(&ps, "DailySummary.TimeZone", s.TimeZone)
		if n := len(s.AlarmNamePrefix); n > 255 {
			ps.Addf("DailySummary.AlarmNamePrefix", "the prefix every alarm of the stack starts with, such as vigil-prod-", "must be at most 255 characters, got %d", n)
		}
		for _, service := range sortedKeys(s.UptimeAlarms) {
			if s.UptimeAlarms[service] == "" {
				ps.Add("DailySummary.UptimeAlarms."+service, "must name an alarm", "the name of the health-check alarm of "+service)
			}
		}
	}
	if a.RunbookBaseURL != "" {
		validate.HTTPURL(&ps, "RunbookBaseURL", a.RunbookBaseURL)
	}
	if a.LogRetentionDays != 0 {
		validate.LogRetentionDays(&ps, "LogRetentionDays", a.LogRetentionDays)
	}
	if c := a.Code; c != nil {
		validate.Required(&ps, "Code.ZipPath", c.ZipPath, "the zip that notifier/build wrote")
		validate.Required(&ps, "Code.SourceCodeHash", c.SourceCodeHash, "the base64 SHA-256 of the zip")
	}
	if e := a.USEast1; e != nil {
		switch {
		case e.Topics == nil || e.Topics.prefix == "":
			ps.Add("USEast1.Topics", "is required", "pass the *Topics that NewTopics returned for us-east-1")
		case e.Topics.region != alarms.USEast1Region:
			ps.Addf("USEast1.Topics", "pass the topics created with the us-east-1 provider", "are in %s, not us-east-1", e.Topics.region)
		}
		if e.Provider == nil {
			ps.Add("USEast1.Provider", "is required", "pass the aws.Provider of us-east-1 the topics were created with")
		}
		if a.Topics != nil && a.Topics.prefix != "" {
			switch r := a.Topics.region; {
			case r == alarms.USEast1Region:
				ps.Add("USEast1", "must not be set for a stack in us-east-1", "its topics are the stack's own")
			case optInRegions[r]:
				ps.Addf("USEast1", "keep the chat channels of us-east-1's alarms out of this stack, or run the notifier in a region enabled by default",
					"cannot deliver to a function in %s: SNS does not deliver from us-east-1 to a Lambda function of an opt-in region", r)
			}
		}
	}
	validate.Tags(&ps, "Tags", a.Tags)
	if ps.Len() == 0 && a.Topics != nil {
		// The function refuses a configuration it cannot parse at every cold start:
		// check now what it will check then.
		if _, err := config.Parse(mustMarshal(a.functionConfig())); err != nil {
			ps.Add("", err.Error(), "a check of the notifier's configuration that the arguments do not catch: report it")
		}
	}
	return ps.Err("notify.NotifierArgs")
}

func checkZone(ps *validate.Problems, path, zone string) {
	if zone == "" {
		return
	}
	if _, err := time.LoadLocation(zone); err != nil {
		ps.Addf(path, "an IANA name such as Europe/Paris or UTC", "is not a time zone, got %q", zone)
	}
}

// NotifierFunctionName is the function's name for the topics' prefix.
func NotifierFunctionName(prefix string) string { return prefix + "-notifier" }

// NotifierLogGroupName is the function's log group, the one Lambda writes to.
func NotifierLogGroupName(prefix string) string { return "/aws/lambda/" + NotifierFunctionName(prefix) }

// NotifierSecretName is the name of the Secrets Manager secret holding a channel's
// webhook URL.
func NotifierSecretName(prefix, channel string) string { return prefix + "/notifier/" + channel }

// functionConfig is the function's configuration (VIGIL_NOTIFIER_CONFIG): it names
// each channel's secret, and holds no secret.
func (a *NotifierArgs) functionConfig() config.Config {
	prefix := a.Topics.prefix
	c := config.Config{Environment: a.Environment, AlertmanagerURL: a.AlertmanagerURL, GrafanaURL: a.GrafanaURL, TimeZone: a.TimeZone}
	for _, ch := range a.Channels {
		cc := config.Channel{Name: ch.Name, Target: ch.Target, SecretID: NotifierSecretName(prefix, ch.Name), DailySummary: ch.DailySummary}
		for _, s := range ch.Severities {
			cc.Severities = append(cc.Severities, message.Severity(s))
		}
		c.Channels = append(c.Channels, cc)
	}
	if s := a.DailySummary; s != nil {
		c.Summary = &config.Summary{AlarmNamePrefix: s.AlarmNamePrefix, UptimeAlarms: s.UptimeAlarms}
		if c.Summary.AlarmNamePrefix == "" {
			c.Summary.AlarmNamePrefix = prefix + "-"
		}
	}
	return c
}

// scheduleAt is the summary's time of day and time zone, defaults applied.
func (s *DailySummary) scheduleAt(fallbackZone string) (hour, minute string, zone string) {
	at := s.At
	if at == "" {
		at = "09:00"
	}
	zone = s.TimeZone
	if zone == "" {
		zone = fallbackZone
	}
	if zone == "" {
		zone = "UTC"
	}
	return at[:2], at[3:], zone
}

// ScheduleExpression is the EventBridge Scheduler cron expression of the summary,
// evaluated in its time zone: cron(minutes hours day-of-month month day-of-week year).
func (s *DailySummary) ScheduleExpression() string {
	h, m, _ := s.scheduleAt("")
	return fmt.Sprintf("cron(%s %s * * ? *)", trimZero(m), trimZero(h))
}

func trimZero(s string) string {
	if len(s) == 2 && s[0] == '0' {
		return s[1:]
	}
	return s
}

// subscribedSeverities are the severities some channel wants, in order.
func (a *NotifierArgs) subscribedSeverities() []alerts.Severity {
	var out []alerts.Severity
	for _, sev := range alerts.Severities() {
		for _, ch := range a.Channels {
			wants := false
			for _, s := range ch.Severities {
				wants = wants || s == sev
			}
			if wants {
				out = append(out, sev)
				break
			}
		}
	}
	return out
}

func mustMarshal(c config.Config) []byte {
	b, err := config.Marshal(c)
	if err != nil {
		panic(fmt.Sprintf("notify: cannot marshal the notifier configuration: %v", err))
	}
	return b
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func targetNames() []string {
	var out []string
	for _, t := range format.Targets() {
		out = append(out, string(t))
	}
	return out
}
