package config

import (
	"fmt"
	"sort"
	"testing"

	"github.com/stretchr/testify/require"
)

const catalogRules = "groups:\n  - name: g\n    rules:\n      - alert: A\n        expr: up == 0\n"

func TestThePrometheusFileSetPutsRulesWhereTheGlobFindsThem(t *testing.T) {
	files, err := PrometheusFiles(sample(), map[string][]byte{"catalog.rules.yaml": []byte(catalogRules), "slo.rules.yaml": []byte("groups: []\n")})
	require.NoError(t, err)
	require.Equal(t, []string{"prometheus.yml", "rules/catalog.rules.yaml", "rules/slo.rules.yaml"}, sortedFileNames(files))
	require.Equal(t, string(build(t, sample())), string(files["prometheus.yml"]))
	require.Equal(t, catalogRules, string(files["rules/catalog.rules.yaml"]))

	p := sample()
	p.RulesDir = "/config/alerting"
	files, err = PrometheusFiles(p, map[string][]byte{"catalog.rules.yaml": nil})
	require.NoError(t, err)
	require.Equal(t, []string{"alerting/catalog.rules.yaml", "prometheus.yml"}, sortedFileNames(files))
	require.Contains(t, string(files["prometheus.yml"]), "- /config/alerting/*.rules.yaml\n")
}

func TestBadRuleFileNamesAndABadConfigAreReportedTogether(t *testing.T) {
	p := sample()
	p.ScrapeInterval = 1
	_, err := PrometheusFiles(p, map[string][]byte{"catalog.yaml": nil, "Cat_1.rules.yaml": nil, "ok.rules.yaml": nil})
	require.Error(t, err)
	for _, w := range []string{`rules["catalog.yaml"]: must end with .rules.yaml`,
		`rules["Cat_1.rules.yaml"]: must be lower-case letters, digits and hyphens before .rules.yaml`,
		"ScrapeInterval: must be between 5s and 5m, got 1ns"} {
		require.ErrorContains(t, err, w)
	}
	require.NotContains(t, err.Error(), `rules["ok.rules.yaml"]`)
}

func TestAChangedRuleRollsThePrometheusTaskAndAnUnchangedOneDoesNot(t *testing.T) {
	hashOf := func(rules string) string {
		files, err := PrometheusFiles(sample(), map[string][]byte{"catalog.rules.yaml": []byte(rules)})
		require.NoError(t, err)
		return ContentHash(files)
	}
	require.Equal(t, hashOf(catalogRules), hashOf(catalogRules))
	require.NotEqual(t, hashOf(catalogRules), hashOf(catalogRules+"        for: 5m\n"))
}

func TestGrafanasFileSetHoldsTheDatasourcesAndTheDashboards(t *testing.T) {
	dash := map[string][]byte{"provisioning/dashboards/vigil.yaml": []byte("apiVersion: 1\n"), "dashboards/api.json": []byte("{}")}
	files, err := GrafanaFiles(grafanaSample(), dash)
	require.NoError(t, err)
	require.Equal(t, []string{"dashboards/api.json", "provisioning/dashboards/vigil.yaml", DatasourcesPath}, sortedFileNames(files))
	ds, err := DatasourcesYAML(grafanaSample())
	require.NoError(t, err)
	require.Equal(t, string(ds), string(files[DatasourcesPath]))

	_, err = GrafanaFiles(grafanaSample(), map[string][]byte{DatasourcesPath: nil})
	require.ErrorContains(t, err, "a dashboard file is at provisioning/datasources/vigil.yaml")
	_, err = GrafanaFiles(Grafana{}, dash)
	require.ErrorContains(t, err, "PrometheusURL")
}

func sortedFileNames(files map[string][]byte) []string {
	var out []string
	for k := range files {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func ExamplePrometheusFiles() {
	files, err := PrometheusFiles(Prometheus{
		Stack:        "prod",
		Namespace:    "vigil.local",
		Alertmanager: Alertmanager{DNSName: "alertmanager.vigil.local"},
		Blackbox:     Blackbox{Address: "blackbox.vigil.local:9115"},
		Services:     []Service{{Name: "api", HealthURL: "https://api.example.com/health"}},
	}, map[string][]byte{"catalog.rules.yaml": []byte("groups: []\n")})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, name := range sortedFileNames(files) {
		fmt.Println(name)
	}
	fmt.Println(len(ContentHash(files)))
	// Output:
	// prometheus.yml
	// rules/catalog.rules.yaml
	// 64
}
