package slo

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Routing must not rest on Prometheus's external labels: the stack's environment is
// on every rule itself, and it wins over an SLO's own label of the same name.
func TestTheStacksLabelsGoOnEveryRuleAndWinOverTheSLOs(t *testing.T) {
	s := availability()
	s.Labels = map[string]string{"environment": "dev", "team": "reservations"}
	f, err := Options{Labels: map[string]string{"environment": "prod"}}.Rules([]SLO{s, sampleSLOs()[2]})
	require.NoError(t, err)
	rules := 0
	for _, g := range f.Groups {
		for _, r := range g.Rules {
			assert.Equal(t, "prod", r.Labels["environment"], "%s %s%s", g.Name, r.Record, r.Alert)
			rules++
		}
	}
	assert.Equal(t, 2*(8+7)+4+3, rules, "two SLOs' recordings, 4 + 3 alerts")
	assert.Equal(t, "reservations", f.Groups[0].Rules[0].Labels["team"], "the SLO's other labels stay")
	assert.Equal(t, map[string]string{"environment": "dev", "team": "reservations"}, s.Labels, "the caller's SLO is not changed")

	plain, err := Rules([]SLO{availability()})
	require.NoError(t, err)
	for _, g := range plain.Groups {
		for _, r := range g.Rules {
			assert.NotContains(t, r.Labels, "environment", "without options, no environment")
		}
	}
}

func TestLabelsVigilOrPrometheusSetAreRefused(t *testing.T) {
	_, err := Options{Labels: map[string]string{"severity": "x", "environment": "prod"}}.Rules([]SLO{availability()})
	assert.EqualError(t, err, "invalid SLO options (1 problem):\n  options.labels.severity: is not a label name vigil can add: \"severity\"\n    hint: sloth_*, vigil_*, __*, service and severity are set by vigil or Prometheus")

	s := availability()
	s.Labels = map[string]string{"service": "x", "vigil_tier": "x", "__name__": "x", "sloth_id": "x", "team": "ok", "env-name": "x"}
	assert.Equal(t, []string{
		`slos[0].labels.__name__: is not a label name vigil can add: "__name__"`,
		`slos[0].labels.env-name: is not a label name vigil can add: "env-name"`,
		`slos[0].labels.service: must be the SLO's service "api", got "x"`,
		`slos[0].labels.sloth_id: is not a label name vigil can add: "sloth_id"`,
		`slos[0].labels.vigil_tier: is not a label name vigil can add: "vigil_tier"`,
	}, problems(t, s))

	// The SLO's own service, repeated, agrees with what the alerts carry.
	s.Labels = map[string]string{"service": "api"}
	assert.Nil(t, problems(t, s))
	f, err := Rules([]SLO{s})
	require.NoError(t, err)
	assert.Equal(t, "api", f.Groups[0].Rules[0].Labels["service"])
	_, err = Options{Labels: map[string]string{"service": "api"}}.Rules([]SLO{availability()})
	assert.ErrorContains(t, err, `options.labels.service: is not a label name vigil can add: "service"`, "one service for every SLO is no stack label")
}

func TestWholeSecondBucketsMatchBothSpellings(t *testing.T) {
	tests := map[string]struct {
		threshold time.Duration
		good      string
	}{
		"A one second threshold matches le=\"1\" and le=\"1.0\".": {time.Second, `sum(rate(http_request_duration_seconds_bucket{service="api",le=~"1|1\\.0"}[{{.window}}]))`},
		"Ten seconds match le=\"10\" and le=\"10.0\", not 100.":   {10 * time.Second, `sum(rate(http_request_duration_seconds_bucket{service="api",le=~"10|10\\.0"}[{{.window}}]))`},
		"Half a second is spelt alike everywhere: kept.":          {500 * time.Millisecond, `sum(rate(http_request_duration_seconds_bucket{service="api",le="0.5"}[{{.window}}]))`},
		"2.5 seconds are kept.":                                   {2500 * time.Millisecond, `sum(rate(http_request_duration_seconds_bucket{service="api",le="2.5"}[{{.window}}]))`},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			sli := LatencySLI("http_request_duration_seconds_bucket", `service="api"`, tc.threshold)
			assert.Equal(t, tc.good, sli.GoodQuery)
			assert.Equal(t, `sum(rate(http_request_duration_seconds_bucket{service="api",le="+Inf"}[{{.window}}]))`, sli.TotalQuery)
		})
	}
	assert.Equal(t, `x_bucket{le=~"1|1\\.0"}`, BucketSelector(`x_bucket{le="1.0"}`), "1.0 is widened too: Prometheus 2 may hold 1")
	assert.Equal(t, `x_bucket{le=~"0.[0-9]"}`, BucketSelector(`x_bucket{le=~"0.[0-9]"}`), "a regex is the writer's own")
	assert.Equal(t, `sum(x_bucket{le="1"})`, BucketSelector(`sum(x_bucket{le="1"})`), "only plain selectors are rewritten")
	assert.Equal(t, `x_bucket{le="+Inf"}`, BucketSelector(`x_bucket{le="+Inf"}`))

	// The OpenSLO reader's bare selectors get the same treatment.
	slos, err := ParseOpenSLO("f.yaml", []byte(`apiVersion: openslo/v1
kind: SLO
metadata: {name: latency, annotations: {vigil.dev/runbook-url: https://x}}
spec:
  service: api
  objectives: [{target: 0.99}]
  indicator:
    spec:
      ratioMetric:
        counter: true
        good: {metricSource: {type: Prometheus, spec: {query: 'h_bucket{le="1"}'}}}
        total: {metricSource: {type: Prometheus, spec: {query: 'h_bucket{le="+Inf"}'}}}
`))
	require.NoError(t, err)
	assert.Equal(t, `sum(rate(h_bucket{le=~"1|1\\.0"}[{{.window}}]))`, slos[0].SLI.GoodQuery)

	s := availability()
	s.SLI = SLI{GoodQuery: `sum(rate(h_bucket{le="5"}[{{.window}}]))`, TotalQuery: `sum(rate(h_bucket{le="+Inf"}[{{.window}}]))`}
	assert.Equal(t, []string{`slos[0].sli.good: matches one spelling of a whole-number bucket only: le="5"`}, problems(t, s))
}
