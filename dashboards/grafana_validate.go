package dashboards

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"

	gcw "github.com/grafana/grafana-foundation-sdk/go/cloudwatch"
	"github.com/grafana/grafana-foundation-sdk/go/cog"
	"github.com/grafana/grafana-foundation-sdk/go/cog/plugins"
	"github.com/grafana/grafana-foundation-sdk/go/cog/variants"
	"github.com/grafana/grafana-foundation-sdk/go/dashboard"
	"github.com/grafana/grafana-foundation-sdk/go/loki"
	"github.com/grafana/grafana-foundation-sdk/go/prometheus"
	"github.com/grafana/grafana-foundation-sdk/go/testdata"
	"github.com/prometheus/prometheus/promql/parser"

	"github.com/vigilops/vigil/alerts/cloudwatch"
	"github.com/vigilops/vigil/validate"
)

// GridColumns is the width of Grafana's grid.
const GridColumns = 24

// registerPlugins registers the SDK's panel and query types, with strict
// unmarshallers that keep what they decode: the SDK's own return nothing when the
// strict pass succeeds, because it takes its empty error list for an error.
var registerPlugins = sync.OnceFunc(func() {
	plugins.RegisterDefaultPlugins()
	rt := cog.NewRuntime()
	for _, kind := range panelKinds {
		if cfg, ok := rt.ConfigForPanelcfgVariant(kind); ok {
			cfg.StrictOptionsUnmarshaler = keepValue(cfg.StrictOptionsUnmarshaler, cfg.OptionsUnmarshaler)
			cfg.StrictFieldConfigUnmarshaler = keepValue(cfg.StrictFieldConfigUnmarshaler, cfg.FieldConfigUnmarshaler)
			rt.RegisterPanelcfgVariant(cfg)
		}
	}
	for _, cfg := range []variants.DataqueryConfig{prometheus.VariantConfig(), gcw.VariantConfig(), loki.VariantConfig(), testdata.VariantConfig()} {
		cfg.StrictDataqueryUnmarshaler = keepValue(cfg.StrictDataqueryUnmarshaler, cfg.DataqueryUnmarshaler)
		rt.RegisterDataqueryVariant(cfg)
	}
})

// panelKinds are the panel types whose strict unmarshalling is repaired.
var panelKinds = []string{"timeseries", "stat", "table", "heatmap", "text", "gauge", "bargauge", "piechart", "barchart",
	"statetimeline", "statushistory", "histogram", "logs", "alertlist", "dashlist", "news", "nodeGraph", "xychart", "trend", "canvas", "geomap", "candlestick", "annolist", "datagrid", "debug"}

// keepValue wraps a strict unmarshaller of the SDK: when it reports an empty error
// list, the strict checks passed and the lenient unmarshaller gives the value.
func keepValue[T any](strict, lenient func([]byte) (T, error)) func([]byte) (T, error) {
	if strict == nil || lenient == nil {
		return strict
	}
	return func(raw []byte) (T, error) {
		v, err := strict(raw)
		if be, ok := err.(cog.BuildErrors); ok && len(be) == 0 {
			return lenient(raw)
		}
		return v, err
	}
}

// ParseGrafana reads a dashboard model, such as a team's JSON file listed in the
// stack's config, with the foundation SDK's strict unmarshalling (unknown fields
// and wrong types are refused). name is the file's short name; the UID is the
// model's own and is required. Pass the result to ValidateGrafana with vigil's
// dashboards, so that both are checked the same way.
func ParseGrafana(name string, raw []byte) (GrafanaDashboard, error) {
	d, err := strictDashboard(raw)
	if err != nil {
		return GrafanaDashboard{}, fmt.Errorf("dashboard %s: %w", name, err)
	}
	var ps validate.Problems
	if d.Uid == nil || *d.Uid == "" {
		ps.Add(name+".uid", "is missing", "set a stable uid: Grafana links and provisioning find dashboards by it")
	} else if len(*d.Uid) > MaxUIDLength {
		ps.Addf(name+".uid", "dashboards.UID shortens long names stably", "must be at most %d characters, got %d", MaxUIDLength, len(*d.Uid))
	}
	if err := ps.Err("dashboard " + name); err != nil {
		return GrafanaDashboard{}, err
	}
	return GrafanaDashboard{UID: *d.Uid, Name: name, File: name + ".json", Dashboard: d, JSON: raw}, nil
}

// FromBuilder builds a team's dashboard made with the foundation SDK's builders in
// Go, as vigil builds its own. Pass the result to ValidateGrafana with the others.
func FromBuilder(name string, b *dashboard.DashboardBuilder) (GrafanaDashboard, error) {
	d, err := b.Build()
	if err != nil {
		return GrafanaDashboard{}, fmt.Errorf("dashboard %s: %w", name, err)
	}
	raw, err := json.MarshalIndent(d, "", "  ")
	if err != nil {
		return GrafanaDashboard{}, fmt.Errorf("dashboard %s: %w", name, err)
	}
	uid := ""
	if d.Uid != nil {
		uid = *d.Uid
	}
	if uid == "" {
		return GrafanaDashboard{}, fmt.Errorf("dashboard %s: set a stable uid with Uid(dashboards.UID(environment, %q))", name, name)
	}
	return GrafanaDashboard{UID: uid, Name: name, File: name + ".json", Dashboard: d, JSON: append(raw, '\n')}, nil
}

// strictDashboard decodes raw with the foundation SDK's UnmarshalJSONStrict, which
// returns a non-nil, empty cog.BuildErrors when all is well. Its PanelOrRowPanel
// takes that empty list for an error and returns before keeping the panel, so a
// whole dashboard decoded at once comes back without panels: the panels are decoded
// one by one here, and the errors of all of them are kept.
func strictDashboard(raw []byte) (dashboard.Dashboard, error) {
	registerPlugins()
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(raw, &fields); err != nil {
		return dashboard.Dashboard{}, err
	}
	panels := fields["panels"]
	delete(fields, "panels")
	rest, err := json.Marshal(fields)
	if err != nil {
		return dashboard.Dashboard{}, err
	}
	var d dashboard.Dashboard
	var errs cog.BuildErrors
	errs = appendErrs(errs, "", d.UnmarshalJSONStrict(rest))
	var list []json.RawMessage
	if len(panels) > 0 && string(panels) != "null" {
		if err := json.Unmarshal(panels, &list); err != nil {
			return dashboard.Dashboard{}, fmt.Errorf("panels: %w", err)
		}
	}
	for i, p := range list {
		var kind struct {
			Type string `json:"type"`
		}
		_ = json.Unmarshal(p, &kind)
		path := "panels[" + strconv.Itoa(i) + "]"
		if kind.Type == "row" {
			row := &dashboard.RowPanel{}
			errs = appendErrs(errs, path, row.UnmarshalJSONStrict(p))
			d.Panels = append(d.Panels, dashboard.PanelOrRowPanel{RowPanel: row})
			continue
		}
		panel := &dashboard.Panel{}
		errs = appendErrs(errs, path, panel.UnmarshalJSONStrict(p))
		d.Panels = append(d.Panels, dashboard.PanelOrRowPanel{Panel: panel})
	}
	if len(errs) == 0 {
		return d, nil
	}
	return d, errs
}

// appendErrs adds err's errors under path: an empty cog.BuildErrors is no error.
func appendErrs(errs cog.BuildErrors, path string, err error) cog.BuildErrors {
	if err == nil {
		return errs
	}
	be, ok := err.(cog.BuildErrors)
	if !ok {
		be = cog.MakeBuildErrors(path, err)
	} else if path != "" {
		for _, e := range be {
			e.Path = path + "." + e.Path
		}
	}
	return append(errs, be...)
}

// ValidateGrafana checks dashboards before they are deployed: the JSON round-trips
// through the foundation SDK's strict unmarshalling unchanged, panel ids are unique,
// every grid position fits the 24 columns and no two panels overlap, every data
// source a panel or query names is one of known (or a $variable of the dashboard),
// every PromQL expression parses with Grafana's variables replaced, and every
// CloudWatch metric of a resource an alarm of alarms watches is queried in the
// alarm's namespace with the alarm's dimensions. It returns one error listing every
// problem, each under "<dashboard name>.panels[i]...".
func ValidateGrafana(known Datasources, alarms cloudwatch.Set, dashboards ...GrafanaDashboard) error {
	return validateGrafana(known, alarms, true, dashboards)
}

// validateGrafana is ValidateGrafana, with the strict round-trip only when strict:
// it is the costly part, and BuildGrafana's dashboards come from the SDK's own
// builders (the golden tests hold them to it).
func validateGrafana(known Datasources, alarms cloudwatch.Set, strict bool, dashboards []GrafanaDashboard) error {
	known = known.withDefaults()
	idx := indexAlarmMetrics(alarms)
	var ps validate.Problems
	uids := map[string]string{}
	for _, d := range dashboards {
		if prev, ok := uids[d.UID]; ok {
			ps.Addf(d.Name+".uid", "UID derives it from the environment and the name", "%q is also the uid of %s", d.UID, prev)
		}
		uids[d.UID] = d.Name
		checkGrafanaJSON(&ps, d.Name, d.JSON, known, idx, strict)
	}
	return ps.Err("Grafana dashboards")
}

// The parts of a dashboard model the checks read.
type gPanel struct {
	ID         *int64           `json:"id"`
	Type       string           `json:"type"`
	Title      string           `json:"title"`
	GridPos    *gGrid           `json:"gridPos"`
	Datasource *gDatasource     `json:"datasource"`
	Targets    []map[string]any `json:"targets"`
	Collapsed  bool             `json:"collapsed"`
	Panels     []gPanel         `json:"panels"`
}

type gGrid struct{ X, Y, W, H int }

type gDatasource struct {
	Type string `json:"type"`
	UID  string `json:"uid"`
}

type gModel struct {
	Panels     []gPanel `json:"panels"`
	Templating struct {
		List []struct {
			Name string `json:"name"`
			Type string `json:"type"`
		} `json:"list"`
	} `json:"templating"`
}

func checkGrafanaJSON(ps *validate.Problems, name string, raw []byte, known Datasources, idx alarmMetrics, strict bool) {
	if strict {
		d, err := strictDashboard(raw)
		if err != nil {
			ps.Addf(name, "the foundation SDK's strict unmarshalling refuses unknown fields and wrong types", "is not a valid dashboard model: %v", err)
			return
		}
		again, err := json.Marshal(d)
		if err != nil {
			ps.Addf(name, "", "cannot be written back as JSON: %v", err)
			return
		}
		if !sameJSON(raw, again) {
			ps.Addf(name, "a field the SDK does not model, or a value it rewrites, would be lost on the next build",
				"does not round-trip through the foundation SDK unchanged: %s", firstDifference(raw, again))
		}
	}
	var m gModel
	if err := json.Unmarshal(raw, &m); err != nil {
		ps.Addf(name, "", "is not JSON: %v", err)
		return
	}
	vars := map[string]string{}
	for _, v := range m.Templating.List {
		vars[v.Name] = v.Type
	}
	ids := map[int64]string{}
	var top []placed
	for i, p := range m.Panels {
		path := fmt.Sprintf("%s.panels[%d]", name, i)
		checkPanel(ps, path, p, known, idx, vars, ids)
		if p.GridPos != nil {
			top = append(top, placed{path, *p.GridPos})
		}
		if p.Type == "row" {
			var inner []placed
			for j, q := range p.Panels {
				qp := fmt.Sprintf("%s.panels[%d]", path, j)
				checkPanel(ps, qp, q, known, idx, vars, ids)
				if q.GridPos != nil {
					inner = append(inner, placed{qp, *q.GridPos})
				}
			}
			// A collapsed row keeps its panels inside it, where they overlap nothing
			// on the grid; an expanded row's panels are listed at the top level.
			checkOverlaps(ps, inner)
		}
	}
	checkOverlaps(ps, top)
}

func sameJSON(a, b []byte) bool {
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return bytes.Equal(a, b)
	}
	_, differ := diff("", x, y)
	return !differ
}

type placed struct {
	path string
	g    gGrid
}

func checkOverlaps(ps *validate.Problems, ps2 []placed) {
	for i := range ps2 {
		for j := i + 1; j < len(ps2); j++ {
			a, b := ps2[i].g, ps2[j].g
			if a.X < b.X+b.W && b.X < a.X+a.W && a.Y < b.Y+b.H && b.Y < a.Y+a.H {
				ps.Addf(ps2[j].path+".gridPos", "move it below or beside the other", "overlaps %s (x=%d y=%d w=%d h=%d)", ps2[i].path, a.X, a.Y, a.W, a.H)
			}
		}
	}
}

func checkPanel(ps *validate.Problems, path string, p gPanel, known Datasources, idx alarmMetrics, vars map[string]string, ids map[int64]string) {
	if p.ID == nil {
		ps.Add(path+".id", "is missing", "give every panel a unique id: links and alerts refer to it")
	} else {
		if prev, ok := ids[*p.ID]; ok {
			ps.Addf(path+".id", "ids must be unique within the dashboard", "%d is also the id of %s", *p.ID, prev)
		}
		ids[*p.ID] = path
	}
	if g := p.GridPos; g == nil {
		ps.Add(path+".gridPos", "is missing", "set x, y, w and h")
	} else {
		if g.W < 1 || g.H < 1 {
			ps.Addf(path+".gridPos", "width and height are at least 1", "has w=%d h=%d", g.W, g.H)
		}
		if g.X < 0 || g.Y < 0 || g.X+g.W > GridColumns {
			ps.Addf(path+".gridPos", "x + w must be at most 24", "does not fit the 24 columns: x=%d w=%d", g.X, g.W)
		}
	}
	if p.Datasource != nil {
		checkDatasource(ps, path+".datasource", p.Datasource.Type, p.Datasource.UID, known, vars)
	}
	for k, t := range p.Targets {
		tp := fmt.Sprintf("%s.targets[%d]", path, k)
		dsType, dsUID := "", ""
		if ds, ok := t["datasource"].(map[string]any); ok {
			dsType, _ = ds["type"].(string)
			dsUID, _ = ds["uid"].(string)
			checkDatasource(ps, tp+".datasource", dsType, dsUID, known, vars)
		} else if p.Datasource != nil {
			dsType = p.Datasource.Type
		}
		if dsType == CloudWatchType {
			if m, ok := cloudwatchTarget(t); ok {
				idx.check(ps, tp, m)
			}
		}
		if expr, ok := t["expr"].(string); ok && (dsType == PrometheusType || dsType == "") {
			if _, err := parser.ParseExpr(substituteVariables(expr)); err != nil {
				ps.Addf(tp+".expr", "Grafana's $variables are replaced before parsing; the rest must be PromQL", "does not parse: %v", err)
			}
		}
	}
}

func checkDatasource(ps *validate.Problems, path, typ, uid string, known Datasources, vars map[string]string) {
	if strings.HasPrefix(uid, "$") {
		name := strings.Trim(strings.TrimPrefix(uid, "$"), "{}")
		if vars[name] != "datasource" {
			ps.Addf(path+".uid", "add a datasource variable of that name, or use a data source's UID", "refers to %s, which is not a datasource variable of the dashboard", uid)
		}
		return
	}
	want := map[string]string{known.Prometheus: PrometheusType, known.CloudWatch: CloudWatchType}
	t, ok := want[uid]
	switch {
	case uid == "-- Grafana --" || uid == "grafana":
	case !ok:
		ps.Addf(path+".uid", fmt.Sprintf("the stack's data sources are %q (prometheus) and %q (cloudwatch)", known.Prometheus, known.CloudWatch),
			"names data source %q, which the stack does not provision", uid)
	case typ != "" && typ != t:
		ps.Addf(path+".type", "", "data source %q is of type %s, not %s", uid, t, typ)
	}
}

var (
	grafanaRange    = regexp.MustCompile(`\$\{?__(rate_interval|interval|range)\}?`)
	grafanaNumber   = regexp.MustCompile(`\$\{?__(rate_interval|interval|range)_(ms|s)\}?`)
	grafanaVariable = regexp.MustCompile(`\$\{[^}]+\}|\$[A-Za-z_][A-Za-z0-9_]*|\[\[[^\]]+\]\]`)
)

// substituteVariables replaces Grafana's interval variables with 5m (300 for their
// _s and _ms forms, which are numbers) and every other variable with a word, as
// Grafana does before sending a query: what is left must be PromQL.
func substituteVariables(expr string) string {
	expr = grafanaNumber.ReplaceAllString(expr, "300")
	expr = grafanaRange.ReplaceAllString(expr, "5m")
	return grafanaVariable.ReplaceAllString(expr, "var")
}

// cloudwatchTarget reads the metric of a Grafana CloudWatch query; false for an
// expression or a query without a metric.
func cloudwatchTarget(t map[string]any) (MetricLine, bool) {
	ns, _ := t["namespace"].(string)
	name, _ := t["metricName"].(string)
	if ns == "" || name == "" {
		return MetricLine{}, false
	}
	m := MetricLine{Namespace: ns, MetricName: name, Dimensions: map[string]string{}}
	dims, _ := t["dimensions"].(map[string]any)
	for k, v := range dims {
		switch v := v.(type) {
		case string:
			m.Dimensions[k] = v
		case []any:
			if len(v) == 1 {
				m.Dimensions[k], _ = v[0].(string)
			}
		}
	}
	return m, true
}
