// Package catalog generates vigil's Prometheus alert catalog: one rule group per
// service, runtime, database, cache, queue, host group and certificate probe, plus the
// Watchdog, each with thresholds and metric names that a team can change.
//
// Every group has an alert that fires when the group is not measured at all (its
// exporter or probe is down, or its series are absent), so that a dead exporter
// cannot silence the group exactly when it matters: ServiceDown, DatabaseDown,
// CacheDown, QueueMetricsAbsent, HostDown and CertificateProbeFailing.
//
// Every alert carries the environment label (from Options.Labels, required) and the
// labels that identify the thing it is about, which Alertmanager groups and inhibits
// by (alerts/routing inhibits on service, instance, database, cache, queue and
// certificate, never on a missing label):
//
//	group            identifying labels
//	service:<Name>   service=<Name>
//	runtime:<Name>   service=<Name>; instance (the process) on every alert
//	database:<Name>  database=<Name>, service=<Service>; instance (the exporter's
//	                 target) on every alert but DatabaseDown's "nothing scraped" case
//	cache:<Name>     cache=<Name>, service=<Service>; instance likewise, but for
//	                 CacheDown's "nothing scraped" case
//	queue:<Name>     queue=<Name>, service=<Service>
//	host:<Name>      host_group=<Name> (and service=<Service> when set); instance (the
//	                 host) on every alert but HostDown's "nothing scraped" case
//	tls:<Name>       certificate=<Domain, else Name> (and service=<Service> when set);
//	                 instance (the probed target) on every alert but
//	                 CertificateProbeFailing's "nothing probed" case when the
//	                 certificate has no ProbeTargets
//	watchdog         watchdog="true"
//
// host_group is not an inhibition label: it names many machines, and one host's
// critical alert must not mute another host's alerts; hosts are told apart by
// instance.
package catalog

import (
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/vigilops/vigil/alerts"
	"github.com/vigilops/vigil/validate"
)

// Catalog lists what to watch. Build turns it into one rule file, a group per item, in
// the order of the lists: Services (each followed by its runtime group), Databases,
// Caches, Queues, Hosts, Certificates, then the Watchdog.
type Catalog struct {
	// Options apply to every alert. RunbookBaseURL is required.
	Options Options
	// Services are HTTP services scraped by Prometheus. Names are unique.
	Services []Service
	// Databases are PostgreSQL servers seen through postgres_exporter. Names are unique.
	Databases []Database
	// Caches are Redis or Valkey nodes seen through redis_exporter. Names are unique.
	Caches []Cache
	// Queues are work queues with their workers' counters. Names are unique.
	Queues []Queue
	// Hosts are groups of machines seen through node_exporter. Names are unique.
	Hosts []HostGroup
	// Certificates are groups of TLS endpoints probed by blackbox_exporter. Names are
	// unique.
	Certificates []Certificate
	// OmitWatchdog leaves the Watchdog out, for a file merged with another that already
	// has one: two dead man's switches would only be noise. The Watchdog is included
	// unless this is set.
	OmitWatchdog bool
}

// Options are what every alert of a catalog shares.
type Options struct {
	// RunbookBaseURL is where the runbooks live: an absolute http(s) URL without a
	// fragment. Each alert's runbook_url is RunbookBaseURL + "#" + its lower-case name,
	// e.g. https://runbooks.example.com/alerts#servicedown. Required.
	RunbookBaseURL string
	// Labels are added to every alert, e.g. environment: prod, team: payments. The
	// environment label is required: Alertmanager routes by it (alerts/routing sends an
	// alert without it to the low receiver, so it would never page), and an alert must
	// carry it itself rather than rely on Prometheus's external labels, which a rule
	// file loaded elsewhere (promtool, another Prometheus) does not have. The catalog's
	// own labels (severity, service, database, cache, queue, instance, mountpoint,
	// host_group, certificate, watchdog) are not allowed here.
	Labels map[string]string
	// RateWindow is the range of every rate(): long enough to hold several scrapes,
	// short enough to notice a change quickly. Between 1m and 1h; defaults to 5m.
	RateWindow time.Duration
}

func (o Options) withDefaults() Options {
	if o.RateWindow == 0 {
		o.RateWindow = 5 * time.Minute
	}
	return o
}

// reservedLabels are set by the catalog itself or come from the series; an extra label
// of the same name would overwrite them and could make two alerts identical, which
// Prometheus refuses at evaluation.
var reservedLabels = []string{"alertname", "severity", "service", "database", "cache", "queue", "instance", "mountpoint",
	labelHostGroup, labelCertificate, WatchdogLabel}

// The identifying labels that are the catalog's own (service, database, cache and queue
// are spelled out where they are set).
const (
	labelHostGroup   = "host_group"
	labelCertificate = "certificate"
	// EnvironmentLabel is the label of Options.Labels that every catalog must set.
	EnvironmentLabel = "environment"
)

func (o Options) check(ps *validate.Problems, path string) {
	const example = "for example https://runbooks.example.com/alerts"
	if validate.Required(ps, path+".RunbookBaseURL", o.RunbookBaseURL, example) {
		u, err := url.Parse(o.RunbookBaseURL)
		switch {
		case err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "":
			ps.Addf(path+".RunbookBaseURL", example, "must be an absolute http:// or https:// URL, got %q", o.RunbookBaseURL)
		case strings.Contains(o.RunbookBaseURL, "#"):
			ps.Addf(path+".RunbookBaseURL", "the catalog appends #<alert name> to the base URL", "must not contain a fragment, got %q", o.RunbookBaseURL)
		}
	}
	if _, ok := o.Labels[EnvironmentLabel]; !ok {
		ps.Add(path+".Labels", `has no "environment" label`,
			"set Labels[\"environment\"] to the stack, such as prod: Alertmanager routes by it, and an alert without it never pages")
	}
	for _, k := range sortedKeys(o.Labels) {
		checkLabel(ps, fmt.Sprintf("%s.Labels[%q]", path, k), k, o.Labels[k])
	}
	checkDuration(ps, path+".RateWindow", o.RateWindow, time.Minute, time.Hour, "a range of at least four scrape intervals")
}

func checkLabel(ps *validate.Problems, path, name, value string) {
	switch {
	case !isLabelName(name):
		ps.Addf(path, "label names are letters, digits and underscores, starting with a letter or underscore", "is not a valid label name: %q", name)
	case strings.HasPrefix(name, "__"):
		ps.Add(path, "names starting with __ are reserved for Prometheus", "choose another name, such as environment")
	case contains(reservedLabels, name):
		ps.Addf(path, "the catalog sets or keeps this label itself", "must not be one of %s", strings.Join(reservedLabels, ", "))
	}
	if strings.TrimSpace(value) == "" {
		ps.Add(path, "must not be empty", "Prometheus drops a label whose value is empty")
	} else if strings.Contains(value, "{{") {
		ps.Add(path, "must not contain {{", "Prometheus expands alert labels as templates")
	}
}

// Build validates the catalog, every problem at once, and returns its rule file. The
// same catalog always gives the same bytes.
func Build(c Catalog) (alerts.RuleFile, error) {
	if err := c.check(); err != nil {
		return alerts.RuleFile{}, err
	}
	o := c.Options.withDefaults()
	var f alerts.RuleFile
	for _, s := range c.Services {
		s = s.withDefaults()
		f.Groups = append(f.Groups, serviceGroup(o, s))
		if s.Runtime != nil {
			f.Groups = append(f.Groups, runtimeGroup(o, s))
		}
	}
	for _, d := range c.Databases {
		f.Groups = append(f.Groups, databaseGroup(o, d.withDefaults()))
	}
	for _, ca := range c.Caches {
		f.Groups = append(f.Groups, cacheGroup(o, ca.withDefaults()))
	}
	for _, q := range c.Queues {
		f.Groups = append(f.Groups, queueGroup(o, q.withDefaults()))
	}
	for _, h := range c.Hosts {
		f.Groups = append(f.Groups, hostGroup(o, h.withDefaults()))
	}
	for _, ce := range c.Certificates {
		f.Groups = append(f.Groups, certificateGroup(o, ce.withDefaults()))
	}
	if !c.OmitWatchdog {
		f.Groups = append(f.Groups, watchdogGroup(o))
	}
	return f, nil
}

func (c Catalog) check() error {
	var ps validate.Problems
	c.Options.check(&ps, "Options")
	names := func(n int, name func(int) string) []string {
		out := make([]string, n)
		for i := range out {
			out[i] = name(i)
		}
		return out
	}
	for i, s := range c.Services {
		s.check(&ps, fmt.Sprintf("Services[%d]", i))
	}
	validate.Unique(&ps, "Services[%d].Name", names(len(c.Services), func(i int) string { return c.Services[i].Name }),
		"each service needs its own name: it is the service label of its alerts and names its rule groups")
	for i, d := range c.Databases {
		d.check(&ps, fmt.Sprintf("Databases[%d]", i))
	}
	validate.Unique(&ps, "Databases[%d].Name", names(len(c.Databases), func(i int) string { return c.Databases[i].Name }),
		"each database needs its own name: it labels its alerts and names its rule group")
	for i, ca := range c.Caches {
		ca.check(&ps, fmt.Sprintf("Caches[%d]", i))
	}
	validate.Unique(&ps, "Caches[%d].Name", names(len(c.Caches), func(i int) string { return c.Caches[i].Name }),
		"each cache needs its own name: it labels its alerts and names its rule group")
	for i, q := range c.Queues {
		q.check(&ps, fmt.Sprintf("Queues[%d]", i))
	}
	validate.Unique(&ps, "Queues[%d].Name", names(len(c.Queues), func(i int) string { return c.Queues[i].Name }),
		"each queue needs its own name: it labels its alerts and names its rule group")
	for i, h := range c.Hosts {
		h.check(&ps, fmt.Sprintf("Hosts[%d]", i))
	}
	validate.Unique(&ps, "Hosts[%d].Name", names(len(c.Hosts), func(i int) string { return c.Hosts[i].Name }),
		"each host group needs its own name: it names its rule group")
	for i, ce := range c.Certificates {
		ce.check(&ps, fmt.Sprintf("Certificates[%d]", i))
	}
	validate.Unique(&ps, "Certificates[%d].Name", names(len(c.Certificates), func(i int) string { return c.Certificates[i].Name }),
		"each certificate probe group needs its own name: it names its rule group")
	return ps.Err("alert catalog")
}

// alert is one alerting rule before the options are applied.
type alert struct {
	name        string
	severity    alerts.Severity
	forDuration time.Duration
	expr        string
	summary     string
	description string
}

// group turns alerts into a rule group; scope holds the labels that say what the
// alerts are about (service, database, ...), in pairs.
func (o Options) group(name string, scope []string, rules ...alert) alerts.Group {
	g := alerts.Group{Name: name}
	for _, a := range rules {
		labels := map[string]string{}
		for k, v := range o.Labels {
			labels[k] = v
		}
		for i := 0; i+1 < len(scope); i += 2 {
			labels[scope[i]] = scope[i+1]
		}
		labels["severity"] = string(a.severity)
		g.Rules = append(g.Rules, alerts.Rule{
			Alert:  a.name,
			Expr:   a.expr,
			For:    alerts.Duration(a.forDuration),
			Labels: labels,
			Annotations: map[string]string{
				"summary":     a.summary,
				"description": a.description,
				"runbook_url": o.RunbookBaseURL + "#" + strings.ToLower(a.name),
			},
		})
	}
	return g
}

// rate renders rate(metric{matchers}[window]).
func (o Options) rate(metric string, sel selector, extra ...string) string {
	return fmt.Sprintf("rate(%s[%s])", sel.metric(metric, extra...), dur(o.RateWindow))
}
