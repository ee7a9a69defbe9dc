package stacks

import (
	"errors"
	"fmt"
	"path"
	"sort"
	"strings"

	"github.com/vigilops/vigil/alerts/catalog"
	cw "github.com/vigilops/vigil/alerts/cloudwatch"
	"github.com/vigilops/vigil/dashboards"
	"github.com/vigilops/vigil/internal/projectfs"
	"github.com/vigilops/vigil/validate"
)

// The folders of the generated dashboards, as `vigil plan --out` writes them: the
// Grafana provisioning files (provisioning/dashboards/vigil.yaml and
// dashboards/<name>.json) and the CloudWatch bodies.
const (
	GrafanaDir              = "grafana"
	CloudWatchDashboardsDir = "cloudwatch/dashboards"
)

// Dashboards are a stack's built and checked dashboards.
type Dashboards struct {
	// CloudWatch bodies, vigil's then the team's files.
	CloudWatch []dashboards.CloudWatchDashboard
	// Grafana models, vigil's then the team's files.
	Grafana []dashboards.GrafanaDashboard
	// Alarms are every alarm the dashboards were checked against: the estate's and
	// the log filters'.
	Alarms cw.Set
}

// buildDashboards builds the Grafana and CloudWatch dashboards of the estate, its
// alarms and its SLOs, reads the team's own files, checks them all the same way, and
// warns about every alarm no dashboard shows.
func buildDashboards(ps *validate.Problems, env *Environment, c catalog.Catalog) {
	const key = Namespace + ":dashboards"
	cfg := env.DashboardsConfig
	set := env.Alarms
	set.Alarms = append(append([]cw.Alarm(nil), set.Alarms...), env.Logs.Alarms()...)
	var logMetrics []dashboards.LogMetric
	for _, f := range env.Logs.Filters {
		if f.Resource != "cloudtrail" {
			logMetrics = append(logMetrics, dashboards.LogMetric{Service: f.Resource, Namespace: f.Metric.Namespace, MetricName: f.Metric.Name})
		}
	}
	report := func(where string, err error) bool { return reportAt(ps, where, err) }
	bodies, err := dashboards.BuildCloudWatch(dashboards.CloudWatch{
		NamePrefix: env.NamePrefix, Region: env.Region, Estate: env.CloudWatchEstate, Alarms: set, LogMetrics: logMetrics,
	})
	if report(CloudWatchDashboardsDir+" (a bug in vigil: please report it)", err) {
		return
	}
	// The ecs platform's own tasks are on the overview; a dashboard each would cost
	// CloudWatch's monthly price of a dashboard four times over for little to see.
	kept := bodies[:0]
	for _, b := range bodies {
		if !strings.HasPrefix(b.Name, env.NamePrefix+"-platform-") {
			kept = append(kept, b)
		}
	}
	bodies = kept
	models, err := dashboards.BuildGrafana(dashboards.Grafana{
		Environment: env.Stack, RunbookBaseURL: env.RunbookBaseURL, Region: env.Region,
		Services: c.Services, Estate: env.CloudWatchEstate, Alarms: set, SLOs: env.SLOs,
		EnvironmentLabel: cfg.EnvironmentLabel, EndpointLabel: cfg.EndpointLabel,
	})
	if report(key+".environmentLabel", err) {
		return
	}
	for i, name := range cfg.GrafanaFiles {
		where := fmt.Sprintf("%s.grafanaFiles[%d]", key, i)
		if data, ok := readProjectFile(ps, where, env.projectDir, name); ok {
			m, err := dashboards.ParseGrafana(path.Base(name), data)
			if !report(where, err) {
				models = append(models, m)
			}
		}
	}
	for i, name := range cfg.CloudWatchFiles {
		where := fmt.Sprintf("%s.cloudwatchFiles[%d]", key, i)
		if data, ok := readProjectFile(ps, where, env.projectDir, name); ok {
			b, err := dashboards.ParseCloudWatch(env.NamePrefix+"-"+trimExt(path.Base(name)), string(data))
			if !report(where, err) {
				bodies = append(bodies, b)
			}
		}
	}
	if report(key, dashboards.ValidateGrafana(dashboards.Datasources{}, set, models...)) ||
		report(key, dashboards.ValidateCloudWatch(dashboards.Limits{}, set, bodies...)) {
		return
	}
	files, err := dashboards.ProvisioningFiles(grafanaProvisioning(env), models)
	if report(key, err) {
		return
	}
	for p, data := range files {
		env.Artifacts[GrafanaDir+"/"+p] = data
	}
	for _, b := range bodies {
		env.Artifacts[CloudWatchDashboardsDir+"/"+b.Name+".json"] = []byte(b.JSON)
	}
	missing := dashboards.Uncovered(set, bodies...)
	sort.Strings(missing)
	for _, name := range missing {
		env.Warnings = append(env.Warnings, fmt.Sprintf("dashboards: alarm %s is on no dashboard", name))
	}
	env.Dashboards = Dashboards{CloudWatch: bodies, Grafana: models, Alarms: set}
}

// reportAt adds err's problems to ps under where (each problem of a *validate.Error
// at where: <its path>, anything else as one problem at where), and says whether
// there was an error.
func reportAt(ps *validate.Problems, where string, err error) bool {
	if err == nil {
		return false
	}
	var invalid *validate.Error
	if errors.As(err, &invalid) {
		for _, p := range invalid.Problems {
			ps.Add(where+": "+p.Path, p.Message, p.Hint)
		}
		return true
	}
	ps.Add(where, err.Error(), "")
	return true
}

// readProjectFile reads a file the config names, inside the project folder only, and
// reports at the config key why it cannot.
func readProjectFile(ps *validate.Problems, key, dir, name string) ([]byte, bool) {
	data, err := projectfs.ReadFile(dir, name, 0)
	if err != nil {
		ps.Add(key, err.Error(), "name a file inside the project folder, relative to Pulumi.yaml")
		return nil, false
	}
	return data, true
}

func trimExt(name string) string {
	if ext := path.Ext(name); ext != "" {
		return name[:len(name)-len(ext)]
	}
	return name
}
