package cloudwatch

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/vigilops/vigil/alerts"
	"github.com/vigilops/vigil/validate"
)

// AWS's limits on alarms (PutMetricAlarm, PutCompositeAlarm, CloudWatch quotas).
const (
	MaxNameLength        = 255
	MaxDescriptionLength = 1024
	MaxActionsPerState   = 5
	MaxEvaluationSeconds = 86400 // Period x EvaluationPeriods: one day
	MaxMetricsInMath     = 10    // metrics in one math expression alarm
	MaxRuleLength        = 10240 // characters of a composite alarm rule
	MaxCompositeChildren = 100   // alarms one composite rule may name
)

var (
	statistics    = []string{"Average", "Maximum", "Minimum", "SampleCount", "Sum"}
	treatments    = []string{string(Missing), string(NotBreaching), string(Breaching), string(Ignore)}
	comparisons   = []string{string(GreaterThan), string(GreaterThanOrEqual), string(LessThan), string(LessThanOrEqual), string(OutsideBand), string(AboveBand), string(BelowBand)}
	queryIDRe     = regexp.MustCompile(`^[a-z][a-zA-Z0-9_]*$`)
	identifierRe  = regexp.MustCompile(`[A-Za-z_][A-Za-z0-9_]*`)
	extendedRe    = regexp.MustCompile(`^(p|tm|wm|tc|ts)(100|[0-9]{1,2}(\.[0-9]{1,10})?)$`)
	extendedRange = regexp.MustCompile(`^(TM|WM|TC|TS|PR)\(([0-9.]+%?)?:([0-9.]+%?)?\)$`)
)

// Validate returns one error listing every problem of the set that CloudWatch or
// Route 53 would refuse, each under the config path of the alarm it belongs to, or nil.
func Validate(s Set) error {
	var ps validate.Problems
	names := map[string]string{} // alarm name -> path
	for i, a := range s.Alarms {
		path := alarmPath(i, a.Path, a.Slug, "Alarms")
		if prev, dup := names[a.Name]; dup && a.Name != "" {
			ps.Addf(path+".Name", "alarm names are unique in an account and region; give the resources different names", "duplicate alarm name %q (first at %s)", a.Name, prev)
		} else {
			names[a.Name] = path
		}
		checkAlarm(&ps, path, a)
	}
	for i, c := range s.Composites {
		path := alarmPath(i, c.Path, c.Slug, "Composites")
		if prev, dup := names[c.Name]; dup && c.Name != "" {
			ps.Addf(path+".Name", "alarm names are unique in an account and region", "duplicate alarm name %q (first at %s)", c.Name, prev)
		}
		checkComposite(&ps, path, c, names)
	}
	slugs := map[string]bool{}
	for i, h := range s.HealthChecks {
		path := alarmPath(i, h.Path, h.Slug, "HealthChecks")
		if slugs[h.Slug] {
			ps.Addf(path+".Slug", "each health check needs its own slug", "duplicate health check %q", h.Slug)
		}
		slugs[h.Slug] = true
		checkHealthCheck(&ps, path, h)
	}
	return ps.Err("CloudWatch alarm set")
}

func alarmPath(i int, configPath, slug, list string) string {
	if configPath != "" && slug != "" {
		return configPath + ".alarms." + slug
	}
	return fmt.Sprintf("%s[%d]", list, i)
}

func checkName(ps *validate.Problems, path, name string) {
	if !validate.Required(ps, path, name, "alarm names come from the name prefix and the resource name") {
		return
	}
	if len(name) > MaxNameLength {
		ps.Addf(path, "shorten the name prefix or the resource name", "must be at most %d characters, got %d", MaxNameLength, len(name))
	}
	for _, r := range name {
		if r > 127 {
			ps.Addf(path, "CloudWatch alarm names take ASCII characters only", "must be ASCII, got %q", name)
			break
		}
	}
}

func checkDescription(ps *validate.Problems, path, d string) {
	if n := len([]rune(d)); n > MaxDescriptionLength {
		ps.Addf(path, "shorten the summary; the runbook holds the details", "must be at most %d characters, got %d", MaxDescriptionLength, n)
	}
}

// CheckPeriod records a problem unless p is 10, 20, 30 or a multiple of 60 seconds.
func CheckPeriod(ps *validate.Problems, path string, p int) {
	if p == 10 || p == 20 || p == 30 || (p >= 60 && p%60 == 0) {
		return
	}
	ps.Addf(path, "high-resolution alarms take 10, 20 or 30 seconds; others a multiple of 60", "must be 10, 20, 30 or a multiple of 60 seconds, got %d", p)
}

// validStatistic reports whether s is a statistic or an extended statistic, and which.
func statisticKind(s string) (simple, extended bool) {
	if slices.Contains(statistics, s) {
		return true, false
	}
	if m := extendedRe.FindStringSubmatch(s); m != nil {
		var f float64
		fmt.Sscan(m[2], &f)
		return false, f <= 100
	}
	return false, extendedRange.MatchString(s)
}

func checkAlarm(ps *validate.Problems, path string, a Alarm) {
	validate.Required(ps, path+".Slug", a.Slug, "the slug names the runbook section, e.g. ecs-cpu-high")
	checkName(ps, path+".Name", a.Name)
	checkDescription(ps, path+".Description", a.Description)
	if !a.Severity.Valid() {
		ps.Addf(path+".Severity", validate.UnknownHint(string(a.Severity), sevNames()), "must be one of critical, high, medium, low, got %q", a.Severity)
	}
	CheckPeriod(ps, path+".Period", a.Period)
	if a.EvaluationPeriods < 1 {
		ps.Addf(path+".EvaluationPeriods", "evaluate at least one datapoint", "must be at least 1, got %d", a.EvaluationPeriods)
	} else if a.DatapointsToAlarm < 0 || a.DatapointsToAlarm > a.EvaluationPeriods {
		ps.Addf(path+".DatapointsToAlarm", "M out of N: M is between 1 and N (0 means N)", "must be between 1 and EvaluationPeriods (%d), got %d", a.EvaluationPeriods, a.DatapointsToAlarm)
	}
	if a.Period > 0 && a.EvaluationPeriods > 0 && a.Period*a.EvaluationPeriods > MaxEvaluationSeconds {
		ps.Addf(path+".EvaluationPeriods", "use a longer period and fewer evaluation periods", "Period x EvaluationPeriods must be at most %d seconds (one day), got %d", MaxEvaluationSeconds, a.Period*a.EvaluationPeriods)
	}
	if t := string(a.TreatMissingData); t != "" && !slices.Contains(treatments, t) {
		ps.Addf(path+".TreatMissingData", validate.UnknownHint(t, treatments), "must be one of %s, got %q", strings.Join(treatments, ", "), t)
	}
	if a.SilentWhenBroken && a.TreatMissingData != Breaching {
		ps.Add(path+".TreatMissingData", "must be breaching: the metric of this alarm stops when the watched thing fails", "otherwise the alarm never fires on the failure")
	}
	if !slices.Contains(comparisons, string(a.Comparison)) {
		ps.Addf(path+".Comparison", validate.UnknownHint(string(a.Comparison), comparisons), "must be a CloudWatch comparison operator, got %q", a.Comparison)
	} else if a.Comparison.isBand() != (a.ThresholdMetricID != "") {
		ps.Addf(path+".Comparison", "band comparisons go with ThresholdMetricID (anomaly detection), the others with a static Threshold", "%s does not fit ThresholdMetricID %q", a.Comparison, a.ThresholdMetricID)
	}
	if n := 1 + len(a.ExtraActions); n > MaxActionsPerState {
		ps.Addf(path+".ExtraActions", "the severity's topic is one action; add at most 4 more", "makes %d ALARM actions, more than %d", n, MaxActionsPerState)
	}
	if a.Region != "" {
		validate.Region(ps, path+".Region", a.Region)
	}
	validate.Tags(ps, path+".Tags", a.Tags)

	single := a.Namespace != "" || a.MetricName != "" || a.Statistic != "" || a.ExtendedStatistic != ""
	switch {
	case single && len(a.Metrics) > 0:
		ps.Add(path+".Metrics", "must not be set together with a single metric (Namespace, MetricName, Statistic)", "a metric-math alarm puts every metric in Metrics")
	case len(a.Metrics) > 0:
		checkMath(ps, path, a)
	default:
		validate.Required(ps, path+".Namespace", a.Namespace, "for example AWS/ECS")
		validate.Required(ps, path+".MetricName", a.MetricName, "for example CPUUtilization")
		checkStatistic(ps, path, a.Statistic, a.ExtendedStatistic)
		if a.ThresholdMetricID != "" {
			ps.Add(path+".ThresholdMetricID", "needs Metrics with an ANOMALY_DETECTION_BAND line", "an anomaly alarm is a metric-math alarm")
		}
	}
}

func checkStatistic(ps *validate.Problems, path, stat, ext string) {
	switch {
	case stat != "" && ext != "":
		ps.Add(path+".ExtendedStatistic", "must not be set together with Statistic", "use Statistic (Average, ...) or ExtendedStatistic (p95, ...), not both")
	case stat == "" && ext == "":
		ps.Add(path+".Statistic", "is required (or ExtendedStatistic)", "for example Average, or p95 as ExtendedStatistic")
	case stat != "":
		if !slices.Contains(statistics, stat) {
			hint := validate.UnknownHint(stat, statistics)
			if _, ext := statisticKind(stat); ext {
				hint = "percentiles and trimmed means go in ExtendedStatistic"
			}
			ps.Addf(path+".Statistic", hint, "must be one of %s, got %q", strings.Join(statistics, ", "), stat)
		}
	default:
		if _, ok := statisticKind(ext); !ok {
			hint := "for example p95, p99.9, tm99 or TM(10%:90%)"
			if slices.Contains(statistics, ext) {
				hint = ext + " is a Statistic, not an ExtendedStatistic"
			}
			ps.Addf(path+".ExtendedStatistic", hint, "must be a percentile or trimmed statistic, got %q", ext)
		}
	}
}

func checkMath(ps *validate.Problems, path string, a Alarm) {
	ids := map[string]bool{}
	for _, q := range a.Metrics {
		ids[q.ID] = true
	}
	seen := map[string]bool{}
	returning, metrics := 0, 0
	for i, q := range a.Metrics {
		qp := fmt.Sprintf("%s.Metrics[%d]", path, i)
		switch {
		case !queryIDRe.MatchString(q.ID):
			ps.Addf(qp+".ID", "for example m1 or errorRate", "must start with a lower-case letter and hold only letters, digits and underscores, got %q", q.ID)
		case seen[q.ID]:
			ps.Addf(qp+".ID", "each line of a metric-math alarm needs its own ID", "duplicate ID %q", q.ID)
		}
		seen[q.ID] = true
		if q.ReturnData {
			returning++
		}
		switch {
		case q.Metric != nil && q.Expression != "":
			ps.Add(qp, "must have a Metric or an Expression, not both", "split it into a metric line and an expression line")
		case q.Metric != nil:
			metrics++
			validate.Required(ps, qp+".Metric.Namespace", q.Metric.Namespace, "for example ECS/ContainerInsights")
			validate.Required(ps, qp+".Metric.MetricName", q.Metric.MetricName, "for example CpuUtilized")
			CheckPeriod(ps, qp+".Metric.Period", q.Metric.Period)
			if q.Metric.Period != a.Period {
				ps.Addf(qp+".Metric.Period", "every metric of a math alarm uses the alarm's period", "must equal the alarm's period %d, got %d", a.Period, q.Metric.Period)
			}
			if q.Metric.Stat == "" {
				ps.Add(qp+".Metric.Stat", "is required", "for example Sum or p99")
			} else if s, e := statisticKind(q.Metric.Stat); !s && !e {
				ps.Addf(qp+".Metric.Stat", "for example Sum, Average or p99", "is not a statistic, got %q", q.Metric.Stat)
			}
		case q.Expression != "":
			reported := map[string]bool{}
			for _, ref := range identifierRe.FindAllString(stripStrings(q.Expression), -1) {
				if isFunctionOrKeyword(ref) || !queryIDRe.MatchString(ref) || reported[ref] {
					continue
				}
				reported[ref] = true
				if !ids[ref] {
					ps.Addf(qp+".Expression", "an expression may use only the IDs of the alarm's other lines", "refers to %q, which no line defines", ref)
				} else if ref == q.ID {
					ps.Addf(qp+".Expression", "an expression cannot use its own result", "refers to itself (%q)", ref)
				}
			}
			if q.Period != 0 {
				CheckPeriod(ps, qp+".Period", q.Period)
			}
		default:
			ps.Add(qp, "must have a Metric or an Expression", "")
		}
	}
	if cycle := mathCycle(a.Metrics); cycle != "" {
		ps.Addf(path+".Metrics", "an expression may use only lines that do not, in turn, use it", "lines refer to each other in a circle: %s", cycle)
	}
	wantReturn := 1
	if a.ThresholdMetricID != "" {
		wantReturn = 2
		if !ids[a.ThresholdMetricID] {
			ps.Addf(path+".ThresholdMetricID", "name the line holding ANOMALY_DETECTION_BAND(...)", "refers to %q, which no line defines", a.ThresholdMetricID)
		} else {
			for _, q := range a.Metrics {
				if q.ID == a.ThresholdMetricID && !strings.HasPrefix(q.Expression, "ANOMALY_DETECTION_BAND(") {
					ps.Addf(path+".ThresholdMetricID", "the threshold line of an anomaly alarm is ANOMALY_DETECTION_BAND(m1, width)", "line %q is not an anomaly-detection band", q.ID)
				}
			}
		}
	}
	if returning != wantReturn {
		ps.Addf(path+".Metrics", "mark the compared line (and the band of an anomaly alarm) with ReturnData", "must have exactly %d line(s) with ReturnData, got %d", wantReturn, returning)
	}
	if metrics > MaxMetricsInMath {
		ps.Addf(path+".Metrics", "split the alarm", "a math alarm may use at most %d metrics, got %d", MaxMetricsInMath, metrics)
	}
}

// mathCycle returns the first circle of expression lines that refer to each other
// ("a -> b -> a"), or "". A line naming itself is reported on its own.
func mathCycle(qs []MetricQuery) string {
	refs := map[string][]string{}
	for _, q := range qs {
		if q.Expression == "" {
			continue
		}
		for _, ref := range identifierRe.FindAllString(stripStrings(q.Expression), -1) {
			if !isFunctionOrKeyword(ref) && ref != q.ID {
				refs[q.ID] = append(refs[q.ID], ref)
			}
		}
	}
	const (
		unseen = iota
		onPath
		done
	)
	state := map[string]int{}
	var path []string
	var visit func(id string) string
	visit = func(id string) string {
		switch state[id] {
		case onPath:
			start := slices.Index(path, id)
			return strings.Join(append(append([]string(nil), path[start:]...), id), " -> ")
		case done:
			return ""
		}
		state[id] = onPath
		path = append(path, id)
		for _, r := range refs[id] {
			if c := visit(r); c != "" {
				return c
			}
		}
		path = path[:len(path)-1]
		state[id] = done
		return ""
	}
	for _, q := range qs {
		if c := visit(q.ID); c != "" {
			return c
		}
	}
	return ""
}

// stripStrings removes quoted strings ("...") from an expression, so that words inside
// a SEARCH or label are not taken for IDs.
func stripStrings(expr string) string {
	var b strings.Builder
	in := false
	for _, r := range expr {
		if r == '"' || r == '\'' {
			in = !in
			continue
		}
		if !in {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// isFunctionOrKeyword reports whether an identifier of an expression is a metric-math
// function or keyword rather than a line ID: functions are upper case (FILL, IF, ...),
// as are the keywords (AND, OR, PERIOD, ...), and IDs start with a lower-case letter.
func isFunctionOrKeyword(id string) bool { return strings.ToUpper(id) == id }

var ruleRefRe = regexp.MustCompile(`(ALARM|OK|INSUFFICIENT_DATA)\("([^"]*)"\)`)

func checkComposite(ps *validate.Problems, path string, c CompositeAlarm, names map[string]string) {
	validate.Required(ps, path+".Slug", c.Slug, "the slug names the runbook section")
	checkName(ps, path+".Name", c.Name)
	checkDescription(ps, path+".Description", c.Description)
	if !c.Severity.Valid() {
		ps.Addf(path+".Severity", validate.UnknownHint(string(c.Severity), sevNames()), "must be one of critical, high, medium, low, got %q", c.Severity)
	}
	switch n := len(c.Children); {
	case n == 0:
		ps.Add(path+".Children", "must name at least one alarm", "a service without critical alarms needs no composite")
	case n > MaxCompositeChildren:
		ps.Addf(path+".Children", "split the service's composite in two", "a composite rule may name at most %d alarms, got %d", MaxCompositeChildren, n)
	}
	for i, child := range c.Children {
		if _, ok := names[child]; !ok {
			ps.Addf(fmt.Sprintf("%s.Children[%d]", path, i), "a composite may name only alarms of the same set and region", "names %q, which is not an alarm of the set", child)
		}
	}
	if c.Rule == "" {
		ps.Add(path+".Rule", "is required", "build it with Rule(children)")
	} else if len(c.Rule) > MaxRuleLength {
		ps.Addf(path+".Rule", "name fewer children or shorten their names", "must be at most %d characters, got %d", MaxRuleLength, len(c.Rule))
	} else if len(ruleRefRe.FindAllString(c.Rule, -1)) == 0 {
		ps.Add(path+".Rule", `must refer to at least one alarm as ALARM("name"), OK("name") or INSUFFICIENT_DATA("name")`, "")
	}
	validate.Tags(ps, path+".Tags", c.Tags)
}

func checkHealthCheck(ps *validate.Problems, path string, h HealthCheck) {
	validate.Required(ps, path+".Slug", h.Slug, "")
	validate.Hostname(ps, path+".FQDN", h.FQDN)
	validate.IntRange(ps, path+".Port", h.Port, 1, 65535, "HTTPS is usually 443")
	if !strings.HasPrefix(h.ResourcePath, "/") || len(h.ResourcePath) > 255 {
		ps.Addf(path+".ResourcePath", "for example /health", "must start with / and be at most 255 characters, got %q", h.ResourcePath)
	}
	if h.RequestInterval != 10 && h.RequestInterval != 30 {
		ps.Addf(path+".RequestInterval", "Route 53 probes every 10 (fast) or 30 seconds", "must be 10 or 30, got %d", h.RequestInterval)
	}
	validate.IntRange(ps, path+".FailureThreshold", h.FailureThreshold, 1, 10, "Route 53 takes 1 to 10 failed probes")
	validate.Tags(ps, path+".Tags", h.Tags)
}

func sevNames() []string {
	var out []string
	for _, s := range alerts.Severities() {
		out = append(out, string(s))
	}
	return out
}
