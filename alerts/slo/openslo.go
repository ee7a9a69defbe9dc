package slo

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/promql/parser"
	"gopkg.in/yaml.v3"

	"github.com/vigilops/vigil/alerts"
	"github.com/vigilops/vigil/validate"
)

// The subset of OpenSLO v1 that ParseOpenSLO reads: kind SLO with an inline ratio
// indicator over Prometheus counters, one rolling time window, occurrences
// budgeting and one objective. vigil's alerting settings travel as annotations, which
// OpenSLO leaves free, so the files stay valid OpenSLO.
const (
	// AnnotationRunbook sets the runbook_url of the SLO's alerts.
	AnnotationRunbook = "vigil.dev/runbook-url"
	// AnnotationAlertName sets the alerts' name (default ErrorBudgetBurn).
	AnnotationAlertName = "vigil.dev/alert-name"
	// AnnotationTierPrefix + a tier name ("vigil.dev/tier.page-fast") sets that
	// tier's severity, or switches it off with "off".
	AnnotationTierPrefix = "vigil.dev/tier."
	// AnnotationBudgetSuffix after a tier's annotation
	// ("vigil.dev/tier.ticket-fast.budget-percent: 15") sets the tier's share of the
	// error budget in percent (TierOverride.BudgetPercent).
	AnnotationBudgetSuffix = ".budget-percent"
)

// StackLabels are the labels a stack puts on every rule (Options.Labels): a file
// may not set them, or its alerts would escape the stack's routing (an
// environment=dev SLO in the prod stack reaches no prod receiver).
var StackLabels = []string{"environment"}

type openSLODoc struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	Metadata   struct {
		Name        string            `json:"name"`
		DisplayName string            `json:"displayName"`
		Labels      map[string]string `json:"labels"`
		Annotations map[string]string `json:"annotations"`
	} `json:"metadata"`
	Spec struct {
		Description     string            `json:"description"`
		Service         string            `json:"service"`
		Indicator       *openSLOIndicator `json:"indicator"`
		IndicatorRef    string            `json:"indicatorRef"`
		TimeWindow      []openSLOWindow   `json:"timeWindow"`
		BudgetingMethod string            `json:"budgetingMethod"`
		Objectives      []struct {
			DisplayName   string  `json:"displayName"`
			Target        float64 `json:"target"`
			TargetPercent float64 `json:"targetPercent"`
		} `json:"objectives"`
		AlertPolicies []any `json:"alertPolicies"`
	} `json:"spec"`
}

type openSLOIndicator struct {
	Metadata struct {
		Name        string `json:"name"`
		DisplayName string `json:"displayName"`
	} `json:"metadata"`
	Spec struct {
		RatioMetric *struct {
			Counter bool           `json:"counter"`
			Good    *openSLOMetric `json:"good"`
			Bad     *openSLOMetric `json:"bad"`
			Total   *openSLOMetric `json:"total"`
		} `json:"ratioMetric"`
		ThresholdMetric any `json:"thresholdMetric"`
	} `json:"spec"`
}

type openSLOMetric struct {
	MetricSource struct {
		Type string `json:"type"`
		Spec struct {
			Query string `json:"query"`
		} `json:"spec"`
	} `json:"metricSource"`
}

type openSLOWindow struct {
	Duration  string `json:"duration"`
	IsRolling bool   `json:"isRolling"`
	Calendar  any    `json:"calendar"`
}

// ParseOpenSLO reads the SLO documents of one YAML file (several documents may be
// separated by ---). name names the file in error paths. Every problem of every
// document is reported in one error, and nothing is returned then.
func ParseOpenSLO(name string, data []byte) ([]SLO, error) {
	var ps validate.Problems
	var out []SLO
	dec := yaml.NewDecoder(bytes.NewReader(data))
	for i := 0; ; i++ {
		var raw any
		err := dec.Decode(&raw)
		if errors.Is(err, io.EOF) {
			break
		}
		path := fmt.Sprintf("%s[%d]", name, i)
		if err != nil {
			ps.Add(path, "is not YAML: "+err.Error(), "")
			break
		}
		if raw == nil {
			continue // an empty document, as after a trailing ---
		}
		var doc openSLODoc
		validate.Decode(&ps, path, raw, &doc)
		if s, ok := doc.toSLO(&ps, path); ok {
			out = append(out, s)
		}
	}
	if err := ps.Err("OpenSLO file " + name); err != nil {
		return nil, err
	}
	return out, nil
}

func (d openSLODoc) toSLO(ps *validate.Problems, p string) (SLO, bool) {
	before := ps.Len()
	if d.APIVersion != "openslo/v1" {
		ps.Addf(p+".apiVersion", "vigil reads OpenSLO v1", "must be openslo/v1, got %q", d.APIVersion)
	}
	if d.Kind != "SLO" {
		ps.Addf(p+".kind", "put SLIs inline under spec.indicator; services and alert policies are not needed", "must be SLO, got %q", d.Kind)
		return SLO{}, false // the rest of another kind's document means nothing here
	}
	s := SLO{
		Service:     d.Spec.Service,
		Name:        d.Metadata.Name,
		Description: d.Spec.Description,
		Labels:      d.Metadata.Labels,
	}
	if d.Spec.IndicatorRef != "" {
		ps.Add(p+".spec.indicatorRef", "is not supported", "write the indicator inline under spec.indicator")
	}
	if len(d.Spec.AlertPolicies) > 0 {
		ps.Add(p+".spec.alertPolicies", "is not supported", "vigil generates multiwindow burn-rate alerts; tune them with "+AnnotationTierPrefix+"<tier> annotations")
	}
	switch m := d.Spec.BudgetingMethod; m {
	case "", "Occurrences":
	default:
		ps.Addf(p+".spec.budgetingMethod", "vigil counts events: use Occurrences", "must be Occurrences, got %q", m)
	}

	switch len(d.Spec.TimeWindow) {
	case 0:
		s.Period = DefaultPeriod
	case 1:
		w := d.Spec.TimeWindow[0]
		wp := p + ".spec.timeWindow[0]"
		if !w.IsRolling || w.Calendar != nil {
			ps.Add(wp+".isRolling", "must be true", "vigil supports rolling windows only")
		}
		dur, err := model.ParseDuration(w.Duration)
		if err != nil {
			ps.Addf(wp+".duration", "for example 30d or 4w", "must be a duration, got %q", w.Duration)
		}
		s.Period = time.Duration(dur)
	default:
		ps.Add(p+".spec.timeWindow", "must hold one window", "write one SLO per window")
	}

	switch len(d.Spec.Objectives) {
	case 1:
		o := d.Spec.Objectives[0]
		switch {
		case o.Target != 0 && o.TargetPercent != 0:
			ps.Add(p+".spec.objectives[0]", "sets both target and targetPercent", "keep one")
		case o.Target != 0:
			if o.Target >= 1 {
				ps.Addf(p+".spec.objectives[0].target", "OpenSLO's target is a ratio: 0.999, not 99.9", "must be below 1, got %g", o.Target)
			}
			s.Objective = roundFloat(o.Target * 100)
		default:
			s.Objective = o.TargetPercent
		}
	default:
		ps.Add(p+".spec.objectives", "must hold exactly one objective", "write one SLO per objective")
	}

	for _, k := range StackLabels {
		if v, set := s.Labels[k]; set {
			ps.Addf(p+".metadata.labels."+k, "remove it: the stack sets "+k+" on every rule it generates",
				"is set by the stack, not the file, got %q", v)
		}
	}
	s.SLI = d.Spec.Indicator.toSLI(ps, p+".spec.indicator")
	s.Alerting = alertingFromAnnotations(ps, p+".metadata.annotations", d.Metadata.Annotations)
	if ps.Len() > before {
		return SLO{}, false
	}
	// The rules of the model are checked once here, with paths into the document.
	ind := p + ".spec.indicator.spec.ratioMetric"
	s.validate(ps, fieldPaths{
		service: p + ".spec.service", name: p + ".metadata.name", objective: p + ".spec.objectives[0]",
		period: p + ".spec.timeWindow[0].duration", sli: ind,
		errorQ: ind + ".bad.metricSource.spec.query", goodQ: ind + ".good.metricSource.spec.query", totalQ: ind + ".total.metricSource.spec.query",
		tiers: p + ".metadata.annotations." + strings.TrimSuffix(AnnotationTierPrefix, "."), runbook: p + ".metadata.annotations." + AnnotationRunbook,
		alertName: p + ".metadata.annotations." + AnnotationAlertName, labels: p + ".metadata.labels",
		budget: AnnotationBudgetSuffix,
	})
	return s, ps.Len() == before
}

func (ind *openSLOIndicator) toSLI(ps *validate.Problems, p string) SLI {
	if ind == nil {
		ps.Add(p, "is required", "describe the ratio of good (or bad) events to all events")
		return SLI{}
	}
	if ind.Spec.ThresholdMetric != nil {
		ps.Add(p+".spec.thresholdMetric", "is not supported", "express latency as a ratioMetric over histogram buckets: good = bucket{le=\"0.5\"}, total = bucket{le=\"+Inf\"}")
	}
	r := ind.Spec.RatioMetric
	if r == nil {
		ps.Add(p+".spec.ratioMetric", "is required", "")
		return SLI{}
	}
	if !r.Counter {
		ps.Add(p+".spec.ratioMetric.counter", "must be true", "vigil takes rates of counters")
	}
	q := func(m *openSLOMetric, field string) string {
		if m == nil {
			return ""
		}
		mp := p + ".spec.ratioMetric." + field + ".metricSource"
		if m.MetricSource.Type != "Prometheus" {
			ps.Addf(mp+".type", "vigil generates Prometheus rules", "must be Prometheus, got %q", m.MetricSource.Type)
		}
		query := strings.TrimSpace(m.MetricSource.Spec.Query)
		if strings.Contains(query, WindowPlaceholder) {
			return query
		}
		expr, err := parser.ParseExpr(query)
		if _, isSelector := expr.(*parser.VectorSelector); err != nil || !isSelector {
			ps.Add(mp+".spec.query", "must be a counter selector, or PromQL with a [{{.window}}] range",
				`for example http_requests_total{service="api",code=~"5.."}`)
			return ""
		}
		return "sum(rate(" + BucketSelector(query) + "[" + WindowPlaceholder + "]))"
	}
	sli := SLI{ErrorQuery: q(r.Bad, "bad"), GoodQuery: q(r.Good, "good"), TotalQuery: q(r.Total, "total")}
	return sli
}

func alertingFromAnnotations(ps *validate.Problems, p string, ann map[string]string) Alerting {
	a := Alerting{Tiers: map[string]TierOverride{}}
	keys := make([]string, 0, len(ann))
	for k := range ann {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	known := []string{AnnotationRunbook, AnnotationAlertName}
	for _, t := range TierNames() {
		known = append(known, AnnotationTierPrefix+t, AnnotationTierPrefix+t+AnnotationBudgetSuffix)
	}
	for _, k := range keys {
		v := ann[k]
		switch {
		case k == AnnotationRunbook:
			a.RunbookURL = v
		case k == AnnotationAlertName:
			a.Name = v
		case strings.HasPrefix(k, AnnotationTierPrefix) && strings.HasSuffix(k, AnnotationBudgetSuffix) && contains(known, k):
			tier := strings.TrimSuffix(strings.TrimPrefix(k, AnnotationTierPrefix), AnnotationBudgetSuffix)
			o := a.Tiers[tier]
			share, err := strconv.ParseFloat(v, 64)
			if err != nil || share == 0 {
				ps.Addf(p+"."+k, "a share of the error budget in percent, such as \"15\"", "must be a number above 0, got %q", v)
				continue
			}
			o.BudgetPercent = share // its range is the model's check
			a.Tiers[tier] = o
		case strings.HasPrefix(k, AnnotationTierPrefix) && contains(known, k):
			tier := strings.TrimPrefix(k, AnnotationTierPrefix)
			o := a.Tiers[tier]
			if v == "off" {
				o.Off = true
			} else if sev := alerts.Severity(v); sev.Valid() {
				o.Severity = sev
			} else {
				ps.Addf(p+"."+k, "critical, high, medium, low or off", "must be a severity or off, got %q", v)
			}
			a.Tiers[tier] = o
		case strings.HasPrefix(k, "vigil.dev/"):
			ps.Add(p+"."+k, "is not a vigil annotation", validate.UnknownHint(k, known))
		}
	}
	return a
}
