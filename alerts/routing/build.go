package routing

import (
	"fmt"
	"strings"
	"time"

	amconfig "github.com/prometheus/alertmanager/config"
	"github.com/prometheus/common/model"

	"github.com/vigilops/vigil/alerts"
)

// Label names and values that the generated configuration matches on.
const (
	// WatchdogAlertName is the alertname of the always-firing Watchdog alert.
	WatchdogAlertName = "Watchdog"
	// WatchdogReceiver is the name of the Watchdog's receiver: the heartbeat webhook,
	// or no integration at all.
	WatchdogReceiver = "watchdog"

	labelEnvironment = "environment"
	labelSeverity    = "severity"
	labelService     = "service"
	labelAlertName   = "alertname"
	// The identity labels: see IdentityLabels.
	labelInstance    = "instance"
	labelDatabase    = "database"
	labelCache       = "cache"
	labelQueue       = "queue"
	labelCertificate = "certificate"
	// Sloth's labels, which the SLO rules of alerts/slo carry.
	labelSlothSeverity = "sloth_severity"
	labelSlothID       = "sloth_id"
)

// ReceiverName is the name of the receiver that delivers to t the alerts of sev:
// sns-<severity> for a topic, webhook-<severity> for a webhook. Names depend on
// nothing else, so they stay stable from one build to the next.
func ReceiverName(sev alerts.Severity, t Target) string {
	if t.Webhook != nil {
		return "webhook-" + string(sev)
	}
	return "sns-" + string(sev)
}

// Build returns the Alertmanager configuration of cfg, or one error listing every
// problem of cfg. The file is read back by Alertmanager's own parser (the config
// package of Alertmanager v0.34) before it is returned; a refusal there is a bug of
// this package and is reported as such.
//
// The routing tree, in order:
//   - alertname="Watchdog" of this environment goes to the watchdog receiver at once
//     (group_wait 0s) and again every Watchdog.Interval, and nowhere else;
//   - each severity of this environment goes to its receiver; critical is repeated
//     every CriticalRepeatInterval, the others every RepeatInterval;
//   - everything else (alerts of another environment, without an environment label,
//     or with an unknown severity) stays at the root and goes to the low receiver.
//     Low, not a receiver that drops them: such an alert means a Prometheus is wired
//     to the wrong Alertmanager or lacks its external labels, which someone must
//     hear about, and low never pages.
func Build(cfg Config) (File, error) {
	cfg = cfg.withDefaults()
	if err := cfg.validate(); err != nil {
		return File{}, err
	}
	f := File{
		Route:        cfg.route(),
		InhibitRules: cfg.inhibitRules(),
		Receivers:    cfg.receivers(),
	}
	if _, err := amconfig.Load(string(f.YAML())); err != nil {
		return File{}, fmt.Errorf("routing: Alertmanager refuses the configuration generated for environment %q (a bug in vigil's alerts/routing): %w", cfg.Environment, err)
	}
	return f, nil
}

func (c Config) route() Route {
	no := false
	root := Route{
		Receiver:       ReceiverName(alerts.Low, c.Targets[alerts.Low]),
		GroupBy:        []string{labelAlertName, labelService},
		GroupWait:      duration(c.GroupWait),
		GroupInterval:  duration(c.GroupInterval),
		RepeatInterval: duration(c.RepeatInterval),
	}
	env := matcher(labelEnvironment, c.Environment)
	// The Watchdog is first, so that whatever its severity label it reaches the
	// heartbeat, and it stops there. group_interval equals repeat_interval because
	// Alertmanager repeats a notification only when it looks at the group again.
	root.Routes = append(root.Routes, Route{
		Receiver:       WatchdogReceiver,
		Matchers:       []string{matcher(labelAlertName, WatchdogAlertName), env},
		Continue:       &no,
		GroupWait:      duration(0),
		GroupInterval:  duration(c.Watchdog.Interval),
		RepeatInterval: duration(c.Watchdog.Interval),
	})
	for _, sev := range alerts.Severities() {
		r := Route{
			Receiver: ReceiverName(sev, c.Targets[sev]),
			Matchers: []string{env, matcher(labelSeverity, string(sev))},
		}
		if sev == alerts.Critical {
			r.RepeatInterval = duration(c.CriticalRepeatInterval)
		}
		root.Routes = append(root.Routes, r)
	}
	return root
}

// IdentityLabels are the labels that say which thing an alert is about, one
// inhibition rule each: a critical alert mutes the lesser alerts that carry the same
// value of one of them. They are the identifying labels that the alert catalog
// (alerts/catalog) gives its groups: service (services, runtimes, and whatever a
// Service field ties to a service), instance (one host, one probed endpoint, one
// exporter), database, cache, queue and certificate (the certificate's domain). The
// host_group label of host alerts is deliberately not one: a host group is many
// machines, and one host's critical alert must not mute another host's.
func IdentityLabels() []string {
	return []string{labelService, labelInstance, labelDatabase, labelCache, labelQueue, labelCertificate}
}

// present matches an alert that has the label: Alertmanager treats two missing
// labels as equal, so every inhibition requires its labels on both sides.
func present(name string) string { return fmt.Sprintf("%s=~%q", name, ".+") }

// inhibitRules returns one rule per identity label, then the two SLO rules. Each
// applies only to alerts of this environment that both carry its label:
//
//   - a critical alert mutes the high, medium and low alerts with the same value of
//     the rule's identity label (the same service, instance, database, cache, queue
//     or certificate): the on-call engineer already works on it. Never the Watchdog,
//     whose silence would raise the heartbeat's alarm, and never from an SLO alert
//     (sloth_id set), which mutes only alerts of its own SLO;
//   - an SLO page mutes the tickets of the same SLO (Sloth's sloth_id);
//   - a critical SLO alert (the fast page) mutes the lesser alerts of the same SLO,
//     its slower page included: they are about the same burn.
//
// An alert without any identity label is never muted and mutes nothing.
func (c Config) inhibitRules() []InhibitRule {
	var lower []string
	for _, sev := range alerts.Severities() {
		if sev != alerts.Critical {
			lower = append(lower, string(sev))
		}
	}
	env := matcher(labelEnvironment, c.Environment)
	var rules []InhibitRule
	for _, label := range IdentityLabels() {
		rules = append(rules, InhibitRule{
			SourceMatchers: []string{env, matcher(labelSeverity, string(alerts.Critical)), present(label), matcher(labelSlothID, "")},
			TargetMatchers: []string{
				env,
				fmt.Sprintf("%s!=%q", labelAlertName, WatchdogAlertName),
				fmt.Sprintf("%s=~%q", labelSeverity, strings.Join(lower, "|")),
				present(label),
			},
			Equal: []string{labelEnvironment, label},
		})
	}
	return append(rules,
		InhibitRule{
			SourceMatchers: []string{env, matcher(labelSlothSeverity, "page"), present(labelSlothID)},
			TargetMatchers: []string{env, matcher(labelSlothSeverity, "ticket"), present(labelSlothID)},
			Equal:          []string{labelEnvironment, labelSlothID},
		},
		InhibitRule{
			SourceMatchers: []string{env, matcher(labelSeverity, string(alerts.Critical)), present(labelSlothID)},
			TargetMatchers: []string{env, fmt.Sprintf("%s=~%q", labelSeverity, strings.Join(lower, "|")), present(labelSlothID)},
			Equal:          []string{labelEnvironment, labelSlothID},
		},
	)
}

func (c Config) receivers() []Receiver {
	var out []Receiver
	for _, sev := range alerts.Severities() {
		t := c.Targets[sev]
		r := Receiver{Name: ReceiverName(sev, t)}
		if t.Webhook != nil {
			r.WebhookConfigs = []WebhookConfig{webhookConfig(*t.Webhook, true)}
		} else {
			r.SNSConfigs = []SNSConfig{{
				SendResolved: true,
				TopicARN:     t.TopicARN,
				SigV4:        SigV4{Region: topicRegion(t.TopicARN)},
				Subject:      snsSubject,
				Message:      snsMessage,
			}}
		}
		out = append(out, r)
	}
	watchdog := Receiver{Name: WatchdogReceiver}
	if hb := c.Watchdog.Heartbeat; hb != nil {
		// No resolved notice: Alertmanager resolves the Watchdog when Prometheus stops
		// sending it, and a heartbeat service would count that notice as a ping.
		watchdog.WebhookConfigs = []WebhookConfig{webhookConfig(*hb, false)}
	}
	return append(out, watchdog)
}

func webhookConfig(w Webhook, sendResolved bool) WebhookConfig {
	return WebhookConfig{
		SendResolved: sendResolved,
		URL:          w.URL,
		HTTPConfig: HTTPConfig{Authorization: Authorization{
			Type:            w.AuthScheme,
			CredentialsFile: w.CredentialsFile,
		}},
	}
}

func matcher(name, value string) string { return fmt.Sprintf("%s=%q", name, value) }

func duration(d time.Duration) *model.Duration {
	md := model.Duration(d)
	return &md
}
