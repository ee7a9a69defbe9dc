package cloudwatch

import (
	"fmt"
	"maps"
	"math"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/vigilops/vigil/alerts"
	"github.com/vigilops/vigil/validate"
)

var prefixRe = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`)

// Options are what every alarm of a stack shares.
type Options struct {
	// NamePrefix starts every alarm name: <prefix>-<resource>-<slug>, e.g.
	// vigil-prod-api-ecs-cpu-high. Required.
	NamePrefix string
	// RunbookBaseURL is where the runbooks live; each alarm links to
	// RunbookBaseURL#<slug>. Required: an absolute http(s) URL without a fragment.
	RunbookBaseURL string
	// Tags are set on every alarm and health check. Defaults to none.
	Tags map[string]string
	// Region is the stack's region. Optional: when it is us-east-1, the uptime alarms
	// live in the stack's region and join their service's composite alarm.
	Region string
}

func (o Options) check(ps *validate.Problems) {
	if validate.Required(ps, "Options.NamePrefix", o.NamePrefix, "for example vigil-prod") && !prefixRe.MatchString(o.NamePrefix) {
		ps.Addf("Options.NamePrefix", "letters, digits, dots, hyphens and underscores keep names safe inside composite rules (ALARM(\"name\"))", "must be 1-64 letters, digits, '.', '-' or '_', starting with a letter or digit, got %q", o.NamePrefix)
	}
	const example = "for example https://github.com/vigilops/vigil/blob/main/docs/runbooks.md"
	if validate.Required(ps, "Options.RunbookBaseURL", o.RunbookBaseURL, example) {
		u, err := url.Parse(o.RunbookBaseURL)
		switch {
		case err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "":
			ps.Addf("Options.RunbookBaseURL", example, "must be an absolute http:// or https:// URL, got %q", o.RunbookBaseURL)
		case strings.Contains(o.RunbookBaseURL, "#"):
			ps.Addf("Options.RunbookBaseURL", "each alarm appends #<slug>", "must not contain a fragment, got %q", o.RunbookBaseURL)
		}
	}
	validate.Tags(ps, "Options.Tags", o.Tags)
	if o.Region != "" {
		validate.Region(ps, "Options.Region", o.Region)
	}
}

// Override changes one kind of alarm of one item (or, merged with MergeOverrides, of
// every item of a kind). Nil and empty fields keep the builder's value.
type Override struct {
	Threshold         *float64
	Period            *int
	EvaluationPeriods *int
	DatapointsToAlarm *int
	Severity          alerts.Severity
	// Disabled leaves the alarm out.
	Disabled bool
}

// Overrides are keyed by alarm slug ("ecs-cpu-high", ...).
type Overrides map[string]Override

// MergeOverrides returns the overrides of a kind (vigil:thresholds) with an item's own
// on top, field by field.
func MergeOverrides(kind, item Overrides) Overrides {
	out := Overrides{}
	for _, src := range []Overrides{kind, item} {
		for slug, o := range src {
			cur := out[slug]
			if o.Threshold != nil {
				cur.Threshold = o.Threshold
			}
			if o.Period != nil {
				cur.Period = o.Period
			}
			if o.EvaluationPeriods != nil {
				cur.EvaluationPeriods = o.EvaluationPeriods
			}
			if o.DatapointsToAlarm != nil {
				cur.DatapointsToAlarm = o.DatapointsToAlarm
			}
			if o.Severity != "" {
				cur.Severity = o.Severity
			}
			cur.Disabled = cur.Disabled || o.Disabled
			out[slug] = cur
		}
	}
	return out
}

// finish applies the overrides to the alarms of one item, reporting keys that name no
// alarm of the item, and fills in name, runbook, description, tags and path.
func finish(ps *validate.Problems, o Options, path, resource, service string, ov Overrides, alarms []Alarm) []Alarm {
	var slugs []string
	for _, a := range alarms {
		slugs = append(slugs, a.Slug)
	}
	checkOverrides(ps, path, ov, slugs)
	return apply(o, path, resource, service, ov, alarms)
}

// checkOverrides reports override keys that name no alarm of the item, and bad
// severities.
func checkOverrides(ps *validate.Problems, path string, ov Overrides, slugs []string) {
	for _, k := range slices.Sorted(maps.Keys(ov)) {
		if !slices.Contains(slugs, k) {
			ps.Addf(path+".alarms."+k, validate.UnknownHint(k, slugs), "is not an alarm of this item")
		}
		if s := ov[k].Severity; s != "" && !s.Valid() {
			ps.Addf(path+".alarms."+k+".severity", validate.UnknownHint(string(s), sevNames()), "must be one of critical, high, medium, low, got %q", s)
		}
	}
}

// apply applies the overrides and fills in name, runbook, description, tags and path.
func apply(o Options, path, resource, service string, ov Overrides, alarms []Alarm) []Alarm {
	var out []Alarm
	for _, a := range alarms {
		if v, ok := ov[a.Slug]; ok {
			if v.Disabled {
				continue
			}
			if v.Threshold != nil {
				a.Threshold = *v.Threshold
			}
			if v.Period != nil {
				a.Period = *v.Period
				for i := range a.Metrics {
					if a.Metrics[i].Metric != nil {
						m := *a.Metrics[i].Metric
						m.Period = a.Period
						a.Metrics[i].Metric = &m
					}
				}
			}
			if v.EvaluationPeriods != nil {
				a.EvaluationPeriods = *v.EvaluationPeriods
			}
			if v.DatapointsToAlarm != nil {
				a.DatapointsToAlarm = *v.DatapointsToAlarm
			}
			if v.Severity != "" {
				a.Severity = v.Severity
			}
		}
		a.Resource, a.Service, a.Path = resource, service, path
		a.Name = AlarmName(o.NamePrefix, resource, a.Slug)
		a.RunbookURL = RunbookURL(o.RunbookBaseURL, a.Slug)
		a.Tags = mergeTags(o.Tags, map[string]string{"vigil:alarm": a.Slug, "vigil:resource": resource, "vigil:severity": string(a.Severity)})
		a.Description = Describe(a)
		out = append(out, a)
	}
	return out
}

// AlarmName is <prefix>-<resource>-<slug>.
func AlarmName(prefix, resource, slug string) string { return prefix + "-" + resource + "-" + slug }

// RunbookURL is base#slug: the section of the alarm's kind in the runbook page.
func RunbookURL(base, slug string) string { return base + "#" + slug }

func mergeTags(maps ...map[string]string) map[string]string {
	out := map[string]string{}
	for _, m := range maps {
		for k, v := range m {
			out[k] = v
		}
	}
	return out
}

// Describe writes an alarm's description. Its first line is for people: the summary,
// the condition in words and how missing data counts. The lines after it are for the
// notifier (notifier/message reads "key: value" lines, keys in any case):
//
//	service: <Service>          when the alarm belongs to a service
//	environment: <vigil:stack>  when the alarm has that tag (the stack's name)
//	Runbook: <RunbookURL>       when the alarm has a runbook
//
// The whole fits CloudWatch's MaxDescriptionLength: when it would not, the first line
// is cut short (ending in "…"), never the lines the notifier reads.
func Describe(a Alarm) string {
	var first strings.Builder
	first.WriteString(a.Summary)
	first.WriteString(" Fires when ")
	first.WriteString(Condition(a))
	first.WriteString(".")
	var keys strings.Builder
	line := func(k, v string) {
		if v != "" {
			keys.WriteString("\n" + k + ": " + v)
		}
	}
	line("service", a.Service)
	line("environment", a.Tags["vigil:stack"])
	line("Runbook", a.RunbookURL)
	head := []rune(strings.TrimSpace(first.String()))
	if room := MaxDescriptionLength - len([]rune(keys.String())); len(head) > room && room > 0 {
		head = append(head[:room-1], '…')
	}
	return string(head) + keys.String()
}

// Condition says in words when the alarm fires, e.g. "Average CPUUtilization is
// above 80 % in 5 of 5 periods of 1m".
func Condition(a Alarm) string {
	what := a.MetricName
	stat := a.Statistic + a.ExtendedStatistic
	for _, q := range a.Metrics {
		if q.ReturnData && q.ID != a.ThresholdMetricID {
			what, stat = q.Label, ""
			if what == "" {
				what = q.Expression
			}
			if q.Metric != nil {
				what, stat = q.Metric.MetricName, q.Metric.Stat
			}
		}
	}
	if stat != "" {
		what = stat + " " + what
	}
	var cmp string
	threshold := thresholdWords(a.Threshold, a.ThresholdUnit)
	switch a.Comparison {
	case GreaterThan:
		cmp = "is above " + threshold
	case GreaterThanOrEqual:
		cmp = "is at or above " + threshold
	case LessThan:
		cmp = "is below " + threshold
	case LessThanOrEqual:
		cmp = "is at or below " + threshold
	case AboveBand:
		cmp = "is above its expected band"
	case BelowBand:
		cmp = "is below its expected band"
	case OutsideBand:
		cmp = "is outside its expected band"
	}
	s := fmt.Sprintf("%s %s in %d of %d periods of %s", what, cmp, a.Datapoints(), a.EvaluationPeriods, Duration(time.Duration(a.Period)*time.Second))
	switch a.TreatMissingData.OrDefault() {
	case Breaching:
		s += " (no data counts as breaching)"
	case NotBreaching:
		s += " (no data counts as fine)"
	}
	return s
}

// thresholdWords writes a threshold with its unit, bytes in GiB or MiB.
func thresholdWords(v float64, unit string) string {
	num := func(x float64) string { return strconv.FormatFloat(math.Round(x*100)/100, 'f', -1, 64) }
	switch {
	case unit == "bytes" && v >= gib:
		return num(v/gib) + " GiB"
	case unit == "bytes" && v >= 1<<20:
		return num(v/(1<<20)) + " MiB"
	case unit == "":
		return num(v)
	}
	return num(v) + " " + unit
}

// Duration writes d as people do: 90s, 5m, 1h30m, 24h.
func Duration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

// Rule is the composite rule that is ALARM when any of the named alarms is.
func Rule(children []string) string {
	parts := make([]string, len(children))
	for i, c := range children {
		parts[i] = `ALARM("` + c + `")`
	}
	return strings.Join(parts, " OR ")
}

// AnomalyInput is an anomaly-detection alarm on any metric (seed 002: unusual network
// spikes).
type AnomalyInput struct {
	Slug, Name, Summary string
	Severity            alerts.Severity
	Metric              MetricStat
	// BandWidth is the band's width in standard deviations. Defaults to 2; CloudWatch
	// takes any positive number, and a wider band fires less often.
	BandWidth float64
	// Comparison is AboveBand (the default: spikes), BelowBand or OutsideBand.
	Comparison Comparison
	// EvaluationPeriods defaults to 3, DatapointsToAlarm to 3.
	EvaluationPeriods, DatapointsToAlarm int
}

// Anomaly returns the alarm: m1 the metric, ad1 its ANOMALY_DETECTION_BAND.
func Anomaly(in AnomalyInput, runbookBase string) Alarm {
	if in.BandWidth == 0 {
		in.BandWidth = 2
	}
	if in.Comparison == "" {
		in.Comparison = AboveBand
	}
	if in.EvaluationPeriods == 0 {
		in.EvaluationPeriods = 3
	}
	if in.DatapointsToAlarm == 0 {
		in.DatapointsToAlarm = in.EvaluationPeriods
	}
	m := in.Metric
	a := Alarm{
		Slug: in.Slug, Name: in.Name, Summary: in.Summary, Severity: in.Severity,
		Metrics: []MetricQuery{
			{ID: "m1", Metric: &m, Label: m.MetricName, ReturnData: true},
			{ID: "ad1", Expression: fmt.Sprintf("ANOMALY_DETECTION_BAND(m1, %s)", strconv.FormatFloat(in.BandWidth, 'f', -1, 64)), Label: m.MetricName + " (expected)", ReturnData: true},
		},
		ThresholdMetricID: "ad1",
		Period:            m.Period, EvaluationPeriods: in.EvaluationPeriods, DatapointsToAlarm: in.DatapointsToAlarm,
		Comparison: in.Comparison, TreatMissingData: NotBreaching,
	}
	a.RunbookURL = RunbookURL(runbookBase, a.Slug)
	a.Description = Describe(a)
	return a
}

// Float and Int make Override values: Override{Threshold: cloudwatch.Float(90)}.
func Float(v float64) *float64 { return &v }
func Int(v int) *int           { return &v }
