package sloquality

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vigilops/vigil/alerts/slo"
)

const day = 24 * time.Hour

// dbLatency is the seed's database SLO: 99 % over 28 days, ticket-slow off (its
// factor would be 0.93).
func dbLatency() slo.SLO {
	s := availability()
	s.Service, s.Name, s.Objective, s.Period = "reservations-db", "query-latency", 99, 28*day
	s.Alerting.Tiers = map[string]slo.TierOverride{"ticket-slow": {Off: true}}
	return s
}

func TestTheWorkbookColumnAppliesTheRulesStrictComparison(t *testing.T) {
	s := availability()
	// At exactly 14.4 page-fast does not fire (the rule is > 14.4 x budget):
	// page-slow pages, after 6/14.4 of 6h.
	assert.Equal(t, 2*time.Hour+30*time.Minute, theory(s, 14.4, slo.Page).After)
	assert.Equal(t, time.Hour, theory(s, 14.4*(1+1e-9), slo.Page).After.Round(time.Second), "just above, page-fast pages after its hour")
	assert.Equal(t, Never, theory(s, 1, slo.Ticket).After, "at 1x ticket-slow does not fire")
	assert.Equal(t, 3*day, theory(s, 1.000001, slo.Ticket).After.Round(time.Minute))

	_, err := Measure(s, []float64{2, 14.4})
	assert.EqualError(t, err, "sloquality: burn 14.4x sits on the factor of the page-fast tier, where the rule's strict > leaves firing to rounding: choose a burn rate between the factors")
	tier, on := OnFactor(s, 6)
	assert.True(t, on)
	assert.Equal(t, "page-slow", tier)
	_, on = OnFactor(s, 6*(1+1e-6))
	assert.False(t, on, "a millionth off the factor is a burn rate the rules decide")

	// Over 60 days the factors are 28.8, 12, 6 and 2: the default 2x is left out.
	long := availability()
	long.Period = 60 * day
	assert.Equal(t, []float64{0.5, 4, 10, 20, 100}, BurnRatesFor(long))
	assert.Equal(t, BurnRates, BurnRatesFor(dbLatency()), "no default sits on a 28-day factor")
}

// cells are the five columns of one row of the report's tables.
func rows(t *testing.T, md string) [][]string {
	t.Helper()
	var out [][]string
	for _, line := range strings.Split(md, "\n") {
		if !strings.HasPrefix(line, "| ") || strings.HasPrefix(line, "| burn") {
			continue
		}
		cells := strings.Split(strings.Trim(line, "|"), "|")
		for i := range cells {
			cells[i] = strings.TrimSpace(cells[i])
		}
		require.Len(t, cells, 5, line)
		out = append(out, cells)
	}
	return out
}

// The report must not contradict itself: wherever the workbook says a page or a
// ticket comes, the rules' run sends one, and wherever it says never, none comes.
func TestTheReportsWorkbookColumnAgreesWithItsRuleColumn(t *testing.T) {
	var reports []SLOReport
	for _, s := range []slo.SLO{availability(), dbLatency()} {
		reports = append(reports, SLOReport{SLO: s, Results: measure(t, s)})
	}
	table := rows(t, Markdown("t", reports))
	require.Len(t, table, 12)
	detected, never := 0, 0
	for _, r := range table {
		if strings.HasPrefix(r[1], "impossible") {
			continue
		}
		for _, pair := range [][2]string{{r[1], r[2]}, {r[3], r[4]}} {
			measuredSays, workbookSays := pair[0] != "never", pair[1] != "never"
			assert.Equal(t, workbookSays, measuredSays, "burn %s: measured %q, workbook %q", r[0], pair[0], pair[1])
			if workbookSays {
				detected++
			} else {
				never++
			}
		}
	}
	assert.Greater(t, detected, 10)
	assert.Greater(t, never, 3, "the table holds both outcomes")
}

// A multiwindow alert resolves within its short window once the burn stops, however
// full of errors its long window still is.
func TestEveryTierStopsFiringWithinItsShortWindowOnceTheBurnStops(t *testing.T) {
	s := availability()
	burn := ResetBurn(s)
	require.Equal(t, 28.8, burn, "twice page-fast's 14.4")
	resets, err := MeasureReset(s, burn)
	require.NoError(t, err)
	require.Len(t, resets, 4)
	for _, r := range resets {
		assert.True(t, r.Fired, r.Tier)
		assert.Greater(t, r.After, time.Duration(0), r.Tier)
		assert.LessOrEqual(t, r.After, r.Short, "%s stops after %s, short window %s", r.Tier, r.After, r.Short)
	}
	md := Markdown("t", []SLOReport{{SLO: s, Results: measure(t, s), ResetBurn: burn, Resets: resets}})
	assert.Contains(t, md, "\nReset after a 28.8x burn: page-fast stops after ")
	assert.Contains(t, md, "(short window 5m); page-slow stops after ")
}

func TestTheResetBurnFiresEveryTierTheObjectiveAllows(t *testing.T) {
	s := availability()
	s.Objective = 95 // at most 20x: every event failing
	assert.Equal(t, 20.0, ResetBurn(s))
	assert.InDelta(t, 26.88, ResetBurn(dbLatency()), 1e-9)
	_, err := MeasureReset(s, 21)
	assert.EqualError(t, err, "sloquality: burn 21x needs more than every event to fail")

	md := Markdown("t", []SLOReport{{SLO: s, ResetBurn: 10, Resets: []Reset{
		{Tier: "page-fast", Short: 5 * time.Minute, After: Never},
		{Tier: "page-slow", Short: 30 * time.Minute, Fired: true, After: Never},
		{Tier: "ticket-fast", Short: 2 * time.Hour, Fired: true, After: 61 * time.Minute},
	}}})
	assert.Contains(t, md, "Reset after a 10x burn: page-fast never fired; page-slow still fires after 1h (short window 30m); ticket-fast stops after 1h 1m (short window 2h).")
}
