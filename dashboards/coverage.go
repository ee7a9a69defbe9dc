package dashboards

import (
	"sort"

	"github.com/vigilops/vigil/alerts/cloudwatch"
)

// Uncovered returns, sorted, the names of the alarms of set (metric and composite)
// that no alarm status widget of the dashboards shows: alarms someone would have to
// find in the console. A plan lists them; nothing anchors this, so it is checked
// here rather than trusted.
func Uncovered(set cloudwatch.Set, dashboards ...CloudWatchDashboard) []string {
	shown := map[string]bool{}
	for _, d := range dashboards {
		for _, n := range d.Body.alarmNames() {
			shown[n] = true
		}
	}
	var out []string
	for _, a := range set.Alarms {
		if !shown[a.Name] {
			out = append(out, a.Name)
		}
	}
	for _, c := range set.Composites {
		if !shown[c.Name] {
			out = append(out, c.Name)
		}
	}
	sort.Strings(out)
	return out
}
