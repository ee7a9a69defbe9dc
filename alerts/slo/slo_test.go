package slo

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vigilops/vigil/alerts"
	"github.com/vigilops/vigil/internal/promtest"
	"github.com/vigilops/vigil/validate"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

const day = 24 * time.Hour

func availability() SLO {
	return SLO{
		Service:     "api",
		Name:        "availability",
		Description: "99.9 % of requests succeed.",
		Objective:   99.9,
		SLI:         RatioSLI(`http_requests_total{service="api",code=~"5.."}`, `http_requests_total{service="api"}`, false),
		Alerting:    Alerting{RunbookURL: "https://runbooks.example.com/slo#api-availability"},
	}
}

func TestBurnFactorsFollowThePeriod(t *testing.T) {
	tests := map[string]struct {
		period time.Duration
		want   map[string]float64
	}{
		"A 30 day period gives the SRE workbook's 14.4, 6, 3 and 1.": {30 * day, map[string]float64{"page-fast": 14.4, "page-slow": 6, "ticket-fast": 3, "ticket-slow": 1}},
		"A 28 day period scales them by 28/30.":                      {28 * day, map[string]float64{"page-fast": 13.44, "page-slow": 5.6, "ticket-fast": 2.8, "ticket-slow": 0.933333333333}},
		"A 7 day period gives proportionally smaller factors.":       {7 * day, map[string]float64{"page-fast": 3.36, "page-slow": 1.4, "ticket-fast": 0.7, "ticket-slow": 0.233333333333}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got := map[string]float64{}
			for _, tier := range DefaultTiers() {
				got[tier.Name] = tier.BurnFactor(tc.period)
			}
			assert.Equal(t, tc.want, got)
		})
	}
}

func TestDefaultTiersAreTheIssuesWindows(t *testing.T) {
	type w struct {
		kind        Kind
		budget      float64
		long, short time.Duration
		sev         alerts.Severity
	}
	got := map[string]w{}
	for _, tier := range DefaultTiers() {
		got[tier.Name] = w{tier.Kind, tier.BudgetPercent, tier.Long, tier.Short, tier.Severity}
	}
	assert.Equal(t, map[string]w{
		"page-fast":   {Page, 2, time.Hour, 5 * time.Minute, alerts.Critical},
		"page-slow":   {Page, 5, 6 * time.Hour, 30 * time.Minute, alerts.High},
		"ticket-fast": {Ticket, 10, day, 2 * time.Hour, alerts.Medium},
		"ticket-slow": {Ticket, 10, 3 * day, 6 * time.Hour, alerts.Medium},
	}, got)
}

func TestTiersCanBeSwitchedOffOrGivenTheirOwnSeverity(t *testing.T) {
	s := availability()
	s.Alerting.Tiers = map[string]TierOverride{"page-slow": {Off: true}, "ticket-fast": {Severity: alerts.Low}}
	f, err := Rules([]SLO{s})
	require.NoError(t, err)
	got := map[string]string{}
	for _, a := range f.Alerts() {
		got[a.Labels["vigil_tier"]] = a.Labels["severity"] + "/" + a.Labels["sloth_severity"]
	}
	assert.Equal(t, map[string]string{"page-fast": "critical/page", "ticket-fast": "low/ticket", "ticket-slow": "medium/ticket"}, got)

	s.Alerting.Tiers = map[string]TierOverride{"page-fast": {Off: true}, "page-slow": {Off: true}, "ticket-fast": {Off: true}, "ticket-slow": {Off: true}}
	s.Alerting.RunbookURL = ""
	f, err = Rules([]SLO{s})
	require.NoError(t, err, "with every tier off no runbook is needed")
	assert.Empty(t, f.Alerts())
	assert.Len(t, f.Groups, 2, "the recordings stay: dashboards still show the budget")
}

func TestValidateReportsEveryProblemOfEverySLO(t *testing.T) {
	bad := availability()
	bad.Service = "API"
	bad.Objective = 100
	bad.Period = 2 * day
	bad.SLI = SLI{ErrorQuery: `sum(rate(errors[5m]))`, GoodQuery: `sum(rate(good[{{.window}}]))`, TotalQuery: `sum(rate(total[{{.window}}])`}
	bad.Alerting.Tiers = map[string]TierOverride{"page-fats": {}, "page-slow": {Severity: "urgent"}}
	bad.Labels = map[string]string{"severity": "x"}
	noRunbook := availability()
	noRunbook.Alerting.RunbookURL = ""
	_, err := Rules([]SLO{bad, noRunbook, availability()})
	var invalid *validate.Error
	require.ErrorAs(t, err, &invalid)
	var got []string
	for _, p := range invalid.Problems {
		got = append(got, p.Path+": "+p.Message)
	}
	assert.Equal(t, []string{
		`slos[0].alerting.tiers.page-fats: is not a tier`,
		`slos[0].alerting.tiers.page-slow.severity: must be a severity, got "urgent"`,
		`slos[0].labels.severity: is not a label name vigil can add: "severity"`,
		`slos[0].objective: must be above 1 and below 100, got 100`,
		`slos[0].period: gives the page-fast tier a burn factor of 0.96 (2% of the budget in 1h of 2d): below 1 it alerts while the SLO meets its objective`,
		`slos[0].period: gives the page-slow tier a burn factor of 0.4 (5% of the budget in 6h of 2d): below 1 it alerts while the SLO meets its objective`,
		`slos[0].period: gives the ticket-fast tier a burn factor of 0.2 (10% of the budget in 1d of 2d): below 1 it alerts while the SLO meets its objective`,
		`slos[0].period: is shorter than the ticket-slow long window (3d)`,
		`slos[0].service: must be a plain name, got "API"`,
		`slos[0].sli: needs exactly one of an error (bad) query and a good query`,
		`slos[0].sli.error: has no {{.window}} placeholder`,
		`slos[0].sli.total: is not valid PromQL: 1:20: parse error: unclosed left parenthesis`,
		`slos[1].alerting.runbookUrl: is required when any tier alerts`,
		`slos[2].name: repeats SLO "availability" of service "api" (first at slos[1])`,
	}, got)
	assert.Contains(t, err.Error(), "hint: did you mean page-fast?")
	assert.Contains(t, err.Error(), "hint: switch the page-fast tier off, or raise its budget share to at least 2.09 %")
}

func TestARepeatedSLONamesTheFirstOneEachTime(t *testing.T) {
	_, err := Rules([]SLO{availability(), availability(), availability()})
	var invalid *validate.Error
	require.ErrorAs(t, err, &invalid)
	var got []string
	for _, p := range invalid.Problems {
		got = append(got, p.Path+": "+p.Message)
	}
	assert.Equal(t, []string{
		`slos[1].name: repeats SLO "availability" of service "api" (first at slos[0])`,
		`slos[2].name: repeats SLO "availability" of service "api" (first at slos[0])`,
	}, got)
}

func TestLatencySLICountsRequestsUnderTheThresholdAsGood(t *testing.T) {
	sli := LatencySLI("http_request_duration_seconds_bucket", `service="api"`, 500*time.Millisecond)
	assert.Equal(t, `sum(rate(http_request_duration_seconds_bucket{service="api",le="0.5"}[{{.window}}]))`, sli.GoodQuery)
	assert.Equal(t, `sum(rate(http_request_duration_seconds_bucket{service="api",le="+Inf"}[{{.window}}]))`, sli.TotalQuery)
	assert.Empty(t, sli.ErrorQuery)
}

// sampleSLOs are the SLOs of seed 000, as a team would write them.
func sampleSLOs() []SLO {
	latency := SLO{
		Service: "api", Name: "latency", Objective: 95, Description: "95 % of requests within 500 ms.",
		SLI:      LatencySLI("http_request_duration_seconds_bucket", `service="api"`, 500*time.Millisecond),
		Alerting: Alerting{RunbookURL: "https://runbooks.example.com/slo#api-latency", Tiers: map[string]TierOverride{"ticket-slow": {Off: true}}},
	}
	db := SLO{
		Service: "reservations-db", Name: "query-latency", Objective: 99, Period: 28 * day,
		SLI: LatencySLI("pg_query_duration_seconds_bucket", `db="reservations"`, 100*time.Millisecond),
		// Over 28 days ticket-slow's 10 % in 3d is a factor of 0.93: refused, so off.
		Alerting: Alerting{RunbookURL: "https://runbooks.example.com/slo#db-latency", Tiers: map[string]TierOverride{"page-fast": {Severity: alerts.High}, "ticket-slow": {Off: true}}},
		Labels:   map[string]string{"team": "reservations"},
	}
	return []SLO{availability(), latency, db}
}

func TestGeneratedRulesMatchTheReviewedGoldenFileAndPassPromtool(t *testing.T) {
	f, err := Rules(sampleSLOs())
	require.NoError(t, err)
	require.NoError(t, f.Validate())
	got := f.YAML()
	golden := filepath.Join("testdata", "sample-slos.rules.yaml")
	if *update {
		require.NoError(t, os.WriteFile(golden, got, 0o644))
	}
	want, err := os.ReadFile(golden)
	require.NoError(t, err)
	assert.Equal(t, string(want), string(got))

	out, err := promtest.Check(t, got)
	require.NoError(t, err, out)
	assert.Contains(t, out, "SUCCESS")
}

func TestRecordingsUseSlothNames(t *testing.T) {
	f, err := Rules([]SLO{availability()})
	require.NoError(t, err)
	var records []string
	for _, g := range f.Groups {
		for _, r := range g.Rules {
			if r.Record != "" {
				records = append(records, r.Record+"/"+r.Labels["sloth_window"])
			}
		}
	}
	assert.Equal(t, []string{
		"slo:sli_error:ratio_rate5m/5m", "slo:sli_error:ratio_rate30m/30m", "slo:sli_error:ratio_rate1h/1h",
		"slo:sli_error:ratio_rate2h/2h", "slo:sli_error:ratio_rate6h/6h", "slo:sli_error:ratio_rate1d/1d",
		"slo:sli_error:ratio_rate3d/3d", "slo:sli_error:ratio_rate30d/30d",
		"slo:objective:ratio/", "slo:error_budget:ratio/", "slo:time_period:days/", "slo:current_burn_rate:ratio/",
		"slo:period_burn_rate:ratio/", "slo:period_error_budget_remaining:ratio/", "sloth_slo_info/",
	}, records)
	assert.Equal(t, []string{"sloth-slo-sli-recordings-api-availability", "sloth-slo-meta-recordings-api-availability", "sloth-slo-alerts-api-availability"},
		[]string{f.Groups[0].Name, f.Groups[1].Name, f.Groups[2].Name})
}

// burnCase is a promtool suite for one SLO under a constant burn rate: clean traffic
// for `history`, then errors at `burn` times the sustainable rate.
type burnCase struct {
	name     string
	burn     float64
	interval time.Duration
	history  time.Duration
	checks   []check
}

// check: at `after` the start of the burn, exactly the tiers `firing` fire.
type check struct {
	after  time.Duration
	firing []string
}

func (c burnCase) suite(t *testing.T, s SLO, f alerts.RuleFile) promtest.File {
	const perMinute = 1000.0 // requests a minute
	perStep := perMinute * c.interval.Minutes()
	errShare := c.burn * s.ErrorBudget()
	last := c.checks[len(c.checks)-1].after
	historySteps := int(c.history / c.interval)
	burnSteps := int((last+c.interval)/c.interval) + 1
	okStart := perStep * float64(historySteps+1)
	ok := fmt.Sprintf("0+%gx%d %g+%gx%d", perStep, historySteps, okStart, perStep*(1-errShare), burnSteps)
	bad := fmt.Sprintf("0x%d 0+%gx%d", historySteps, perStep*errShare, burnSteps)

	byTier := map[string]alerts.Rule{}
	for _, a := range f.Alerts() {
		byTier[a.Labels["vigil_tier"]] = a
	}
	test := promtest.Test{
		Name:     c.name,
		Interval: promtest.D(c.interval),
		InputSeries: []promtest.Series{
			{Series: `http_requests_total{service="api",code="200"}`, Values: ok},
			{Series: `http_requests_total{service="api",code="500"}`, Values: bad},
		},
	}
	burnStart := c.history + c.interval
	for _, ch := range c.checks {
		at := promtest.AlertTest{EvalTime: promtest.D(burnStart + ch.after), AlertName: DefaultAlertName}
		for _, tier := range ch.firing {
			rule, ok := byTier[tier]
			require.True(t, ok, "no alert for tier %s", tier)
			labels := map[string]string{"sloth_id": s.ID(), "sloth_service": s.Service, "sloth_slo": s.Name}
			for k, v := range rule.Labels {
				labels[k] = v
			}
			at.Expected = append(at.Expected, promtest.ExpectedAlert{Labels: labels, Annotations: rule.Annotations})
		}
		test.AlertTests = append(test.AlertTests, at)
	}
	return promtest.File{EvaluationInterval: promtest.D(c.interval), Tests: []promtest.Test{test}}
}

// Each tier fires when the budget burns a little faster than its factor, within its
// long window (the workbook's detection time at that rate is factor/burn x long),
// and stays silent at a burn rate a little below its factor. Two tiers with the same
// share of budget (the tickets: 10 %) cross together.
func TestEachTierFiresAtItsBurnRateAndStaysSilentJustBelow(t *testing.T) {
	s := availability()
	f, err := Rules([]SLO{s})
	require.NoError(t, err)
	rules := f.YAML()
	// Clean history as long as the longest window, so that no window is measured
	// over less data than it spans (which would overstate the error ratio).
	const history = 3*day + 10*time.Minute
	cases := []burnCase{
		{"page-fast fires within the hour at 1.1 x 14.4", 1.1 * 14.4, time.Minute, history,
			[]check{{50 * time.Minute, nil}, {60 * time.Minute, []string{"page-fast"}}}},
		{"page-fast stays silent at 0.9 x 14.4", 0.9 * 14.4, time.Minute, history,
			[]check{{60 * time.Minute, nil}, {90 * time.Minute, nil}}},
		{"page-slow fires within six hours at 1.1 x 6", 1.1 * 6, time.Minute, history,
			[]check{{5 * time.Hour, nil}, {6 * time.Hour, []string{"page-slow"}}}},
		{"page-slow stays silent at 0.9 x 6", 0.9 * 6, time.Minute, history,
			[]check{{6 * time.Hour, nil}, {8 * time.Hour, nil}}},
		{"ticket-fast fires within a day at 1.1 x 3, with ticket-slow", 1.1 * 3, 5 * time.Minute, history,
			[]check{{20 * time.Hour, nil}, {24 * time.Hour, []string{"ticket-fast", "ticket-slow"}}}},
		{"ticket-fast stays silent at 0.9 x 3 while ticket-slow fires", 0.9 * 3, 5 * time.Minute, history,
			[]check{{24 * time.Hour, nil}, {30 * time.Hour, []string{"ticket-slow"}}}},
		{"ticket-slow fires within three days at 1.1 x 1", 1.1, 5 * time.Minute, history,
			[]check{{60 * time.Hour, nil}, {72 * time.Hour, []string{"ticket-slow"}}}},
		{"ticket-slow stays silent at 0.9 x 1", 0.9, 5 * time.Minute, history,
			[]check{{72 * time.Hour, nil}, {80 * time.Hour, nil}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			out, err := promtest.Run(t, rules, c.suite(t, s, f))
			require.NoError(t, err, out)
			assert.True(t, strings.Contains(out, "SUCCESS"), out)
		})
	}
}
