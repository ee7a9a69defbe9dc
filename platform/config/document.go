package config

import (
	"time"
)

// The shapes of prometheus.yml, in the order Prometheus documents them. Only fields
// that both Prometheus 3.10 (the image) and promtool 2.42 (Debian, in the tests)
// accept are written.
type promDoc struct {
	Global       promGlobal     `yaml:"global"`
	RuleFiles    []string       `yaml:"rule_files"`
	Alerting     promAlerting   `yaml:"alerting"`
	ScrapeConfig []scrapeConfig `yaml:"scrape_configs"`
}

type promGlobal struct {
	ScrapeInterval     string            `yaml:"scrape_interval"`
	ScrapeTimeout      string            `yaml:"scrape_timeout"`
	EvaluationInterval string            `yaml:"evaluation_interval"`
	ExternalLabels     map[string]string `yaml:"external_labels,omitempty"`
}

type promAlerting struct {
	Alertmanagers []amConfig `yaml:"alertmanagers"`
}

type amConfig struct {
	APIVersion    string         `yaml:"api_version"`
	StaticConfigs []staticConfig `yaml:"static_configs,omitempty"`
	DNSSDConfigs  []dnsSDConfig  `yaml:"dns_sd_configs,omitempty"`
}

type scrapeConfig struct {
	JobName        string              `yaml:"job_name"`
	MetricsPath    string              `yaml:"metrics_path"`
	Params         map[string][]string `yaml:"params,omitempty"`
	StaticConfigs  []staticConfig      `yaml:"static_configs,omitempty"`
	DNSSDConfigs   []dnsSDConfig       `yaml:"dns_sd_configs,omitempty"`
	RelabelConfigs []relabelConfig     `yaml:"relabel_configs,omitempty"`
}

type staticConfig struct {
	Targets []string          `yaml:"targets"`
	Labels  map[string]string `yaml:"labels,omitempty"`
}

type dnsSDConfig struct {
	Names           []string `yaml:"names"`
	Type            string   `yaml:"type"`
	RefreshInterval string   `yaml:"refresh_interval"`
}

type relabelConfig struct {
	SourceLabels []string `yaml:"source_labels,omitempty"`
	TargetLabel  string   `yaml:"target_label"`
	Replacement  string   `yaml:"replacement,omitempty"`
}

// dnsRefresh is how often SRV names are resolved again: a task replaced by ECS is
// scraped at its new address within this time.
const dnsRefresh = "30s"

func dur(d time.Duration) string {
	// Prometheus durations: whole units, largest first (1m30s → 90s is also fine).
	switch {
	case d%time.Minute == 0:
		return itoa(int(d/time.Minute)) + "m"
	default:
		return itoa(int(d/time.Second)) + "s"
	}
}

func itoa(n int) string {
	const digits = "0123456789"
	if n < 10 {
		return digits[n : n+1]
	}
	return itoa(n/10) + digits[n%10:n%10+1]
}

func (p Prometheus) document() promDoc {
	timeout := p.ScrapeInterval
	if timeout > maxScrapeTimeout {
		timeout = maxScrapeTimeout
	}
	d := promDoc{
		Global: promGlobal{
			ScrapeInterval:     dur(p.ScrapeInterval),
			ScrapeTimeout:      dur(timeout),
			EvaluationInterval: dur(p.EvaluationInterval),
		},
		RuleFiles: []string{p.RulesDir + "/*.rules.yaml"},
	}
	ext := map[string]string{}
	for k, v := range p.ExternalLabels {
		ext[k] = v
	}
	if p.Stack != "" {
		ext["vigil_stack"] = p.Stack
	}
	if len(ext) > 0 {
		d.Global.ExternalLabels = ext
	}
	am := amConfig{APIVersion: "v2"}
	if p.Alertmanager.DNSName != "" {
		am.DNSSDConfigs = []dnsSDConfig{srv(p.Alertmanager.DNSName)}
	} else {
		am.StaticConfigs = []staticConfig{{Targets: p.Alertmanager.Targets}}
	}
	d.Alerting.Alertmanagers = []amConfig{am}

	for _, s := range p.Services {
		d.ScrapeConfig = append(d.ScrapeConfig, p.job(s.Name, s.MetricsPath, s.Targets, s.Name,
			relabelConfig{TargetLabel: "service", Replacement: s.Name}))
	}
	for _, e := range p.Exporters {
		rc := []relabelConfig{{TargetLabel: exporterLabel[e.Kind], Replacement: e.Name}}
		if e.Kind == Node {
			rc = append(rc, relabelConfig{TargetLabel: "job", Replacement: "node"})
		}
		d.ScrapeConfig = append(d.ScrapeConfig, p.job(e.job(), "", e.Targets, e.job(), rc...))
	}
	if probes := p.healthProbes(); probes != nil {
		d.ScrapeConfig = append(d.ScrapeConfig, *probes)
	}
	if probes := p.certificateProbes(); probes != nil {
		d.ScrapeConfig = append(d.ScrapeConfig, *probes)
	}
	for _, j := range p.Static {
		sc := scrapeConfig{JobName: j.Job, MetricsPath: orDefault(j.MetricsPath, defaultMetricsPath),
			StaticConfigs: []staticConfig{{Targets: j.Targets, Labels: j.Labels}}}
		d.ScrapeConfig = append(d.ScrapeConfig, sc)
	}
	return d
}

// job scrapes fixed targets, or the SRV name <srvName>.<Namespace> when there are none,
// and sets the identifying labels by relabelling, which works for both.
func (p Prometheus) job(name, metricsPath string, targets []string, srvName string, labels ...relabelConfig) scrapeConfig {
	sc := scrapeConfig{JobName: name, MetricsPath: orDefault(metricsPath, defaultMetricsPath), RelabelConfigs: labels}
	if len(targets) > 0 {
		sc.StaticConfigs = []staticConfig{{Targets: targets}}
	} else {
		sc.DNSSDConfigs = []dnsSDConfig{srv(srvName + "." + p.Namespace)}
	}
	return sc
}

func srv(name string) dnsSDConfig {
	return dnsSDConfig{Names: []string{name}, Type: "SRV", RefreshInterval: dnsRefresh}
}

// probe is a blackbox job: each target's address becomes the target parameter and
// the instance label, and the request goes to the exporter instead.
func (p Prometheus) probe(job, module string, groups []staticConfig) *scrapeConfig {
	if len(groups) == 0 {
		return nil
	}
	return &scrapeConfig{
		JobName:       job,
		MetricsPath:   "/probe",
		Params:        map[string][]string{"module": {module}},
		StaticConfigs: groups,
		RelabelConfigs: []relabelConfig{
			{SourceLabels: []string{"__address__"}, TargetLabel: "__param_target"},
			{SourceLabels: []string{"__param_target"}, TargetLabel: "instance"},
			{TargetLabel: "__address__", Replacement: p.Blackbox.Address},
			{TargetLabel: "module", Replacement: module},
		},
	}
}

func (p Prometheus) healthProbes() *scrapeConfig {
	var groups []staticConfig
	for _, s := range p.Services {
		if s.HealthURL != "" {
			groups = append(groups, staticConfig{Targets: []string{s.HealthURL}, Labels: map[string]string{"probe_service": s.Name}})
		}
	}
	return p.probe("blackbox_http", ModuleHTTP2xx, groups)
}

func (p Prometheus) certificateProbes() *scrapeConfig {
	var groups []staticConfig
	for _, c := range p.Certificates {
		groups = append(groups, staticConfig{Targets: c.Targets, Labels: map[string]string{"certificate": c.Name}})
	}
	return p.probe("blackbox", ModuleTLSConnect, groups)
}

func orDefault(v, def string) string {
	if v == "" {
		return def
	}
	return v
}
