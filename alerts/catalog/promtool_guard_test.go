package catalog

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/vigilops/vigil/internal/promtest"
)

// guardCase is traffic of one failure-share alert: it fires from firingAt (every
// minute checked up to minute 19), or never when firingAt is 0.
type guardCase struct {
	alert    string
	input    []promtest.Series
	firingAt int
	want     promtest.ExpectedAlert
}

func (c guardCase) test(name string) promtest.Test {
	var checks []promtest.AlertTest
	for m := 1; m < 20; m++ {
		at := promtest.AlertTest{EvalTime: promtest.D(minutes(m)), AlertName: c.alert}
		if c.firingAt > 0 && m >= c.firingAt {
			at.Expected = []promtest.ExpectedAlert{c.want}
		}
		checks = append(checks, at)
	}
	return promtest.Test{Name: name, Interval: promtest.D(time.Minute), InputSeries: c.input, AlertTests: checks}
}

// The minimum-traffic guards of the estate take their defaults: at least 20 requests
// (api, at 5%) and 20 processed messages (emails, at 10%) over the 5m rate window. A
// counter growing by n a minute from 0 at t=0 has increased by exactly 5n over the
// window from minute 5 on (promtool 2.42 does not extrapolate below a first 0), so
// 4 a minute is exactly the minimum and 3.8 a minute is just under it.
func TestFailureShareAlertsNeedTheMinimumTraffic(t *testing.T) {
	rules := buildEstate(t).YAML()
	requests := func(ok, failed float64) []promtest.Series {
		return []promtest.Series{
			series(`http_requests_total{instance="10.0.0.1:8080",job="api",code="200"}`, counter(step{20, ok})),
			series(`http_requests_total{instance="10.0.0.1:8080",job="api",code="500"}`, counter(step{20, failed})),
		}
	}
	messages := func(processed, failed float64) []promtest.Series {
		return []promtest.Series{
			series(`queue_messages_processed_total{instance="worker-1:9000",queue="emails"}`, counter(step{20, processed})),
			series(`queue_messages_failed_total{instance="worker-1:9000",queue="emails"}`, counter(step{20, failed})),
		}
	}
	// One request (or message) at minute 6, and it failed.
	once := counter(step{5, 0}, step{1, 1}, step{14, 0})
	apiFiring := firing("HighErrorRate", "api fails more than 5% of its requests",
		"25% of the requests to api failed over the last 5m (at least 20 requests); the share has been above 5% for 3m.",
		"service", "api", "severity", "high")
	queueFiring := firing("HighQueueFailureRate", "More than 10% of the messages of emails fail",
		"25% of the messages processed from emails over the last 5m (at least 20) failed; the share has been above 10% for 5m.",
		"queue", "emails", "service", "emails", "severity", "high")

	cases := map[string]guardCase{
		"One failed request out of one does not fire HighErrorRate.": {
			alert: "HighErrorRate",
			input: []promtest.Series{series(`http_requests_total{instance="10.0.0.1:8080",job="api",code="500"}`, once)},
		},
		"Nineteen requests in 5m, a quarter of them failing, do not fire HighErrorRate.": {
			alert: "HighErrorRate", input: requests(2.8, 1),
		},
		"Twenty requests in 5m, a quarter of them failing, fire HighErrorRate after 3m.": {
			// The condition holds from minute 5, when the window first holds 20.
			alert: "HighErrorRate", input: requests(3, 1), firingAt: 8, want: apiFiring,
		},
		// A single failed message cannot hold the share up for HighQueueFailureRate's 5m,
		// so the queue's case is a trickle: one message a minute, every one failing.
		"Five messages in 5m, every one failing, do not fire HighQueueFailureRate.": {
			alert: "HighQueueFailureRate", input: messages(1, 1),
		},
		"Nineteen messages in 5m, a quarter of them failing, do not fire HighQueueFailureRate.": {
			alert: "HighQueueFailureRate", input: messages(3.8, 0.95),
		},
		"Twenty messages in 5m, a quarter of them failing, fire HighQueueFailureRate after 5m.": {
			alert: "HighQueueFailureRate", input: messages(4, 1), firingAt: 10, want: queueFiring,
		},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			test := c.test(name)
			out, err := promtest.Run(t, rules, promtest.File{Tests: []promtest.Test{test}})
			require.NoError(t, err, "promtool test rules:\n%s", out)
		})
	}
}

// Without the guard, the same handful of requests would fire: the share alone is far
// above the threshold, so the guard is what keeps the alert quiet.
func TestTheShareAloneIsAboveTheThresholdWhereTheGuardKeepsQuiet(t *testing.T) {
	rules := buildEstate(t).YAML()
	out, err := promtest.Run(t, rules, promtest.File{Tests: []promtest.Test{{
		Name:     "One failed request out of one is a 100% share, and 19 requests a 26% share.",
		Interval: promtest.D(time.Minute),
		InputSeries: []promtest.Series{
			series(`http_requests_total{job="api",code="500"}`, counter(step{5, 0}, step{1, 1}, step{14, 0})),
			series(`http_requests_total{job="api",code="200",instance="b"}`, counter(step{20, 2.8})),
			series(`http_requests_total{job="api",code="500",instance="b"}`, counter(step{20, 1})),
		},
		ExprTests: []promtest.ExprTest{
			{Expr: `round(100 * sum(rate(http_requests_total{job="api",code=~"5..",instance=""}[5m])) / sum(rate(http_requests_total{job="api",instance=""}[5m])))`,
				EvalTime: promtest.D(minutes(8)), Expected: []promtest.ExpectedSample{{Labels: "{}", Value: 100}}},
			{Expr: `round(100 * sum(rate(http_requests_total{job="api",code=~"5..",instance="b"}[5m])) / sum(rate(http_requests_total{job="api",instance="b"}[5m])))`,
				EvalTime: promtest.D(minutes(8)), Expected: []promtest.ExpectedSample{{Labels: "{}", Value: 26}}},
			{Expr: `round(sum(increase(http_requests_total{job="api",instance="b"}[5m])))`,
				EvalTime: promtest.D(minutes(8)), Expected: []promtest.ExpectedSample{{Labels: "{}", Value: 19}}},
		},
	}}})
	require.NoError(t, err, "promtool test rules:\n%s", out)
}
