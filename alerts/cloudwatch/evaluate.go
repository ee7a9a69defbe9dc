package cloudwatch

import (
	"time"
)

// State is the state of an alarm.
type State string

// The three alarm states.
const (
	StateOK               State = "OK"
	StateAlarm            State = "ALARM"
	StateInsufficientData State = "INSUFFICIENT_DATA"
)

// Datapoint is the value of one period of the alarm's metric (or of its returned
// metric-math line), or a gap.
type Datapoint struct {
	Value float64
	// Missing marks a period without data.
	Missing bool
	// Lower and Upper are the anomaly-detection band of the period, for alarms with a
	// ThresholdMetricID.
	Lower, Upper float64
}

// Gap is a missing datapoint.
var Gap = Datapoint{Missing: true}

// Series is a metric's datapoints, one a period, the first covering
// [Start, Start+Period).
type Series struct {
	Start  time.Time
	Points []Datapoint
}

// Values returns a series of present datapoints; NaN is not used for gaps, use Gap.
func Values(start time.Time, values ...float64) Series {
	s := Series{Start: start}
	for _, v := range values {
		s.Points = append(s.Points, Datapoint{Value: v})
	}
	return s
}

// Transition is a change of the alarm's state, at the evaluation after the period
// Slot of the series closed.
type Transition struct {
	At       time.Time
	Slot     int
	From, To State
}

// EvaluationRange is how many of the most recent periods CloudWatch retrieves at each
// evaluation. AWS does not publish the rule; its documented examples retrieve 5
// datapoints for 3 evaluation periods, so vigil takes EvaluationPeriods + 2.
func EvaluationRange(a Alarm) int { return a.EvaluationPeriods + 2 }

// Breaches reports whether a present datapoint breaches the alarm's threshold, or
// its band for an anomaly-detection alarm.
func Breaches(a Alarm, d Datapoint) bool {
	switch a.Comparison {
	case GreaterThan:
		return d.Value > a.Threshold
	case GreaterThanOrEqual:
		return d.Value >= a.Threshold
	case LessThan:
		return d.Value < a.Threshold
	case LessThanOrEqual:
		return d.Value <= a.Threshold
	case AboveBand:
		return d.Value > d.Upper
	case BelowBand:
		return d.Value < d.Lower
	case OutsideBand:
		return d.Value > d.Upper || d.Value < d.Lower
	}
	return false
}

// Evaluate replays the series against the alarm, evaluating once after each period
// closes, starting from INSUFFICIENT_DATA with no data before the series, and returns
// every change of state.
func Evaluate(a Alarm, s Series) []Transition {
	r := EvaluationRange(a)
	period := time.Duration(a.Period) * time.Second
	state := StateInsufficientData
	var out []Transition
	window := make([]Datapoint, r)
	for i := range s.Points {
		for j := 0; j < r; j++ {
			k := i - r + 1 + j
			if k < 0 {
				window[j] = Gap
			} else {
				window[j] = s.Points[k]
			}
		}
		next := EvaluateRange(a, window, state)
		if next != state {
			out = append(out, Transition{At: s.Start.Add(time.Duration(i+1) * period), Slot: i, From: state, To: next})
			state = next
		}
	}
	return out
}

// EvaluateRange is one evaluation: window holds the evaluation range, oldest first,
// and current is the alarm's state before it. It follows "How alarm state is
// evaluated when data is missing" in the CloudWatch User Guide
// (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html#alarms-evaluating-missing-data):
//   - with at least N present datapoints in the range, the N most recent present
//     ones are evaluated and the missing-data setting is not used;
//   - with fewer, every present datapoint is evaluated, and the most recent missing
//     periods fill the N, as few as possible, treated as the setting says;
//   - ALARM when at least M of the N breach, else OK, except that a missing or
//     ignored filler gives no verdict: with "missing", a range with no datapoint is
//     INSUFFICIENT_DATA, and one whose present datapoints all breach but are fewer
//     than M is ALARM only when the oldest evaluated datapoint is a present one (the
//     guide's sixth example), else INSUFFICIENT_DATA; with "ignore", those cases keep
//     the current state.
func EvaluateRange(a Alarm, window []Datapoint, current State) State {
	n, m := a.EvaluationPeriods, a.Datapoints()
	var present []int // indexes into window, newest first
	for j := len(window) - 1; j >= 0; j-- {
		if !window[j].Missing {
			present = append(present, j)
		}
	}
	verdict := func(breaching int) State {
		if breaching >= m {
			return StateAlarm
		}
		return StateOK
	}
	if len(present) >= n {
		b := 0
		for _, j := range present[:n] {
			if Breaches(a, window[j]) {
				b++
			}
		}
		return verdict(b)
	}

	fills := n - len(present)
	breaching, good := 0, 0
	oldestPresent := len(window)
	for _, j := range present {
		if Breaches(a, window[j]) {
			breaching++
		} else {
			good++
		}
		oldestPresent = min(oldestPresent, j)
	}
	// The fillers are the most recent missing periods.
	oldestFill := len(window)
	left := fills
	for j := len(window) - 1; j >= 0 && left > 0; j-- {
		if window[j].Missing {
			oldestFill = j
			left--
		}
	}
	switch a.TreatMissingData.OrDefault() {
	case Breaching:
		return verdict(breaching + fills)
	case NotBreaching:
		return verdict(breaching)
	}
	if breaching >= m {
		return StateAlarm
	}
	if good > 0 {
		return StateOK
	}
	if a.TreatMissingData.OrDefault() == Ignore {
		return current
	}
	if breaching > 0 && oldestPresent < oldestFill {
		return StateAlarm
	}
	return StateInsufficientData
}
