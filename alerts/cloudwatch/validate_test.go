package cloudwatch

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vigilops/vigil/alerts"
	"github.com/vigilops/vigil/validate"
)

func okAlarm() Alarm {
	return Alarm{
		Slug: "ecs-cpu-high", Name: "vigil-prod-api-ecs-cpu-high", Path: "services[0]",
		Severity: alerts.High, Description: "CPU is high.",
		Namespace: "AWS/ECS", MetricName: "CPUUtilization", Statistic: "Average",
		Dimensions: map[string]string{"ClusterName": "prod", "ServiceName": "api"},
		Period:     60, EvaluationPeriods: 5, DatapointsToAlarm: 5, Threshold: 80, Comparison: GreaterThan,
	}
}

func okMath() Alarm {
	a := okAlarm()
	a.Namespace, a.MetricName, a.Statistic, a.Dimensions = "", "", "", nil
	m := func(name string) *MetricStat {
		return &MetricStat{Namespace: "AWS/ApplicationELB", MetricName: name, Stat: "Sum", Period: 60}
	}
	a.Metrics = []MetricQuery{
		{ID: "errors", Metric: m("HTTPCode_Target_5XX_Count")},
		{ID: "requests", Metric: m("RequestCount")},
		{ID: "rate", Expression: `IF(requests >= 10, 100*errors/requests, 0)`, ReturnData: true},
	}
	return a
}

// problems returns "path: message" of every problem of the set.
func problems(t *testing.T, s Set) []string {
	t.Helper()
	err := Validate(s)
	if err == nil {
		return nil
	}
	var verr *validate.Error
	require.True(t, errors.As(err, &verr), "%v", err)
	var out []string
	for _, p := range verr.Problems {
		out = append(out, p.Path+": "+p.Message)
	}
	return out
}

func TestValidateAcceptsTheWellFormedAlarmsOfTheseTests(t *testing.T) {
	c := CompositeAlarm{Slug: "service-health", Name: "vigil-prod-api-health", Severity: alerts.Critical,
		Children: []string{okAlarm().Name}, Rule: Rule([]string{okAlarm().Name})}
	assert.Empty(t, problems(t, Set{Alarms: []Alarm{okAlarm()}, Composites: []CompositeAlarm{c}}))
	m := okMath()
	m.Name = "vigil-prod-api-5xx"
	assert.Empty(t, problems(t, Set{Alarms: []Alarm{m}}))
}

func TestValidateRefusesEachLimitOnItsOwnSideOfTheRange(t *testing.T) {
	const p = "services[0].alarms.ecs-cpu-high."
	tests := map[string]struct {
		change func(*Alarm)
		want   []string // nil: valid
	}{
		"A period of 10 seconds is a high-resolution period.":  {func(a *Alarm) { a.Period = 10 }, nil},
		"A period of 20 seconds is a high-resolution period.":  {func(a *Alarm) { a.Period = 20; a.EvaluationPeriods = 5 }, nil},
		"A period of 30 seconds is a high-resolution period.":  {func(a *Alarm) { a.Period = 30 }, nil},
		"A period of 120 seconds is a multiple of 60.":         {func(a *Alarm) { a.Period = 120 }, nil},
		"A period of 15 seconds is refused.":                   {func(a *Alarm) { a.Period = 15 }, []string{p + "Period: must be 10, 20, 30 or a multiple of 60 seconds, got 15"}},
		"A period of 90 seconds is refused.":                   {func(a *Alarm) { a.Period = 90 }, []string{p + "Period: must be 10, 20, 30 or a multiple of 60 seconds, got 90"}},
		"A period of 0 is refused.":                            {func(a *Alarm) { a.Period = 0 }, []string{p + "Period: must be 10, 20, 30 or a multiple of 60 seconds, got 0"}},
		"One evaluation period is enough.":                     {func(a *Alarm) { a.EvaluationPeriods = 1; a.DatapointsToAlarm = 1 }, nil},
		"Zero evaluation periods are refused.":                 {func(a *Alarm) { a.EvaluationPeriods = 0; a.DatapointsToAlarm = 0 }, []string{p + "EvaluationPeriods: must be at least 1, got 0"}},
		"Datapoints to alarm equal to the periods are fine.":   {func(a *Alarm) { a.DatapointsToAlarm = 5 }, nil},
		"Datapoints to alarm of 0 mean all the periods.":       {func(a *Alarm) { a.DatapointsToAlarm = 0 }, nil},
		"More datapoints to alarm than periods are refused.":   {func(a *Alarm) { a.DatapointsToAlarm = 6 }, []string{p + "DatapointsToAlarm: must be between 1 and EvaluationPeriods (5), got 6"}},
		"Negative datapoints to alarm are refused.":            {func(a *Alarm) { a.DatapointsToAlarm = -1 }, []string{p + "DatapointsToAlarm: must be between 1 and EvaluationPeriods (5), got -1"}},
		"An evaluation window of exactly one day is accepted.": {func(a *Alarm) { a.Period = 3600; a.EvaluationPeriods = 24; a.DatapointsToAlarm = 1 }, nil},
		"An evaluation window over one day is refused.": {func(a *Alarm) { a.Period = 3600; a.EvaluationPeriods = 25; a.DatapointsToAlarm = 1 },
			[]string{p + "EvaluationPeriods: Period x EvaluationPeriods must be at most 86400 seconds (one day), got 90000"}},
		"An extended statistic alone is fine.":        {func(a *Alarm) { a.Statistic = ""; a.ExtendedStatistic = "p99.9" }, nil},
		"A trimmed mean is an extended statistic.":    {func(a *Alarm) { a.Statistic = ""; a.ExtendedStatistic = "tm99" }, nil},
		"A range statistic is an extended statistic.": {func(a *Alarm) { a.Statistic = ""; a.ExtendedStatistic = "TM(10%:90%)" }, nil},
		"A statistic and an extended one together are refused.": {func(a *Alarm) { a.ExtendedStatistic = "p95" },
			[]string{p + "ExtendedStatistic: must not be set together with Statistic"}},
		"Neither statistic is refused.":               {func(a *Alarm) { a.Statistic = "" }, []string{p + "Statistic: is required (or ExtendedStatistic)"}},
		"A percentile given as Statistic is refused.": {func(a *Alarm) { a.Statistic = "p95" }, []string{p + `Statistic: must be one of Average, Maximum, Minimum, SampleCount, Sum, got "p95"`}},
		"A percentile over 100 is refused.": {func(a *Alarm) { a.Statistic = ""; a.ExtendedStatistic = "p101" },
			[]string{p + `ExtendedStatistic: must be a percentile or trimmed statistic, got "p101"`}},
		"A name of 255 characters is accepted.":         {func(a *Alarm) { a.Name = strings.Repeat("a", 255) }, nil},
		"A name of 256 characters is refused.":          {func(a *Alarm) { a.Name = strings.Repeat("a", 256) }, []string{p + "Name: must be at most 255 characters, got 256"}},
		"A name that is not ASCII is refused.":          {func(a *Alarm) { a.Name = "vigil-café" }, []string{p + `Name: must be ASCII, got "vigil-café"`}},
		"A missing name is refused.":                    {func(a *Alarm) { a.Name = "" }, []string{p + "Name: is required"}},
		"A description of 1024 characters is accepted.": {func(a *Alarm) { a.Description = strings.Repeat("d", 1024) }, nil},
		"A description of 1025 characters is refused.": {func(a *Alarm) { a.Description = strings.Repeat("d", 1025) },
			[]string{p + "Description: must be at most 1024 characters, got 1025"}},
		"Four extra actions make five, the most a state takes.": {func(a *Alarm) { a.ExtraActions = make([]string, 4) }, nil},
		"Five extra actions make six and are refused.": {func(a *Alarm) { a.ExtraActions = make([]string, 5) },
			[]string{p + "ExtraActions: makes 6 ALARM actions, more than 5"}},
		"Each treatment of missing data is accepted.": {func(a *Alarm) { a.TreatMissingData = Ignore }, nil},
		"A misspelt treatment of missing data is refused.": {func(a *Alarm) { a.TreatMissingData = "notbreaching" },
			[]string{p + `TreatMissingData: must be one of missing, notBreaching, breaching, ignore, got "notbreaching"`}},
		"An unknown comparison is refused.": {func(a *Alarm) { a.Comparison = ">" }, []string{p + `Comparison: must be a CloudWatch comparison operator, got ">"`}},
		"A band comparison without a band is refused.": {func(a *Alarm) { a.Comparison = AboveBand },
			[]string{p + `Comparison: GreaterThanUpperThreshold does not fit ThresholdMetricID ""`}},
		"A silent metric treated as breaching is accepted.": {func(a *Alarm) { a.SilentWhenBroken, a.TreatMissingData = true, Breaching }, nil},
		"A silent metric not treated as breaching is refused.": {func(a *Alarm) { a.SilentWhenBroken, a.TreatMissingData = true, NotBreaching },
			[]string{p + "TreatMissingData: must be breaching: the metric of this alarm stops when the watched thing fails"}},
		"An unknown severity is refused.": {func(a *Alarm) { a.Severity = "warning" }, []string{p + `Severity: must be one of critical, high, medium, low, got "warning"`}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			a := okAlarm()
			tc.change(&a)
			assert.Equal(t, tc.want, problems(t, Set{Alarms: []Alarm{a}}))
		})
	}
}

func TestValidateChecksMetricMathIDsAndReferences(t *testing.T) {
	const p = "services[0].alarms.ecs-cpu-high."
	tests := map[string]struct {
		change func(*Alarm)
		want   []string
	}{
		"Two lines with one ID are refused.": {func(a *Alarm) { a.Metrics[1].ID = "errors" }, []string{
			p + "Metrics[1].ID: duplicate ID \"errors\"",
			p + "Metrics[2].Expression: refers to \"requests\", which no line defines",
		}},
		"An ID starting with a capital is refused.": {func(a *Alarm) { a.Metrics[0].ID = "Errors"; a.Metrics[2].Expression = "100*requests" }, []string{
			p + `Metrics[0].ID: must start with a lower-case letter and hold only letters, digits and underscores, got "Errors"`,
		}},
		"An expression naming an unknown line is refused.": {func(a *Alarm) { a.Metrics[2].Expression = "100*errors/reqs" }, []string{
			p + `Metrics[2].Expression: refers to "reqs", which no line defines`,
		}},
		"An expression naming itself is refused.": {func(a *Alarm) { a.Metrics[2].Expression = "rate + errors" }, []string{
			p + `Metrics[2].Expression: refers to itself ("rate")`,
		}},
		"Words inside quotes are not taken for IDs.": {func(a *Alarm) {
			a.Metrics[2].Expression = `FILL(errors, 0) + requests*0 + LEN(SEARCH('{AWS/ELB} tg', 'Sum', 60))`
		}, nil},
		"No returned line is refused.": {func(a *Alarm) { a.Metrics[2].ReturnData = false }, []string{
			p + "Metrics: must have exactly 1 line(s) with ReturnData, got 0",
		}},
		"A metric with another period than the alarm's is refused.": {func(a *Alarm) { a.Metrics[0].Metric.Period = 300 }, []string{
			p + "Metrics[0].Metric.Period: must equal the alarm's period 60, got 300",
		}},
		"A line with both a metric and an expression is refused.": {func(a *Alarm) { a.Metrics[0].Expression = "requests" }, []string{
			p + "Metrics[0]: must have a Metric or an Expression, not both",
		}},
		"A single metric beside metric math is refused.": {func(a *Alarm) { a.MetricName = "RequestCount" }, []string{
			p + "Metrics: must not be set together with a single metric (Namespace, MetricName, Statistic)",
		}},
		"Expression lines that use each other in a circle are refused.": {func(a *Alarm) {
			a.Metrics = append(a.Metrics, MetricQuery{ID: "ratio", Expression: "rate / 100"})
			a.Metrics[2].Expression = "ratio * 100 + errors/requests"
		}, []string{
			p + "Metrics: lines refer to each other in a circle: rate -> ratio -> rate",
		}},
		"Ten metrics are accepted.": {func(a *Alarm) { addMetrics(a, 8) }, nil},
		"Eleven metrics are refused.": {func(a *Alarm) { addMetrics(a, 9) }, []string{
			p + "Metrics: a math alarm may use at most 10 metrics, got 11",
		}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			a := okMath()
			tc.change(&a)
			assert.Equal(t, tc.want, problems(t, Set{Alarms: []Alarm{a}}))
		})
	}
}

func addMetrics(a *Alarm, n int) {
	for i := 0; i < n; i++ {
		a.Metrics = append(a.Metrics, MetricQuery{ID: fmt.Sprintf("x%d", i), Metric: &MetricStat{Namespace: "AWS/ApplicationELB", MetricName: "RequestCount", Stat: "Sum", Period: 60}})
	}
}

func TestValidateChecksAnAnomalyAlarmsBand(t *testing.T) {
	a := Anomaly(AnomalyInput{Slug: "ecs-network-anomaly", Name: "vigil-prod-api-network", Severity: alerts.Low, Summary: "Unusual network traffic.",
		Metric: MetricStat{Namespace: "ECS/ContainerInsights", MetricName: "NetworkRxBytes", Stat: "Sum", Period: 300}}, "https://r.example.com/rb")
	assert.Empty(t, problems(t, Set{Alarms: []Alarm{a}}))

	bad := a
	bad.Metrics = append([]MetricQuery(nil), a.Metrics...)
	bad.Metrics[1].Expression = "m1 * 2"
	assert.Equal(t, []string{`Alarms[0].ThresholdMetricID: line "ad1" is not an anomaly-detection band`}, problems(t, Set{Alarms: []Alarm{bad}}))
	bad.ThresholdMetricID = "band"
	assert.Equal(t, []string{`Alarms[0].ThresholdMetricID: refers to "band", which no line defines`}, problems(t, Set{Alarms: []Alarm{bad}}))
}

func TestValidateChecksCompositeRulesAndChildren(t *testing.T) {
	child := okAlarm()
	children := func(n int) []string {
		var out []string
		for i := 0; i < n; i++ {
			out = append(out, child.Name)
		}
		return out
	}
	tests := map[string]struct {
		c    CompositeAlarm
		want []string
	}{
		"A hundred children are the most a rule takes.": {
			CompositeAlarm{Slug: "s", Name: "c", Severity: alerts.Critical, Children: children(100), Rule: Rule(children(1))}, nil},
		"A hundred and one children are refused.": {
			CompositeAlarm{Slug: "s", Name: "c", Severity: alerts.Critical, Children: children(101), Rule: Rule(children(1))},
			[]string{"Composites[0].Children: a composite rule may name at most 100 alarms, got 101"}},
		"A child that is not in the set is refused.": {
			CompositeAlarm{Slug: "s", Name: "c", Severity: alerts.Critical, Children: []string{"elsewhere"}, Rule: Rule([]string{"elsewhere"})},
			[]string{`Composites[0].Children[0]: names "elsewhere", which is not an alarm of the set`}},
		"A rule of 10240 characters is accepted.": {
			CompositeAlarm{Slug: "s", Name: "c", Severity: alerts.Critical, Children: children(1), Rule: padRule(10240)}, nil},
		"A rule of 10241 characters is refused.": {
			CompositeAlarm{Slug: "s", Name: "c", Severity: alerts.Critical, Children: children(1), Rule: padRule(10241)},
			[]string{"Composites[0].Rule: must be at most 10240 characters, got 10241"}},
		"A rule naming no alarm is refused.": {
			CompositeAlarm{Slug: "s", Name: "c", Severity: alerts.Critical, Children: children(1), Rule: "TRUE"},
			[]string{`Composites[0].Rule: must refer to at least one alarm as ALARM("name"), OK("name") or INSUFFICIENT_DATA("name")`}},
		"A composite without children is refused.": {
			CompositeAlarm{Slug: "s", Name: "c", Severity: alerts.Critical, Rule: Rule(children(1))},
			[]string{"Composites[0].Children: must name at least one alarm"}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			assert.Equal(t, tc.want, problems(t, Set{Alarms: []Alarm{child}, Composites: []CompositeAlarm{tc.c}}))
		})
	}
}

func padRule(n int) string {
	r := Rule([]string{okAlarm().Name})
	return r + strings.Repeat(" ", n-len(r))
}

func TestValidateChecksHealthChecks(t *testing.T) {
	ok := HealthCheck{Slug: "api-uptime", FQDN: "api.example.com", Port: 443, ResourcePath: "/health", RequestInterval: 10, FailureThreshold: 3}
	assert.Empty(t, problems(t, Set{HealthChecks: []HealthCheck{ok}}))
	bad := ok
	bad.RequestInterval, bad.FailureThreshold, bad.ResourcePath, bad.Port = 60, 11, "health", 0
	assert.Equal(t, []string{
		"HealthChecks[0].FailureThreshold: must be between 1 and 10, got 11",
		"HealthChecks[0].Port: must be between 1 and 65535, got 0",
		`HealthChecks[0].RequestInterval: must be 10 or 30, got 60`,
		`HealthChecks[0].ResourcePath: must start with / and be at most 255 characters, got "health"`,
	}, problems(t, Set{HealthChecks: []HealthCheck{bad}}))
}

func TestValidateReportsEveryProblemAtOnceWithHints(t *testing.T) {
	a := okAlarm()
	a.Period, a.EvaluationPeriods, a.TreatMissingData = 45, 0, "zero"
	b := okAlarm()
	b.Path = "databases[1]"
	b.Slug = "rds-cpu-high"
	err := Validate(Set{Alarms: []Alarm{a, b}})
	require.Error(t, err)
	assert.Equal(t, strings.Join([]string{
		"invalid CloudWatch alarm set (4 problems):",
		`  databases[1].alarms.rds-cpu-high.Name: duplicate alarm name "vigil-prod-api-ecs-cpu-high" (first at services[0].alarms.ecs-cpu-high)`,
		"    hint: alarm names are unique in an account and region; give the resources different names",
		"  services[0].alarms.ecs-cpu-high.EvaluationPeriods: must be at least 1, got 0",
		"    hint: evaluate at least one datapoint",
		"  services[0].alarms.ecs-cpu-high.Period: must be 10, 20, 30 or a multiple of 60 seconds, got 45",
		"    hint: high-resolution alarms take 10, 20 or 30 seconds; others a multiple of 60",
		`  services[0].alarms.ecs-cpu-high.TreatMissingData: must be one of missing, notBreaching, breaching, ignore, got "zero"`,
		"    hint: expected one of breaching, ignore, missing, notBreaching",
	}, "\n"), err.Error())
}
