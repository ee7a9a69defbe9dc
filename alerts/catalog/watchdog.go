package catalog

import (
	"github.com/vigilops/vigil/alerts"
)

const (
	// WatchdogAlert is the name of the alert that always fires.
	WatchdogAlert = "Watchdog"
	// WatchdogLabel is a label of the Watchdog alone, set to "true", on which
	// Alertmanager routes it to the dead man's switch receiver rather than to people.
	WatchdogLabel = "watchdog"
)

// watchdogGroup proves the whole path from Prometheus through Alertmanager to the
// receiver works: a dead man's switch outside it pages when the alert stops arriving.
func watchdogGroup(o Options) alerts.Group {
	return o.group("watchdog", []string{WatchdogLabel, "true"}, alert{
		name: WatchdogAlert, severity: alerts.Low,
		expr:    "vector(1)",
		summary: "The alerting pipeline is alive",
		description: "This alert always fires, so that a dead man's switch outside the monitoring stack " +
			"notices when Prometheus, Alertmanager or the way between them stops working.",
	})
}
