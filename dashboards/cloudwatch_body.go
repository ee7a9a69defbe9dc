package dashboards

import (
	"encoding/json"
	"fmt"
	"sort"
)

// Body is a CloudWatch dashboard body (the DashboardBody of PutDashboard).
type Body struct {
	// Start is the default time range, such as -PT6H.
	Start string `json:"start,omitempty"`
	// PeriodOverride is auto or inherit: whether graphs keep their own periods.
	PeriodOverride string   `json:"periodOverride,omitempty"`
	Widgets        []Widget `json:"widgets"`
}

// Widget is one widget of a body, on a grid of 24 columns.
type Widget struct {
	// Type is metric, alarm or text.
	Type   string     `json:"type"`
	X      int        `json:"x"`
	Y      int        `json:"y"`
	Width  int        `json:"width"`
	Height int        `json:"height"`
	Props  Properties `json:"properties"`
}

// Properties are a widget's properties; each type uses its own.
type Properties struct {
	Title string `json:"title,omitempty"`
	// Metric widgets.
	Metrics     []MetricLine `json:"metrics,omitempty"`
	View        string       `json:"view,omitempty"`
	Stacked     bool         `json:"stacked,omitempty"`
	Region      string       `json:"region,omitempty"`
	Stat        string       `json:"stat,omitempty"`
	Period      int          `json:"period,omitempty"`
	Annotations *Annotations `json:"annotations,omitempty"`
	YAxis       *YAxis       `json:"yAxis,omitempty"`
	// Alarm status widgets: the alarms' ARNs (AlarmRef placeholders until deploy).
	Alarms []string `json:"alarms,omitempty"`
	SortBy string   `json:"sortBy,omitempty"`
	// Text widgets.
	Markdown string `json:"markdown,omitempty"`
	// Log widgets: a Logs Insights query.
	Query string `json:"query,omitempty"`
	// Display settings teams' bodies may carry.
	Legend               *Legend `json:"legend,omitempty"`
	LiveData             bool    `json:"liveData,omitempty"`
	SetPeriodToTimeRange bool    `json:"setPeriodToTimeRange,omitempty"`
	Sparkline            bool    `json:"sparkline,omitempty"`
}

// Legend places a metric widget's legend: right, bottom or hidden.
type Legend struct {
	Position string `json:"position"`
}

// Annotations are the horizontal lines of a metric widget.
type Annotations struct {
	Horizontal []Horizontal `json:"horizontal,omitempty"`
}

// Horizontal is a line at Value, such as an alarm's threshold.
type Horizontal struct {
	Label string  `json:"label,omitempty"`
	Value float64 `json:"value"`
	Color string  `json:"color,omitempty"`
}

// YAxis sets a metric widget's vertical axis.
type YAxis struct {
	Left *Axis `json:"left,omitempty"`
}

// Axis is one vertical axis.
type Axis struct {
	Min       *float64 `json:"min,omitempty"`
	Max       *float64 `json:"max,omitempty"`
	Label     string   `json:"label,omitempty"`
	ShowUnits *bool    `json:"showUnits,omitempty"`
}

// MetricLine is one entry of a metric widget's metrics: a metric (Namespace,
// MetricName, Dimensions) or a metric-math Expression over other lines' IDs. It is
// written as CloudWatch's array, [namespace, name, dim, value, ..., {options}].
type MetricLine struct {
	Namespace, MetricName string
	Dimensions            map[string]string
	Expression            string
	ID, Label, Stat       string
	Period                int
	Region                string
	// Hidden lines feed an expression without being drawn.
	Hidden bool
}

type lineOptions struct {
	Expression string `json:"expression,omitempty"`
	ID         string `json:"id,omitempty"`
	Label      string `json:"label,omitempty"`
	Stat       string `json:"stat,omitempty"`
	Period     int    `json:"period,omitempty"`
	Region     string `json:"region,omitempty"`
	Visible    *bool  `json:"visible,omitempty"`
}

// MarshalJSON writes the line as CloudWatch's array, dimensions in name order.
func (m MetricLine) MarshalJSON() ([]byte, error) {
	o := lineOptions{Expression: m.Expression, ID: m.ID, Label: m.Label, Stat: m.Stat, Period: m.Period, Region: m.Region}
	if m.Hidden {
		f := false
		o.Visible = &f
	}
	var arr []any
	if m.Expression == "" {
		arr = append(arr, m.Namespace, m.MetricName)
		for _, k := range sortedKeys(m.Dimensions) {
			arr = append(arr, k, m.Dimensions[k])
		}
	}
	if o != (lineOptions{}) {
		arr = append(arr, o)
	}
	return json.Marshal(arr)
}

// UnmarshalJSON reads CloudWatch's array form, so that teams' bodies can be checked.
func (m *MetricLine) UnmarshalJSON(raw []byte) error {
	var arr []json.RawMessage
	if err := json.Unmarshal(raw, &arr); err != nil {
		return fmt.Errorf("a metric is an array such as [namespace, name, dimension, value, {options}]: %w", err)
	}
	var strs []string
	*m = MetricLine{}
	for i, el := range arr {
		var s string
		if err := json.Unmarshal(el, &s); err == nil {
			strs = append(strs, s)
			continue
		}
		if i != len(arr)-1 {
			return fmt.Errorf("only the last element of a metric may be its options, element %d is not a string", i)
		}
		var o lineOptions
		dec := json.NewDecoder(bytesReader(el))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&o); err != nil {
			return fmt.Errorf("metric options: %w", err)
		}
		m.Expression, m.ID, m.Label, m.Stat, m.Period, m.Region = o.Expression, o.ID, o.Label, o.Stat, o.Period, o.Region
		m.Hidden = o.Visible != nil && !*o.Visible
	}
	// "..." repeats the previous metric's fields in CloudWatch; vigil writes every
	// metric in full and refuses the shorthand, which it could not check.
	for _, s := range strs {
		if s == "." || s == "..." {
			return fmt.Errorf("the %q shorthand is not supported: write the metric in full", s)
		}
	}
	switch {
	case len(strs) == 0 && m.Expression != "":
	case len(strs) >= 2 && len(strs)%2 == 0:
		m.Namespace, m.MetricName = strs[0], strs[1]
		if len(strs) > 2 {
			m.Dimensions = map[string]string{}
			for i := 2; i+1 < len(strs); i += 2 {
				m.Dimensions[strs[i]] = strs[i+1]
			}
		}
	default:
		return fmt.Errorf("a metric is a namespace, a name and dimension name-value pairs, got %d strings", len(strs))
	}
	return nil
}

// MetricCount is how many metrics the body holds, as CloudWatch counts them against
// its limits: every line of every metric widget.
func (b Body) MetricCount() int {
	n := 0
	for _, w := range b.Widgets {
		n += len(w.Props.Metrics)
	}
	return n
}

// AlarmRef is the placeholder an alarm status widget carries for an alarm's ARN
// until components/dashboards knows it (the alarms component's AlarmArns output).
func AlarmRef(name string) string { return "${alarm:" + name + "}" }

// alarmNames returns the alarm names the body's alarm widgets refer to, sorted.
func (b Body) alarmNames() []string {
	var out []string
	for _, w := range b.Widgets {
		for _, a := range w.Props.Alarms {
			out = append(out, alarmNameOf(a))
		}
	}
	sort.Strings(out)
	return out
}

// alarmNameOf reads an alarm's name from an AlarmRef or an ARN
// (arn:aws:cloudwatch:region:account:alarm:name).
func alarmNameOf(ref string) string {
	if len(ref) > len("${alarm:}") && ref[:8] == "${alarm:" && ref[len(ref)-1] == '}' {
		return ref[8 : len(ref)-1]
	}
	const marker = ":alarm:"
	for i := 0; i+len(marker) <= len(ref); i++ {
		if ref[i:i+len(marker)] == marker {
			return ref[i+len(marker):]
		}
	}
	return ref
}
