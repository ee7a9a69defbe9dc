package config

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestBadInputIsReportedWithItsPathAndEveryProblemAtOnce(t *testing.T) {
	cases := map[string]struct {
		change func(*Prometheus)
		want   []string
	}{
		"A scrape interval below 5s is refused.": {func(p *Prometheus) { p.ScrapeInterval = 4*time.Second + 999*time.Millisecond },
			[]string{"ScrapeInterval: must be between 5s and 5m, got 4.999s"}},
		"A scrape interval above 5m is refused.": {func(p *Prometheus) { p.ScrapeInterval = 5*time.Minute + time.Second },
			[]string{"ScrapeInterval: must be between 5s and 5m, got 5m1s"}},
		"A fraction of a second would be lost, so it is refused.": {func(p *Prometheus) {
			p.ScrapeInterval = 5500 * time.Millisecond
			p.EvaluationInterval = 90*time.Second + time.Millisecond
		}, []string{"ScrapeInterval: must be a whole number of seconds, got 5.5s", "EvaluationInterval: must be a whole number of seconds, got 1m30.001s"}},
		"A negative interval is refused.": {func(p *Prometheus) { p.ScrapeInterval = -15 * time.Second },
			[]string{"ScrapeInterval: must be between 5s and 5m, got -15s"}},
		"An evaluation interval out of range is refused.": {func(p *Prometheus) { p.EvaluationInterval = time.Second },
			[]string{"EvaluationInterval: must be between 5s and 5m, got 1s"}},
		"A relative rules directory is refused.": {func(p *Prometheus) { p.RulesDir = "rules" },
			[]string{`RulesDir: must be an absolute, clean path, got "rules"`}},
		"An unclean rules directory is refused.": {func(p *Prometheus) { p.RulesDir = "/etc/prometheus/rules/" },
			[]string{`RulesDir: must be an absolute, clean path, got "/etc/prometheus/rules/"`}},
		"An environment external label is refused: the rules carry it.": {func(p *Prometheus) { p.ExternalLabels = map[string]string{"environment": "prod"} },
			[]string{`ExternalLabels["environment"]: must not be set here`}},
		"vigil_stack comes from Stack only.": {func(p *Prometheus) { p.ExternalLabels = map[string]string{"vigil_stack": "x"} },
			[]string{`ExternalLabels["vigil_stack"]: is set from Stack`}},
		"A reserved or invalid external label name is refused.": {func(p *Prometheus) { p.ExternalLabels = map[string]string{"__x": "a", "1a": "b", "ok": ""} },
			[]string{`ExternalLabels["1a"]: is not a valid label name`, `ExternalLabels["__x"]: names starting with __ are reserved`, `ExternalLabels["ok"]: must not be empty`}},
		"No Alertmanager is refused.": {func(p *Prometheus) { p.Alertmanager = Alertmanager{} },
			[]string{"Alertmanager: has neither DNSName nor Targets"}},
		"Both Alertmanager forms are refused.": {func(p *Prometheus) { p.Alertmanager.Targets = []string{"10.0.0.1:9093"} },
			[]string{"Alertmanager: has both DNSName and Targets"}},
		"A bad Alertmanager target is refused.": {func(p *Prometheus) { p.Alertmanager = Alertmanager{Targets: []string{"10.0.0.1"}} },
			[]string{`Alertmanager.Targets[0]: is not a host:port address: "10.0.0.1"`}},
		"Ports outside 1-65535 are refused.": {func(p *Prometheus) { p.Services[1].Targets = []string{"a:0", "a:65536", "a:65535", "a:1"} },
			[]string{`Services[1].Targets[0]: is not a host:port address: "a:0"`, `Services[1].Targets[1]: is not a host:port address: "a:65536"`}},
		"A target listed twice is refused.": {func(p *Prometheus) { p.Services[1].Targets = []string{"a:1", "a:1"} },
			[]string{`Services[1].Targets[1]: "a:1" is listed twice`}},
		"Probes without a blackbox address are refused.": {func(p *Prometheus) { p.Blackbox = Blackbox{} },
			[]string{"Blackbox.Address: is required to probe health URLs and certificates"}},
		"A bad blackbox address is refused.": {func(p *Prometheus) { p.Blackbox = Blackbox{Address: "blackbox"} },
			[]string{`Blackbox.Address: is not a host:port address: "blackbox"`}},
		"Discovery without a namespace is refused.": {func(p *Prometheus) { p.Namespace = "" },
			[]string{"Services[0].Targets: has no Targets and Prometheus.Namespace is empty", "Exporters[0].Targets: has no Targets"}},
		"A bad namespace is refused.": {func(p *Prometheus) { p.Namespace = "Vigil..local" },
			[]string{`Namespace: is not a valid DNS name: "Vigil..local"`}},
		"A service name that is no DNS label is refused.": {func(p *Prometheus) { p.Services[0].Name = "API_1" },
			[]string{`Services[0].Name: is not a valid name: "API_1"`}},
		"A 64-character service name is refused, 63 is not.": {func(p *Prometheus) {
			p.Services[0].Name = strings.Repeat("a", 64)
			p.Services[1].Name = strings.Repeat("b", 63)
		}, []string{`Services[0].Name: is not a valid name: "` + strings.Repeat("a", 64) + `"`}},
		"Two services of one name are refused.": {func(p *Prometheus) { p.Services[1].Name = "api" },
			[]string{`Services[1].Name: job "api" is already Services[0].Name`}},
		"A service named like the probe job is refused.": {func(p *Prometheus) { p.Static[0].Job = "blackbox" },
			[]string{`Static[0].Job: job "blackbox" is already the certificate probes' job`}},
		"A bad health URL is refused.": {func(p *Prometheus) { p.Services[0].HealthURL = "api.example.com/health" },
			[]string{`Services[0].HealthURL: must be an absolute http:// or https:// URL`}},
		"A bad metrics path is refused.": {func(p *Prometheus) { p.Services[0].MetricsPath = "metrics?x=1" },
			[]string{`Services[0].MetricsPath: must be a path starting with /`}},
		"An unknown exporter kind is refused.": {func(p *Prometheus) { p.Exporters[0].Kind = "mysql" },
			[]string{`Exporters[0].Kind: must be postgres, redis or node, got "mysql"`}},
		"Two exporters of one kind and name are refused.": {func(p *Prometheus) { p.Exporters[1] = Exporter{Kind: Postgres, Name: "orders"} },
			[]string{`Exporters[1].Name: job "postgres-orders" is already Exporters[0].Name`}},
		"A certificate without targets is refused.": {func(p *Prometheus) { p.Certificates[0].Targets = nil },
			[]string{"Certificates[0].Targets: must list at least one host:port"}},
		"A certificate listed twice is refused.": {func(p *Prometheus) { p.Certificates = append(p.Certificates, p.Certificates[0]) },
			[]string{`Certificates[1].Name: "api.example.com" is listed twice`}},
		"A certificate name that is no domain is refused.": {func(p *Prometheus) { p.Certificates[0].Name = "API example" },
			[]string{`Certificates[0].Name: is not a valid DNS name`}},
		"A static job may not claim a service label.": {func(p *Prometheus) { p.Static[0].Labels = map[string]string{"service": "api"} },
			[]string{`Static[0].Labels["service"]: must not be set on a static job`}},
		"A static job may not set job or instance either.": {func(p *Prometheus) { p.Static[0].Labels = map[string]string{"job": "x", "instance": "y", "team": "ok"} },
			[]string{`Static[0].Labels["instance"]: must not be set on a static job`, `Static[0].Labels["job"]: must not be set on a static job`}},
		"A static job needs targets and a valid name.": {func(p *Prometheus) { p.Static[0] = StaticJob{Job: "push gateway"} },
			[]string{`Static[0].Job: is not a valid job name: "push gateway"`, "Static[0].Targets: must list at least one host:port"}},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			p := sample()
			c.change(&p)
			_, err := PrometheusYAML(p)
			require.Error(t, err)
			for _, w := range c.want {
				require.Contains(t, err.Error(), w)
			}
			require.Equal(t, len(c.want), strings.Count(err.Error(), "\n    hint:"), "exactly the expected problems:\n%s", err)
		})
	}
}

func TestTheBoundariesOfTheRangesAreAccepted(t *testing.T) {
	for _, d := range []time.Duration{5 * time.Second, 5 * time.Minute} {
		p := sample()
		p.ScrapeInterval, p.EvaluationInterval = d, d
		load(t, build(t, p))
	}
	p := sample()
	p.Certificates[0].Name = "*.example.com"
	p.Services[0].Name = strings.Repeat("a", 63)
	p.Services[1].Targets = []string{"a:1", "b:65535"}
	load(t, build(t, p))
}
