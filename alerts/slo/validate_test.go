package slo

import (
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vigilops/vigil/validate"
)

// problems returns "path: message" of every problem of Rules(slos), or nil.
func problems(t *testing.T, slos ...SLO) []string {
	t.Helper()
	_, err := Rules(slos)
	if err == nil {
		return nil
	}
	var invalid *validate.Error
	require.ErrorAs(t, err, &invalid)
	var got []string
	for _, p := range invalid.Problems {
		got = append(got, p.Path+": "+p.Message)
	}
	return got
}

func allTiersOff() map[string]TierOverride {
	off := map[string]TierOverride{}
	for _, n := range TierNames() {
		off[n] = TierOverride{Off: true}
	}
	return off
}

func TestTheObjectiveIsAPercentAboveOneAndBelowAHundred(t *testing.T) {
	tests := map[string]struct {
		objective float64
		want      []string
	}{
		"A ratio such as 0.999 is refused: it would be 0.999 %.":   {0.999, []string{"slos[0].objective: must be above 1 and below 100, got 0.999"}},
		"1 is refused: 1 % or a ratio of 1, either way ambiguous.": {1, []string{"slos[0].objective: must be above 1 and below 100, got 1"}},
		"Just above 1 is a percentage and accepted.":               {1.01, nil},
		"99.999 is accepted.":                                      {99.999, nil},
		"100 is refused: no budget to alert on.":                   {100, []string{"slos[0].objective: must be above 1 and below 100, got 100"}},
		"0 (unset) is refused.":                                    {0, []string{"slos[0].objective: must be above 1 and below 100, got 0"}},
		"A negative objective is refused.":                         {-5, []string{"slos[0].objective: must be above 1 and below 100, got -5"}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			s := availability()
			s.Objective = tc.objective
			assert.Equal(t, tc.want, problems(t, s))
		})
	}
	s := availability()
	s.Objective = 0.999
	_, err := Rules([]SLO{s})
	assert.ErrorContains(t, err, "hint: the objective is a percentage: write 99.9 for 99.9 %, not a ratio")
	s.Objective = 1
	_, err = Rules([]SLO{s})
	assert.ErrorContains(t, err, "hint: a percentage such as 99.9", "1 as a ratio would be 100 %: no hint to write that")
}

func TestThePeriodIsWholeHoursOfAtLeastADay(t *testing.T) {
	tests := map[string]struct {
		period time.Duration
		want   []string
	}{
		"23 hours are refused.":             {23 * time.Hour, []string{"slos[0].period: must be whole hours and at least 1d, got 23h"}},
		"One day is accepted.":              {day, nil},
		"A day and a half hour is refused.": {day + 30*time.Minute, []string{"slos[0].period: must be whole hours and at least 1d, got 1d30m"}},
		"Ninety days are accepted.":         {90 * day, nil},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			s := availability()
			s.Period = tc.period
			s.Alerting.Tiers = allTiersOff() // the period alone, not the tiers' factors
			assert.Equal(t, tc.want, problems(t, s))
		})
	}
}

func TestATierWhoseBurnFactorFallsBelowOneIsRefused(t *testing.T) {
	const factorBelow1 = ": below 1 it alerts while the SLO meets its objective"
	tests := map[string]struct {
		period time.Duration
		tiers  map[string]TierOverride
		want   []string
	}{
		"Over 30 days ticket-slow burns at exactly 1: accepted, it fires only above the sustainable rate.": {30 * day, nil, nil},
		"Over 29 days ticket-slow would burn at 0.97: refused.": {29 * day, nil, []string{
			"slos[0].period: gives the ticket-slow tier a burn factor of 0.966666666667 (10% of the budget in 3d of 29d)" + factorBelow1}},
		"Over 28 days with ticket-slow off every factor is above 1.": {28 * day, map[string]TierOverride{"ticket-slow": {Off: true}}, nil},
		"Over 7 days both tickets are refused.": {7 * day, nil, []string{
			"slos[0].period: gives the ticket-fast tier a burn factor of 0.7 (10% of the budget in 1d of 1w)" + factorBelow1,
			"slos[0].period: gives the ticket-slow tier a burn factor of 0.233333333333 (10% of the budget in 3d of 1w)" + factorBelow1}},
		"Over 7 days the hinted share 14.29 % makes ticket-fast's factor 1.0003: accepted.": {7 * day,
			map[string]TierOverride{"ticket-fast": {BudgetPercent: 14.29}, "ticket-slow": {Off: true}}, nil},
		"Over 7 days 14.28 % is just too little, refused where it is set.": {7 * day,
			map[string]TierOverride{"ticket-fast": {BudgetPercent: 14.28}, "ticket-slow": {Off: true}}, []string{
				"slos[0].alerting.tiers.ticket-fast.budgetPercent: gives the ticket-fast tier a burn factor of 0.9996 (14.28% of the budget in 1d of 1w)" + factorBelow1}},
		"A share of 100 % is accepted.": {7 * day, map[string]TierOverride{"ticket-fast": {Off: true}, "ticket-slow": {BudgetPercent: 100}}, nil},
		"A share above 100 % is refused.": {30 * day, map[string]TierOverride{"ticket-slow": {BudgetPercent: 100.01}}, []string{
			"slos[0].alerting.tiers.ticket-slow.budgetPercent: must be above 0 and at most 100, got 100.01"}},
		"A negative share is refused, once.": {30 * day, map[string]TierOverride{"page-fast": {BudgetPercent: -1}}, []string{
			"slos[0].alerting.tiers.page-fast.budgetPercent: must be above 0 and at most 100, got -1"}},
		"Over one day even the pages are refused.": {day, map[string]TierOverride{"ticket-slow": {Off: true}}, []string{
			"slos[0].period: gives the page-fast tier a burn factor of 0.48 (2% of the budget in 1h of 1d)" + factorBelow1,
			"slos[0].period: gives the page-slow tier a burn factor of 0.2 (5% of the budget in 6h of 1d)" + factorBelow1,
			"slos[0].period: gives the ticket-fast tier a burn factor of 0.1 (10% of the budget in 1d of 1d)" + factorBelow1}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			s := availability()
			s.Period = tc.period
			s.Alerting.Tiers = tc.tiers
			assert.Equal(t, tc.want, problems(t, s))
		})
	}

	s := availability()
	s.Period = 7 * day
	_, err := Rules([]SLO{s})
	assert.ErrorContains(t, err, "hint: switch the ticket-fast tier off, or raise its budget share to at least 14.29 %")
	assert.ErrorContains(t, err, "hint: switch the ticket-slow tier off, or raise its budget share to at least 42.86 %")
}

var statedFactor = regexp.MustCompile(`(?:burning|at) ([0-9.]+)x`)

// Whatever the period, a tier in force never states a burn below 1: for every
// period from 1 to 90 days, the tiers whose factor would be below 1 are switched off
// (else Rules refuses them, above), and every summary and description is read.
func TestNoAlertEverStatesABurnFactorBelowOne(t *testing.T) {
	seen := 0
	for days := 1; days <= 90; days++ {
		s := availability()
		s.Period = time.Duration(days) * day
		s.Alerting.Tiers = map[string]TierOverride{}
		for _, tier := range DefaultTiers() {
			if tier.Long > s.Period || tier.BurnFactor(s.Period) < 1 {
				s.Alerting.Tiers[tier.Name] = TierOverride{Off: true}
			}
		}
		f, err := Rules([]SLO{s})
		require.NoError(t, err, "%d days", days)
		for _, a := range f.Alerts() {
			for _, text := range []string{a.Annotations["summary"], a.Annotations["description"]} {
				m := statedFactor.FindStringSubmatch(text)
				require.NotNil(t, m, text)
				factor, err := strconv.ParseFloat(m[1], 64)
				require.NoError(t, err)
				assert.GreaterOrEqual(t, factor, 1.0, "%d days: %s", days, text)
				seen++
			}
		}
	}
	assert.Greater(t, seen, 500, "most periods keep some tiers")
}
