package catalog

import (
	"fmt"
	"math"
	"time"
)

// notMeasuredFor is how long a group may go unmeasured before its "down or absent"
// alert fires: long enough for an exporter to restart, short enough that nobody
// trusts a silent group for long.
const notMeasuredFor = 5 * time.Minute

// downOrAbsent renders the condition of a group's "is it even measured" alert, on the
// group's health gauge (an exporter's own up, Prometheus's up, probe_success), which is
// 1 while the thing is seen and 0 when not:
//
//   - one element per instance whose gauge is 0 (the exporter runs but cannot reach
//     its server, the host's scrape fails, the probe fails), labelled instance;
//   - one element without labels when no series of the gauge matches at all (the
//     exporter died and its series went stale, discovery lost it, the selector or
//     metric name is wrong), which a plain comparison would never see.
//
// Both elements have the value 0. The second part is empty whenever any series
// exists, so the two never overlap.
func downOrAbsent(health string) string {
	return fmt.Sprintf("min by (instance) (%s) == 0 or (count(%s) or vector(0)) == 0", health, health)
}

// absentOnly renders a condition that holds when no series of metric matches.
func absentOnly(metric string) string {
	return fmt.Sprintf("(count(%s) or vector(0)) == 0", metric)
}

// minimumTraffic is the default of a minimum-traffic guard: the smallest count of
// requests (or messages) at which one failure alone is not above percent, and at
// least 20.
func minimumTraffic(percent float64) int {
	return max(20, int(math.Ceil(100/percent)))
}

// enoughTraffic renders the guard of a failure-share alert: at least n of counter
// (all requests or messages, failed or not) over the rate window.
func (o Options) enoughTraffic(counter string, sel selector, n int) string {
	return fmt.Sprintf("sum(increase(%s[%s])) >= %d", sel.metric(counter), dur(o.RateWindow), n)
}

// instanceOrAll renders a description that reads one way for an alert about one
// instance and another for the alert about the whole group (no instance label).
func instanceOrAll(one, all string) string {
	return "{{ if $labels.instance }}" + one + "{{ else }}" + all + "{{ end }}"
}
