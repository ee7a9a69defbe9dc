// Package slo turns service level objectives into Prometheus rules: error-ratio
// recording rules for every window, error-budget metadata, and multiwindow,
// multi-burn-rate alerts whose burn factors follow from the SLO's period. Rule and
// label names are Sloth's, so Sloth's dashboards work on them; unlike Sloth's
// generator, this package is importable, reports every problem of every SLO at once,
// lets each alerting tier be switched off or given its own severity and budget
// share, refuses tiers whose burn factor would fall below 1 (they would alert while
// the SLO meets its objective), and records no NaN for windows without traffic.
package slo

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/promql/parser"

	"github.com/vigilops/vigil/alerts"
	"github.com/vigilops/vigil/validate"
)

// WindowPlaceholder stands for the range of a query's rate, as in Sloth:
// sum(rate(http_requests_total{code=~"5.."}[{{.window}}])).
const WindowPlaceholder = "{{.window}}"

// DefaultPeriod is the SLO period when none is given.
const DefaultPeriod = 30 * 24 * time.Hour

// DefaultAlertName is the name of the burn-rate alerts when an SLO gives none.
const DefaultAlertName = "ErrorBudgetBurn"

// SLO is a service level objective.
type SLO struct {
	// Service the SLO is about (sloth_service and service labels). Required.
	Service string
	// Name of the SLO, unique within its service (sloth_slo), such as availability.
	// Required.
	Name string
	// Description says what the SLO promises, in a sentence. Optional.
	Description string
	// Objective is the target in percent, above 1 and below 100, such as 99.9 (not
	// 0.999: OpenSLO's ratios are converted by ParseOpenSLO). Values of 1 or less are
	// refused, because 0.999 could be a ratio meant as 99.9 %.
	Objective float64
	// Period is the rolling window the objective holds over. Defaults to 30 days.
	Period time.Duration
	// SLI says how to count good and bad events.
	SLI SLI
	// Alerting configures the burn-rate alerts.
	Alerting Alerting
	// Labels are added to every rule of the SLO. Optional.
	Labels map[string]string
}

// SLI counts events: either errors and totals, or good events and totals. Queries
// return a per-second rate over WindowPlaceholder; the error ratio of a window is
// errors/total, or 1 - good/total.
type SLI struct {
	ErrorQuery string
	GoodQuery  string
	TotalQuery string
}

// RatioSLI builds an SLI from two counter selectors: bad events (or good ones, when
// good is true) and all events, each summed as a rate.
//
// A bucket selector whose le is a whole number is widened to match both spellings of
// that bucket (see BucketSelector).
func RatioSLI(events, total string, good bool) SLI {
	q := func(sel string) string { return "sum(rate(" + BucketSelector(sel) + "[" + WindowPlaceholder + "]))" }
	if good {
		return SLI{GoodQuery: q(events), TotalQuery: q(total)}
	}
	return SLI{ErrorQuery: q(events), TotalQuery: q(total)}
}

// LatencySLI builds an SLI over a Prometheus histogram: requests faster than
// threshold are good. bucket is the histogram's _bucket metric, matchers its label
// matchers without braces (`service="api"`), and threshold must be one of the
// histogram's bucket boundaries (its le label). A whole-second threshold matches
// both spellings of its bucket (see BucketSelector).
func LatencySLI(bucket, matchers string, threshold time.Duration) SLI {
	sep := ""
	if matchers != "" {
		sep = ","
	}
	le := fmt.Sprintf("le=%q", model.SampleValue(threshold.Seconds()).String())
	if whole, ok := wholeBucket(labels.MustNewMatcher(labels.MatchEqual, "le", model.SampleValue(threshold.Seconds()).String())); ok {
		le = "le=~" + strconv.Quote(bothSpellings(whole))
	}
	return RatioSLI(
		fmt.Sprintf(`%s{%s%s%s}`, bucket, matchers, sep, le),
		fmt.Sprintf(`%s{%s%sle="+Inf"}`, bucket, matchers, sep),
		true)
}

// Alerting configures the burn-rate alerts of an SLO.
type Alerting struct {
	// Name of the alerts. Defaults to ErrorBudgetBurn.
	Name string
	// RunbookURL goes into the runbook_url annotation. Required when any tier is on.
	RunbookURL string
	// Tiers overrides the default tiers by name (page-fast, page-slow, ticket-fast,
	// ticket-slow): switch one off or give it its own severity.
	Tiers map[string]TierOverride
}

// TierOverride changes one default tier.
type TierOverride struct {
	// Off switches the tier off.
	Off bool
	// Severity replaces the tier's severity; empty keeps it.
	Severity alerts.Severity
	// BudgetPercent replaces the share of the error budget whose consumption within
	// the tier's long window fires it (see Tier): above 0 and at most 100; 0 keeps
	// windows.yaml's. Short periods need a larger share, or the tier's burn factor
	// falls below 1 and it fires while the SLO meets its objective.
	BudgetPercent float64
}

// ID is the SLO's identity in labels: service-name.
func (s SLO) ID() string { return s.Service + "-" + s.Name }

// ErrorBudget is the share of events allowed to fail, such as 0.001 for 99.9 %.
func (s SLO) ErrorBudget() float64 { return roundFloat(1 - s.Objective/100) }

// PeriodOrDefault returns the period in force: Period, or DefaultPeriod when unset.
func (s SLO) PeriodOrDefault() time.Duration {
	if s.Period == 0 {
		return DefaultPeriod
	}
	return s.Period
}

// Tiers returns the SLO's alerting tiers in force: the defaults with the SLO's
// overrides applied, switched-off tiers left out.
func (s SLO) Tiers() []Tier {
	var out []Tier
	for _, t := range DefaultTiers() {
		o := s.Alerting.Tiers[t.Name]
		if o.Off {
			continue
		}
		if o.Severity != "" {
			t.Severity = o.Severity
		}
		if o.BudgetPercent != 0 {
			t.BudgetPercent = o.BudgetPercent
		}
		out = append(out, t)
	}
	return out
}

var nameRe = regexp.MustCompile(`^[a-z0-9]([a-z0-9_-]*[a-z0-9])?$`)

// Validate returns one error listing every problem of the SLOs, or nil. Paths start
// with where each SLO came from (its index, or whatever `where` names it).
func Validate(slos []SLO, where func(i int) string) error {
	var ps validate.Problems
	ids := map[string]string{}
	for i, s := range slos {
		p := where(i)
		s.validate(&ps, modelPaths(p))
		first, dup := ids[s.ID()]
		if dup && s.Service != "" && s.Name != "" {
			ps.Addf(p+".name", "SLO names must be unique within a service", "repeats SLO %q of service %q (first at %s)", s.Name, s.Service, first)
		}
		if !dup {
			ids[s.ID()] = p
		}
	}
	return ps.Err("SLOs")
}

// fieldPaths says where each field of an SLO was written, for error messages: the
// Go field names for the Go API, the document paths for OpenSLO files.
type fieldPaths struct {
	service, name, objective, period, sli, errorQ, goodQ, totalQ, tiers, runbook, alertName, labels string
	// budget is appended to tiers + "." + tier name: where a tier's budget share is set.
	budget string
}

func modelPaths(p string) fieldPaths {
	return fieldPaths{
		service: p + ".service", name: p + ".name", objective: p + ".objective", period: p + ".period",
		sli: p + ".sli", errorQ: p + ".sli.error", goodQ: p + ".sli.good", totalQ: p + ".sli.total",
		tiers: p + ".alerting.tiers", runbook: p + ".alerting.runbookUrl", alertName: p + ".alerting.name", labels: p + ".labels",
		budget: ".budgetPercent",
	}
}

func (s SLO) validate(ps *validate.Problems, fp fieldPaths) {
	for _, f := range []struct{ path, v string }{{fp.service, s.Service}, {fp.name, s.Name}} {
		if validate.Required(ps, f.path, f.v, "lower-case letters, digits, - and _") && !nameRe.MatchString(f.v) {
			ps.Addf(f.path, "lower-case letters, digits, - and _, such as checkout-api", "must be a plain name, got %q", f.v)
		}
	}
	switch {
	case s.Objective > 0 && s.Objective < 1:
		ps.Addf(fp.objective, fmt.Sprintf("the objective is a percentage: write %s for %s %%, not a ratio", fmtFloat(roundFloat(s.Objective*100)), fmtFloat(roundFloat(s.Objective*100))),
			"must be above 1 and below 100, got %s", fmtFloat(s.Objective))
	case !(s.Objective > 1 && s.Objective < 100):
		ps.Addf(fp.objective, "a percentage such as 99.9; 100 leaves no error budget to alert on", "must be above 1 and below 100, got %s", fmtFloat(s.Objective))
	}
	period := s.PeriodOrDefault()
	if period < 24*time.Hour || period%time.Hour != 0 {
		ps.Addf(fp.period, "use whole hours of at least a day, such as 7d, 28d or 30d", "must be whole hours and at least 1d, got %s", model.Duration(period))
	}
	s.SLI.validate(ps, fp)

	known := TierNames()
	for name, o := range s.Alerting.Tiers {
		if !contains(known, name) {
			ps.Add(fp.tiers+"."+name, "is not a tier", validate.UnknownHint(name, known))
			continue
		}
		if o.Severity != "" && !o.Severity.Valid() {
			ps.Addf(fp.tiers+"."+name+".severity", "one of critical, high, medium, low", "must be a severity, got %q", o.Severity)
		}
		if o.BudgetPercent != 0 && !(o.BudgetPercent > 0 && o.BudgetPercent <= 100) {
			ps.Addf(fp.tiers+"."+name+fp.budget, "a share of the error budget in percent, such as 10", "must be above 0 and at most 100, got %s", fmtFloat(o.BudgetPercent))
		}
	}
	tiers := s.Tiers()
	for _, t := range tiers {
		if t.Long > period {
			ps.Addf(fp.period, fmt.Sprintf("lengthen the period or switch the %s tier off", t.Name),
				"is shorter than the %s long window (%s)", t.Name, model.Duration(t.Long))
			continue
		}
		// Below 1 the tier fires at burn rates that the budget sustains: it would
		// alert while the SLO meets its objective. Exactly 1 is the workbook's
		// ticket-slow of a 30-day period: it fires only above the sustainable rate.
		o := s.Alerting.Tiers[t.Name]
		if o.BudgetPercent != 0 && !(o.BudgetPercent > 0 && o.BudgetPercent <= 100) {
			continue // reported above
		}
		if t.BurnFactor(period) < 1 {
			path := fp.period
			if o.BudgetPercent != 0 {
				path = fp.tiers + "." + t.Name + fp.budget
			}
			least := math.Ceil(roundFloat(100*float64(t.Long)/float64(period)*100)) / 100
			ps.Addf(path, fmt.Sprintf("switch the %s tier off, or raise its budget share to at least %s %%", t.Name, fmtFloat(least)),
				"gives the %s tier a burn factor of %s (%s%% of the budget in %s of %s): below 1 it alerts while the SLO meets its objective",
				t.Name, fmtFloat(t.BurnFactor(period)), fmtFloat(t.BudgetPercent), model.Duration(t.Long), model.Duration(period))
		}
	}
	if len(tiers) > 0 && s.Alerting.RunbookURL == "" {
		ps.Add(fp.runbook, "is required when any tier alerts", "link the page that says what to do when the budget burns")
	}
	if s.Alerting.Name != "" && !alertNameRe.MatchString(s.Alerting.Name) {
		ps.Addf(fp.alertName, "letters, digits and _, such as CheckoutBudgetBurn", "must be a valid alert name, got %q", s.Alerting.Name)
	}
	for k, v := range s.Labels {
		switch {
		case k == serviceLabel && v == s.Service:
			// The alerts carry it anyway; on the recordings too it agrees.
		case k == serviceLabel:
			ps.Addf(fp.labels+"."+k, "remove it: vigil sets service to the SLO's service on every alert", "must be the SLO's service %q, got %q", s.Service, v)
		case !labelNameRe.MatchString(k) || reservedLabel(k):
			ps.Addf(fp.labels+"."+k, "sloth_*, vigil_*, __*, service and severity are set by vigil or Prometheus", "is not a label name vigil can add: %q", k)
		}
	}
}

// reservedLabel reports whether vigil or Prometheus sets label k on the SLO's rules
// itself: an SLO's own value would be overwritten on the alerts only, so that its
// alerts and recordings disagree. (An SLO may repeat its own service label.)
func reservedLabel(k string) bool {
	return strings.HasPrefix(k, "sloth_") || strings.HasPrefix(k, "vigil_") || strings.HasPrefix(k, "__") ||
		k == "severity" || k == serviceLabel
}

var (
	alertNameRe = regexp.MustCompile(`^[a-zA-Z_][a-zA-Z0-9_]*$`)
	labelNameRe = regexp.MustCompile(`^[a-zA-Z_][a-zA-Z0-9_]*$`)
)

func (q SLI) validate(ps *validate.Problems, fp fieldPaths) {
	switch {
	case q.TotalQuery == "":
		ps.Add(fp.totalQ, "is required", "the rate of all events, such as sum(rate(http_requests_total[{{.window}}]))")
	case (q.ErrorQuery == "") == (q.GoodQuery == ""):
		ps.Add(fp.sli, "needs exactly one of an error (bad) query and a good query", "count either the bad events or the good ones")
	}
	for _, f := range []struct{ path, q string }{{fp.errorQ, q.ErrorQuery}, {fp.goodQ, q.GoodQuery}, {fp.totalQ, q.TotalQuery}} {
		if f.q == "" {
			continue
		}
		if !strings.Contains(f.q, WindowPlaceholder) {
			ps.Addf(f.path, "write the range as [{{.window}}] so that each window gets its own rate", "has no %s placeholder", WindowPlaceholder)
			continue
		}
		expr, err := parser.ParseExpr(windowed(f.q, 5*time.Minute))
		if err != nil {
			ps.Add(f.path, "is not valid PromQL: "+err.Error(), "")
			continue
		}
		for _, b := range wholeBuckets(expr) {
			ps.Addf(f.path, fmt.Sprintf(`Prometheus 3 stores le="%s.0", Prometheus 2 often le="%s": match both with le=~%s`, b.whole, b.whole, strconv.Quote(bothSpellings(b.whole))),
				"matches one spelling of a whole-number bucket only: %s", b.written)
		}
	}
}

// windowed fills the window placeholder of a query.
func windowed(q string, w time.Duration) string {
	return strings.ReplaceAll(q, WindowPlaceholder, model.Duration(w).String())
}

// roundFloat removes binary noise such as 1-0.999 = 0.0010000000000000009.
func roundFloat(f float64) float64 {
	if f == 0 {
		return 0
	}
	scale := math.Pow(10, 12-math.Ceil(math.Log10(math.Abs(f))))
	return math.Round(f*scale) / scale
}

func fmtFloat(f float64) string { return fmt.Sprintf("%g", f) }

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
