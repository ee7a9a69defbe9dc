package dashboards

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/grafana/grafana-foundation-sdk/go/cog"
	"github.com/grafana/grafana-foundation-sdk/go/cog/variants"
	"github.com/grafana/grafana-foundation-sdk/go/common"
	"github.com/grafana/grafana-foundation-sdk/go/dashboard"
	"github.com/grafana/grafana-foundation-sdk/go/stat"
	"github.com/grafana/grafana-foundation-sdk/go/timeseries"

	"github.com/vigilops/vigil/alerts/catalog"
	"github.com/vigilops/vigil/alerts/cloudwatch"
	"github.com/vigilops/vigil/alerts/slo"
	"github.com/vigilops/vigil/validate"
)

// Grafana is what the Grafana dashboards of a stack are built from.
type Grafana struct {
	// Environment is the stack's environment, such as prod: the default of the
	// $environment variable and a tag of every dashboard. Required.
	Environment string
	// Environments are the choices of $environment. Defaults to Environment alone.
	Environments []string
	// EnvironmentLabel is the label that carries the environment on every series.
	// Empty (the default) when each environment has its own Prometheus, as the ECS
	// platform does: queries then carry no environment matcher. Set it (for example
	// to environment) for a Prometheus shared by environments.
	EnvironmentLabel string
	// RunbookBaseURL is where the runbooks live; panels link to RunbookBaseURL#<slug>.
	// Required: an absolute http(s) URL without a fragment.
	RunbookBaseURL string
	// Datasources are the data sources' UIDs; empty fields take their defaults.
	Datasources Datasources
	// Region is the AWS region of the CloudWatch queries. Required when Estate has
	// anything to show.
	Region string
	// Services are the HTTP services Prometheus scrapes (alerts/catalog). Their
	// series must carry a service label with their Name, the catalog's default
	// selector. Their thresholds draw the panels' threshold lines.
	Services []catalog.Service
	// Metrics name the HTTP metrics every service exports; empty fields take the
	// catalog's defaults (http_requests_total, code, 5.., ...).
	Metrics catalog.ServiceMetrics
	// EndpointLabel is the label of Metrics.Requests that names the endpoint.
	// Defaults to handler (client_golang's promhttp); Micrometer uses uri.
	EndpointLabel string
	// Estate is what CloudWatch watches: the infrastructure dashboard shows its ECS
	// services, load balancers, databases, caches and queues.
	Estate cloudwatch.Estate
	// Alarms is the alarm set built from Estate: thresholds and the alert overview.
	Alarms cloudwatch.Set
	// SLOs get the SLO dashboard.
	SLOs []slo.SLO
	// Tags are added to every dashboard's tags, after vigil and the environment.
	Tags []string
}

// GrafanaDashboard is one built dashboard.
type GrafanaDashboard struct {
	// UID is stable, derived from the environment and the dashboard's name.
	UID string
	// Name is the dashboard's short name, such as overview; File is Name + ".json".
	Name, File string
	Dashboard  dashboard.Dashboard
	// JSON is the dashboard model, indented, as Grafana's file provisioning and the
	// Grafana provider's configJson take it.
	JSON []byte
}

func (g Grafana) withDefaults() Grafana {
	g.Datasources = g.Datasources.withDefaults()
	if len(g.Environments) == 0 && g.Environment != "" {
		g.Environments = []string{g.Environment}
	}
	if g.EndpointLabel == "" {
		g.EndpointLabel = "handler"
	}
	m := &g.Metrics
	m.Up = or(m.Up, "up")
	m.Requests = or(m.Requests, "http_requests_total")
	m.StatusLabel = or(m.StatusLabel, "code")
	m.ErrorStatus = or(m.ErrorStatus, "5..")
	m.DurationBucket = or(m.DurationBucket, "http_request_duration_seconds_bucket")
	if m.DurationUnit == 0 {
		m.DurationUnit = time.Second
	}
	return g
}

func or(v, d string) string {
	if v == "" {
		return d
	}
	return v
}

func (g Grafana) check(ps *validate.Problems) {
	validate.Name(ps, "Environment", g.Environment, 63)
	for i, e := range g.Environments {
		validate.Name(ps, fmt.Sprintf("Environments[%d]", i), e, 63)
	}
	checkRunbookBase(ps, "RunbookBaseURL", g.RunbookBaseURL)
	seen := map[string]bool{}
	for i, s := range g.Services {
		p := fmt.Sprintf("Services[%d].Name", i)
		validate.Name(ps, p, s.Name, 63)
		if seen[s.Name] {
			ps.Addf(p, "each service gets one entry of $service", "is repeated: %q", s.Name)
		}
		seen[s.Name] = true
	}
	if g.EnvironmentLabel != "" && !labelName.MatchString(g.EnvironmentLabel) {
		ps.Addf("EnvironmentLabel", "for example environment", "is not a label name: %q", g.EnvironmentLabel)
	}
	if !labelName.MatchString(g.EndpointLabel) {
		ps.Addf("EndpointLabel", "for example handler, uri or route", "is not a label name: %q", g.EndpointLabel)
	}
	if g.Region == "" && hasInfrastructure(g.Estate) {
		ps.Add("Region", "required for the CloudWatch queries of the infrastructure dashboard", "set it to the stack's region, such as eu-west-1")
	} else if g.Region != "" {
		validate.Region(ps, "Region", g.Region)
	}
}

func hasInfrastructure(e cloudwatch.Estate) bool {
	return len(e.Services)+len(e.Databases)+len(e.Caches)+len(e.Queues) > 0
}

// BuildGrafana returns the stack's Grafana dashboards, in a fixed order: overview,
// http, one runtime-<kind> per runtime the services use, infrastructure (when the
// estate has anything for CloudWatch), slo (when there are SLOs) and alerts. Every
// dashboard passes ValidateGrafana's checks but the strict round-trip, which the
// SDK's own builders guarantee and which is the costly one (the golden tests run
// it); the error lists every problem of the input instead.
func BuildGrafana(g Grafana) ([]GrafanaDashboard, error) {
	g = g.withDefaults()
	var ps validate.Problems
	g.check(&ps)
	if err := ps.Err("Grafana dashboards"); err != nil {
		return nil, err
	}
	if err := slo.Validate(g.SLOs, func(i int) string { return fmt.Sprintf("SLOs[%d]", i) }); err != nil {
		return nil, err
	}
	builders := []struct {
		name string
		b    *dashboard.DashboardBuilder
	}{
		{"overview", g.overview()},
		{"http", g.httpDetail()},
	}
	for _, kind := range g.runtimes() {
		builders = append(builders, struct {
			name string
			b    *dashboard.DashboardBuilder
		}{"runtime-" + string(kind), g.runtime(kind)})
	}
	if hasInfrastructure(g.Estate) {
		builders = append(builders, struct {
			name string
			b    *dashboard.DashboardBuilder
		}{"infrastructure", g.infrastructure()})
	}
	if len(g.SLOs) > 0 {
		builders = append(builders, struct {
			name string
			b    *dashboard.DashboardBuilder
		}{"slo", g.sloDashboard()})
	}
	builders = append(builders, struct {
		name string
		b    *dashboard.DashboardBuilder
	}{"alerts", g.alertOverview()})

	out := make([]GrafanaDashboard, 0, len(builders))
	for _, x := range builders {
		d, err := x.b.Build()
		if err != nil {
			ps.Addf(x.name, "a builder of this package is wrong", "the foundation SDK refused the dashboard: %v", err)
			continue
		}
		raw, err := json.MarshalIndent(d, "", "  ")
		if err != nil {
			ps.Addf(x.name, "", "cannot be written as JSON: %v", err)
			continue
		}
		out = append(out, GrafanaDashboard{UID: *d.Uid, Name: x.name, File: x.name + ".json", Dashboard: d, JSON: append(raw, '\n')})
	}
	if err := ps.Err("Grafana dashboards"); err != nil {
		return nil, err
	}
	if err := validateGrafana(g.Datasources, g.Alarms, false, out); err != nil {
		return nil, err
	}
	return out, nil
}

// runtimes are the runtime kinds of the services, in catalog order.
func (g Grafana) runtimes() []catalog.RuntimeKind {
	var out []catalog.RuntimeKind
	for _, k := range catalog.RuntimeKinds() {
		if len(g.servicesOf(k)) > 0 {
			out = append(out, k)
		}
	}
	return out
}

func (g Grafana) servicesOf(k catalog.RuntimeKind) []catalog.Service {
	var out []catalog.Service
	for _, s := range g.Services {
		if s.Runtime != nil && s.Runtime.Kind == k {
			out = append(out, s)
		}
	}
	return out
}

// newDashboard starts a dashboard with vigil's common settings: its stable UID,
// tags, a day of time, the $environment variable and a link to the others.
func (g Grafana) newDashboard(name, title, description string) *dashboard.DashboardBuilder {
	tags := append([]string{"vigil", g.Environment}, g.Tags...)
	b := dashboard.NewDashboardBuilder(title+" ("+g.Environment+")").
		Uid(UID(g.Environment, name)).
		Description(description).
		Tags(tags).
		Editable().
		Timezone("browser").
		Time("now-6h", "now").
		Refresh("1m").
		Tooltip(dashboard.DashboardCursorSyncCrosshair).
		Link(dashboard.NewDashboardLinkBuilder("vigil").Type(dashboard.DashboardLinkTypeDashboards).
			Tags([]string{"vigil", g.Environment}).AsDropdown(true).IncludeVars(true).KeepTime(true))
	env := dashboard.NewCustomVariableBuilder("environment").Label("Environment").
		Values(dashboard.StringOrMap{String: cog.ToPtr(strings.Join(g.Environments, ","))}).
		Current(option(g.Environment))
	if g.EnvironmentLabel == "" {
		env = env.Hide(dashboard.VariableHideHideVariable).
			Description("Each environment has its own Prometheus: the variable only names it.")
	}
	return b.WithVariable(env)
}

func option(v string) dashboard.VariableOption {
	return dashboard.VariableOption{Selected: cog.ToPtr(true), Text: dashboard.StringOrArrayOfString{String: cog.ToPtr(v)},
		Value: dashboard.StringOrArrayOfString{String: cog.ToPtr(v)}}
}

// serviceVariable is $service: the given services' names, several at once, All by
// default.
func serviceVariable(names []string) *dashboard.CustomVariableBuilder {
	sorted := append([]string(nil), names...)
	sort.Strings(sorted)
	all := dashboard.VariableOption{Selected: cog.ToPtr(true), Text: dashboard.StringOrArrayOfString{ArrayOfString: []string{"All"}},
		Value: dashboard.StringOrArrayOfString{ArrayOfString: []string{"$__all"}}}
	return dashboard.NewCustomVariableBuilder("service").Label("Service").
		Values(dashboard.StringOrMap{String: cog.ToPtr(strings.Join(sorted, ","))}).
		Multi(true).IncludeAll(true).AllValue(".+").Current(all)
}

func serviceNames(ss []catalog.Service) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = s.Name
	}
	return out
}

// sel is the label matchers of a query: the environment's (when series carry it),
// then the others.
func (g Grafana) sel(extra ...string) string {
	var m []string
	if g.EnvironmentLabel != "" {
		m = append(m, g.EnvironmentLabel+`=~"$environment"`)
	}
	return "{" + strings.Join(append(m, extra...), ", ") + "}"
}

func (g Grafana) prometheus() common.DataSourceRef {
	return common.DataSourceRef{Type: cog.ToPtr(PrometheusType), Uid: cog.ToPtr(g.Datasources.Prometheus)}
}

func (g Grafana) cloudwatchDS() common.DataSourceRef {
	return common.DataSourceRef{Type: cog.ToPtr(CloudWatchType), Uid: cog.ToPtr(g.Datasources.CloudWatch)}
}

// panelBuilder is what every panel builder of the foundation SDK has in common.
type panelBuilder[T any] interface {
	cog.Builder[dashboard.Panel]
	Id(uint32) T
	Title(string) T
	Description(string) T
	Datasource(common.DataSourceRef) T
	Span(uint32) T
	Height(uint32) T
	Unit(string) T
	Thresholds(cog.Builder[dashboard.ThresholdsConfig]) T
	Links([]cog.Builder[dashboard.DashboardLink]) T
	WithTarget(cog.Builder[variants.Dataquery]) T
}

// panel is what a vigil panel sets beyond its kind's own options.
type panel struct {
	title, description string
	ds                 common.DataSourceRef
	span, height       uint32
	unit               string
	// thresholds are (value, color) steps above the green base; nil for none.
	thresholds []step
	// runbook is a slug: the panel links to RunbookBaseURL#slug.
	runbook string
	targets []cog.Builder[variants.Dataquery]
}

type step struct {
	value float64
	color string
}

// layout numbers the panels of one dashboard, so that ids are unique and stable.
type layout struct {
	g    Grafana
	next uint32
}

func configure[T panelBuilder[T]](l *layout, b T, p panel) T {
	l.next++
	b.Id(l.next).Title(p.title).Description(p.description).Span(p.span).Height(p.height)
	if p.ds.Uid != nil {
		b.Datasource(p.ds)
	}
	if p.unit != "" {
		b.Unit(p.unit)
	}
	if p.thresholds != nil {
		steps := []dashboard.Threshold{{Color: "green"}}
		for _, s := range p.thresholds {
			steps = append(steps, dashboard.Threshold{Value: cog.ToPtr(s.value), Color: s.color})
		}
		b.Thresholds(dashboard.NewThresholdsConfigBuilder().Mode(dashboard.ThresholdsModeAbsolute).Steps(steps))
	}
	if p.runbook != "" {
		b.Links([]cog.Builder[dashboard.DashboardLink]{
			dashboard.NewDashboardLinkBuilder("Runbook: " + p.runbook).Type(dashboard.DashboardLinkTypeLink).
				Url(l.g.RunbookBaseURL + "#" + p.runbook).TargetBlank(true),
		})
	}
	for _, t := range p.targets {
		b.WithTarget(t)
	}
	return b
}

func (l *layout) row(title string) *dashboard.RowBuilder {
	l.next++
	return dashboard.NewRowBuilder(title).Id(l.next)
}

// newTimeseries is a time series panel with a legend and a tooltip listing every
// series, largest first (the SDK's defaults hide the legend and leave the tooltip
// mode empty).
func newTimeseries() *timeseries.PanelBuilder {
	return timeseries.NewPanelBuilder().
		Legend(common.NewVizLegendOptionsBuilder().ShowLegend(true).DisplayMode(common.LegendDisplayModeList).Placement(common.LegendPlacementBottom)).
		Tooltip(common.NewVizTooltipOptionsBuilder().Mode(common.TooltipDisplayModeMulti).Sort(common.SortOrderDescending))
}

// newStat is a stat panel of each series' last value (the SDK's default lists no
// calculation).
func newStat() *stat.PanelBuilder {
	return stat.NewPanelBuilder().ReduceOptions(common.NewReduceDataOptionsBuilder().Calcs([]string{"lastNotNull"}))
}
