// Package sloquality measures how good an SLO's alerts are: for a set of burn rates,
// how long after the budget starts burning the first page and the first ticket
// fire, how much of the budget is gone by then, and how soon each tier stops firing
// once the burn stops. It runs the real generated rules in Prometheus's own rule
// manager and PromQL engine over simulated traffic, and sets the results next to
// the SRE workbook's arithmetic.
package sloquality

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"time"

	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/promql"
	"github.com/prometheus/prometheus/rules"
	"github.com/prometheus/prometheus/storage"
	"github.com/prometheus/prometheus/util/teststorage"

	"github.com/vigilops/vigil/alerts/slo"
)

// BurnRates are the burn rates the report covers by default: none sits on a burn
// factor of the default tiers over 28 or 30 days (14.4, 6, 3, 1 and 13.44, 5.6,
// 2.8), where the rules' strict > would leave the outcome to floating-point
// rounding. 0.5x is below every factor; 100x is an outage.
var BurnRates = []float64{0.5, 2, 4, 10, 20, 100}

// BurnRatesFor returns the default burn rates that sit on no burn factor of the
// SLO's tiers in force (see OnFactor), so that Measure accepts them all.
func BurnRatesFor(s slo.SLO) []float64 {
	var out []float64
	for _, b := range BurnRates {
		if _, on := OnFactor(s, b); !on {
			out = append(out, b)
		}
	}
	return out
}

// OnFactor reports whether burn equals the burn factor of one of the SLO's tiers in
// force (to a relative 1e-9), and names that tier. A tier fires above its factor
// (the rules compare with a strict >), so at the factor itself whether it fires is
// down to floating-point rounding: no report can state it.
func OnFactor(s slo.SLO, burn float64) (string, bool) {
	for _, t := range s.Tiers() {
		if f := t.BurnFactor(s.PeriodOrDefault()); math.Abs(burn-f) <= 1e-9*f {
			return t.Name, true
		}
	}
	return "", false
}

// Never marks a detection that does not happen within the SLO's period.
const Never time.Duration = -1

// Detection is when alerts of one kind first fire under a constant burn.
type Detection struct {
	// After is the time from the start of the burn to the first alert, or Never.
	After time.Duration
	// BudgetSpent is the share of the period's error budget spent by then (0-1).
	BudgetSpent float64
}

// Result is one SLO under one burn rate.
type Result struct {
	Burn float64
	// Possible is false when the burn rate cannot happen: it would need more than
	// every event to fail (burn x budget > 1).
	Possible bool
	// Page and Ticket are measured by running the rules.
	Page, Ticket Detection
	// TheoryPage and TheoryTicket are the SRE workbook's values for the same tiers:
	// a tier with factor f and long window L detects a burn b > f after f/b x L.
	// The rule is the alerts' own: strictly above the factor.
	TheoryPage, TheoryTicket Detection
}

// simulatedSLI stands in for the SLO's own indicator: the report measures the
// alerting (windows, factors, thresholds, tiers), which depends on the objective,
// period and tiers only, so any counter with the right error ratio exercises it.
var simulatedSLI = slo.RatioSLI(`vigil_sim_requests_total{outcome="bad"}`, `vigil_sim_requests_total`, false)

const (
	step      = time.Minute // sample and evaluation resolution
	perMinute = 1000.0      // simulated requests a minute
)

// Measure runs the SLO's rules against each burn rate and returns the results. A
// burn rate that sits on a tier's factor (OnFactor) is refused: BurnRatesFor gives
// the defaults without them.
func Measure(s slo.SLO, burns []float64) ([]Result, error) {
	for _, b := range burns {
		if tier, on := OnFactor(s, b); on {
			return nil, fmt.Errorf("sloquality: burn %gx sits on the factor of the %s tier, where the rule's strict > leaves firing to rounding: choose a burn rate between the factors", b, tier)
		}
	}
	sim, rulePath, order, cleanup, err := prepare(s)
	if err != nil {
		return nil, err
	}
	defer cleanup()

	var out []Result
	for _, b := range burns {
		r := Result{Burn: b, Possible: b*s.ErrorBudget() <= 1}
		r.TheoryPage, r.TheoryTicket = theory(sim, b, slo.Page), theory(sim, b, slo.Ticket)
		if r.Possible {
			if r.Page, r.Ticket, err = simulate(sim, b, rulePath, order); err != nil {
				return nil, fmt.Errorf("burn %gx: %w", b, err)
			}
		}
		out = append(out, r)
	}
	return out, nil
}

// prepare writes the rules of the SLO over the simulated SLI into a temporary
// folder and returns the simulated SLO, the rule file's path, its group keys in
// file order, and the clean-up.
func prepare(s slo.SLO) (sim slo.SLO, rulePath string, order []string, cleanup func(), err error) {
	sim = s
	sim.SLI = simulatedSLI
	file, err := slo.Rules([]slo.SLO{sim})
	if err != nil {
		return sim, "", nil, nil, err
	}
	for _, a := range file.Alerts() {
		if a.For != 0 {
			return sim, "", nil, nil, fmt.Errorf("sloquality: alert %s has a for clause; the search below assumes none", a.Alert)
		}
	}
	dir, err := os.MkdirTemp("", "vigil-sloquality")
	if err != nil {
		return sim, "", nil, nil, err
	}
	cleanup = func() { os.RemoveAll(dir) }
	rulePath = filepath.Join(dir, "rules.yaml")
	if err := os.WriteFile(rulePath, file.YAML(), 0o644); err != nil {
		cleanup()
		return sim, "", nil, nil, err
	}
	for _, g := range file.Groups {
		order = append(order, rules.GroupKey(rulePath, g.Name))
	}
	return sim, rulePath, order, cleanup, nil
}

// history is the clean traffic before the burn: as long as the longest window, so
// that every window is measured over as much data as it spans.
func history(s slo.SLO) time.Duration {
	var longest time.Duration
	for _, t := range slo.DefaultTiers() {
		longest = max(longest, t.Long)
	}
	return longest + 10*time.Minute
}

// theory is the workbook's detection time of the first alert of a kind: each tier
// in force with factor f < burn detects after f/burn of its long window. Strictly
// below, as the rules compare with a strict >: a burn at f never fires in theory
// (Measure refuses such burns, where the measurement is down to rounding).
func theory(s slo.SLO, burn float64, kind slo.Kind) Detection {
	best := Never
	for _, t := range s.Tiers() {
		f := t.BurnFactor(s.PeriodOrDefault())
		if t.Kind != kind || !(burn > f) {
			continue
		}
		after := time.Duration(f / burn * float64(t.Long))
		if best == Never || after < best {
			best = after
		}
	}
	return detection(s, burn, best)
}

func detection(s slo.SLO, burn float64, after time.Duration) Detection {
	if after == Never {
		return Detection{After: Never}
	}
	return Detection{After: after, BudgetSpent: burn * float64(after) / float64(s.PeriodOrDefault())}
}

// simulate loads clean traffic then a constant burn into a TSDB and searches the
// first minute at which a page, and a ticket, fire.
func simulate(s slo.SLO, burn float64, rulePath string, order []string) (page, ticket Detection, err error) {
	raw, err := teststorage.NewWithError()
	if err != nil {
		return page, ticket, err
	}
	defer raw.Close()
	start := time.Unix(0, 0).UTC()
	burnStart := start.Add(history(s))
	end := burnStart.Add(s.PeriodOrDefault())
	if err := load(raw, s, burn, start, burnStart, end, end); err != nil {
		return page, ticket, err
	}
	engine := newEngine()

	for _, kind := range []slo.Kind{slo.Page, slo.Ticket} {
		var evalErr error
		after := search(func(d time.Duration) bool {
			fires, err := firing(engine, raw, rulePath, order, burnStart.Add(d), "sloth_severity", string(kind))
			if err != nil && evalErr == nil {
				evalErr = err
			}
			return fires
		}, s.PeriodOrDefault())
		if evalErr != nil {
			return page, ticket, evalErr
		}
		if kind == slo.Page {
			page = detection(s, burn, after)
		} else {
			ticket = detection(s, burn, after)
		}
	}
	return page, ticket, nil
}

func newEngine() *promql.Engine {
	return promql.NewEngine(promql.EngineOpts{MaxSamples: 50_000_000, Timeout: time.Minute, LookbackDelta: 5 * time.Minute})
}

// firing evaluates every rule group once, in file order, at `at`, and reports
// whether an alert whose label `label` has value `value` fires. The search probes times out of order, which
// Prometheus refuses for rule results, so each probe records into a fresh TSDB and
// reads the raw traffic and its own recordings merged.
func firing(engine *promql.Engine, raw storage.Queryable, rulePath string, order []string, at time.Time, label, value string) (bool, error) {
	rec, err := teststorage.NewWithError()
	if err != nil {
		return false, err
	}
	defer rec.Close()
	both := storage.QueryableFunc(func(mint, maxt int64) (storage.Querier, error) {
		q1, err := raw.Querier(mint, maxt)
		if err != nil {
			return nil, err
		}
		q2, err := rec.Querier(mint, maxt)
		if err != nil {
			return nil, err
		}
		return storage.NewMergeQuerier([]storage.Querier{q1, q2}, nil, storage.ChainedSeriesMerge), nil
	})
	ctx := context.Background()
	manager := rules.NewManager(&rules.ManagerOptions{
		QueryFunc:  rules.EngineQueryFunc(engine, both),
		Appendable: rec,
		Queryable:  both,
		Context:    ctx,
		// Firing alerts are read off the rules; nothing is sent anywhere.
		NotifyFunc: func(context.Context, string, ...*rules.Alert) {},
	})
	groups, errs := manager.LoadGroups(step, labels.EmptyLabels(), "", nil, false, rulePath)
	if len(errs) > 0 {
		return false, fmt.Errorf("loading the rules: %v", errs)
	}
	for _, key := range order {
		groups[key].Eval(ctx, at)
		for _, r := range groups[key].Rules() {
			if err := r.LastError(); err != nil {
				return false, fmt.Errorf("rule %s at %s: %w", r.Name(), at, err)
			}
		}
	}
	for _, key := range order {
		for _, r := range groups[key].AlertingRules() {
			for _, a := range r.ActiveAlerts() {
				if a.State == rules.StateFiring && a.Labels.Get(label) == value {
					return true, nil
				}
			}
		}
	}
	return false, nil
}

// search returns the first whole minute d in (0, horizon] at which fires(d) holds,
// or Never. fires must be monotone (false, then true for good), which holds for a
// constant burn: every window's error ratio grows until the window is full.
func search(fires func(time.Duration) bool, horizon time.Duration) time.Duration {
	lo, hi := time.Duration(0), step // fires(lo) is false: nothing fires before the burn
	for !fires(hi) {
		if hi >= horizon {
			return Never
		}
		lo, hi = hi, min(2*hi, horizon)
	}
	for hi-lo > step {
		mid := lo + (hi-lo)/2/step*step
		if fires(mid) {
			hi = mid
		} else {
			lo = mid
		}
	}
	return hi
}

// load writes the simulated counters from start to end: perMinute requests a minute
// throughout, burn x budget of them failing from burnStart until burnEnd, none
// failing otherwise.
func load(db *teststorage.TestStorage, s slo.SLO, burn float64, start, burnStart, burnEnd, end time.Time) error {
	app := db.Appender(context.Background())
	all := labels.FromStrings("__name__", "vigil_sim_requests_total", "outcome", "good")
	bad := labels.FromStrings("__name__", "vigil_sim_requests_total", "outcome", "bad")
	share := burn * s.ErrorBudget()
	var good, failed float64
	for t := start; !t.After(end); t = t.Add(step) {
		if _, err := app.Append(0, all, t.UnixMilli(), good); err != nil {
			return err
		}
		if _, err := app.Append(0, bad, t.UnixMilli(), failed); err != nil {
			return err
		}
		if t.Before(burnStart) || !t.Before(burnEnd) {
			good += perMinute
		} else {
			good += perMinute * (1 - share)
			failed += perMinute * share
		}
	}
	return app.Commit()
}

// Round is how the report shows a share of budget: percent with one decimal.
func Round(share float64) float64 { return math.Round(share*1000) / 10 }
