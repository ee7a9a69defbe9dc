package sloquality

import (
	"fmt"
	"strings"
	"time"

	"github.com/prometheus/common/model"

	"github.com/vigilops/vigil/alerts/slo"
)

// SLOReport is the measured alert quality of one SLO.
type SLOReport struct {
	SLO     slo.SLO
	Results []Result
	// ResetBurn and Resets are the reset check (MeasureReset); no Resets, no check.
	ResetBurn float64
	Resets    []Reset
}

// Markdown renders the reports as a document: one table per SLO, measured next to
// the workbook's values.
func Markdown(title string, reports []SLOReport) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# %s\n\n", title)
	b.WriteString("How fast each SLO's burn-rate alerts react. For each burn rate (how many times faster than\n" +
		"sustainable the error budget is spent), the first page and the first ticket after the burn\n" +
		"starts, and the share of the period's budget spent by then. *Measured*: the SLO's generated\n" +
		"rules run in Prometheus's rule manager and PromQL engine over simulated traffic (3 days of\n" +
		"clean traffic, then a constant burn), to the minute. *Workbook*: the SRE workbook's\n" +
		"arithmetic for the same tiers (a tier of factor f and long window L detects a burn b > f\n" +
		"after f/b x L), with the rules' own strict >. No burn rate sits on a factor, where firing\n" +
		"would be down to floating-point rounding. *Reset*: after a burn that fires every tier it\n" +
		"can, how soon each tier stops once the traffic is clean again; a multiwindow alert should\n" +
		"stop within its short window.\n")
	for _, r := range reports {
		s := r.SLO
		p := s.PeriodOrDefault()
		fmt.Fprintf(&b, "\n## %s (%s)\n\n", s.ID(), objective(s, p))
		var tiers []string
		for _, t := range s.Tiers() {
			tiers = append(tiers, fmt.Sprintf("%s %s %gx over %s/%s", t.Name, t.Severity, t.BurnFactor(p), model.Duration(t.Long), model.Duration(t.Short)))
		}
		if len(tiers) == 0 {
			tiers = []string{"none: every tier is off"}
		}
		fmt.Fprintf(&b, "Tiers: %s.\n\n", strings.Join(tiers, "; "))
		b.WriteString("| burn | first page (measured) | first page (workbook) | first ticket (measured) | first ticket (workbook) |\n")
		b.WriteString("|---:|---|---|---|---|\n")
		for _, res := range r.Results {
			if !res.Possible {
				fmt.Fprintf(&b, "| %gx | impossible: more than every event would fail | | | |\n", res.Burn)
				continue
			}
			fmt.Fprintf(&b, "| %gx | %s | %s | %s | %s |\n", res.Burn,
				cell(res.Page), cell(res.TheoryPage), cell(res.Ticket), cell(res.TheoryTicket))
		}
		if len(r.Resets) > 0 {
			var parts []string
			for _, x := range r.Resets {
				parts = append(parts, resetCell(x))
			}
			fmt.Fprintf(&b, "\nReset after a %gx burn: %s.\n", r.ResetBurn, strings.Join(parts, "; "))
		}
	}
	return b.String()
}

// resetCell shows one tier's reset: "page-fast stops after 3m (short window 5m)".
func resetCell(r Reset) string {
	switch {
	case !r.Fired:
		return fmt.Sprintf("%s never fired", r.Tier)
	case r.After == Never:
		return fmt.Sprintf("%s still fires after %s (short window %s)", r.Tier, short(2*r.Short), short(r.Short))
	}
	return fmt.Sprintf("%s stops after %s (short window %s)", r.Tier, short(r.After), short(r.Short))
}

func objective(s slo.SLO, p time.Duration) string {
	return fmt.Sprintf("%g %% over %s", s.Objective, model.Duration(p))
}

// cell shows a detection as "1h 5m, 2.3 % of budget", or "never".
func cell(d Detection) string {
	if d.After == Never {
		return "never"
	}
	return fmt.Sprintf("%s, %.1f %% of budget", short(d.After), Round(d.BudgetSpent))
}

// short writes a duration in days, hours and minutes, to the minute.
func short(d time.Duration) string {
	d = d.Round(time.Minute)
	days, hours, minutes := d/(24*time.Hour), (d%(24*time.Hour))/time.Hour, (d%time.Hour)/time.Minute
	var parts []string
	if days > 0 {
		parts = append(parts, fmt.Sprintf("%dd", days))
	}
	if hours > 0 {
		parts = append(parts, fmt.Sprintf("%dh", hours))
	}
	if minutes > 0 || len(parts) == 0 {
		parts = append(parts, fmt.Sprintf("%dm", minutes))
	}
	return strings.Join(parts, " ")
}
