package slo

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vigilops/vigil/alerts"
	"github.com/vigilops/vigil/internal/promtest"
)

// segment is a stretch of constant traffic: steps samples, each adding ok good
// events and bad bad ones to the counters.
type segment struct {
	steps   int
	ok, bad float64
}

// counters writes the values of a good and a bad counter over the segments, one
// value a step, starting at 0.
func counters(segs ...segment) (ok, bad string) {
	var okV, badV []string
	var o, b float64
	okV, badV = append(okV, "0"), append(badV, "0")
	for _, s := range segs {
		for i := 0; i < s.steps; i++ {
			o, b = o+s.ok, b+s.bad
			okV, badV = append(okV, fmt.Sprintf("%g", o)), append(badV, fmt.Sprintf("%g", b))
		}
	}
	return strings.Join(okV, " "), strings.Join(badV, " ")
}

// firingTiers is an alert test: at `at`, exactly the named tiers of the SLO fire.
func firingTiers(t *testing.T, s SLO, f alerts.RuleFile, at time.Duration, tiers ...string) promtest.AlertTest {
	t.Helper()
	byTier := map[string]alerts.Rule{}
	for _, a := range f.Alerts() {
		byTier[a.Labels["vigil_tier"]] = a
	}
	test := promtest.AlertTest{EvalTime: promtest.D(at), AlertName: DefaultAlertName}
	for _, tier := range tiers {
		rule, ok := byTier[tier]
		require.True(t, ok, "no alert for tier %s", tier)
		labels := map[string]string{"sloth_id": s.ID(), "sloth_service": s.Service, "sloth_slo": s.Name}
		for k, v := range rule.Labels {
			labels[k] = v
		}
		test.Expected = append(test.Expected, promtest.ExpectedAlert{Labels: labels, Annotations: rule.Annotations})
	}
	return test
}

func runPromtool(t *testing.T, f alerts.RuleFile, interval time.Duration, tests ...promtest.Test) {
	t.Helper()
	out, err := promtest.Run(t, f.YAML(), promtest.File{EvaluationInterval: promtest.D(interval), Tests: tests})
	require.NoError(t, err, out)
	assert.Contains(t, out, "SUCCESS")
}

// Prometheus 3 stores a whole-second bucket as le="1.0", Prometheus 2 as the target
// wrote it (le="1" from client_golang's text format). The latency SLI must see the
// slow requests either way; a le="100" bucket beside it must not be mistaken for
// 1.0 (an unescaped regex dot would).
func TestAWholeSecondLatencySLOMatchesBothSpellingsOfItsBucket(t *testing.T) {
	s := SLO{
		Service: "api", Name: "latency", Objective: 99,
		SLI:      LatencySLI("http_request_duration_seconds_bucket", `service="api"`, time.Second),
		Alerting: Alerting{RunbookURL: "https://runbooks.example.com/slo#api-latency"},
	}
	f, err := Rules([]SLO{s})
	require.NoError(t, err)
	var tests []promtest.Test
	for _, spelling := range []struct{ one, hundred string }{{"1", "100"}, {"1.0", "100.0"}} {
		// 1000 requests a minute, 200 of them slower than a second: 20x the budget.
		bucket := `http_request_duration_seconds_bucket{service="api",le="%s"}`
		tests = append(tests, promtest.Test{
			Name:     "le=" + spelling.one,
			Interval: promtest.D(time.Minute),
			InputSeries: []promtest.Series{
				{Series: fmt.Sprintf(bucket, spelling.one), Values: "0+800x40"},
				{Series: fmt.Sprintf(bucket, spelling.hundred), Values: "0+1000x40"},
				{Series: fmt.Sprintf(bucket, "+Inf"), Values: "0+1000x40"},
			},
			ExprTests: []promtest.ExprTest{{
				Expr:     "round(slo:sli_error:ratio_rate5m, 0.001)",
				EvalTime: promtest.D(20 * time.Minute),
				Expected: []promtest.ExpectedSample{{Labels: `{sloth_id="api-latency", sloth_service="api", sloth_slo="latency", sloth_window="5m"}`, Value: 0.2}},
			}},
			AlertTests: []promtest.AlertTest{firingTiers(t, s, f, 20*time.Minute, "page-fast", "page-slow", "ticket-fast", "ticket-slow")},
		})
	}
	runPromtool(t, f, time.Minute, tests...)
}

// Two hours of traffic burning at 2x, then an hour without any request (the
// counters stand still), then clean traffic again. The 5m ratio of a window
// without requests is 0/0; recorded as NaN it would turn the period's burn rate and
// remaining budget NaN for 30 days. They stay numbers; the current burn rate has no
// value while nothing happens, and is 0 again once clean traffic flows.
func TestTheBudgetMetadataStaysANumberAfterAnHourWithoutTraffic(t *testing.T) {
	s := availability()
	f, err := Rules([]SLO{s})
	require.NoError(t, err)
	ok, bad := counters(segment{120, 998, 2}, segment{60, 0, 0}, segment{30, 1000, 0})
	// As in Sloth, the burn rates keep the sloth_window of the ratio they divide.
	period := `{sloth_id="api-availability", sloth_service="api", sloth_slo="availability", sloth_window="30d"}`
	current := `slo:current_burn_rate:ratio{sloth_id="api-availability", sloth_service="api", sloth_slo="availability", sloth_window="5m"}`
	number := func(metric string, at time.Duration) promtest.ExprTest {
		// x == x drops NaN: one sample counted means a number.
		return promtest.ExprTest{Expr: fmt.Sprintf("count(%s == %s)", metric, metric), EvalTime: promtest.D(at),
			Expected: []promtest.ExpectedSample{{Labels: "{}", Value: 1}}}
	}
	runPromtool(t, f, time.Minute, promtest.Test{
		Interval: promtest.D(time.Minute),
		InputSeries: []promtest.Series{
			{Series: `http_requests_total{service="api",code="200"}`, Values: ok},
			{Series: `http_requests_total{service="api",code="500"}`, Values: bad},
		},
		ExprTests: []promtest.ExprTest{
			{Expr: "round(slo:period_burn_rate:ratio, 0.001)", EvalTime: promtest.D(180 * time.Minute),
				Expected: []promtest.ExpectedSample{{Labels: period, Value: 2}}},
			{Expr: "round(slo:period_error_budget_remaining:ratio, 0.001)", EvalTime: promtest.D(180 * time.Minute),
				Expected: []promtest.ExpectedSample{{Labels: period, Value: -1}}},
			{Expr: "slo:current_burn_rate:ratio", EvalTime: promtest.D(180 * time.Minute)},
			number("slo:period_burn_rate:ratio", 210*time.Minute),
			number("slo:period_error_budget_remaining:ratio", 210*time.Minute),
			{Expr: "slo:current_burn_rate:ratio", EvalTime: promtest.D(210 * time.Minute),
				Expected: []promtest.ExpectedSample{{Labels: current, Value: 0}}},
		},
	})
}

// Once the burn stops, a fast tier stops firing within its short window, however
// much of its long window is still full of errors: page-fast within 5m, ticket-fast
// within 2h. Each tier runs alone, so that no other tier's windows need history.
func TestTheFastTiersStopFiringWithinTheirShortWindowOnceTheBurnStops(t *testing.T) {
	only := func(tier string) SLO {
		s := availability()
		s.Alerting.Tiers = allTiersOff()
		delete(s.Alerting.Tiers, tier)
		return s
	}
	t.Run("page-fast, after an hour at 21.6x", func(t *testing.T) {
		t.Parallel()
		s := only("page-fast")
		f, err := Rules([]SLO{s})
		require.NoError(t, err)
		// 70m clean, 60m at 1.5 x 14.4, then clean: the burn ends at 130m.
		ok, bad := counters(segment{70, 1000, 0}, segment{60, 978.4, 21.6}, segment{20, 1000, 0})
		runPromtool(t, f, time.Minute, promtest.Test{
			Interval: promtest.D(time.Minute),
			InputSeries: []promtest.Series{
				{Series: `http_requests_total{service="api",code="200"}`, Values: ok},
				{Series: `http_requests_total{service="api",code="500"}`, Values: bad},
			},
			AlertTests: []promtest.AlertTest{
				firingTiers(t, s, f, 130*time.Minute, "page-fast"),
				firingTiers(t, s, f, 135*time.Minute),
			},
		})
	})
	t.Run("ticket-fast, after 18 hours at 6x", func(t *testing.T) {
		t.Parallel()
		s := only("ticket-fast")
		f, err := Rules([]SLO{s})
		require.NoError(t, err)
		// Steps of 5m, 5000 requests each: a day and 10m clean, 18h at 2 x 3, then clean.
		const clean, burn = 24*12 + 2, 18 * 12
		ok, bad := counters(segment{clean, 5000, 0}, segment{burn, 4970, 30}, segment{30, 5000, 0})
		end := time.Duration(clean+burn) * 5 * time.Minute
		runPromtool(t, f, 5*time.Minute, promtest.Test{
			Interval: promtest.D(5 * time.Minute),
			InputSeries: []promtest.Series{
				{Series: `http_requests_total{service="api",code="200"}`, Values: ok},
				{Series: `http_requests_total{service="api",code="500"}`, Values: bad},
			},
			AlertTests: []promtest.AlertTest{
				firingTiers(t, s, f, end, "ticket-fast"),
				// Half-way through the short window its ratio is half the burn's,
				// 3x: right on the threshold. A quarter of the way it is 4.5x.
				firingTiers(t, s, f, end+30*time.Minute, "ticket-fast"),
				firingTiers(t, s, f, end+2*time.Hour),
			},
		})
	})
}
