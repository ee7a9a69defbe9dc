package slo_test

import (
	"fmt"
	"time"

	"github.com/vigilops/vigil/alerts"
	"github.com/vigilops/vigil/alerts/slo"
)

// An availability SLO of 99.9 % over 28 days: the ticket-slow tier is switched off
// and the fast page goes out as high instead of critical.
func ExampleRules() {
	rules, err := slo.Rules([]slo.SLO{{
		Service:   "checkout",
		Name:      "availability",
		Objective: 99.9,
		Period:    28 * 24 * time.Hour,
		SLI:       slo.RatioSLI(`http_requests_total{service="checkout",code=~"5.."}`, `http_requests_total{service="checkout"}`, false),
		Alerting: slo.Alerting{
			RunbookURL: "https://runbooks.example.com/checkout#availability",
			Tiers: map[string]slo.TierOverride{
				"page-fast":   {Severity: alerts.High},
				"ticket-slow": {Off: true},
			},
		},
	}})
	if err != nil {
		panic(err)
	}
	for _, a := range rules.Alerts() {
		fmt.Println(a.Labels["vigil_tier"], a.Labels["severity"], a.Annotations["summary"])
	}
	// Output:
	// page-fast high checkout availability: error budget burning 13.44x (page-fast)
	// page-slow high checkout availability: error budget burning 5.6x (page-slow)
	// ticket-fast medium checkout availability: error budget burning 2.8x (ticket-fast)
}

// A stack's labels go on every rule, recordings included, and win over the SLO's
// own: routing by environment does not depend on Prometheus's external labels.
func ExampleOptions_Rules() {
	rules, err := slo.Options{Labels: map[string]string{"environment": "prod"}}.Rules([]slo.SLO{{
		Service:   "checkout",
		Name:      "availability",
		Objective: 99.9,
		SLI:       slo.RatioSLI(`http_requests_total{service="checkout",code=~"5.."}`, `http_requests_total{service="checkout"}`, false),
		Alerting:  slo.Alerting{RunbookURL: "https://runbooks.example.com/checkout#availability"},
		Labels:    map[string]string{"environment": "dev", "team": "payments"},
	}})
	if err != nil {
		panic(err)
	}
	for _, g := range rules.Groups {
		r := g.Rules[0]
		fmt.Println(r.Record+r.Alert, r.Labels["environment"], r.Labels["team"])
	}
	// Output:
	// slo:sli_error:ratio_rate5m prod payments
	// slo:objective:ratio prod payments
	// ErrorBudgetBurn prod payments
}
