package platform

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vigilops/vigil/platform/config"
)

func TestFilesBuiltForAnotherNamespaceAreRefused(t *testing.T) {
	a := validArgs(t)
	a.Prometheus.Files = prometheusFiles(t, "vigil-dev.local")
	files, err := config.GrafanaFiles(config.Grafana{
		PrometheusURL: "http://prometheus.vigil-dev.local:9090", AlertmanagerURL: "http://alertmanager.vigil-prod.local:9093/", Region: region,
	}, nil)
	require.NoError(t, err)
	a.Grafana.Files = files
	assert.Equal(t, []string{
		`Grafana.Files[provisioning/datasources/vigil.yaml].datasources[0].url: is "http://prometheus.vigil-dev.local:9090", not the platform's http://prometheus.vigil-prod.local:9090`,
		`Prometheus.Files[prometheus.yml].alerting.alertmanagers[0].dns_sd_configs[0].names[0]: is SRV "alertmanager.vigil-dev.local", not the platform's Alertmanager (SRV "alertmanager.vigil-prod.local")`,
		`Prometheus.Files[prometheus.yml].scrape_configs[1].relabel_configs[2].replacement: is "blackbox.vigil-dev.local:9115", not the platform's blackbox exporter blackbox.vigil-prod.local:9115`,
	}, problems(t, a), "a trailing slash on a URL is the same URL")
}

func TestAPrometheusThatSendsAlertsNowhereIsRefused(t *testing.T) {
	a := validArgs(t)
	a.Prometheus.Files["prometheus.yml"] = []byte("global: {}\n")
	assert.Equal(t, []string{"Prometheus.Files[prometheus.yml]: sends alerts to no Alertmanager"}, problems(t, a))
	a.Prometheus.Files["prometheus.yml"] = []byte("alerting:\n  alertmanagers:\n    - static_configs:\n        - targets: [10.0.0.5:9093]\n")
	assert.Empty(t, problems(t, a), "a fixed Alertmanager address is the user's choice")
	a.Prometheus.Files["prometheus.yml"] = []byte("alerting: [")
	got := problems(t, a)
	require.Len(t, got, 1)
	assert.Contains(t, got[0], "Prometheus.Files[prometheus.yml]: is not YAML")
	a = validArgs(t)
	a.Namespace = "bad"
	assert.Equal(t, []string{`Namespace: must be a DNS namespace name, got "bad"`}, problems(t, a), "a bad namespace is reported once, not in every file")
}

func TestAppAddressIsTheCloudMapNameAndPort(t *testing.T) {
	assert.Equal(t, "alertmanager.vigil.local:9093", AppAddress(Alertmanager, "vigil.local"))
	assert.Equal(t, "grafana.vigil.local:3000", AppAddress(Grafana, "vigil.local"))
}
