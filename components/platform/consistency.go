package platform

import (
	"fmt"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/vigilops/vigil/platform/config"
	"github.com/vigilops/vigil/validate"
)

// AppAddress is where an app answers inside the namespace: <app>.<namespace>:<port>,
// its Cloud Map A record and port.
func AppAddress(appName, namespace string) string {
	return appName + "." + namespace + ":" + strconv.Itoa(Port(appName))
}

// checkPeers adds a problem for each place where the files name a peer that is not
// the platform's: prometheus.yml must send alerts to the Alertmanager the platform
// runs (DNS SRV alertmanager.<Namespace>, as platform/config writes it) and reach
// the blackbox exporter at blackbox.<Namespace>:9115; Grafana's data sources must
// query prometheus.<Namespace>:9090 and alertmanager.<Namespace>:9093. Files built
// for another namespace would deploy cleanly and never alert.
func checkPeers(ps *validate.Problems, a PlatformArgs) {
	ns := a.Namespace
	hint := "build the files with Namespace " + strconv.Quote(ns) + ", the platform's Cloud Map namespace"
	if b, ok := a.Prometheus.Files["prometheus.yml"]; ok {
		checkPrometheusPeers(ps, "Prometheus.Files[prometheus.yml]", b, ns, hint)
	}
	if b, ok := a.Grafana.Files[config.DatasourcesPath]; ok {
		var doc struct {
			Datasources []struct {
				Type string `yaml:"type"`
				URL  string `yaml:"url"`
			} `yaml:"datasources"`
		}
		at := "Grafana.Files[" + config.DatasourcesPath + "]"
		if err := yaml.Unmarshal(b, &doc); err != nil {
			ps.Addf(at, "pass config.GrafanaFiles' set", "is not YAML: %v", err)
			return
		}
		want := map[string]string{
			"prometheus":   "http://" + AppAddress(Prometheus, ns),
			"alertmanager": "http://" + AppAddress(Alertmanager, ns),
		}
		for i, d := range doc.Datasources {
			if w, ok := want[d.Type]; ok && strings.TrimRight(d.URL, "/") != w {
				ps.Addf(fmt.Sprintf("%s.datasources[%d].url", at, i), hint, "is %q, not the platform's %s", d.URL, w)
			}
		}
	}
}

func checkPrometheusPeers(ps *validate.Problems, at string, b []byte, ns, hint string) {
	var doc struct {
		Alerting struct {
			Alertmanagers []struct {
				DNSSD []struct {
					Names []string `yaml:"names"`
					Type  string   `yaml:"type"`
				} `yaml:"dns_sd_configs"`
				Static []struct {
					Targets []string `yaml:"targets"`
				} `yaml:"static_configs"`
			} `yaml:"alertmanagers"`
		} `yaml:"alerting"`
		ScrapeConfigs []struct {
			JobName  string `yaml:"job_name"`
			Relabels []struct {
				TargetLabel string `yaml:"target_label"`
				Replacement string `yaml:"replacement"`
			} `yaml:"relabel_configs"`
		} `yaml:"scrape_configs"`
	}
	if err := yaml.Unmarshal(b, &doc); err != nil {
		ps.Addf(at, "pass config.PrometheusFiles' set", "is not YAML: %v", err)
		return
	}
	found := false
	want := Alertmanager + "." + ns
	for i, am := range doc.Alerting.Alertmanagers {
		for j, sd := range am.DNSSD {
			for k, n := range sd.Names {
				found = true
				if n != want || sd.Type != "SRV" {
					ps.Addf(fmt.Sprintf("%s.alerting.alertmanagers[%d].dns_sd_configs[%d].names[%d]", at, i, j, k), hint,
						"is %s %q, not the platform's Alertmanager (SRV %q)", sd.Type, n, want)
				}
			}
		}
		for _, s := range am.Static {
			found = found || len(s.Targets) > 0
		}
	}
	if !found {
		ps.Add(at, "sends alerts to no Alertmanager", "set config.Prometheus.Alertmanager.DNSName to "+want)
	}
	blackbox := AppAddress(Blackbox, ns)
	for i, sc := range doc.ScrapeConfigs {
		for j, r := range sc.Relabels {
			if r.TargetLabel == "__address__" && strings.HasSuffix(r.Replacement, ":"+strconv.Itoa(Port(Blackbox))) && r.Replacement != blackbox {
				ps.Addf(fmt.Sprintf("%s.scrape_configs[%d].relabel_configs[%d].replacement", at, i, j), hint,
					"is %q, not the platform's blackbox exporter %s", r.Replacement, blackbox)
			}
		}
	}
}
