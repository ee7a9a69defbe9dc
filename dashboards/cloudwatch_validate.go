package dashboards

import (
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/vigilops/vigil/alerts/cloudwatch"
	"github.com/vigilops/vigil/validate"
)

// dashboardName is what PutDashboard accepts as a name.
var dashboardName = regexp.MustCompile(`^[A-Za-z0-9_-]{1,255}$`)

var metricID = regexp.MustCompile(`^[a-z][A-Za-z0-9_]*$`)

// ParseCloudWatch reads a team's CloudWatch dashboard body (a JSON file of the
// repository) strictly: unknown properties are refused, as vigil could not check
// them. Pass the result to ValidateCloudWatch with the others.
func ParseCloudWatch(name, body string) (CloudWatchDashboard, error) {
	var b Body
	dec := json.NewDecoder(strings.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&b); err != nil {
		return CloudWatchDashboard{}, fmt.Errorf("CloudWatch dashboard %s: not a dashboard body: %w", name, err)
	}
	return CloudWatchDashboard{Name: name, Body: b, JSON: body}, nil
}

// ValidateCloudWatch checks dashboards before they are deployed: names PutDashboard
// accepts and unique; bodies that decode, within limits (widgets, metrics per
// dashboard and per widget, alarms per alarm widget, body size); widgets of a known
// type that fit the 24 columns without overlapping; metric lines with valid
// periods and unique IDs; and every metric of a resource an alarm watches drawn in
// the alarm's namespace with the alarm's dimensions. One error lists every problem.
func ValidateCloudWatch(limits Limits, alarms cloudwatch.Set, dashboards ...CloudWatchDashboard) error {
	return validateCloudWatch(limits, alarms, true, dashboards)
}

// validateCloudWatch is ValidateCloudWatch; unless decode, it checks each
// dashboard's Body as it is instead of decoding its JSON again (BuildCloudWatch
// wrote the JSON from that Body).
func validateCloudWatch(limits Limits, alarms cloudwatch.Set, decode bool, dashboards []CloudWatchDashboard) error {
	limits = limits.withDefaults()
	var ps validate.Problems
	names := map[string]bool{}
	idx := indexAlarmMetrics(alarms)
	for _, d := range dashboards {
		p := d.Name
		if !dashboardName.MatchString(d.Name) {
			ps.Addf(p, "1-255 letters, digits, hyphens and underscores", "is not a dashboard name PutDashboard accepts: %q", d.Name)
		}
		if names[d.Name] {
			ps.Add(p, "is the name of two dashboards", "the second would overwrite the first")
		}
		names[d.Name] = true
		if len(d.JSON) > limits.BodyBytes {
			ps.Addf(p, "BuildCloudWatch splits dashboards that grow too large; split this one", "body is %d bytes, more than %d", len(d.JSON), limits.BodyBytes)
		}
		b := d.Body
		if decode {
			b = Body{}
			dec := json.NewDecoder(strings.NewReader(d.JSON))
			dec.DisallowUnknownFields()
			if err := dec.Decode(&b); err != nil {
				ps.Addf(p, "a body has a widgets array of metric, alarm, text and log widgets", "is not a valid dashboard body: %v", err)
				continue
			}
		}
		checkBody(&ps, p, b, limits, idx)
	}
	return ps.Err("CloudWatch dashboards")
}

func checkBody(ps *validate.Problems, p string, b Body, limits Limits, idx alarmMetrics) {
	if b.Widgets == nil {
		ps.Add(p+".widgets", "is missing", "a body must have a widgets array, even an empty one")
	}
	if n := len(b.Widgets); n > limits.Widgets {
		ps.Addf(p+".widgets", "split the dashboard", "has %d widgets, more than the %d CloudWatch allows", n, limits.Widgets)
	}
	if n := b.MetricCount(); n > limits.Metrics {
		ps.Addf(p+".widgets", "split the dashboard", "has %d metrics, more than the %d CloudWatch allows on a dashboard", n, limits.Metrics)
	}
	if b.PeriodOverride != "" && b.PeriodOverride != "auto" && b.PeriodOverride != "inherit" {
		ps.Addf(p+".periodOverride", "auto or inherit", "is %q", b.PeriodOverride)
	}
	var boxes []placed
	for i, w := range b.Widgets {
		wp := fmt.Sprintf("%s.widgets[%d]", p, i)
		if w.Width < 1 || w.Width > GridColumns || w.Height < 1 || w.Height > 1000 {
			ps.Addf(wp, "width is 1-24 and height 1-1000", "has width %d and height %d", w.Width, w.Height)
		}
		if w.X < 0 || w.Y < 0 || w.X+w.Width > GridColumns {
			ps.Addf(wp, "x + width must be at most 24", "does not fit the 24 columns: x=%d width=%d", w.X, w.Width)
		}
		boxes = append(boxes, placed{wp, gGrid{X: w.X, Y: w.Y, W: w.Width, H: w.Height}})
		switch w.Type {
		case "metric":
			checkMetricWidget(ps, wp, w, limits, idx)
		case "alarm":
			if n := len(w.Props.Alarms); n == 0 || n > limits.AlarmsPerWidget {
				ps.Addf(wp+".properties.alarms", fmt.Sprintf("1 to %d alarms a widget", limits.AlarmsPerWidget), "has %d alarms", n)
			}
			for k, a := range w.Props.Alarms {
				if alarmNameOf(a) == a {
					ps.Addf(fmt.Sprintf("%s.properties.alarms[%d]", wp, k), "an alarm ARN, arn:aws:cloudwatch:<region>:<account>:alarm:<name>, or dashboards.AlarmRef(name)", "is not an alarm ARN: %q", a)
				}
			}
		case "text":
			if w.Props.Markdown == "" {
				ps.Add(wp+".properties.markdown", "is empty", "a text widget shows its markdown")
			}
		case "log":
			if w.Props.Query == "" {
				ps.Add(wp+".properties.query", "is empty", "a log widget runs a Logs Insights query")
			}
		default:
			ps.Addf(wp+".type", "metric, alarm, text or log", "is not a widget type vigil checks: %q", w.Type)
		}
	}
	checkOverlaps(ps, boxes)
}

func checkMetricWidget(ps *validate.Problems, wp string, w Widget, limits Limits, idx alarmMetrics) {
	ms := w.Props.Metrics
	if len(ms) == 0 {
		ps.Add(wp+".properties.metrics", "is empty", "a metric widget draws at least one metric")
	}
	if len(ms) > limits.MetricsPerWidget {
		ps.Addf(wp+".properties.metrics", "split the widget", "has %d metrics, more than the %d CloudWatch allows in a widget", len(ms), limits.MetricsPerWidget)
	}
	ids := map[string]bool{}
	visible := false
	for k, m := range ms {
		mp := fmt.Sprintf("%s.properties.metrics[%d]", wp, k)
		if m.ID != "" {
			if !metricID.MatchString(m.ID) {
				ps.Addf(mp+".id", "a lower-case letter, then letters, digits and underscores", "is not a metric ID: %q", m.ID)
			}
			if ids[m.ID] {
				ps.Addf(mp+".id", "IDs are unique within a widget", "%q is used twice", m.ID)
			}
			ids[m.ID] = true
		}
		if m.Expression != "" && m.ID == "" {
			ps.Add(mp+".id", "is missing", "an expression line needs an id")
		}
		if m.Region == "" && w.Props.Region == "" {
			ps.Add(mp+".region", "is missing", "set the widget's region, or the line's")
		}
		if m.Period != 0 && !validPeriod(m.Period) {
			ps.Addf(mp+".period", "1, 5, 10, 30 or a multiple of 60 seconds", "is %d", m.Period)
		}
		visible = visible || !m.Hidden
		if m.Expression == "" {
			idx.check(ps, mp, m)
		}
	}
	if len(ms) > 0 && !visible {
		ps.Add(wp+".properties.metrics", "draws nothing", "every line is hidden; make one visible")
	}
	if w.Props.Period != 0 && !validPeriod(w.Props.Period) {
		ps.Addf(wp+".properties.period", "1, 5, 10, 30 or a multiple of 60 seconds", "is %d", w.Props.Period)
	}
}

func validPeriod(p int) bool { return p == 1 || p == 5 || p == 10 || p == 30 || p > 0 && p%60 == 0 }

// alarmMetrics index the alarms' metrics by metric name and dimension value, to find
// the alarms of the resource a dashboard's metric is about.
type alarmMetrics struct {
	byValue map[string][]alarmMetric
	// exact holds namespace, name and every dimension of each alarm metric: most
	// lines of a dashboard are found there at once.
	exact map[string]bool
}

type alarmMetric struct {
	alarm      string
	namespace  string
	dimensions map[string]string
}

func indexAlarmMetrics(set cloudwatch.Set) alarmMetrics {
	idx := alarmMetrics{byValue: map[string][]alarmMetric{}, exact: map[string]bool{}}
	add := func(name, ns, metric string, dims map[string]string) {
		idx.exact[exactKey(ns, metric, dims)] = true
		for _, v := range dims {
			key := metric + "\x00" + v
			idx.byValue[key] = append(idx.byValue[key], alarmMetric{alarm: name, namespace: ns, dimensions: dims})
		}
	}
	for _, a := range set.Alarms {
		if a.MetricName != "" {
			add(a.Name, a.Namespace, a.MetricName, a.Dimensions)
		}
		for _, m := range a.Metrics {
			if m.Metric != nil {
				add(a.Name, m.Metric.Namespace, m.Metric.MetricName, m.Metric.Dimensions)
			}
		}
	}
	return idx
}

// check reports a metric that names the same resource (a dimension value) and
// metric as an alarm, in another namespace or with other dimensions: the graph
// would show another series than the one the alarm judges, or none.
func (idx alarmMetrics) check(ps *validate.Problems, path string, m MetricLine) {
	if idx.exact[exactKey(m.Namespace, m.MetricName, m.Dimensions)] {
		return
	}
	var seen []string
	for _, v := range sortedValues(m.Dimensions) {
		for _, am := range idx.byValue[m.MetricName+"\x00"+v] {
			if am.namespace == m.Namespace && sameDims(am.dimensions, m.Dimensions) {
				return // agrees with an alarm of the resource
			}
			seen = append(seen, am.alarm)
			if am.namespace != m.Namespace {
				ps.Addf(path, "draw the metric the alarm judges", "%s of %q is in namespace %s here, but alarm %s watches it in %s",
					m.MetricName, v, m.Namespace, am.alarm, am.namespace)
				return
			}
		}
	}
	if len(seen) > 0 {
		sort.Strings(seen)
		am := idx.byValue[m.MetricName+"\x00"+sortedValues(m.Dimensions)[0]]
		want := m.Dimensions
		if len(am) > 0 {
			want = am[0].dimensions
		}
		ps.Addf(path, "use the alarm's dimensions, every one of them: CloudWatch matches a metric by all its dimensions",
			"%s has dimensions %s, but alarm %s watches it with %s", m.MetricName, dimsWords(m.Dimensions), seen[0], dimsWords(want))
	}
}

func sortedValues(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for _, k := range sortedKeys(m) {
		out = append(out, m[k])
	}
	return out
}

func sameDims(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

func dimsWords(m map[string]string) string {
	var parts []string
	for _, k := range sortedKeys(m) {
		parts = append(parts, k+"="+m[k])
	}
	return "{" + strings.Join(parts, ", ") + "}"
}

func exactKey(ns, metric string, dims map[string]string) string {
	return ns + "\x00" + metric + "\x00" + dimsWords(dims)
}
