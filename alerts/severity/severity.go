// Package severity names vigil's four severities. It imports nothing, so that what
// must stay small (the notifier Lambda) can share them with alerts without linking
// Prometheus's packages; alerts.Severity is this type.
package severity

// Severity says how urgently a human must act on an alert. The same four severities
// name the SNS topics, label the Prometheus alerts and drive Alertmanager's routes.
type Severity string

const (
	// Critical: an outage or a risk of data loss; act now.
	Critical Severity = "critical"
	// High: the service is degraded; act urgently.
	High Severity = "high"
	// Medium: needs attention within business hours.
	Medium Severity = "medium"
	// Low: informational.
	Low Severity = "low"
)

// All lists every severity, most urgent first. Iterate over it rather than over a map
// so that generated names and files come out in a stable order.
func All() []Severity { return []Severity{Critical, High, Medium, Low} }

// Valid reports whether s is one of the four severities.
func (s Severity) Valid() bool {
	switch s {
	case Critical, High, Medium, Low:
		return true
	}
	return false
}

func (s Severity) String() string { return string(s) }
