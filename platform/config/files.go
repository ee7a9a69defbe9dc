package config

import (
	"fmt"
	"path"
	"sort"
	"strings"

	"github.com/vigilops/vigil/validate"
)

// RuleFileSuffix ends every rule file's name: prometheus.yml loads RulesDir/*.rules.yaml,
// so a file named otherwise would be delivered and never read.
const RuleFileSuffix = ".rules.yaml"

// PrometheusFiles validates p and the rule files, every problem at once, and returns
// the Prometheus task's file set: prometheus.yml and each rule file under the last
// element of RulesDir (rules/<name> by default), by path relative to the parent of
// RulesDir (/etc/prometheus by default), where the init container copies them;
// Prometheus runs with --config.file=<that directory>/prometheus.yml. Rule files are
// keyed by file name, such as catalog.rules.yaml (alerts.RuleFile's bytes).
func PrometheusFiles(p Prometheus, rules map[string][]byte) (map[string][]byte, error) {
	var ps validate.Problems
	names := make([]string, 0, len(rules))
	for n := range rules {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		at := fmt.Sprintf("rules[%q]", n)
		base := strings.TrimSuffix(n, RuleFileSuffix)
		switch {
		case !strings.HasSuffix(n, RuleFileSuffix):
			ps.Addf(at, "Prometheus loads "+path.Join(p.withDefaults().RulesDir, "*"+RuleFileSuffix)+" only", "must end with %s", RuleFileSuffix)
		case !nameRe.MatchString(base):
			ps.Add(at, "must be lower-case letters, digits and hyphens before "+RuleFileSuffix, "for example catalog.rules.yaml")
		}
	}
	yml, err := PrometheusYAML(p)
	if err != nil {
		if ve, ok := err.(*validate.Error); ok {
			for _, pr := range ve.Problems {
				ps.Add(pr.Path, pr.Message, pr.Hint)
			}
		} else {
			return nil, err
		}
	}
	if err := ps.Err("platform/config.PrometheusFiles"); err != nil {
		return nil, err
	}
	dir := path.Base(p.withDefaults().RulesDir)
	out := map[string][]byte{"prometheus.yml": yml}
	for _, n := range names {
		out[dir+"/"+n] = rules[n]
	}
	return out, nil
}

// GrafanaFiles returns Grafana's file set: the data sources at DatasourcesPath and
// dashboardFiles (dashboards.ProvisioningFiles' result) beside them, named as that
// function names them: provisioning/... goes under /etc/grafana, dashboards/... at
// dashboards.Provisioning.Path. A dashboard file at DatasourcesPath is refused.
func GrafanaFiles(g Grafana, dashboardFiles map[string][]byte) (map[string][]byte, error) {
	ds, err := DatasourcesYAML(g)
	if err != nil {
		return nil, err
	}
	if _, ok := dashboardFiles[DatasourcesPath]; ok {
		return nil, fmt.Errorf("platform/config.GrafanaFiles: a dashboard file is at %s, where the data sources go", DatasourcesPath)
	}
	out := map[string][]byte{DatasourcesPath: ds}
	for k, v := range dashboardFiles {
		out[k] = v
	}
	return out, nil
}
