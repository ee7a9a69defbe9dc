package dashboards

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/grafana/grafana-foundation-sdk/go/cog"
	"github.com/grafana/grafana-foundation-sdk/go/common"
	"github.com/grafana/grafana-foundation-sdk/go/dashboard"
	"github.com/grafana/grafana-foundation-sdk/go/prometheus"
	"github.com/grafana/grafana-foundation-sdk/go/table"
	"github.com/grafana/grafana-foundation-sdk/go/text"

	"github.com/prometheus/common/model"

	"github.com/vigilops/vigil/alerts/cloudwatch"
	"github.com/vigilops/vigil/alerts/slo"
)

// sloSel selects the recorded series of the selected SLOs by the labels alerts/slo
// writes, Sloth's own (sloth_service, sloth_slo), so that Sloth's dashboard finds
// the same series.
const sloSel = `{sloth_service=~"$service", sloth_slo=~"$slo"}`

// sloDashboard shows, for the selected SLOs, the objective, the SLI, the remaining
// error budget of the period and the burn rate of every window the alert tiers use,
// on the rule names alerts/slo records.
func (g Grafana) sloDashboard() *dashboard.DashboardBuilder {
	l := &layout{g: g}
	var services, names []string
	seenSvc, seenName := map[string]bool{}, map[string]bool{}
	for _, s := range g.SLOs {
		if !seenSvc[s.Service] {
			seenSvc[s.Service] = true
			services = append(services, s.Service)
		}
		if !seenName[s.Name] {
			seenName[s.Name] = true
			names = append(names, s.Name)
		}
	}
	sloVar := serviceVariable(names)
	sloVar.Name("slo").Label("SLO")
	b := g.newDashboard("slo", "SLOs and error budgets",
		"Objective, SLI, remaining error budget and burn rates of the SLOs, on the series alerts/slo records (Sloth's names and labels).").
		WithVariable(serviceVariable(services)).WithVariable(sloVar)
	by := "sloth_service, sloth_slo"
	q := func(ref, expr string) *prometheus.DataqueryBuilder {
		return g.promQuery(ref, expr, "{{sloth_service}} {{sloth_slo}}")
	}
	b.WithRow(l.row("Now"))
	b.WithPanel(configure(l, newStat(), panel{
		title: "Objective", description: "The target share of good events (slo:objective:ratio).",
		ds: g.prometheus(), span: 6, height: 5, unit: "percentunit",
		targets: targets(q("A", "max by ("+by+") (slo:objective:ratio"+sloSel+")").Instant()),
	}).Decimals(3))
	b.WithPanel(configure(l, newStat(), panel{
		title: "SLI, last 5 minutes", description: "The share of good events over 5 minutes: 1 - slo:sli_error:ratio_rate5m.",
		ds: g.prometheus(), span: 6, height: 5, unit: "percentunit",
		targets: targets(q("A", "1 - max by ("+by+") ("+slo.SLIErrorMetric(fiveMinutes)+sloSel+")").Instant()),
	}).Decimals(3))
	b.WithPanel(configure(l, newStat(), panel{
		title: "Error budget remaining", ds: g.prometheus(), span: 6, height: 5, unit: "percentunit", runbook: "errorbudgetburn",
		description: "Share of the period's error budget left (slo:period_error_budget_remaining:ratio): below 0 the SLO is missed.",
		targets:     targets(q("A", "max by ("+by+") (slo:period_error_budget_remaining:ratio"+sloSel+")").Instant()),
	}).ColorMode(common.BigValueColorModeBackground).Thresholds(dashboard.NewThresholdsConfigBuilder().Mode(dashboard.ThresholdsModeAbsolute).
		Steps([]dashboard.Threshold{{Color: "red"}, {Value: cog.ToPtr(0.0), Color: "orange"}, {Value: cog.ToPtr(0.25), Color: "green"}})))
	b.WithPanel(configure(l, newStat(), panel{
		title: "Current burn rate", ds: g.prometheus(), span: 6, height: 5, unit: "short", runbook: "errorbudgetburn",
		description: "How many times faster than sustainable the budget burns over 5 minutes (slo:current_burn_rate:ratio); 1 spends it exactly in the period.",
		thresholds:  []step{{1, "orange"}},
		targets:     targets(q("A", "max by ("+by+") (slo:current_burn_rate:ratio"+sloSel+")").Instant()),
	}))
	b.WithRow(l.row("Over time"))
	b.WithPanel(configure(l, newTimeseries(), panel{
		title: "Error budget remaining", ds: g.prometheus(), span: 12, height: 8, unit: "percentunit",
		description: "slo:period_error_budget_remaining:ratio over time.",
		targets:     targets(q("A", "slo:period_error_budget_remaining:ratio"+sloSel)),
	}))
	b.WithPanel(configure(l, newTimeseries(), panel{
		title: "SLI error ratio", ds: g.prometheus(), span: 12, height: 8, unit: "percentunit",
		description: "Share of bad events over 5 minutes (slo:sli_error:ratio_rate5m) and the error budget (slo:error_budget:ratio).",
		targets: targets(q("A", slo.SLIErrorMetric(fiveMinutes)+sloSel),
			g.promQuery("B", "slo:error_budget:ratio"+sloSel, "{{sloth_service}} {{sloth_slo}} budget")),
	}))
	b.WithRow(l.row("Burn rate per alert tier"))
	tiers := slo.DefaultTiers()
	spans := spread(len(tiers))
	for i, t := range tiers {
		factor, words := g.burnFactor(t)
		burn := func(w model.Duration) string {
			return slo.SLIErrorMetric(timeDuration(w)) + sloSel + "\n/ on (sloth_id, sloth_service, sloth_slo) group_left\nslo:error_budget:ratio" + sloSel
		}
		b.WithPanel(configure(l, newTimeseries(), panel{
			title: fmt.Sprintf("%s: %s and %s windows", t.Name, model.Duration(t.Long), model.Duration(t.Short)),
			ds:    g.prometheus(), span: spans[i], height: 8, unit: "short", runbook: "errorbudgetburn",
			description: fmt.Sprintf("Burn rate over the tier's long and short windows; the tier fires when both are above its factor, the red line (%s).", words),
			thresholds:  []step{{factor, "red"}},
			targets: targets(
				g.promQuery("A", burn(model.Duration(t.Long)), "{{sloth_service}} {{sloth_slo}} "+model.Duration(t.Long).String()),
				g.promQuery("B", burn(model.Duration(t.Short)), "{{sloth_service}} {{sloth_slo}} "+model.Duration(t.Short).String())),
		}).ThresholdsStyle(common.NewGraphThresholdsStyleConfigBuilder().Mode(common.GraphThresholdsStyleModeLine)))
	}
	return b
}

// burnFactor is the lowest factor of a tier among the SLOs that keep it on (the
// line the first of them crosses), with each SLO's in words.
func (g Grafana) burnFactor(t slo.Tier) (float64, string) {
	var factor float64
	var words []string
	for _, s := range g.SLOs {
		for _, st := range s.Tiers() {
			if st.Name != t.Name {
				continue
			}
			f := st.BurnFactor(s.PeriodOrDefault())
			if len(words) == 0 || f < factor {
				factor = f
			}
			words = append(words, fmt.Sprintf("%s %g", s.ID(), f))
		}
	}
	if len(words) == 0 {
		return t.BurnFactor(slo.DefaultPeriod), "no SLO keeps this tier on"
	}
	return factor, strings.Join(words, ", ")
}

// alertOverview lists the firing Prometheus alerts and, for the CloudWatch alarms,
// what each watches with its runbook link.
func (g Grafana) alertOverview() *dashboard.DashboardBuilder {
	l := &layout{g: g}
	b := g.newDashboard("alerts", "Alerts", "Firing Prometheus alerts by severity, and every CloudWatch alarm vigil creates with its runbook.")
	b.WithRow(l.row("Prometheus alerts"))
	sevs := []string{"critical", "high", "medium", "low"}
	colors := map[string]string{"critical": "red", "high": "orange", "medium": "yellow", "low": "blue"}
	for _, s := range sevs {
		b.WithPanel(configure(l, newStat(), panel{
			title: "Firing: " + s, description: fmt.Sprintf("Prometheus alerts firing with severity=%q.", s),
			ds: g.prometheus(), span: 6, height: 4, unit: "short", thresholds: []step{{1, colors[s]}},
			targets: targets(g.promQuery("A", fmt.Sprintf(`count(ALERTS%s) or vector(0)`, g.sel(`alertstate="firing"`, fmt.Sprintf("severity=%q", s))), "").Instant()),
		}).ColorMode(common.BigValueColorModeBackground))
	}
	b.WithPanel(configure(l, table.NewPanelBuilder(), panel{
		title: "Firing alerts", description: "Every firing Prometheus alert with its labels.",
		ds: g.prometheus(), span: 24, height: 9,
		targets: targets(g.promQuery("A", "ALERTS"+g.sel(`alertstate="firing"`), "").Instant().Format(prometheus.PromQueryFormatTable)),
	}).Footer(tableFooter()))
	for i, chunk := range chunks(alarmRows(g.Alarms), alarmsPerText) {
		title := "CloudWatch alarms"
		if i > 0 {
			title = fmt.Sprintf("CloudWatch alarms (%d)", i+1)
		}
		b.WithRow(l.row(title).Collapsed(true).WithPanel(configure(l, text.NewPanelBuilder(), panel{
			title: title, description: "The CloudWatch alarms vigil creates; their states are on the CloudWatch overview dashboard.",
			span: 24, height: 12,
		}).Mode(text.TextModeMarkdown).Content("| Alarm | Severity | Watches | Runbook |\n|---|---|---|---|\n" + strings.Join(chunk, "\n"))))
	}
	return b
}

// alarmsPerText is how many alarms one text panel lists.
const alarmsPerText = 100

func alarmRows(set cloudwatch.Set) []string {
	var rows []string
	for _, a := range set.Alarms {
		rows = append(rows, fmt.Sprintf("| %s | %s | %s | [%s](%s) |", a.Name, a.Severity, mdEscape(a.Summary), a.Slug, a.RunbookURL))
	}
	for _, c := range set.Composites {
		rows = append(rows, fmt.Sprintf("| %s | %s | %s | [%s](%s) |", c.Name, c.Severity, mdEscape(c.Summary), c.Slug, c.RunbookURL))
	}
	sort.Strings(rows)
	return rows
}

func mdEscape(s string) string { return strings.ReplaceAll(s, "|", `\|`) }

func chunks[T any](xs []T, n int) [][]T {
	var out [][]T
	for len(xs) > n {
		out = append(out, xs[:n])
		xs = xs[n:]
	}
	if len(xs) > 0 {
		out = append(out, xs)
	}
	return out
}

const fiveMinutes = 5 * time.Minute

func timeDuration(d model.Duration) time.Duration { return time.Duration(d) }
