package cloudwatch

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// raw builds a series from values; NaN-free, with gaps written as -1.
func raw(values ...float64) Series {
	s := Series{Start: t0}
	for _, v := range values {
		if v < 0 {
			s.Points = append(s.Points, Gap)
		} else {
			s.Points = append(s.Points, Datapoint{Value: v})
		}
	}
	return s
}

func values(s Series) []any {
	var out []any
	for _, d := range s.Points {
		if d.Missing {
			out = append(out, "-")
		} else {
			out = append(out, d.Value)
		}
	}
	return out
}

func TestTheErrorRateIsGuardedAgainstLowTraffic(t *testing.T) {
	rate := bySlug(buildSample(t))["lb-target-5xx-rate"]
	got, err := Compute(rate, map[string]Series{
		// 1 of 2 requests failing is below the traffic guard; no 5xx datapoint means 0
		// errors; no request at all is no datapoint; 6 of 100 is 6 %.
		"errors":   raw(1, -1, -1, 6, 5, 0),
		"requests": raw(2, 100, -1, 100, 100, 10),
	})
	require.NoError(t, err)
	assert.Equal(t, []any{0.0, 0.0, "-", 6.0, 5.0, 0.0}, values(got))
}

func TestRawMetricsReplayedThroughMathAlarms(t *testing.T) {
	alarms := bySlug(buildSample(t))
	t.Run("a 6 % error rate for 3 minutes fires, 5 % does not", func(t *testing.T) {
		rate := alarms["lb-target-5xx-rate"]
		fires, err := Compute(rate, map[string]Series{"errors": raw(0, 0, 6, 6, 6, 0), "requests": raw(100, 100, 100, 100, 100, 100)})
		require.NoError(t, err)
		ts := Evaluate(rate, fires)
		require.Len(t, ts, 3)
		assert.Equal(t, Transition{At: t0.Add(5 * 60e9), Slot: 4, From: StateOK, To: StateAlarm}, ts[1])

		quiet, err := Compute(rate, map[string]Series{"errors": raw(5, 5, 5, 5, 5), "requests": raw(100, 100, 100, 100, 100)})
		require.NoError(t, err)
		assert.Len(t, Evaluate(rate, quiet), 1, "exactly 5 % is not above 5 %")

		lowTraffic, err := Compute(rate, map[string]Series{"errors": raw(5, 5, 5, 5, 5), "requests": raw(9, 9, 9, 9, 9)})
		require.NoError(t, err)
		assert.Len(t, Evaluate(rate, lowTraffic), 1, "55 % of 9 requests a minute is under the guard")
	})
	t.Run("CPU used over reserved", func(t *testing.T) {
		cpu := alarms["ecs-cpu-high"]
		got, err := Compute(cpu, map[string]Series{"used": raw(400, 410, 0), "reserved": raw(512, 512, 0)})
		require.NoError(t, err)
		assert.Equal(t, []any{78.125, 80.078125, "-"}, values(got), "a division by zero is a gap")
	})
	t.Run("tasks missing", func(t *testing.T) {
		tasks := alarms["ecs-tasks-below-desired"]
		got, err := Compute(tasks, map[string]Series{"running": raw(2, 1, -1), "desired": raw(2, 2, 2)})
		require.NoError(t, err)
		assert.Equal(t, []any{0.0, 1.0, "-"}, values(got))
	})
}

func TestComputeRefusesWhatItCannotEvaluate(t *testing.T) {
	a := okMath()
	a.Metrics[2].Expression = "ANOMALY_DETECTION_BAND(errors, 2)"
	_, err := Compute(a, map[string]Series{"errors": raw(1), "requests": raw(1)})
	assert.EqualError(t, err, `metric math "ANOMALY_DETECTION_BAND" is not supported by Compute`)

	a = okMath()
	_, err = Compute(a, map[string]Series{"errors": raw(1, 2), "requests": raw(1)})
	assert.ErrorContains(t, err, "points")
	_, err = Compute(a, map[string]Series{"errs": raw(1)})
	assert.EqualError(t, err, `no line "errs" in alarm vigil-prod-api-ecs-cpu-high`)

	a.Metrics[2].Expression = "IF(requests >= 1, errors"
	_, err = Compute(a, map[string]Series{"errors": raw(1), "requests": raw(1)})
	assert.EqualError(t, err, `expected ")", got ""`)
}
