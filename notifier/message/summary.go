package message

import "time"

// Summary is the daily status summary a chat channel gets (seed 002's "daily status
// summary" and "daily error summary"): what is in ALARM now, what fired and
// recovered in the window, and the uptime of each service.
type Summary struct {
	// Environment is the stack's environment, such as prod.
	Environment string
	// From and To bound the window, normally the last 24 hours.
	From, To time.Time
	// Region is where the alarms live, for console links.
	Region string
	// InAlarm are the alarms in ALARM at To, most severe first.
	InAlarm []AlarmState
	// Events are the alarms that went to ALARM in the window, in time order, each
	// with when it recovered (zero when it has not).
	Events []AlarmEvent
	// Uptime is the share of the window each service was up, by service name order.
	Uptime []Uptime
}

// AlarmState is an alarm as it stands.
type AlarmState struct {
	Name     string
	Service  string
	Severity Severity
	// Since is when it entered its state.
	Since  time.Time
	Reason string
}

// AlarmEvent is one time an alarm fired.
type AlarmEvent struct {
	Name     string
	Service  string
	Severity Severity
	FiredAt  time.Time
	// RecoveredAt is zero when the alarm has not recovered within the window.
	RecoveredAt time.Time
}

// Uptime is how long a service was up in the window.
type Uptime struct {
	Service string
	// Percent is between 0 and 100.
	Percent float64
	// Down is how long it was down.
	Down time.Duration
}
