package config

import (
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/common/model"
	promconfig "github.com/prometheus/prometheus/config"
	"github.com/prometheus/prometheus/discovery"
	"github.com/prometheus/prometheus/discovery/dns"
	"github.com/prometheus/prometheus/discovery/targetgroup"
	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/model/relabel"
	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// sample is a platform with one of everything, as stacks/ would fill it for prod.
func sample() Prometheus {
	return Prometheus{
		Stack:          "prod",
		ExternalLabels: map[string]string{"region": "eu-west-1"},
		Namespace:      "vigil.local",
		Alertmanager:   Alertmanager{DNSName: "alertmanager.vigil.local"},
		Blackbox:       Blackbox{Address: "blackbox.vigil.local:9115"},
		Services: []Service{
			{Name: "api", HealthURL: "https://api.example.com/health"},
			{Name: "worker", Targets: []string{"10.0.1.5:8080"}, MetricsPath: "/internal/metrics"},
		},
		Exporters: []Exporter{
			{Kind: Postgres, Name: "orders"},
			{Kind: Redis, Name: "sessions", Targets: []string{"10.0.2.7:9121"}},
			{Kind: Node, Name: "bastion", Targets: []string{"10.0.3.1:9100", "10.0.3.2:9100"}},
		},
		Certificates: []Certificate{{Name: "api.example.com", Targets: []string{"api.example.com:443"}}},
		Static:       []StaticJob{{Job: "pushgateway", Targets: []string{"10.0.4.4:9091"}, Labels: map[string]string{"team": "payments"}}},
	}
}

func build(t *testing.T, p Prometheus) []byte {
	t.Helper()
	b, err := PrometheusYAML(p)
	require.NoError(t, err)
	return b
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		require.NoError(t, os.WriteFile(path, got, 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run go test ./platform/config -update")
	require.Equal(t, string(want), string(got), "%s differs: run with -update and read the diff", path)
}

func TestThePrometheusConfigurationMatchesItsGoldenFile(t *testing.T) {
	golden(t, "prometheus.yml", build(t, sample()))
}

func load(t *testing.T, b []byte) *promconfig.Config {
	t.Helper()
	cfg, err := promconfig.Load(string(b), nil)
	require.NoError(t, err, "Prometheus 3's loader refuses:\n%s", b)
	return cfg
}

func TestPrometheus3sOwnLoaderReadsWhatWasMeant(t *testing.T) {
	cfg := load(t, build(t, sample()))
	require.Equal(t, model.Duration(15*time.Second), cfg.GlobalConfig.ScrapeInterval)
	require.Equal(t, model.Duration(10*time.Second), cfg.GlobalConfig.ScrapeTimeout)
	require.Equal(t, model.Duration(15*time.Second), cfg.GlobalConfig.EvaluationInterval)
	require.Equal(t, labels.FromStrings("region", "eu-west-1", "vigil_stack", "prod"), cfg.GlobalConfig.ExternalLabels)
	require.Equal(t, []string{"/etc/prometheus/rules/*.rules.yaml"}, cfg.RuleFiles)

	require.Len(t, cfg.AlertingConfig.AlertmanagerConfigs, 1)
	am := cfg.AlertingConfig.AlertmanagerConfigs[0]
	require.Equal(t, promconfig.AlertmanagerAPIVersionV2, am.APIVersion)
	require.Equal(t, discovery.Configs{&dns.SDConfig{Names: []string{"alertmanager.vigil.local"}, Type: "SRV",
		RefreshInterval: model.Duration(30 * time.Second)}}, am.ServiceDiscoveryConfigs)

	var jobs []string
	byJob := map[string]*promconfig.ScrapeConfig{}
	for _, sc := range cfg.ScrapeConfigs {
		jobs = append(jobs, sc.JobName)
		byJob[sc.JobName] = sc
	}
	require.Equal(t, []string{"api", "worker", "postgres-orders", "redis-sessions", "node-bastion", "blackbox_http", "blackbox", "pushgateway"}, jobs)
	require.Equal(t, "/metrics", byJob["api"].MetricsPath)
	require.Equal(t, "/internal/metrics", byJob["worker"].MetricsPath)
	require.Equal(t, discovery.Configs{&dns.SDConfig{Names: []string{"api.vigil.local"}, Type: "SRV",
		RefreshInterval: model.Duration(30 * time.Second)}}, byJob["api"].ServiceDiscoveryConfigs)
	require.Equal(t, discovery.Configs{&dns.SDConfig{Names: []string{"postgres-orders.vigil.local"}, Type: "SRV",
		RefreshInterval: model.Duration(30 * time.Second)}}, byJob["postgres-orders"].ServiceDiscoveryConfigs)
	require.Equal(t, "/probe", byJob["blackbox"].MetricsPath)
	require.Equal(t, []string{"tls_connect"}, byJob["blackbox"].Params["module"])
	require.Equal(t, []string{"http_2xx"}, byJob["blackbox_http"].Params["module"])
}

// target is what Prometheus makes of one discovered address in a job: the job's
// labels, then its relabelling, exactly as the scrape manager applies them.
func target(t *testing.T, sc *promconfig.ScrapeConfig, address string, groupLabels map[string]string) map[string]string {
	t.Helper()
	b := labels.NewBuilder(labels.FromStrings(model.AddressLabel, address, model.JobLabel, sc.JobName,
		model.MetricsPathLabel, sc.MetricsPath))
	for k, v := range groupLabels {
		b.Set(k, v)
	}
	for name, values := range sc.Params {
		b.Set(model.ParamLabelPrefix+name, values[0])
	}
	keep := relabel.ProcessBuilder(b, sc.RelabelConfigs...)
	require.True(t, keep, "job %s drops %s", sc.JobName, address)
	m := b.Labels().Map()
	if _, ok := m[model.InstanceLabel]; !ok {
		m[model.InstanceLabel] = m[model.AddressLabel]
	}
	return m
}

func staticGroups(t *testing.T, sc *promconfig.ScrapeConfig) []*targetgroup.Group {
	t.Helper()
	var out []*targetgroup.Group
	for _, c := range sc.ServiceDiscoveryConfigs {
		if s, ok := c.(discovery.StaticConfig); ok {
			out = append(out, s...)
		}
	}
	return out
}

func TestEveryJobCarriesTheLabelsTheCatalogSelectsBy(t *testing.T) {
	cfg := load(t, build(t, sample()))
	byJob := map[string]*promconfig.ScrapeConfig{}
	for _, sc := range cfg.ScrapeConfigs {
		byJob[sc.JobName] = sc
	}
	cases := []struct {
		job, address string
		group        map[string]string
		want         map[string]string
	}{
		{"api", "10.0.9.9:8080", nil, map[string]string{"job": "api", "service": "api", "instance": "10.0.9.9:8080", "__address__": "10.0.9.9:8080"}},
		{"postgres-orders", "10.0.5.5:9187", nil, map[string]string{"job": "postgres-orders", "database": "orders", "instance": "10.0.5.5:9187"}},
		{"redis-sessions", "10.0.2.7:9121", nil, map[string]string{"job": "redis-sessions", "cache": "sessions"}},
		{"node-bastion", "10.0.3.1:9100", nil, map[string]string{"job": "node", "host_group": "bastion", "instance": "10.0.3.1:9100"}},
		{"blackbox_http", "https://api.example.com/health", map[string]string{"probe_service": "api"}, map[string]string{
			"job": "blackbox_http", "probe_service": "api", "module": "http_2xx", "instance": "https://api.example.com/health",
			"__param_target": "https://api.example.com/health", "__address__": "blackbox.vigil.local:9115", "__metrics_path__": "/probe"}},
		{"blackbox", "api.example.com:443", map[string]string{"certificate": "api.example.com"}, map[string]string{
			"job": "blackbox", "certificate": "api.example.com", "module": "tls_connect", "instance": "api.example.com:443",
			"__param_target": "api.example.com:443", "__address__": "blackbox.vigil.local:9115", "__param_module": "tls_connect"}},
	}
	for _, c := range cases {
		got := target(t, byJob[c.job], c.address, c.group)
		for k, v := range c.want {
			require.Equal(t, v, got[k], "job %s, label %s: %v", c.job, k, got)
		}
		if c.job != "api" {
			// ServiceDown sums up{service="api"}: any other job with that label would
			// keep it quiet while the API is down.
			require.NotContains(t, got, "service", "job %s must not carry a service label", c.job)
		}
	}
	// The static groups carry the probes' labels as written.
	require.Equal(t, model.LabelSet{"probe_service": "api"}, staticGroups(t, byJob["blackbox_http"])[0].Labels)
	require.Equal(t, model.LabelSet{"team": "payments"}, staticGroups(t, byJob["pushgateway"])[0].Labels)
}

func promtool(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath("promtool")
	if err != nil {
		t.Fatalf("promtool is not installed: apt-get install -y --no-install-recommends prometheus: %v", err)
	}
	return p
}

func TestPromtool242ChecksTheConfigurationAndItsRules(t *testing.T) {
	dir := t.TempDir()
	rules := filepath.Join(dir, "rules")
	require.NoError(t, os.Mkdir(rules, 0o755))
	p := sample()
	p.RulesDir = rules
	require.NoError(t, os.WriteFile(filepath.Join(rules, "catalog.rules.yaml"),
		[]byte("groups:\n  - name: g\n    rules:\n      - alert: A\n        expr: up == 0\n"), 0o644))
	file := filepath.Join(dir, "prometheus.yml")
	require.NoError(t, os.WriteFile(file, build(t, p), 0o644))
	out, err := exec.Command(promtool(t), "check", "config", file).CombinedOutput()
	require.NoError(t, err, "%s", out)
	// promtool found the rule file through the glob, so the path pattern is right.
	require.Contains(t, string(out), "SUCCESS: 1 rule files found")

	// And it fails when a rule file is broken: the check above could not pass vacuously.
	require.NoError(t, os.WriteFile(filepath.Join(rules, "broken.rules.yaml"), []byte("groups:\n  - name: g\n    rules:\n      - alert: B\n        expr: up ==\n"), 0o644))
	out, err = exec.Command(promtool(t), "check", "config", file).CombinedOutput()
	require.Error(t, err, "%s", out)
	require.Contains(t, string(out), "broken.rules.yaml")
}

func TestStaticAlertmanagersAndNoStackGiveNoDiscoveryAndNoExternalLabels(t *testing.T) {
	p := Prometheus{Alertmanager: Alertmanager{Targets: []string{"127.0.0.1:9093"}}, Services: []Service{{Name: "api", Targets: []string{"127.0.0.1:8080"}}}}
	b := build(t, p)
	require.NotContains(t, string(b), "external_labels")
	require.NotContains(t, string(b), "dns_sd_configs")
	cfg := load(t, b)
	require.Len(t, cfg.AlertingConfig.AlertmanagerConfigs, 1)
	groups := cfg.AlertingConfig.AlertmanagerConfigs[0].ServiceDiscoveryConfigs[0].(discovery.StaticConfig)
	require.Equal(t, model.LabelValue("127.0.0.1:9093"), groups[0].Targets[0][model.AddressLabel])
	require.Len(t, cfg.ScrapeConfigs, 1, "no probe jobs without health URLs or certificates")
}

func TestTheScrapeTimeoutIsTenSecondsOrTheIntervalWhicheverIsShorter(t *testing.T) {
	cases := []struct {
		interval, evaluation  time.Duration
		wantTimeout, wantEval time.Duration
	}{
		{5 * time.Second, 0, 5 * time.Second, 5 * time.Second},
		{10 * time.Second, 0, 10 * time.Second, 10 * time.Second},
		{11 * time.Second, time.Minute, 10 * time.Second, time.Minute},
		{5 * time.Minute, 5 * time.Second, 10 * time.Second, 5 * time.Second},
		{90 * time.Second, 0, 10 * time.Second, 90 * time.Second},
	}
	for _, c := range cases {
		p := sample()
		p.ScrapeInterval, p.EvaluationInterval = c.interval, c.evaluation
		cfg := load(t, build(t, p))
		require.Equal(t, model.Duration(c.interval), cfg.GlobalConfig.ScrapeInterval)
		require.Equal(t, model.Duration(c.wantTimeout), cfg.GlobalConfig.ScrapeTimeout, "interval %s", c.interval)
		require.Equal(t, model.Duration(c.wantEval), cfg.GlobalConfig.EvaluationInterval, "interval %s", c.interval)
	}
}

func TestTheSameInputGivesTheSameBytes(t *testing.T) {
	first := build(t, sample())
	for i := 0; i < 20; i++ {
		require.Equal(t, string(first), string(build(t, sample())))
	}
	require.True(t, strings.HasPrefix(string(first), "# Written by vigil"))
}

func TestEveryShapeOfConfigurationPassesBothPromtool242AndPrometheus3(t *testing.T) {
	variants := map[string]func(p *Prometheus){
		"The full sample.": func(p *Prometheus) {},
		"Static Alertmanagers, no stack, no probes.": func(p *Prometheus) {
			*p = Prometheus{Alertmanager: Alertmanager{Targets: []string{"10.0.0.1:9093", "10.0.0.2:9093"}}}
		},
		"The longest intervals.":  func(p *Prometheus) { p.ScrapeInterval, p.EvaluationInterval = 5*time.Minute, 5*time.Minute },
		"The shortest intervals.": func(p *Prometheus) { p.ScrapeInterval, p.EvaluationInterval = 5*time.Second, 5*time.Second },
		"A minute and a half.":    func(p *Prometheus) { p.ScrapeInterval = 90 * time.Second },
		"A wildcard certificate.": func(p *Prometheus) { p.Certificates[0].Name = "*.example.com" },
	}
	for name, change := range variants {
		t.Run(name, func(t *testing.T) {
			p := sample()
			change(&p)
			b := build(t, p)
			load(t, b)
			file := filepath.Join(t.TempDir(), "prometheus.yml")
			require.NoError(t, os.WriteFile(file, b, 0o644))
			out, err := exec.Command(promtool(t), "check", "config", "--syntax-only", file).CombinedOutput()
			require.NoError(t, err, "%s\n%s", out, b)
			require.Contains(t, string(out), "SUCCESS")
		})
	}
}
