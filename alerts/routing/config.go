// Package routing generates the Alertmanager configuration of one environment: a
// receiver per severity (the severity's SNS topic, or a webhook), the routing tree, the
// Watchdog's dead man's switch and the inhibition rules. It is pure Go (plain values
// in, YAML out, no I/O) and refuses any configuration that would page for a severity
// that may not page. Every file it writes is read back by Alertmanager's own parser, and
// uses only what Alertmanager 0.25 (Debian 12) already understands.
package routing

import (
	"fmt"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/vigilops/vigil/alerts"
	"github.com/vigilops/vigil/validate"
)

// Config describes the Alertmanager of one environment. Build turns it into the
// configuration file.
type Config struct {
	// Environment names the environment this Alertmanager serves, such as prod. Alerts
	// carry it in their environment label (Prometheus's external labels) and only
	// alerts of this environment are routed by severity; alerts of any other
	// environment, or without the label, go to the low receiver. Required; a vigil
	// name (lower-case letters, digits, hyphens).
	Environment string
	// Targets says where the alerts of each severity go. Each of the four severities
	// needs one. Required.
	Targets map[alerts.Severity]Target
	// PagingSeverities are the severities whose alerts may page someone: critical and
	// high in prod, none in dev. Build refuses a paging Target for any other severity.
	// Defaults to none: nothing pages.
	PagingSeverities []alerts.Severity
	// Watchdog configures the dead man's switch. Defaults to a receiver that notifies
	// nobody, every minute.
	Watchdog Watchdog
	// GroupWait is how long Alertmanager waits for more alerts of a new group before
	// it notifies, so related alerts arrive in one message. Defaults to 30s.
	GroupWait time.Duration
	// GroupInterval is how long Alertmanager waits before it notifies about alerts
	// added to a group it has already notified. Defaults to 5m.
	GroupInterval time.Duration
	// RepeatInterval is how often a group that still fires is notified again.
	// At least GroupInterval. Defaults to 4h.
	RepeatInterval time.Duration
	// CriticalRepeatInterval replaces RepeatInterval for critical alerts, which must
	// not be forgotten. At least GroupInterval. Defaults to 1h.
	CriticalRepeatInterval time.Duration
}

// Target is where the notifications of one severity go: its SNS topic (TopicARN) or
// a webhook (Webhook), exactly one of the two.
type Target struct {
	// TopicARN is the ARN of the severity's SNS topic, such as
	// arn:aws:sns:eu-west-1:123456789012:team-prod-critical. Alertmanager signs its
	// requests with SigV4 in the topic's region, with the credentials of its ECS task
	// role: no key is ever written into the file. Defaults to none.
	TopicARN string
	// Webhook receives Alertmanager's JSON instead of a topic. Defaults to none.
	Webhook *Webhook
	// Pages says whether a notification to this target wakes someone up: the topic has
	// PagerDuty or SMS subscribers, or the webhook is a pager. vigil cannot see the
	// subscribers, so the caller must say it. Defaults to false (does not page).
	Pages bool
}

// Webhook is an HTTPS endpoint that Alertmanager posts its JSON to.
//
// The secret never goes into the file. Alertmanager 0.25 has no url_file (amtool 0.25
// refuses it: "field url_file not found"), so the URL is written in clear and must
// not hold the secret; the secret is a token in a file mounted in the Alertmanager
// container (for example from Secrets Manager), which Alertmanager sends as
// "Authorization: <AuthScheme> <token>". Endpoints whose secret can only be in their
// URL belong on the severity's SNS topic as an HTTPS subscription instead, where the
// URL stays a Pulumi secret.
type Webhook struct {
	// URL receives the POST. It is written into the file in clear, so Build refuses
	// what looks like a secret in it: user:password@, a query string, a UUID or a long
	// token in the path. https only. Required.
	URL string
	// CredentialsFile is the path, inside the Alertmanager container, of the file
	// that holds the secret token, such as /run/secrets/heartbeat-token. Required:
	// an endpoint without a secret accepts anyone's alerts.
	CredentialsFile string
	// AuthScheme is the scheme of the Authorization header: Bearer, or the one the
	// service wants (Opsgenie's heartbeat API takes GenieKey). Not Basic: Alertmanager
	// refuses it there. Defaults to Bearer.
	AuthScheme string
}

// Watchdog configures the route of the Watchdog alert, which always fires: as long as
// its notifications arrive, Prometheus, Alertmanager and the path between them work.
type Watchdog struct {
	// Heartbeat is the external heartbeat service that raises the alarm when the
	// Watchdog's notifications stop. Defaults to none: the Watchdog goes to a
	// receiver that notifies nobody, and the switch is only a label on a dashboard.
	Heartbeat *Webhook
	// Interval is how often the Watchdog is notified (its group_interval and
	// repeat_interval). Give the heartbeat service a grace period of a few intervals.
	// Between 1s and 1h. Defaults to 1m.
	Interval time.Duration
}

// The defaults of Config, applied by withDefaults and documented on the fields.
const (
	defaultGroupWait              = 30 * time.Second
	defaultGroupInterval          = 5 * time.Minute
	defaultRepeatInterval         = 4 * time.Hour
	defaultCriticalRepeatInterval = time.Hour
	defaultWatchdogInterval       = time.Minute
	defaultAuthScheme             = "Bearer"
)

// withDefaults returns a copy of c with every zero value that has a default replaced
// by it. Webhooks are copied, so the caller's values are never changed.
func (c Config) withDefaults() Config {
	setDuration := func(d *time.Duration, def time.Duration) {
		if *d == 0 {
			*d = def
		}
	}
	setDuration(&c.GroupWait, defaultGroupWait)
	setDuration(&c.GroupInterval, defaultGroupInterval)
	setDuration(&c.RepeatInterval, defaultRepeatInterval)
	setDuration(&c.CriticalRepeatInterval, defaultCriticalRepeatInterval)
	setDuration(&c.Watchdog.Interval, defaultWatchdogInterval)
	c.Watchdog.Heartbeat = webhookWithDefaults(c.Watchdog.Heartbeat)
	targets := make(map[alerts.Severity]Target, len(c.Targets))
	for sev, t := range c.Targets {
		t.Webhook = webhookWithDefaults(t.Webhook)
		targets[sev] = t
	}
	c.Targets = targets
	return c
}

func webhookWithDefaults(w *Webhook) *Webhook {
	if w == nil {
		return nil
	}
	out := *w
	if out.AuthScheme == "" {
		out.AuthScheme = defaultAuthScheme
	}
	return &out
}

// Validate returns one error listing every problem of the configuration, each with
// its path and a hint, or nil. Build calls it; callers may call it earlier.
func (c Config) Validate() error {
	return c.withDefaults().validate()
}

func (c Config) validate() error {
	var ps validate.Problems
	validate.Name(&ps, "Environment", c.Environment, 32)

	paging := map[alerts.Severity]bool{}
	for i, sev := range c.PagingSeverities {
		path := fmt.Sprintf("PagingSeverities[%d]", i)
		switch {
		case !sev.Valid():
			ps.Addf(path, validate.UnknownHint(string(sev), severityNames()), "unknown severity %q", sev)
		case paging[sev]:
			ps.Addf(path, "name each severity once", "severity %q is listed twice", sev)
		}
		paging[sev] = true
	}

	for _, sev := range alerts.Severities() {
		path := "Targets." + string(sev)
		t, ok := c.Targets[sev]
		if !ok {
			ps.Add(path, "is required", "every severity needs a target: its SNS topic's ARN (TopicARN) or a Webhook")
			continue
		}
		c.checkTarget(&ps, path, sev, t, paging[sev])
	}
	for _, name := range unknownSeverities(c.Targets) {
		ps.Addf("Targets."+name, validate.UnknownHint(name, severityNames()),
			"unknown severity %q: alerts carry only critical, high, medium and low", name)
	}
	checkSharedTargets(&ps, c.Targets)

	if c.Watchdog.Heartbeat != nil {
		checkWebhook(&ps, "Watchdog.Heartbeat", *c.Watchdog.Heartbeat)
	}
	checkDuration(&ps, "Watchdog.Interval", c.Watchdog.Interval, time.Second, time.Hour,
		"a heartbeat service expects a ping every minute or so")
	checkDuration(&ps, "GroupWait", c.GroupWait, 0, time.Hour, "for example 30s: long enough for related alerts to share one message")
	checkDuration(&ps, "GroupInterval", c.GroupInterval, time.Second, 24*time.Hour, "for example 5m")
	for _, d := range []struct {
		path string
		v    time.Duration
	}{{"RepeatInterval", c.RepeatInterval}, {"CriticalRepeatInterval", c.CriticalRepeatInterval}} {
		checkDuration(&ps, d.path, d.v, time.Second, 7*24*time.Hour, "for example 4h, or 1h for critical")
		if d.v > 0 && c.GroupInterval > 0 && d.v < c.GroupInterval {
			ps.Addf(d.path, "Alertmanager repeats a notification only when it looks at the group again, every GroupInterval",
				"must be at least GroupInterval (%s), got %s", c.GroupInterval, d.v)
		}
	}
	return ps.Err(fmt.Sprintf("routing.Config of environment %q", c.Environment))
}

func (c Config) checkTarget(ps *validate.Problems, path string, sev alerts.Severity, t Target, mayPage bool) {
	switch {
	case t.TopicARN == "" && t.Webhook == nil:
		ps.Add(path, "has no destination", "set TopicARN to the ARN of the "+string(sev)+" SNS topic, or set Webhook")
	case t.TopicARN != "" && t.Webhook != nil:
		ps.Add(path, "has both a TopicARN and a Webhook", "keep one: a severity has one destination")
	case t.TopicARN != "":
		checkTopicARN(ps, path+".TopicARN", t.TopicARN)
	default:
		checkWebhook(ps, path+".Webhook", *t.Webhook)
	}
	if !t.Pages {
		return
	}
	switch {
	case len(c.PagingSeverities) == 0:
		ps.Addf(path+".Pages", "give this severity a target that notifies without paging (e-mail, chat), or list it in PagingSeverities (prod only)",
			"environment %q never pages, but the %s target pages", c.Environment, sev)
	case !mayPage:
		ps.Addf(path+".Pages", "give it a target without PagerDuty or SMS subscribers, or list it in PagingSeverities",
			"%s alerts may not page, but their target pages", sev)
	case sev == alerts.Low:
		// Low is also the catch-all: a paging low target would page for alerts of other
		// environments and for alerts without an environment label.
		ps.Add(path+".Pages", "must be false: alerts of other environments and alerts without an environment label go to the low receiver too",
			"give low a target that does not page")
	}
}

// checkSharedTargets refuses a topic that two severities share with different Pages:
// paging is a property of the topic, so one of the two is wrong, and the safe reading
// is that the topic pages.
func checkSharedTargets(ps *validate.Problems, targets map[alerts.Severity]Target) {
	first := map[string]alerts.Severity{}
	for _, sev := range alerts.Severities() {
		t, ok := targets[sev]
		if !ok {
			continue
		}
		key := t.TopicARN
		if t.Webhook != nil {
			key = "webhook " + t.Webhook.URL
		}
		if key == "" {
			continue
		}
		prev, seen := first[key]
		if !seen {
			first[key] = sev
			continue
		}
		if targets[prev].Pages != t.Pages {
			ps.Addf("Targets."+string(sev)+".Pages", "a target either pages or not: fix Pages of one of the two, or give them different targets",
				"says %t, but %s has the same target and says %t", t.Pages, prev, targets[prev].Pages)
		}
	}
}

var (
	snsTopicARNRe = regexp.MustCompile(`^arn:aws(-cn|-us-gov)?:sns:([a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-[0-9]):([0-9]{12}):([A-Za-z0-9_-]{1,256})$`)
	uuidRe        = regexp.MustCompile(`[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}`)
	alnumRunRe    = regexp.MustCompile(`[A-Za-z0-9]{20,}`)
	digitsRe      = regexp.MustCompile(`[0-9]`)
	lettersRe     = regexp.MustCompile(`[A-Za-z]`)
	authSchemeRe  = regexp.MustCompile(`^[A-Za-z0-9!#$%&'*+.^_|~-]+$`)
)

func checkTopicARN(ps *validate.Problems, path, arn string) {
	if !snsTopicARNRe.MatchString(arn) {
		ps.Addf(path, "for example arn:aws:sns:eu-west-1:123456789012:team-prod-critical (the topicArns output of the notify component)",
			"must be an SNS topic ARN, got %q", arn)
	}
}

// topicRegion is the region of a valid topic ARN, which Alertmanager signs its
// requests for.
func topicRegion(arn string) string { return snsTopicARNRe.FindStringSubmatch(arn)[2] }

// checkWebhook checks a webhook without ever printing more of its URL than the scheme
// and host: a URL that fails the checks may hold a secret.
func checkWebhook(ps *validate.Problems, path string, w Webhook) {
	checkWebhookURL(ps, path+".URL", w.URL)
	if validate.Required(ps, path+".CredentialsFile", w.CredentialsFile,
		"the path, in the Alertmanager container, of the file that holds the webhook's token, such as /run/secrets/heartbeat-token") &&
		!strings.HasPrefix(w.CredentialsFile, "/") {
		ps.Addf(path+".CredentialsFile", "Alertmanager resolves a relative path against the folder of its config file; mount the secret at a fixed place such as /run/secrets/",
			"must be an absolute path, got %q", w.CredentialsFile)
	}
	switch {
	case strings.EqualFold(w.AuthScheme, "basic"):
		ps.Add(path+".AuthScheme", "must not be Basic, which Alertmanager refuses in an Authorization setting",
			"use Bearer or the scheme the service documents")
	case !authSchemeRe.MatchString(w.AuthScheme):
		ps.Addf(path+".AuthScheme", "for example Bearer or GenieKey", "must be one word, got %q", w.AuthScheme)
	}
}

func checkWebhookURL(ps *validate.Problems, path, raw string) {
	if !validate.Required(ps, path, raw, "the https:// endpoint that receives Alertmanager's JSON") {
		return
	}
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		ps.Add(path, "must be an absolute URL such as https://heartbeat.example.com/ping", "")
		return
	}
	where := fmt.Sprintf(" (host %s)", u.Hostname())
	if u.Scheme != "https" {
		ps.Addf(path, "Alertmanager's JSON and its token must not cross the network in clear: use https://",
			"must be https, got scheme %q%s", u.Scheme, where)
	}
	secretHint := "the URL is written into the config file in clear: put the secret in the file named by CredentialsFile, or subscribe the endpoint to the severity's SNS topic, where it stays a Pulumi secret"
	if u.User != nil {
		ps.Add(path, "must not hold user:password@"+where, secretHint)
	}
	if u.RawQuery != "" || u.Fragment != "" {
		ps.Add(path, "must not have a query string or fragment, which usually carry a token"+where, secretHint)
	}
	if looksLikeToken(u.EscapedPath()) {
		ps.Add(path, "has a path that looks like a secret token"+where, secretHint)
	}
}

// looksLikeToken finds what services put in URLs as a secret: a UUID, or a run of at
// least 20 letters and digits with several of each. It is a guard, not a proof: a
// short token cannot be told from a word.
func looksLikeToken(s string) bool {
	if uuidRe.MatchString(s) {
		return true
	}
	for _, run := range alnumRunRe.FindAllString(s, -1) {
		if len(digitsRe.FindAllString(run, 4)) >= 4 && len(lettersRe.FindAllString(run, 4)) >= 4 {
			return true
		}
	}
	return false
}

func checkDuration(ps *validate.Problems, path string, d, lo, hi time.Duration, hint string) {
	if d < lo || d > hi {
		ps.Addf(path, hint, "must be between %s and %s, got %s", lo, hi, d)
	}
}

func severityNames() []string {
	var names []string
	for _, s := range alerts.Severities() {
		names = append(names, string(s))
	}
	return names
}

func unknownSeverities(targets map[alerts.Severity]Target) []string {
	var out []string
	for sev := range targets {
		if !sev.Valid() {
			out = append(out, string(sev))
		}
	}
	sort.Strings(out)
	return out
}
