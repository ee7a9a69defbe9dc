package sloquality

import (
	"fmt"
	"time"

	"github.com/prometheus/prometheus/util/teststorage"

	"github.com/vigilops/vigil/alerts/slo"
)

// Reset is how soon one tier stops firing once a burn that fired it stops. A
// multiwindow alert is meant to resolve within its short window: the short
// window's error ratio falls below the threshold as clean traffic replaces the
// burn, however full the long window still is.
type Reset struct {
	Tier string
	// Short is the tier's short window, the time within which it should stop.
	Short time.Duration
	// Fired is false when the burn did not fire the tier (its factor is not below
	// the burn); After is Never then.
	Fired bool
	// After is the time from the end of the burn until the tier no longer fires,
	// to the minute, or Never when it still fires after twice its short window.
	After time.Duration
}

// ResetBurn is the burn rate of the reset check: twice the largest factor of the
// SLO's tiers in force, so that every tier fires, or every event failing when the
// objective allows no more.
func ResetBurn(s slo.SLO) float64 {
	var top float64
	for _, t := range s.Tiers() {
		top = max(top, t.BurnFactor(s.PeriodOrDefault()))
	}
	return min(2*top, 1/s.ErrorBudget())
}

// MeasureReset burns the SLO's budget at burn for as long as its longest long
// window (so that every tier the burn can fire is firing), then sends clean traffic,
// and measures for each tier in force when it stops firing.
func MeasureReset(s slo.SLO, burn float64) ([]Reset, error) {
	if burn*s.ErrorBudget() > 1 {
		return nil, fmt.Errorf("sloquality: burn %gx needs more than every event to fail", burn)
	}
	sim, rulePath, order, cleanup, err := prepare(s)
	if err != nil {
		return nil, err
	}
	defer cleanup()

	var burnFor, horizon time.Duration
	for _, t := range sim.Tiers() {
		burnFor, horizon = max(burnFor, t.Long), max(horizon, 2*t.Short)
	}
	raw, err := teststorage.NewWithError()
	if err != nil {
		return nil, err
	}
	defer raw.Close()
	start := time.Unix(0, 0).UTC()
	burnStart := start.Add(history(sim))
	burnEnd := burnStart.Add(burnFor)
	if err := load(raw, sim, burn, start, burnStart, burnEnd, burnEnd.Add(horizon)); err != nil {
		return nil, err
	}
	engine := newEngine()

	var out []Reset
	for _, t := range sim.Tiers() {
		r := Reset{Tier: t.Name, Short: t.Short, After: Never}
		var evalErr error
		fires := func(d time.Duration) bool {
			f, err := firing(engine, raw, rulePath, order, burnEnd.Add(d), "vigil_tier", t.Name)
			if err != nil && evalErr == nil {
				evalErr = err
			}
			return f
		}
		r.Fired = fires(0)
		if r.Fired {
			r.After = search(func(d time.Duration) bool { return !fires(d) }, 2*t.Short)
		}
		if evalErr != nil {
			return nil, fmt.Errorf("reset of %s: %w", t.Name, evalErr)
		}
		out = append(out, r)
	}
	return out, nil
}
