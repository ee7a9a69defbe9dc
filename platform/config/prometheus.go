package config

import (
	"fmt"
	"net"
	"path"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/vigilops/vigil/validate"
)

// Prometheus describes the prometheus.yml of vigil's Prometheus task.
type Prometheus struct {
	// Stack is the vigil_stack external label, such as prod. Optional: external labels
	// never carry the environment, which every rule sets itself (alerts/catalog).
	Stack string
	// ExternalLabels are added to every series and alert leaving this Prometheus. The
	// environment label and names starting with __ are refused. None by default.
	ExternalLabels map[string]string
	// ScrapeInterval is how often every target is scraped. Whole seconds between 5s
	// and 5m; defaults to 15s. The scrape timeout is the smaller of 10s and
	// ScrapeInterval.
	ScrapeInterval time.Duration
	// EvaluationInterval is how often rules are evaluated. Whole seconds between 5s
	// and 5m; defaults to ScrapeInterval.
	EvaluationInterval time.Duration
	// RulesDir is the directory of the rule files inside the container; Prometheus
	// loads RulesDir/*.rules.yaml. An absolute, clean path; defaults to
	// /etc/prometheus/rules.
	RulesDir string
	// Namespace is the Cloud Map private DNS namespace, such as vigil.local. Every
	// service or exporter without Targets is found by DNS SRV as <Name>.<Namespace>, so
	// it is required when one of them has no Targets.
	Namespace string
	// Alertmanager is where alerts are sent. Required.
	Alertmanager Alertmanager
	// Blackbox is the blackbox exporter that probes health URLs and certificates.
	// Required when a service has a HealthURL or a certificate is listed.
	Blackbox Blackbox
	// Services are the HTTP services whose /metrics are scraped. Names are unique.
	Services []Service
	// Exporters are the postgres_exporter, redis_exporter and node_exporter targets.
	// Kind and Name together are unique.
	Exporters []Exporter
	// Certificates are the TLS endpoints probed with the tls_connect module. Names are
	// unique.
	Certificates []Certificate
	// Static are further jobs with fixed targets. Job names are unique and must not
	// collide with the jobs above.
	Static []StaticJob
}

// Alertmanager locates the Alertmanagers. Exactly one of DNSName and Targets is set.
type Alertmanager struct {
	// DNSName is an SRV name, such as alertmanager.vigil.local (Cloud Map).
	DNSName string
	// Targets are host:port addresses, such as 127.0.0.1:9093.
	Targets []string
}

// Blackbox locates the blackbox exporter.
type Blackbox struct {
	// Address is its host:port, such as blackbox.vigil.local:9115.
	Address string
}

// Service is one HTTP service scraped by Prometheus.
type Service struct {
	// Name is the job and the service label: lower-case letters, digits and hyphens,
	// 1 to 63 characters (a DNS label, since it is also the Cloud Map service name).
	// Required and unique.
	Name string
	// Targets are fixed host:port addresses. When empty the service is discovered by
	// DNS SRV as <Name>.<Prometheus.Namespace>.
	Targets []string
	// MetricsPath is the path scraped. Starts with /; defaults to /metrics.
	MetricsPath string
	// HealthURL, when set, is probed through the blackbox exporter with http_2xx: an
	// absolute http(s) URL. No probe by default.
	HealthURL string
}

// ExporterKind names an exporter vigil knows the labels of.
type ExporterKind string

// The exporters, and the identifying label each one's series carry.
const (
	Postgres ExporterKind = "postgres" // database=<Name>
	Redis    ExporterKind = "redis"    // cache=<Name>
	Node     ExporterKind = "node"     // host_group=<Name>, job=node
)

var exporterLabel = map[ExporterKind]string{Postgres: "database", Redis: "cache", Node: "host_group"}

// Exporter is a set of exporter targets for one database, cache or host group of
// alerts/catalog.
type Exporter struct {
	// Kind is postgres, redis or node. Required.
	Kind ExporterKind
	// Name is the catalog item's name (database, cache or host group): lower-case
	// letters, digits and hyphens, 1 to 63 characters. Required.
	Name string
	// Targets are fixed host:port addresses. When empty the exporter is discovered by
	// DNS SRV as <Kind>-<Name>.<Prometheus.Namespace>.
	Targets []string
}

// Certificate is one certificate of alerts/catalog, probed with tls_connect.
type Certificate struct {
	// Name is the certificate label: the catalog certificate's Domain (a DNS name,
	// maybe a wildcard such as *.example.com), or its Name when it has no Domain.
	// Required and unique.
	Name string
	// Targets are host:port endpoints that serve the certificate, such as
	// api.example.com:443; the probes' instance label is each target, so the catalog
	// certificate's ProbeTargets must list the same ones (its Domain alone matches
	// https:// instances, not these). At least one.
	Targets []string
}

// StaticJob is a job with fixed targets.
type StaticJob struct {
	// Job is the job name and label: letters, digits, hyphens and underscores.
	// Required.
	Job string
	// Targets are host:port addresses. At least one.
	Targets []string
	// Labels are added to the job's series. Names starting with __ and the service
	// label are refused (use a Service for that). None by default.
	Labels map[string]string
	// MetricsPath starts with /; defaults to /metrics.
	MetricsPath string
}

// The defaults.
const (
	DefaultScrapeInterval = 15 * time.Second
	DefaultRulesDir       = "/etc/prometheus/rules"
	defaultMetricsPath    = "/metrics"
	maxScrapeTimeout      = 10 * time.Second
)

var (
	nameRe      = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$`)
	jobRe       = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)
	labelNameRe = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
)

func (p Prometheus) withDefaults() Prometheus {
	if p.ScrapeInterval == 0 {
		p.ScrapeInterval = DefaultScrapeInterval
	}
	if p.EvaluationInterval == 0 {
		p.EvaluationInterval = p.ScrapeInterval
	}
	if p.RulesDir == "" {
		p.RulesDir = DefaultRulesDir
	}
	return p
}

// check reports every problem of p, whose defaults are applied; evaluationSet says
// whether EvaluationInterval was given, so that a bad ScrapeInterval it copied is
// reported once.
func (p Prometheus) check(evaluationSet bool) error {
	var ps validate.Problems
	interval := func(path string, d time.Duration) {
		checkSeconds(&ps, path, d, 5*time.Second, 5*time.Minute, "15s suits most services")
	}
	interval("ScrapeInterval", p.ScrapeInterval)
	if evaluationSet {
		interval("EvaluationInterval", p.EvaluationInterval)
	}
	if !path.IsAbs(p.RulesDir) || path.Clean(p.RulesDir) != p.RulesDir {
		ps.Addf("RulesDir", "for example /etc/prometheus/rules", "must be an absolute, clean path, got %q", p.RulesDir)
	}
	if p.Stack != "" && strings.TrimSpace(p.Stack) != p.Stack {
		ps.Addf("Stack", "the stack's name, such as prod", "must not have surrounding spaces, got %q", p.Stack)
	}
	for _, k := range sortedKeys(p.ExternalLabels) {
		at := fmt.Sprintf("ExternalLabels[%q]", k)
		checkLabel(&ps, at, k, p.ExternalLabels[k])
		switch k {
		case "environment":
			ps.Add(at, "must not be set here", "every rule carries its environment label itself (alerts/catalog); an external one would hide a rule without it")
		case "vigil_stack":
			ps.Add(at, "is set from Stack", "set Prometheus.Stack instead")
		}
	}
	am := p.Alertmanager
	switch {
	case am.DNSName == "" && len(am.Targets) == 0:
		ps.Add("Alertmanager", "has neither DNSName nor Targets", "set DNSName to its Cloud Map SRV name, such as alertmanager.vigil.local")
	case am.DNSName != "" && len(am.Targets) > 0:
		ps.Add("Alertmanager", "has both DNSName and Targets", "set one of them")
	case am.DNSName != "":
		checkDNSName(&ps, "Alertmanager.DNSName", am.DNSName)
	}
	checkTargets(&ps, "Alertmanager.Targets", am.Targets)
	needsBlackbox := len(p.Certificates) > 0
	for _, s := range p.Services {
		needsBlackbox = needsBlackbox || s.HealthURL != ""
	}
	if needsBlackbox || p.Blackbox.Address != "" {
		if p.Blackbox.Address == "" {
			ps.Add("Blackbox.Address", "is required to probe health URLs and certificates", "for example blackbox.vigil.local:9115")
		} else {
			checkTargets(&ps, "Blackbox.Address", []string{p.Blackbox.Address})
		}
	}
	jobs := map[string]string{"blackbox": "the certificate probes' job", "blackbox_http": "the health probes' job"}
	claim := func(at, job string) {
		if prev, ok := jobs[job]; ok {
			ps.Addf(at, "job names are unique in prometheus.yml", "job %q is already %s", job, prev)
			return
		}
		jobs[job] = at
	}
	discovered := func(at string, targets []string) {
		if len(targets) == 0 && p.Namespace == "" {
			ps.Add(at, "has no Targets and Prometheus.Namespace is empty", "set Namespace to the Cloud Map namespace, such as vigil.local, or list Targets")
		}
		checkTargets(&ps, at, targets)
	}
	if p.Namespace != "" {
		checkDNSName(&ps, "Namespace", p.Namespace)
	}
	for i, s := range p.Services {
		at := fmt.Sprintf("Services[%d]", i)
		checkName(&ps, at+".Name", s.Name)
		claim(at+".Name", s.Name)
		discovered(at+".Targets", s.Targets)
		checkMetricsPath(&ps, at+".MetricsPath", s.MetricsPath)
		if s.HealthURL != "" {
			validate.HTTPURL(&ps, at+".HealthURL", s.HealthURL)
		}
	}
	for i, e := range p.Exporters {
		at := fmt.Sprintf("Exporters[%d]", i)
		if _, ok := exporterLabel[e.Kind]; !ok {
			ps.Addf(at+".Kind", "vigil knows the labels of postgres, redis and node", "must be postgres, redis or node, got %q", e.Kind)
		}
		checkName(&ps, at+".Name", e.Name)
		claim(at+".Name", e.job())
		discovered(at+".Targets", e.Targets)
	}
	certs := map[string]bool{}
	for i, c := range p.Certificates {
		at := fmt.Sprintf("Certificates[%d]", i)
		checkDNSName(&ps, at+".Name", strings.TrimPrefix(c.Name, "*."))
		if certs[c.Name] {
			ps.Addf(at+".Name", "each certificate needs its own name: it is the certificate label", "%q is listed twice", c.Name)
		}
		certs[c.Name] = true
		if len(c.Targets) == 0 {
			ps.Add(at+".Targets", "must list at least one host:port", "for example api.example.com:443")
		}
		checkTargets(&ps, at+".Targets", c.Targets)
	}
	for i, j := range p.Static {
		at := fmt.Sprintf("Static[%d]", i)
		if !jobRe.MatchString(j.Job) {
			ps.Addf(at+".Job", "letters, digits, hyphens and underscores", "is not a valid job name: %q", j.Job)
		} else {
			claim(at+".Job", j.Job)
		}
		if len(j.Targets) == 0 {
			ps.Add(at+".Targets", "must list at least one host:port", "for example 10.0.1.5:9100")
		}
		checkTargets(&ps, at+".Targets", j.Targets)
		checkMetricsPath(&ps, at+".MetricsPath", j.MetricsPath)
		for _, k := range sortedKeys(j.Labels) {
			checkLabel(&ps, fmt.Sprintf("%s.Labels[%q]", at, k), k, j.Labels[k])
			if k == "service" || k == "job" || k == "instance" {
				ps.Add(fmt.Sprintf("%s.Labels[%q]", at, k), "must not be set on a static job",
					"job and instance are Prometheus's own; for service, use a Service: ServiceDown sums up{service=...}, and a static job labelled so would keep it quiet")
			}
		}
	}
	return ps.Err("platform/config.Prometheus")
}

// job is the exporter's job name, and its Cloud Map service name: <Kind>-<Name>.
func (e Exporter) job() string { return string(e.Kind) + "-" + e.Name }

// checkSeconds checks lo <= d <= hi in whole seconds: the files write durations in
// seconds or minutes, and a fraction would be lost.
func checkSeconds(ps *validate.Problems, path string, d, lo, hi time.Duration, hint string) {
	switch {
	case d < lo || d > hi:
		ps.Addf(path, hint, "must be between %s and %s, got %s", dur(lo), dur(hi), d)
	case d%time.Second != 0:
		ps.Addf(path, hint, "must be a whole number of seconds, got %s", d)
	}
}

func checkName(ps *validate.Problems, at, v string) {
	if !nameRe.MatchString(v) {
		ps.Addf(at, "lower-case letters, digits and hyphens, 1 to 63 characters, such as api", "is not a valid name: %q", v)
	}
}

func checkDNSName(ps *validate.Problems, at, v string) {
	for _, part := range strings.Split(v, ".") {
		if !nameRe.MatchString(part) {
			ps.Addf(at, "dot-separated lower-case DNS labels, such as vigil.local", "is not a valid DNS name: %q", v)
			return
		}
	}
}

func checkMetricsPath(ps *validate.Problems, at, v string) {
	if v != "" && (!strings.HasPrefix(v, "/") || strings.ContainsAny(v, "?# ")) {
		ps.Addf(at, "for example /metrics", "must be a path starting with / and without query or spaces, got %q", v)
	}
}

func checkTargets(ps *validate.Problems, at string, targets []string) {
	seen := map[string]bool{}
	for i, t := range targets {
		tat := fmt.Sprintf("%s[%d]", at, i)
		if at == "Blackbox.Address" {
			tat = at
		}
		host, port, err := net.SplitHostPort(t)
		n, perr := strconv.Atoi(port)
		if err != nil || host == "" || perr != nil || n < 1 || n > 65535 {
			ps.Addf(tat, "host:port with a port from 1 to 65535, such as 10.0.1.5:9100", "is not a host:port address: %q", t)
		}
		if seen[t] {
			ps.Addf(tat, "each target is scraped once", "%q is listed twice", t)
		}
		seen[t] = true
	}
}

func checkLabel(ps *validate.Problems, at, name, value string) {
	switch {
	case !labelNameRe.MatchString(name):
		ps.Addf(at, "letters, digits and underscores, not starting with a digit", "is not a valid label name: %q", name)
	case strings.HasPrefix(name, "__"):
		ps.Add(at, "names starting with __ are reserved for Prometheus", "choose another name")
	}
	if value == "" {
		ps.Add(at, "must not be empty", "Prometheus drops a label whose value is empty")
	}
}

func sortedKeys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// PrometheusYAML validates p, every problem at once, and returns its prometheus.yml.
// The same input always gives the same bytes.
func PrometheusYAML(p Prometheus) ([]byte, error) {
	evaluationSet := p.EvaluationInterval != 0
	p = p.withDefaults()
	if err := p.check(evaluationSet); err != nil {
		return nil, err
	}
	var b strings.Builder
	b.WriteString("# Written by vigil: the configuration of the platform's Prometheus.\n")
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(p.document()); err != nil {
		return nil, err
	}
	return []byte(b.String()), nil
}
