package dashboards

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/vigilops/vigil/alerts/cloudwatch"
	"github.com/vigilops/vigil/validate"
)

// CloudWatch is what the CloudWatch dashboards of an environment are built from.
type CloudWatch struct {
	// NamePrefix starts every dashboard name, such as vigil-prod: <prefix>-overview,
	// <prefix>-<resource>. Letters, digits, hyphens and underscores. Required.
	NamePrefix string
	// Region is the stack's region, where the widgets read metrics (the uptime
	// widgets read us-east-1, where Route 53 publishes). Required.
	Region string
	// Estate and Alarms are the estate and the alarm set cloudwatch.Build made of
	// it; the widgets draw the alarms' own metrics and thresholds.
	Estate cloudwatch.Estate
	Alarms cloudwatch.Set
	// LogMetrics are the metrics of the services' log metric filters, drawn in
	// their service's row. Optional.
	LogMetrics []LogMetric
	// Limits are CloudWatch's; zero fields take DefaultLimits'. Tests lower them.
	Limits Limits
}

// LogMetric is a metric a log metric filter publishes for a service.
type LogMetric struct {
	// Service is the service's name, the row it is drawn in. Required.
	Service    string
	Namespace  string
	MetricName string
	Dimensions map[string]string
	// Stat defaults to Sum, Period to 60 seconds.
	Stat   string
	Period int
}

// Limits are CloudWatch's dashboard limits.
type Limits struct {
	// Widgets per dashboard: 500.
	Widgets int
	// Metrics per dashboard, over all widgets: 2,500.
	Metrics int
	// MetricsPerWidget: 500.
	MetricsPerWidget int
	// AlarmsPerWidget of an alarm status widget: 100.
	AlarmsPerWidget int
	// BodyBytes is the largest body vigil writes: 1,000,000 bytes, below the size
	// PutDashboard accepts, which AWS does not document precisely.
	BodyBytes int
}

// DefaultLimits are CloudWatch's limits (Dashboard Body Structure and Syntax, and
// the CloudWatch service quotas).
var DefaultLimits = Limits{Widgets: 500, Metrics: 2500, MetricsPerWidget: 500, AlarmsPerWidget: 100, BodyBytes: 1_000_000}

func (l Limits) withDefaults() Limits {
	def := func(v *int, d int) {
		if *v == 0 {
			*v = d
		}
	}
	def(&l.Widgets, DefaultLimits.Widgets)
	def(&l.Metrics, DefaultLimits.Metrics)
	def(&l.MetricsPerWidget, DefaultLimits.MetricsPerWidget)
	def(&l.AlarmsPerWidget, DefaultLimits.AlarmsPerWidget)
	def(&l.BodyBytes, DefaultLimits.BodyBytes)
	return l
}

// CloudWatchDashboard is one dashboard: its name and body.
type CloudWatchDashboard struct {
	Name string
	Body Body
	// JSON is the body as PutDashboard takes it, with AlarmRef and HealthCheckRef
	// placeholders that components/dashboards replaces.
	JSON string
}

// section is a group of widgets that stays together on one dashboard: laid out
// from y = 0, moved down when it is placed.
type section struct {
	widgets []Widget
	height  int
}

func (s *section) add(w Widget) {
	s.widgets = append(s.widgets, w)
	s.height = max(s.height, w.Y+w.Height)
}

// grid places widgets of one width left to right, wrapping at 24 columns, from y.
type grid struct {
	s          *section
	x, y, rowH int
}

func (g *grid) place(w Widget) {
	if g.x+w.Width > GridColumns {
		g.x, g.y, g.rowH = 0, g.y+g.rowH, 0
	}
	w.X, w.Y = g.x, g.y
	g.x += w.Width
	g.rowH = max(g.rowH, w.Height)
	g.s.add(w)
}

func (c CloudWatch) check(ps *validate.Problems) {
	if validate.Required(ps, "NamePrefix", c.NamePrefix, "for example vigil-prod") && !dashboardName.MatchString(c.NamePrefix+"-overview-99") {
		ps.Addf("NamePrefix", "letters, digits, hyphens and underscores, at most 240 characters", "cannot start dashboard names: %q", c.NamePrefix)
	}
	if validate.Required(ps, "Region", c.Region, "the stack's region, such as eu-west-1") {
		validate.Region(ps, "Region", c.Region)
	}
	for i, m := range c.LogMetrics {
		p := fmt.Sprintf("LogMetrics[%d]", i)
		validate.Required(ps, p+".Service", m.Service, "the service whose row shows the metric")
		validate.Required(ps, p+".Namespace", m.Namespace, "the metric filter's namespace")
		validate.Required(ps, p+".MetricName", m.MetricName, "the metric filter's metric name")
	}
}

// BuildCloudWatch returns the environment's CloudWatch dashboards: the overview
// (<prefix>-overview, then -overview-2, ... when it passes CloudWatch's limits),
// with an alarm status widget and a row of key metrics per service and an alarm
// status row per database, cache and queue; then one detail dashboard per resource
// that has alarms (<prefix>-<resource>), with a graph of every alarm's metric and
// threshold. Every body passes ValidateCloudWatch.
func BuildCloudWatch(c CloudWatch) ([]CloudWatchDashboard, error) {
	var ps validate.Problems
	c.check(&ps)
	if err := ps.Err("CloudWatch dashboards"); err != nil {
		return nil, err
	}
	c.Limits = c.Limits.withDefaults()
	byResource, order := c.alarmsByResource()
	var out []CloudWatchDashboard
	var overview []section
	for _, s := range c.Estate.Services {
		overview = append(overview, c.serviceRow(s, byResource[s.Name])...)
	}
	services := map[string]bool{}
	for _, s := range c.Estate.Services {
		services[s.Name] = true
	}
	for _, r := range order {
		if services[r] {
			continue
		}
		overview = append(overview, c.alarmRow(r, byResource[r])...)
	}
	parts, err := c.pack(c.NamePrefix+"-overview", "Overview of "+c.NamePrefix, overview)
	if err != nil {
		return nil, err
	}
	out = append(out, parts...)
	for _, r := range order {
		parts, err := c.pack(c.NamePrefix+"-"+plainDashboardName(r), "Alarms of "+r, c.detail(r, byResource[r]))
		if err != nil {
			return nil, err
		}
		out = append(out, parts...)
	}
	if err := validateCloudWatch(c.Limits, c.Alarms, false, out); err != nil {
		return nil, err
	}
	return out, nil
}

// resourceAlarms are the metric and composite alarms of one resource.
type resourceAlarms struct {
	alarms     []cloudwatch.Alarm
	composites []cloudwatch.CompositeAlarm
}

func (r resourceAlarms) refs() []string {
	var out []string
	for _, c := range r.composites {
		out = append(out, AlarmRef(c.Name))
	}
	for _, a := range r.alarms {
		out = append(out, AlarmRef(a.Name))
	}
	return out
}

// alarmsByResource groups the alarms by Resource, in the order resources first
// appear in the set.
func (c CloudWatch) alarmsByResource() (map[string]resourceAlarms, []string) {
	m := map[string]resourceAlarms{}
	var order []string
	seen := func(r string) {
		if _, ok := m[r]; !ok {
			order = append(order, r)
			m[r] = resourceAlarms{}
		}
	}
	for _, a := range c.Alarms.Alarms {
		seen(a.Resource)
		ra := m[a.Resource]
		ra.alarms = append(ra.alarms, a)
		m[a.Resource] = ra
	}
	for _, a := range c.Alarms.Composites {
		seen(a.Resource)
		ra := m[a.Resource]
		ra.composites = append(ra.composites, a)
		m[a.Resource] = ra
	}
	return m, order
}

func textWidget(markdown string, width, height int) Widget {
	return Widget{Type: "text", Width: width, Height: height, Props: Properties{Markdown: markdown}}
}

// alarmWidgets are alarm status widgets over refs, AlarmsPerWidget each.
func (c CloudWatch) alarmWidgets(title string, refs []string) []Widget {
	var out []Widget
	for i, chunk := range chunks(refs, c.Limits.AlarmsPerWidget) {
		t := title
		if i > 0 {
			t = fmt.Sprintf("%s (%d)", title, i+1)
		}
		h := 2 + (len(chunk)+3)/4
		out = append(out, Widget{Type: "alarm", Width: GridColumns, Height: min(h, 12),
			Props: Properties{Title: t, Alarms: chunk, SortBy: "stateUpdatedTimestamp"}})
	}
	return out
}

func (c CloudWatch) alarmRow(resource string, ra resourceAlarms) []section {
	s := section{}
	g := grid{s: &s}
	g.place(textWidget("## "+resource, GridColumns, 1))
	for _, w := range c.alarmWidgets("Alarms of "+resource, ra.refs()) {
		g.place(w)
	}
	return []section{s}
}

// alarmLines are the lines that draw what an alarm compares: its one metric, or
// its metric-math lines (the compared one visible, the others hidden).
func (c CloudWatch) alarmLines(a cloudwatch.Alarm, prefix string) []MetricLine {
	region := a.Region
	if region == c.Region {
		region = ""
	}
	if len(a.Metrics) == 0 {
		stat := a.Statistic
		if stat == "" {
			stat = a.ExtendedStatistic
		}
		return []MetricLine{{Namespace: a.Namespace, MetricName: a.MetricName, Dimensions: a.Dimensions, Stat: stat,
			Period: a.Period, Region: region, Label: a.MetricName + " " + stat}}
	}
	var out []MetricLine
	for _, m := range a.Metrics {
		l := MetricLine{ID: prefix + m.ID, Label: m.Label, Region: region, Hidden: !m.ReturnData}
		if m.Metric != nil {
			l.Namespace, l.MetricName, l.Dimensions, l.Stat, l.Period = m.Metric.Namespace, m.Metric.MetricName, m.Metric.Dimensions, m.Metric.Stat, m.Metric.Period
			if l.Label == "" {
				l.Label = m.Metric.MetricName
			}
		} else {
			l.Expression = prefixIDs(m.Expression, a.Metrics, prefix)
			l.Period = m.Period
		}
		out = append(out, l)
	}
	return out
}

// prefixIDs renames the alarm's line IDs in an expression, so that two alarms'
// lines can share a widget without their IDs clashing.
func prefixIDs(expr string, lines []cloudwatch.MetricQuery, prefix string) string {
	if prefix == "" {
		return expr
	}
	var b strings.Builder
	i := 0
	for i < len(expr) {
		ch := expr[i]
		if isIdentStart(ch) {
			j := i
			for j < len(expr) && isIdentPart(expr[j]) {
				j++
			}
			word := expr[i:j]
			for _, l := range lines {
				if l.ID == word {
					word = prefix + word
					break
				}
			}
			b.WriteString(word)
			i = j
			continue
		}
		b.WriteByte(ch)
		i++
	}
	return b.String()
}

func isIdentStart(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' }
func isIdentPart(c byte) bool  { return isIdentStart(c) || c >= '0' && c <= '9' }

// alarmGraph is a metric widget of an alarm, with its threshold as a red line.
func (c CloudWatch) alarmGraph(a cloudwatch.Alarm, title string, width int) Widget {
	w := Widget{Type: "metric", Width: width, Height: 6, Props: Properties{
		Title: title, View: "timeSeries", Region: c.Region, Period: a.Period, Metrics: c.alarmLines(a, ""),
	}}
	if a.Region != "" && a.Region != c.Region {
		w.Props.Region = a.Region
		for i := range w.Props.Metrics {
			w.Props.Metrics[i].Region = ""
		}
	}
	if a.ThresholdMetricID == "" {
		w.Props.Annotations = &Annotations{Horizontal: []Horizontal{{Label: a.Slug + " " + string(a.Severity), Value: a.Threshold, Color: "#d62728"}}}
	}
	return w
}

func (c CloudWatch) serviceRow(s cloudwatch.Service, ra resourceAlarms) []section {
	sec := section{}
	g := grid{s: &sec}
	g.place(textWidget("## Service "+s.Name, GridColumns, 1))
	for _, w := range c.alarmWidgets("Alarms of "+s.Name, ra.refs()) {
		g.place(w)
	}
	find := func(slug string) (cloudwatch.Alarm, bool) {
		for _, a := range ra.alarms {
			if a.Slug == slug {
				return a, true
			}
		}
		return cloudwatch.Alarm{}, false
	}
	for _, k := range []struct{ slug, title string }{
		{"ecs-cpu-high", "CPU, % of reserved"}, {"ecs-memory-high", "Memory, % of reserved"},
		{"ecs-no-running-tasks", "Running tasks"}, {"lb-target-5xx-rate", "5xx, % of requests"},
		{"lb-latency-p99", "Response time p99"},
	} {
		if a, ok := find(k.slug); ok {
			g.place(c.alarmGraph(a, k.title, 6))
		}
	}
	if a, ok := find("lb-target-5xx-rate"); ok {
		// Requests and 5xx counts, from the error-rate alarm's own lines.
		var lines []MetricLine
		for _, l := range c.alarmLines(a, "") {
			if l.Expression == "" {
				l.Hidden = false
				lines = append(lines, l)
			}
		}
		g.place(Widget{Type: "metric", Width: 6, Height: 6, Props: Properties{Title: "Requests and 5xx a minute", View: "timeSeries",
			Region: c.Region, Period: 60, Metrics: lines}})
	}
	if a, ok := find("uptime-check-failed"); ok {
		u := cloudwatch.UptimeMetric(a.Dimensions["HealthCheckId"])
		g.place(Widget{Type: "metric", Width: 6, Height: 6, Props: Properties{Title: "Uptime, % of checkers", View: "timeSeries",
			Region: a.Region, Period: u.Period, Stat: u.Stat,
			Metrics: []MetricLine{{Namespace: u.Namespace, MetricName: u.MetricName, Dimensions: u.Dimensions, Stat: u.Stat, Period: u.Period, Label: "healthy checkers"}},
			YAxis:   &YAxis{Left: &Axis{Min: ptr(0.0), Max: ptr(100.0)}}}})
	}
	var logs []MetricLine
	for _, m := range c.LogMetrics {
		if m.Service != s.Name {
			continue
		}
		stat, period := or(m.Stat, "Sum"), m.Period
		if period == 0 {
			period = 60
		}
		logs = append(logs, MetricLine{Namespace: m.Namespace, MetricName: m.MetricName, Dimensions: m.Dimensions, Stat: stat, Period: period, Label: m.MetricName})
	}
	for _, chunk := range chunks(logs, c.Limits.MetricsPerWidget) {
		g.place(Widget{Type: "metric", Width: 6, Height: 6, Props: Properties{Title: "Log filters", View: "timeSeries", Region: c.Region, Period: 60, Metrics: chunk}})
	}
	return []section{sec}
}

func ptr[T any](v T) *T { return &v }

// detail is a resource's dashboard: its alarm status and a graph per alarm.
func (c CloudWatch) detail(resource string, ra resourceAlarms) []section {
	head := section{}
	g := grid{s: &head}
	g.place(textWidget("## "+resource+"\nEvery alarm vigil creates for "+resource+", with its threshold. Generated by vigil: changes made in the console are overwritten.", GridColumns, 2))
	for _, w := range c.alarmWidgets("Alarms of "+resource, ra.refs()) {
		g.place(w)
	}
	out := []section{head}
	// A line of three graphs is a section of its own, so that a resource with more
	// alarms than a dashboard holds still splits between lines.
	for _, line := range chunks(ra.alarms, 3) {
		graphs := section{}
		gg := grid{s: &graphs}
		for _, a := range line {
			gg.place(c.alarmGraph(a, a.Slug+" ("+string(a.Severity)+")", 8))
		}
		out = append(out, graphs)
	}
	return out
}

// pack lays sections out top to bottom on as few dashboards as CloudWatch's limits
// allow: a section moves whole to the next dashboard (name-2, name-3, ...) when it
// would pass the widget, metric or body-size limit. Each dashboard starts with a
// title saying which part it is. The layout depends only on the input.
func (c CloudWatch) pack(name, title string, sections []section) ([]CloudWatchDashboard, error) {
	var parts [][]section
	var cur []section
	widgets, metrics, bytes := 1, 0, 0
	for _, s := range sections {
		sw, sm, sb := len(s.widgets), 0, 0
		for _, w := range s.widgets {
			sm += len(w.Props.Metrics)
			raw, _ := json.Marshal(w)
			sb += len(raw) + 1
		}
		if len(cur) > 0 && (widgets+sw > c.Limits.Widgets || metrics+sm > c.Limits.Metrics || bytes+sb > c.Limits.BodyBytes-headerBytes) {
			parts = append(parts, cur)
			cur, widgets, metrics, bytes = nil, 1, 0, 0
		}
		cur = append(cur, s)
		widgets, metrics, bytes = widgets+sw, metrics+sm, bytes+sb
	}
	if len(cur) > 0 || len(parts) == 0 {
		parts = append(parts, cur)
	}
	var out []CloudWatchDashboard
	for i, p := range parts {
		n, t := name, title
		if i > 0 {
			n = fmt.Sprintf("%s-%d", name, i+1)
		}
		if len(parts) > 1 {
			t = fmt.Sprintf("%s, part %d of %d", title, i+1, len(parts))
		}
		body := Body{Start: "-PT6H", PeriodOverride: "inherit"}
		body.Widgets = append(body.Widgets, textWidget("# "+t+"\nGenerated by vigil from the stack's configuration: changes made in the console are overwritten.", GridColumns, 2))
		y := 2
		for _, s := range p {
			for _, w := range s.widgets {
				w.Y += y
				body.Widgets = append(body.Widgets, w)
			}
			y += s.height
		}
		raw, err := json.Marshal(body)
		if err != nil {
			return nil, fmt.Errorf("dashboard %s: %w", n, err)
		}
		out = append(out, CloudWatchDashboard{Name: n, Body: body, JSON: string(raw)})
	}
	return out, nil
}

// headerBytes is room for a part's title widget and the body's own fields.
const headerBytes = 600

// plainDashboardName makes a resource name (an SQS queue such as orders.fifo, a domain)
// fit the names PutDashboard takes: letters, digits, hyphens and underscores.
func plainDashboardName(resource string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' {
			return r
		}
		return '-'
	}, resource)
}
