package config

import (
	"fmt"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/vigilops/vigil/validate"
)

// Grafana describes the data sources provisioned into the platform's Grafana. Every
// one is read-only in the UI (editable: false): what runs is what vigil wrote.
type Grafana struct {
	// PrometheusURL is the Prometheus that dashboards query, such as
	// http://prometheus.vigil.local:9090. An absolute http(s) URL; required.
	PrometheusURL string
	// AlertmanagerURL is the Alertmanager Grafana shows alerts and silences of, such as
	// http://alertmanager.vigil.local:9093. An absolute http(s) URL; required.
	AlertmanagerURL string
	// Region is CloudWatch's default region, such as eu-west-1. Required. CloudWatch is
	// read with the task role's credentials (the AWS SDK's default chain), never keys.
	Region string
	// ScrapeInterval tells Grafana the smallest useful step of Prometheus queries: pass
	// Prometheus.ScrapeInterval. Whole seconds between 5s and 5m; defaults to DefaultScrapeInterval.
	ScrapeInterval time.Duration
}

// The UIDs of the provisioned data sources: dashboards.Datasources' defaults, so that
// the dashboards of dashboards/ find them without options.
const (
	PrometheusUID   = "prometheus"
	AlertmanagerUID = "alertmanager"
	CloudWatchUID   = "cloudwatch"
)

// DatasourcesPath is where the file goes, relative to Grafana's provisioning
// directory (/etc/grafana/provisioning), beside dashboards.ProvisioningFiles' files.
const DatasourcesPath = "provisioning/datasources/vigil.yaml"

type datasourcesDoc struct {
	APIVersion  int          `yaml:"apiVersion"`
	Datasources []datasource `yaml:"datasources"`
}

type datasource struct {
	Name      string         `yaml:"name"`
	Type      string         `yaml:"type"`
	UID       string         `yaml:"uid"`
	Access    string         `yaml:"access"`
	URL       string         `yaml:"url,omitempty"`
	IsDefault bool           `yaml:"isDefault"`
	Editable  bool           `yaml:"editable"`
	JSONData  map[string]any `yaml:"jsonData"`
}

// DatasourcesYAML validates g, every problem at once, and returns Grafana's data source
// provisioning file (to write at DatasourcesPath): Prometheus (the default),
// Alertmanager (Prometheus's implementation) and CloudWatch (default credentials).
func DatasourcesYAML(g Grafana) ([]byte, error) {
	var ps validate.Problems
	validate.HTTPURL(&ps, "PrometheusURL", g.PrometheusURL)
	validate.HTTPURL(&ps, "AlertmanagerURL", g.AlertmanagerURL)
	validate.Region(&ps, "Region", g.Region)
	if g.ScrapeInterval == 0 {
		g.ScrapeInterval = DefaultScrapeInterval
	}
	checkSeconds(&ps, "ScrapeInterval", g.ScrapeInterval, 5*time.Second, 5*time.Minute, "Prometheus.ScrapeInterval, 15s by default")
	if err := ps.Err("platform/config.Grafana"); err != nil {
		return nil, err
	}
	doc := datasourcesDoc{APIVersion: 1, Datasources: []datasource{
		{Name: "Prometheus", Type: "prometheus", UID: PrometheusUID, Access: "proxy", URL: strings.TrimRight(g.PrometheusURL, "/"),
			IsDefault: true, JSONData: map[string]any{"httpMethod": "POST", "timeInterval": dur(g.ScrapeInterval)}},
		{Name: "Alertmanager", Type: "alertmanager", UID: AlertmanagerUID, Access: "proxy", URL: strings.TrimRight(g.AlertmanagerURL, "/"),
			JSONData: map[string]any{"implementation": "prometheus", "handleGrafanaManagedAlerts": false}},
		{Name: "CloudWatch", Type: "cloudwatch", UID: CloudWatchUID, Access: "proxy",
			JSONData: map[string]any{"authType": "default", "defaultRegion": g.Region}},
	}}
	var b strings.Builder
	b.WriteString("# Written by vigil: the data sources of the platform's Grafana.\n")
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(doc); err != nil {
		return nil, fmt.Errorf("datasources: %w", err)
	}
	return []byte(b.String()), nil
}
