// Package message turns what reaches vigil's severity topics into a typed
// Notification: CloudWatch metric and composite alarm state changes, the groups that
// vigil's Alertmanager publishes with its SNS template (alerts/routing), and plain
// text. Anything it does not recognise is kept as it came (KindUnknown), so the
// notifier forwards it rather than dropping it. It is pure Go: no I/O, no AWS SDK.
package message

import (
	"time"

	"github.com/vigilops/vigil/alerts/severity"
)

// Kind says what sent a notification.
type Kind string

const (
	// KindMetricAlarm is a CloudWatch metric alarm (single metric or metric math)
	// changing state.
	KindMetricAlarm Kind = "cloudwatch-metric-alarm"
	// KindCompositeAlarm is a CloudWatch composite alarm changing state.
	KindCompositeAlarm Kind = "cloudwatch-composite-alarm"
	// KindAlertmanager is a group of Prometheus alerts that vigil's Alertmanager
	// published with the SNS template of alerts/routing.
	KindAlertmanager Kind = "alertmanager"
	// KindText is a message that is not JSON, published by a person or a script.
	KindText Kind = "text"
	// KindUnknown is JSON of a shape this package does not know: forwarded raw.
	KindUnknown Kind = "unknown"
)

// Status is where a notification leaves the thing it is about.
type Status string

const (
	// StatusFiring: a CloudWatch alarm in ALARM, or an Alertmanager group with at
	// least one firing alert.
	StatusFiring Status = "firing"
	// StatusResolved: a CloudWatch alarm back to OK, or a group whose alerts are all
	// resolved. Sent as a recovery.
	StatusResolved Status = "resolved"
	// StatusInsufficientData: a CloudWatch alarm in INSUFFICIENT_DATA, which usually
	// means the metric stopped arriving.
	StatusInsufficientData Status = "insufficient-data"
	// StatusInfo: text and unknown messages, which carry no state.
	StatusInfo Status = "info"
)

// Severity is one of vigil's four severities, or "" when the message and its topic
// name none: alerts/severity, which imports nothing, so the Lambda does not link
// Prometheus's packages as alerts would.
type Severity = severity.Severity

// The severities.
const (
	Critical = severity.Critical
	High     = severity.High
	Medium   = severity.Medium
	Low      = severity.Low
)

// Severities lists every severity, most urgent first.
func Severities() []Severity { return severity.All() }

// Record is one SNS message as it reaches a subscribed Lambda (the Sns object of an
// SNS event record), reduced to what the parser reads.
type Record struct {
	// MessageID is SNS's id of the message.
	MessageID string
	// TopicArn is the topic it was published to, such as
	// arn:aws:sns:eu-west-1:123456789012:team-prod-critical. Its last hyphenated word
	// names the severity when the message does not.
	TopicArn string
	// Subject is the optional subject (at most 100 printable ASCII characters).
	Subject string
	// Message is the body: JSON from CloudWatch, text from Alertmanager or people.
	Message string
	// Timestamp is when SNS accepted the message.
	Timestamp time.Time
	// Attributes are the message attributes with a string value. Alertmanager sets
	// "truncated" to "true" when it cut a message at SNS's 256 KiB.
	Attributes map[string]string
}

// Notification is one message, parsed.
type Notification struct {
	Kind   Kind
	Status Status
	// Severity comes from the alerts' labels, else from the topic's name.
	Severity Severity
	// Title says what fired: the alarm's name, or the group's alertname.
	Title string
	// Summary is one line on why: the alarm's state reason, the alert's summary.
	Summary string
	// Environment and Service locate it; empty when the message does not say (the
	// notifier then fills Environment from its own configuration).
	Environment string
	Service     string
	// Time is when the state changed (CloudWatch), when the newest alert started or
	// ended (Alertmanager), else when SNS received the message.
	Time time.Time
	// Alarm is set for the CloudWatch kinds.
	Alarm *Alarm
	// Alerts are the alerts of an Alertmanager group, in the order sent, with the
	// counts of the message's first line.
	Alerts   []Alert
	Firing   int
	Resolved int
	// Truncated is true when the sender cut the message (Alertmanager's "truncated"
	// attribute): some alerts of the group are missing.
	Truncated bool
	// Raw is the message as received, for text and unknown kinds and for the generic
	// webhook.
	Raw string
	// Source is the SNS record's envelope.
	Source Source
}

// Source is where a notification came from.
type Source struct {
	TopicArn  string
	MessageID string
	Subject   string
}

// Alarm is a CloudWatch alarm's state change, as CloudWatch publishes it to SNS.
type Alarm struct {
	Name        string
	Description string
	AccountID   string
	// Region is the code from the ARN (eu-west-1); RegionName is the display name
	// CloudWatch puts in the message ("EU (Ireland)").
	Region     string
	RegionName string
	ARN        string
	// State and OldState are ALARM, OK or INSUFFICIENT_DATA.
	State    string
	OldState string
	Reason   string
	// Metric is set for metric alarms.
	Metric *Metric
	// Value is the newest datapoint quoted in the state reason, when it quotes one.
	Value *float64
	// Rule and Children are set for composite alarms.
	Rule     string
	Children []Child
	// RunbookURL comes from a "runbook: <url>" (or runbook_url:) line of the
	// alarm's description.
	RunbookURL string
}

// Metric is what a metric alarm watches (the message's Trigger).
type Metric struct {
	Namespace  string
	Name       string
	Dimensions []Dimension
	// Statistic is Average, Sum, ... or an extended statistic such as p99.
	Statistic         string
	Unit              string
	PeriodSeconds     int
	EvaluationPeriods int
	DatapointsToAlarm int
	// Comparison is CloudWatch's operator, such as GreaterThanThreshold.
	Comparison string
	// Threshold is nil for anomaly-detection alarms, whose band is a metric.
	Threshold        *float64
	TreatMissingData string
	// Expression is the returned expression of a metric-math alarm.
	Expression string
}

// Dimension is a metric dimension.
type Dimension struct{ Name, Value string }

// Child is a child alarm that changed the state of a composite alarm.
type Child struct {
	ARN   string
	Name  string
	State string
	Time  time.Time
}

// Alert is one Prometheus alert of an Alertmanager group.
type Alert struct {
	// Status is firing or resolved.
	Status      Status
	Name        string
	Severity    Severity
	Service     string
	Environment string
	Summary     string
	Description string
	RunbookURL  string
	StartsAt    time.Time
	// EndsAt is set for resolved alerts.
	EndsAt time.Time
}
