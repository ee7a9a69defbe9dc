package cloudwatch

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// parseRange reads a range written as in the CloudWatch User Guide: 0 a datapoint that
// does not breach, X one that does, - a missing one, oldest first.
func parseRange(t *testing.T, s string) []Datapoint {
	t.Helper()
	var out []Datapoint
	for _, c := range s {
		switch c {
		case '0':
			out = append(out, Datapoint{Value: 0})
		case 'X':
			out = append(out, Datapoint{Value: 10})
		case '-':
			out = append(out, Gap)
		case ' ':
		default:
			t.Fatalf("bad range %q", s)
		}
	}
	return out
}

// retain stands for "Retain current state" in the guide's tables.
const retain State = "retain"

// The two tables of "How alarm state is evaluated when data is missing", CloudWatch
// User Guide, "Using Amazon CloudWatch alarms"
// (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html#alarms-evaluating-missing-data),
// restated as data: 3 evaluation periods, 5 datapoints retrieved, threshold 3 units;
// first with 3 datapoints to alarm, then with 2 (an M out of N alarm).
var guideTables = []struct {
	datapointsToAlarm int
	rows              []struct {
		points, missingN                       string
		missing, ignore, breaching, notBreachg State
	}
}{
	{3, []struct {
		points, missingN                       string
		missing, ignore, breaching, notBreachg State
	}{
		{"0 - X - X", "2", StateOK, StateOK, StateOK, StateOK},
		{"0 - - - -", "4", StateOK, StateOK, StateOK, StateOK},
		{"- - - - -", "5", StateInsufficientData, retain, StateAlarm, StateOK},
		{"0 X X - X", "1", StateAlarm, StateAlarm, StateAlarm, StateAlarm},
		{"- - - - X", "4", StateInsufficientData, retain, StateAlarm, StateOK},
		{"X - - - -", "4", StateAlarm, retain, StateAlarm, StateOK},
	}},
	{2, []struct {
		points, missingN                       string
		missing, ignore, breaching, notBreachg State
	}{
		{"0 - X - X", "2", StateAlarm, StateAlarm, StateAlarm, StateAlarm},
		{"0 0 X 0 X", "0", StateAlarm, StateAlarm, StateAlarm, StateAlarm},
		{"0 - X - -", "3", StateOK, StateOK, StateAlarm, StateOK},
		{"- - - - 0", "4", StateOK, StateOK, StateAlarm, StateOK},
		{"- - - - X", "4", StateInsufficientData, retain, StateAlarm, StateOK},
	}},
}

func TestEvaluateRangeReproducesTheUserGuidesMissingDataTables(t *testing.T) {
	for _, table := range guideTables {
		for _, row := range table.rows {
			window := parseRange(t, row.points)
			require.Len(t, window, 5)
			gaps := 0
			for _, d := range window {
				if d.Missing {
					gaps++
				}
			}
			assert.Equal(t, row.missingN, fmt.Sprint(gaps), "the row's count of missing datapoints")
			for treat, want := range map[TreatMissing]State{
				Missing: row.missing, Ignore: row.ignore, Breaching: row.breaching, NotBreaching: row.notBreachg,
			} {
				a := Alarm{Threshold: 3, Comparison: GreaterThan, Period: 300, EvaluationPeriods: 3,
					DatapointsToAlarm: table.datapointsToAlarm, TreatMissingData: treat}
				require.Equal(t, 5, EvaluationRange(a), "the guide retrieves 5 datapoints for 3 periods")
				for _, current := range []State{StateOK, StateAlarm, StateInsufficientData} {
					expect := want
					if want == retain {
						expect = current
					}
					got := EvaluateRange(a, window, current)
					assert.Equal(t, expect, got, "%d of 3, %q, treat missing as %s, current state %s", table.datapointsToAlarm, row.points, treat, current)
				}
			}
		}
	}
}

var t0 = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

func TestEvaluateReplaysASeriesIntoStateChanges(t *testing.T) {
	// The guide's figure: threshold 3, 3 of 3: ALARM in the fifth period, OK in the
	// sixth, and a single breach in the ninth changes nothing.
	a := Alarm{Threshold: 3, Comparison: GreaterThan, Period: 60, EvaluationPeriods: 3}
	got := Evaluate(a, Values(t0, 1, 2, 4, 5, 4, 2, 1, 2, 4, 1))
	assert.Equal(t, []Transition{
		{At: t0.Add(1 * time.Minute), Slot: 0, From: StateInsufficientData, To: StateOK},
		{At: t0.Add(5 * time.Minute), Slot: 4, From: StateOK, To: StateAlarm},
		{At: t0.Add(6 * time.Minute), Slot: 5, From: StateAlarm, To: StateOK},
	}, got)
}

func TestEvaluateCountsMOutOfNNotNecessarilyConsecutive(t *testing.T) {
	a := Alarm{Threshold: 3, Comparison: GreaterThan, Period: 60, EvaluationPeriods: 5, DatapointsToAlarm: 3}
	got := Evaluate(a, Values(t0, 1, 5, 1, 5, 1, 5, 1, 1, 1, 1))
	require.Len(t, got, 3)
	assert.Equal(t, Transition{At: t0.Add(6 * time.Minute), Slot: 5, From: StateOK, To: StateAlarm}, got[1], "the third breach of five")
	assert.Equal(t, Transition{At: t0.Add(7 * time.Minute), Slot: 6, From: StateAlarm, To: StateOK}, got[2], "two breaches left in the last five")

	below := Evaluate(a, Values(t0, 1, 5, 1, 5, 1, 1, 5, 1, 1, 5))
	assert.Equal(t, []Transition{{At: t0.Add(time.Minute), Slot: 0, From: StateInsufficientData, To: StateOK}}, below, "never three breaches in five")
}

func TestEvaluateTreatsAGapAfterAnOutageAsTheSettingSays(t *testing.T) {
	series := Series{Start: t0, Points: []Datapoint{{Value: 1}, {Value: 1}, {Value: 1}, Gap, Gap, Gap, Gap, Gap, Gap}}
	cases := map[TreatMissing]State{Breaching: StateAlarm, NotBreaching: StateOK, Ignore: StateOK, Missing: StateInsufficientData}
	for treat, want := range cases {
		a := Alarm{Threshold: 3, Comparison: GreaterThan, Period: 60, EvaluationPeriods: 2, TreatMissingData: treat}
		ts := Evaluate(a, series)
		require.NotEmpty(t, ts)
		assert.Equal(t, want, ts[len(ts)-1].To, "treat missing as %s", treat)
	}
}

func TestBreachesComparesWithTheThresholdOrTheBand(t *testing.T) {
	cases := []struct {
		cmp  Comparison
		v    float64
		want bool
	}{
		{GreaterThan, 80, false}, {GreaterThan, 80.001, true},
		{GreaterThanOrEqual, 80, true}, {GreaterThanOrEqual, 79.999, false},
		{LessThan, 80, false}, {LessThan, 79.999, true},
		{LessThanOrEqual, 80, true}, {LessThanOrEqual, 80.001, false},
	}
	for _, c := range cases {
		assert.Equal(t, c.want, Breaches(Alarm{Comparison: c.cmp, Threshold: 80}, Datapoint{Value: c.v}), "%v %s 80", c.v, c.cmp)
	}
	band := Datapoint{Lower: 10, Upper: 20}
	for _, c := range []struct {
		cmp  Comparison
		v    float64
		want bool
	}{
		{AboveBand, 20, false}, {AboveBand, 21, true}, {AboveBand, 5, false},
		{BelowBand, 10, false}, {BelowBand, 9, true}, {BelowBand, 25, false},
		{OutsideBand, 15, false}, {OutsideBand, 9, true}, {OutsideBand, 21, true},
	} {
		d := band
		d.Value = c.v
		assert.Equal(t, c.want, Breaches(Alarm{Comparison: c.cmp, ThresholdMetricID: "ad1"}, d), "%v %s [10, 20]", c.v, c.cmp)
	}
}

// A day of one-minute datapoints through a 3 of 5 alarm: go test -bench Evaluate.
func BenchmarkEvaluateADayOfMinutes(b *testing.B) {
	a := Alarm{Threshold: 3, Comparison: GreaterThan, Period: 60, EvaluationPeriods: 5, DatapointsToAlarm: 3}
	s := Series{Start: t0}
	for k := 0; k < 1440; k++ {
		d := Datapoint{Value: float64(k % 7)}
		if k%11 == 0 {
			d = Gap
		}
		s.Points = append(s.Points, d)
	}
	b.ResetTimer()
	for b.Loop() {
		Evaluate(a, s)
	}
}
