package sloquality

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vigilops/vigil/alerts/slo"
)

func availability() slo.SLO {
	return slo.SLO{
		Service: "api", Name: "availability", Objective: 99.9,
		SLI:      slo.RatioSLI(`http_requests_total{code=~"5.."}`, `http_requests_total`, false),
		Alerting: slo.Alerting{RunbookURL: "https://runbooks.example.com/slo"},
	}
}

// close enough: the simulation works to the minute, and rate() extrapolates at the
// edges of its window.
func near(t *testing.T, want, got Detection, what string) {
	t.Helper()
	if want.After == Never || got.After == Never {
		assert.Equal(t, want.After, got.After, what)
		return
	}
	tolerance := max(2*time.Minute, want.After/20)
	assert.InDelta(t, float64(want.After), float64(got.After), float64(tolerance), "%s: workbook %s, measured %s", what, want.After, got.After)
}

// measured caches Measure(s, BurnRatesFor(s)) by SLO ID: several tests read the
// same runs, each of which takes seconds.
var measured = struct {
	sync.Mutex
	results map[string][]Result
}{results: map[string][]Result{}}

func measure(t *testing.T, s slo.SLO) []Result {
	t.Helper()
	measured.Lock()
	defer measured.Unlock()
	if r, ok := measured.results[s.ID()]; ok {
		return r
	}
	r, err := Measure(s, BurnRatesFor(s))
	require.NoError(t, err)
	measured.results[s.ID()] = r
	return r
}

func TestMeasuredDetectionMatchesTheWorkbookAwayFromTheFactors(t *testing.T) {
	// The defaults sit strictly between the factors (14.4, 6, 3, 1): no knife edges.
	require.Equal(t, []float64{0.5, 2, 4, 10, 20, 100}, BurnRatesFor(availability()))
	results := measure(t, availability())
	for _, r := range results {
		require.True(t, r.Possible)
		near(t, r.TheoryPage, r.Page, "page at "+fmtBurn(r.Burn))
		near(t, r.TheoryTicket, r.Ticket, "ticket at "+fmtBurn(r.Burn))
	}
	byBurn := map[float64]Result{}
	for _, r := range results {
		byBurn[r.Burn] = r
	}
	assert.Equal(t, Never, byBurn[0.5].Ticket.After, "below every factor nothing fires")
	assert.Equal(t, Never, byBurn[4].Page.After, "4x is below both page factors")
	// 20x: page-fast (14.4 over 1h) after 14.4/20 h = 43m12s, 2 % of the budget.
	assert.Equal(t, 43*time.Minute+12*time.Second, byBurn[20].TheoryPage.After)
	assert.InDelta(t, 0.02, byBurn[20].Page.BudgetSpent, 0.001)
	// 2x: both tickets spend 10 % of the budget first, after 36 hours.
	assert.InDelta(t, float64(36*time.Hour), float64(byBurn[2].Ticket.After), float64(30*time.Minute))
	assert.InDelta(t, 0.10, byBurn[2].Ticket.BudgetSpent, 0.002)
}

func TestSwitchedOffTiersAndSeveritiesShowInTheResults(t *testing.T) {
	s := availability()
	s.Alerting.Tiers = map[string]slo.TierOverride{"page-fast": {Off: true}}
	results, err := Measure(s, []float64{100})
	require.NoError(t, err)
	// Without page-fast, a 100x burn pages through page-slow: 6/100 of 6h = 21m36s.
	near(t, Detection{After: 21*time.Minute + 36*time.Second}, results[0].Page, "page at 100x without page-fast")
}

func TestBurnRatesAboveWhatTheObjectiveAllowsAreImpossible(t *testing.T) {
	s := availability()
	s.Objective = 95 // budget 5 %: at most 20x
	results, err := Measure(s, []float64{30})
	require.NoError(t, err)
	assert.False(t, results[0].Possible)
	assert.Contains(t, Markdown("t", []SLOReport{{SLO: s, Results: results}}), "| 30x | impossible")
}

func TestMarkdownPutsMeasuredNextToWorkbook(t *testing.T) {
	r := []Result{{Burn: 14.4, Possible: true,
		Page: Detection{After: time.Hour, BudgetSpent: 0.02}, TheoryPage: Detection{After: time.Hour, BudgetSpent: 0.02},
		Ticket: Detection{After: Never}, TheoryTicket: Detection{After: 5 * time.Hour, BudgetSpent: 0.1}}}
	md := Markdown("SLO alert quality", []SLOReport{{SLO: availability(), Results: r}})
	assert.True(t, strings.HasPrefix(md, "# SLO alert quality\n"))
	assert.Contains(t, md, "## api-availability (99.9 % over 30d)")
	assert.Contains(t, md, "Tiers: page-fast critical 14.4x over 1h/5m; page-slow high 6x over 6h/30m; ticket-fast medium 3x over 1d/2h; ticket-slow medium 1x over 3d/6h.")
	assert.Contains(t, md, "| 14.4x | 1h, 2.0 % of budget | 1h, 2.0 % of budget | never | 5h, 10.0 % of budget |")
}

func fmtBurn(b float64) string { return fmt.Sprintf("%gx", b) }
