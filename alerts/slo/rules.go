package slo

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/promql/parser"

	"github.com/vigilops/vigil/alerts"
	"github.com/vigilops/vigil/validate"
)

// Sloth's names, kept so that dashboards and queries written for Sloth work.
const (
	sliErrorMetric  = "slo:sli_error:ratio_rate"
	labelID         = "sloth_id"
	labelService    = "sloth_service"
	labelSLO        = "sloth_slo"
	labelWindow     = "sloth_window"
	labelSeverity   = "sloth_severity" // page or ticket
	labelTier       = "vigil_tier"     // which of the four tiers fired
	labelObjective  = "sloth_objective"
	serviceLabel    = "service" // what Alertmanager groups and inhibits by
	metaRecordGroup = "sloth-slo-meta-recordings-"
)

// SLIErrorMetric names the recording rule of the error ratio over window w, such
// as slo:sli_error:ratio_rate5m.
func SLIErrorMetric(w time.Duration) string { return sliErrorMetric + model.Duration(w).String() }

// Options are what the caller adds to the rules of every SLO.
type Options struct {
	// Labels go on every rule of every SLO, recordings and alerts alike, such as a
	// stack's environment=prod: routing must not depend on Prometheus's external
	// labels. They win over an SLO's own labels of the same name. Optional; names
	// follow the rules of SLO.Labels.
	Labels map[string]string
}

// Rules generates the rule file of the SLOs: per SLO, a group of error-ratio
// recordings (every window the tiers use, plus the period), a group of metadata
// recordings (objective, budget, burn rates, remaining budget), and a group with an
// alert per tier in force. The SLOs are validated first. Rules is Options{}.Rules.
func Rules(slos []SLO) (alerts.RuleFile, error) { return Options{}.Rules(slos) }

// Rules generates the rule file of the SLOs (see the package-level Rules), with the
// options' labels on every rule.
func (o Options) Rules(slos []SLO) (alerts.RuleFile, error) {
	var ps validate.Problems
	for _, k := range sortedKeys(o.Labels) {
		if !labelNameRe.MatchString(k) || reservedLabel(k) {
			ps.Addf("options.labels."+k, "sloth_*, vigil_*, __*, service and severity are set by vigil or Prometheus", "is not a label name vigil can add: %q", k)
		}
	}
	if err := ps.Err("SLO options"); err != nil {
		return alerts.RuleFile{}, err
	}
	if err := Validate(slos, func(i int) string { return fmt.Sprintf("slos[%d]", i) }); err != nil {
		return alerts.RuleFile{}, err
	}
	var f alerts.RuleFile
	for _, s := range slos {
		if len(o.Labels) > 0 {
			own := s.Labels
			s.Labels = make(map[string]string, len(own)+len(o.Labels))
			for k, v := range own {
				s.Labels[k] = v
			}
			for k, v := range o.Labels {
				s.Labels[k] = v
			}
		}
		f.Groups = append(f.Groups, s.sliGroup(), s.metaGroup())
		if g := s.alertGroup(); len(g.Rules) > 0 {
			f.Groups = append(f.Groups, g)
		}
	}
	return f, nil
}

// windows returns the windows the SLO's recordings need: 5m (the current burn rate)
// and both windows of every default tier, so that switching a tier on later does not
// need new history. Sorted, without repeats.
func (s SLO) windows() []time.Duration {
	set := map[time.Duration]bool{5 * time.Minute: true}
	for _, t := range DefaultTiers() {
		set[t.Long], set[t.Short] = true, true
	}
	out := make([]time.Duration, 0, len(set))
	for w := range set {
		out = append(out, w)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// labels are the identity labels of every rule of the SLO, plus its own labels.
func (s SLO) labels() map[string]string {
	l := map[string]string{labelID: s.ID(), labelService: s.Service, labelSLO: s.Name}
	for k, v := range s.Labels {
		l[k] = v
	}
	return l
}

// selector matches the SLO's recorded series.
func (s SLO) selector() string {
	return fmt.Sprintf(`{%s=%q, %s=%q, %s=%q}`, labelID, s.ID(), labelService, s.Service, labelSLO, s.Name)
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func with(base map[string]string, kv ...string) map[string]string {
	out := make(map[string]string, len(base)+len(kv)/2)
	for k, v := range base {
		out[k] = v
	}
	for i := 0; i+1 < len(kv); i += 2 {
		out[kv[i]] = kv[i+1]
	}
	return out
}

func (s SLO) sliGroup() alerts.Group {
	g := alerts.Group{Name: "sloth-slo-sli-recordings-" + s.ID()}
	for _, w := range s.windows() {
		g.Rules = append(g.Rules, alerts.Rule{
			Record: SLIErrorMetric(w),
			Expr:   s.errorRatio(w),
			Labels: with(s.labels(), labelWindow, model.Duration(w).String()),
		})
	}
	// The period's ratio averages the 5m ratios, as Sloth does: a rate over 30 days
	// of raw samples would be costly to evaluate every minute.
	period := model.Duration(s.PeriodOrDefault()).String()
	g.Rules = append(g.Rules, alerts.Rule{
		Record: SLIErrorMetric(s.PeriodOrDefault()),
		Expr: fmt.Sprintf("sum_over_time(%s%s[%s])\n/ ignoring (%s)\ncount_over_time(%s%s[%s])",
			SLIErrorMetric(5*time.Minute), s.selector(), period, labelWindow,
			SLIErrorMetric(5*time.Minute), s.selector(), period),
		Labels: with(s.labels(), labelWindow, period),
	})
	return g
}

// errorRatio is the share of bad events over window w. A window without events has
// no ratio rather than 0/0 = NaN: one NaN among the 5m ratios would make the
// period's average, and with it the period burn rate and remaining budget, NaN for
// a whole period after a quiet spell. (Sloth divides by the total as it is.)
func (s SLO) errorRatio(w time.Duration) string {
	total := windowed(s.SLI.TotalQuery, w)
	if e, err := parser.ParseExpr(total); err == nil {
		if b, ok := e.(*parser.BinaryExpr); ok && b.Op.IsSetOperator() {
			total = "(" + total + ")" // and, or, unless bind looser than > 0
		}
	}
	if s.SLI.ErrorQuery != "" {
		return fmt.Sprintf("(\n  %s\n)\n/\n(\n  %s > 0\n)", windowed(s.SLI.ErrorQuery, w), total)
	}
	return fmt.Sprintf("1 - (\n  (\n    %s\n  )\n  /\n  (\n    %s > 0\n  )\n)", windowed(s.SLI.GoodQuery, w), total)
}

func (s SLO) metaGroup() alerts.Group {
	sel := s.selector()
	budget := fmtFloat(s.ErrorBudget())
	join := fmt.Sprintf("/ on (%s, %s, %s) group_left\n", labelID, labelSLO, labelService)
	return alerts.Group{Name: metaRecordGroup + s.ID(), Rules: []alerts.Rule{
		{Record: "slo:objective:ratio", Expr: fmt.Sprintf("vector(%s)", fmtFloat(roundFloat(s.Objective/100))), Labels: s.labels()},
		{Record: "slo:error_budget:ratio", Expr: fmt.Sprintf("vector(%s)", budget), Labels: s.labels()},
		{Record: "slo:time_period:days", Expr: fmt.Sprintf("vector(%s)", fmtFloat(s.PeriodOrDefault().Hours()/24)), Labels: s.labels()},
		{Record: "slo:current_burn_rate:ratio", Labels: s.labels(),
			Expr: SLIErrorMetric(5*time.Minute) + sel + "\n" + join + "slo:error_budget:ratio" + sel},
		{Record: "slo:period_burn_rate:ratio", Labels: s.labels(),
			Expr: SLIErrorMetric(s.PeriodOrDefault()) + sel + "\n" + join + "slo:error_budget:ratio" + sel},
		{Record: "slo:period_error_budget_remaining:ratio", Labels: s.labels(),
			Expr: "1 - slo:period_burn_rate:ratio" + sel},
		{Record: "sloth_slo_info", Expr: "vector(1)",
			Labels: with(s.labels(), labelObjective, fmtFloat(s.Objective))},
	}}
}

func (s SLO) alertGroup() alerts.Group {
	g := alerts.Group{Name: "sloth-slo-alerts-" + s.ID()}
	name := s.Alerting.Name
	if name == "" {
		name = DefaultAlertName
	}
	budget := s.ErrorBudget()
	for _, t := range s.Tiers() {
		factor := t.BurnFactor(s.PeriodOrDefault())
		threshold := fmt.Sprintf("(%s * %s)", fmtFloat(factor), fmtFloat(budget))
		cond := func(w time.Duration) string {
			return fmt.Sprintf("max(%s%s > %s) without (%s)", SLIErrorMetric(w), s.selector(), threshold, labelWindow)
		}
		spentIn := model.Duration(t.Long).String()
		g.Rules = append(g.Rules, alerts.Rule{
			Alert: name,
			Expr:  "(\n  " + cond(t.Short) + "\n  and\n  " + cond(t.Long) + "\n)",
			Labels: with(s.Labels,
				"severity", string(t.Severity),
				labelSeverity, string(t.Kind),
				labelTier, t.Name,
				serviceLabel, s.Service,
				// Also on the series; repeated so that two SLOs of one service never
				// have rules with the same name and labels (promtool's duplicate lint).
				labelID, s.ID(),
				labelSLO, s.Name,
			),
			Annotations: map[string]string{
				"summary": fmt.Sprintf("%s %s: error budget burning %sx (%s)", s.Service, s.Name, fmtFloat(factor), t.Name),
				"description": fmt.Sprintf("The %s SLO of %s (%s%% over %s) has spent more than %s%% of its error budget in %s "+
					"and is still burning over %s: at %sx the whole budget lasts %s.",
					s.Name, s.Service, fmtFloat(s.Objective), model.Duration(s.PeriodOrDefault()), fmtFloat(t.BudgetPercent), spentIn,
					model.Duration(t.Short), fmtFloat(factor), humanDuration(time.Duration(float64(s.PeriodOrDefault())/factor))),
				"runbook_url": s.Alerting.RunbookURL,
			},
		})
	}
	return g
}

// humanDuration writes a duration the way a person would say it: 2d 2h, 5h, 12m.
func humanDuration(d time.Duration) string {
	d = d.Round(time.Minute)
	days := d / (24 * time.Hour)
	d -= days * 24 * time.Hour
	hours := d / time.Hour
	d -= hours * time.Hour
	minutes := d / time.Minute
	var parts []string
	if days > 0 {
		parts = append(parts, fmt.Sprintf("%dd", days))
	}
	if hours > 0 {
		parts = append(parts, fmt.Sprintf("%dh", hours))
	}
	if minutes > 0 && days == 0 {
		parts = append(parts, fmt.Sprintf("%dm", minutes))
	}
	if len(parts) == 0 {
		return "0m"
	}
	return strings.Join(parts, " ")
}
