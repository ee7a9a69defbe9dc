// Package alerts generates what Prometheus and Alertmanager need to watch a team's
// services, and names the severities that both CloudWatch alarms and Prometheus alerts
// use. It is pure Go (no Pulumi, no I/O), so other modules can import it alone.
package alerts

import "github.com/vigilops/vigil/alerts/severity"

// Severity says how urgently a human must act on an alert (alerts/severity, which
// the notifier shares without linking Prometheus).
type Severity = severity.Severity

// The four severities.
const (
	Critical = severity.Critical
	High     = severity.High
	Medium   = severity.Medium
	Low      = severity.Low
)

// Severities lists every severity, most urgent first. Iterate over it rather than over
// a map so that generated names and files come out in a stable order.
func Severities() []Severity { return severity.All() }
