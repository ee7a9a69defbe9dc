package cloudwatch

import (
	"fmt"
	"strings"
	"time"
)

// DetectionTime is the worst-case time from the start of a breach to the alarm's
// ALARM state, when its SNS notification is sent. The breach is taken to last, and
// the metric to report every period.
//
// The alarm fires at the evaluation after the M-th breaching period closes. A breach
// that starts just after a period began may leave that period's datapoint within the
// threshold, so M more periods must close: (M+1) x Period. An extremal statistic is
// the exception: the Maximum of a period above a threshold, or its Minimum below it,
// breaches as soon as one sample in the period does, so M x Period. SourceDelay (a
// health check's failed probes) comes first. Not counted: the delay with which the
// service publishes the metric (usually under a minute for AWS metrics) and SNS's
// delivery.
//
// An alarm SilentWhenBroken may instead see the breach as missing data. CloudWatch
// then evaluates the last present datapoints while they are in the evaluation range,
// and fills in only the missing ones it needs: the alarm fires once fewer than N-M+1
// present datapoints are left in the range. With a last, good datapoint just after
// the failure, that is (range - N + M + 1) x Period; the larger of the two counts.
func DetectionTime(a Alarm) time.Duration {
	periods := a.Datapoints()
	if !extremal(a) {
		periods++
	}
	if a.SilentWhenBroken && a.TreatMissingData == Breaching {
		periods = max(periods, EvaluationRange(a)-a.EvaluationPeriods+a.Datapoints()+1)
	}
	return a.SourceDelay + time.Duration(periods*a.Period)*time.Second
}

// extremal reports whether one breaching sample makes the period's datapoint breach.
func extremal(a Alarm) bool {
	if len(a.Metrics) > 0 {
		return false
	}
	switch a.Comparison {
	case GreaterThan, GreaterThanOrEqual:
		return a.Statistic == "Maximum"
	case LessThan, LessThanOrEqual:
		return a.Statistic == "Minimum"
	}
	return false
}

// CompositeDetectionTime is the worst case of a composite alarm: it changes with its
// first child, so it is the longest detection time among its children (for the
// symptom that comes alone).
func CompositeDetectionTime(c CompositeAlarm, alarms []Alarm) time.Duration {
	var worst time.Duration
	for _, a := range alarms {
		for _, child := range c.Children {
			if a.Name == child {
				worst = max(worst, DetectionTime(a))
			}
		}
	}
	return worst
}

// DetectionReport lists, for every alarm of the set, its severity, whom it notifies
// and its worst-case time from breach to notification, one alarm a line, as `vigil
// plan --out` writes it.
func DetectionReport(s Set) string {
	var b strings.Builder
	b.WriteString("# CloudWatch alarms: worst-case time from the start of a breach to notification\n")
	b.WriteString("# (DetectionTime: the M-th breaching period, plus one for a breach that starts mid-period,\n")
	b.WriteString("# or the periods until a metric that goes silent is filled in; plus a health check's failed\n")
	b.WriteString("# probes; the metric's publishing delay is not counted)\n")
	fmt.Fprintf(&b, "%-60s %-9s %-10s %s\n", "alarm", "severity", "detection", "condition")
	for _, a := range s.Alarms {
		note := ""
		if a.Quiet {
			note = " [quiet: notifies through its service's composite]"
		}
		fmt.Fprintf(&b, "%-60s %-9s %-10s %s%s\n", a.Name, a.Severity, Duration(DetectionTime(a)), Condition(a), note)
	}
	for _, c := range s.Composites {
		fmt.Fprintf(&b, "%-60s %-9s %-10s ALARM when any of %d alarms is (%s)\n", c.Name, c.Severity, Duration(CompositeDetectionTime(c, s.Alarms)), len(c.Children), strings.Join(c.Children, ", "))
	}
	return b.String()
}
