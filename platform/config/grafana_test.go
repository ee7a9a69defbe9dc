package config

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"
)

func grafanaSample() Grafana {
	return Grafana{PrometheusURL: "http://prometheus.vigil.local:9090/", AlertmanagerURL: "http://alertmanager.vigil.local:9093",
		Region: "eu-west-1", ScrapeInterval: 15 * time.Second}
}

func TestTheDatasourcesMatchTheirGoldenFile(t *testing.T) {
	b, err := DatasourcesYAML(grafanaSample())
	require.NoError(t, err)
	golden(t, "datasources.yaml", b)
}

func TestEveryDatasourceIsReadOnlyAndCloudWatchUsesTheTaskRole(t *testing.T) {
	b, err := DatasourcesYAML(grafanaSample())
	require.NoError(t, err)
	var doc struct {
		APIVersion  int              `yaml:"apiVersion"`
		Datasources []map[string]any `yaml:"datasources"`
	}
	require.NoError(t, yaml.Unmarshal(b, &doc))
	require.Equal(t, 1, doc.APIVersion)
	require.Len(t, doc.Datasources, 3)
	byType := map[string]map[string]any{}
	defaults := 0
	for _, d := range doc.Datasources {
		require.Equal(t, false, d["editable"], "%v", d)
		byType[d["type"].(string)] = d
		if d["isDefault"] == true {
			defaults++
		}
	}
	require.Equal(t, 1, defaults, "Grafana refuses two default data sources")
	require.Equal(t, "http://prometheus.vigil.local:9090", byType["prometheus"]["url"])
	require.Equal(t, PrometheusUID, byType["prometheus"]["uid"])
	require.Equal(t, true, byType["prometheus"]["isDefault"])
	require.Equal(t, "15s", byType["prometheus"]["jsonData"].(map[string]any)["timeInterval"])
	require.Equal(t, "prometheus", byType["alertmanager"]["jsonData"].(map[string]any)["implementation"])
	cw := byType["cloudwatch"]
	require.Equal(t, CloudWatchUID, cw["uid"])
	require.Equal(t, map[string]any{"authType": "default", "defaultRegion": "eu-west-1"}, cw["jsonData"])
	require.NotContains(t, cw, "secureJsonData", "no keys: the task role's credentials")
}

func TestTheUIDsAreTheOnesTheDashboardsQueryByDefault(t *testing.T) {
	// dashboards.Datasources defaults to these UIDs; a dashboard of dashboards/ finds
	// its data source without options only if they agree.
	require.Equal(t, "prometheus", PrometheusUID)
	require.Equal(t, "cloudwatch", CloudWatchUID)
}

func TestBadGrafanaInputIsReportedAllAtOnce(t *testing.T) {
	_, err := DatasourcesYAML(Grafana{PrometheusURL: "prometheus:9090", Region: "europe", ScrapeInterval: 4 * time.Second})
	require.Error(t, err)
	for _, w := range []string{`PrometheusURL: must be an absolute http:// or https:// URL, got "prometheus:9090"`,
		`AlertmanagerURL: must be an absolute http:// or https:// URL, got ""`, "Region:", "ScrapeInterval: must be between 5s and 5m, got 4s"} {
		require.ErrorContains(t, err, w)
	}
}

func TestGrafanasScrapeIntervalBoundariesAreAccepted(t *testing.T) {
	for _, d := range []time.Duration{5 * time.Second, 5 * time.Minute} {
		g := grafanaSample()
		g.ScrapeInterval = d
		b, err := DatasourcesYAML(g)
		require.NoError(t, err)
		require.Contains(t, string(b), "timeInterval: "+dur(d)+"\n")
	}
	g := grafanaSample()
	g.ScrapeInterval = 5*time.Minute + time.Second
	_, err := DatasourcesYAML(g)
	require.ErrorContains(t, err, "ScrapeInterval: must be between 5s and 5m, got 5m1s")
	g.ScrapeInterval = 15*time.Second + time.Millisecond
	_, err = DatasourcesYAML(g)
	require.ErrorContains(t, err, "ScrapeInterval: must be a whole number of seconds, got 15.001s")
}
