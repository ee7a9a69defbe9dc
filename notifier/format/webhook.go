package format

import (
	"time"

	"github.com/vigilops/vigil/notifier/message"
)

// WebhookBody is the generic JSON a webhook target receives: version 1 of vigil's
// notification schema. Fields that do not apply are left out.
type WebhookBody struct {
	// Version is 1.
	Version int `json:"version"`
	// Type is "notification", or "summary" for the daily summary (then only Summary
	// and Links are set besides).
	Type string `json:"type"`
	// Kind is the message kind (cloudwatch-metric-alarm, cloudwatch-composite-alarm,
	// alertmanager, text, unknown); Status is firing, resolved, insufficient-data or
	// info.
	Kind        string `json:"kind,omitempty"`
	Status      string `json:"status,omitempty"`
	Severity    string `json:"severity,omitempty"`
	Colour      string `json:"colour"`
	Title       string `json:"title"`
	Summary     string `json:"summary,omitempty"`
	Environment string `json:"environment,omitempty"`
	Service     string `json:"service,omitempty"`
	// Time is RFC 3339 in UTC.
	Time  string        `json:"time,omitempty"`
	Alarm *WebhookAlarm `json:"alarm,omitempty"`
	// Alerts are the group's alerts; AlertsOmitted counts those left out to stay
	// within 256 KiB. Firing and Resolved are the group's counts.
	Alerts        []WebhookAlert  `json:"alerts,omitempty"`
	AlertsOmitted int             `json:"alertsOmitted,omitempty"`
	Firing        int             `json:"firing,omitempty"`
	Resolved      int             `json:"resolved,omitempty"`
	Truncated     bool            `json:"truncated,omitempty"`
	Raw           string          `json:"raw,omitempty"`
	Links         []WebhookLink   `json:"links,omitempty"`
	Source        *WebhookSource  `json:"source,omitempty"`
	DailySummary  *WebhookSummary `json:"dailySummary,omitempty"`
}

// WebhookAlarm is a CloudWatch alarm's state change.
type WebhookAlarm struct {
	Name       string   `json:"name"`
	ARN        string   `json:"arn,omitempty"`
	Region     string   `json:"region,omitempty"`
	AccountID  string   `json:"accountId,omitempty"`
	State      string   `json:"state"`
	OldState   string   `json:"oldState,omitempty"`
	Reason     string   `json:"reason,omitempty"`
	Value      *float64 `json:"value,omitempty"`
	Threshold  *float64 `json:"threshold,omitempty"`
	Comparison string   `json:"comparison,omitempty"`
	Namespace  string   `json:"namespace,omitempty"`
	Metric     string   `json:"metric,omitempty"`
	Expression string   `json:"expression,omitempty"`
	Rule       string   `json:"rule,omitempty"`
	Children   []string `json:"children,omitempty"`
	RunbookURL string   `json:"runbookUrl,omitempty"`
}

// WebhookAlert is one Prometheus alert.
type WebhookAlert struct {
	Status      string `json:"status"`
	Name        string `json:"name"`
	Severity    string `json:"severity,omitempty"`
	Service     string `json:"service,omitempty"`
	Environment string `json:"environment,omitempty"`
	Summary     string `json:"summary,omitempty"`
	Description string `json:"description,omitempty"`
	RunbookURL  string `json:"runbookUrl,omitempty"`
	StartsAt    string `json:"startsAt,omitempty"`
	EndsAt      string `json:"endsAt,omitempty"`
}

// WebhookLink is a link to look further.
type WebhookLink struct {
	Label string `json:"label"`
	URL   string `json:"url"`
}

// WebhookSource is the SNS envelope.
type WebhookSource struct {
	TopicArn  string `json:"topicArn,omitempty"`
	MessageID string `json:"messageId,omitempty"`
	Subject   string `json:"subject,omitempty"`
}

// WebhookSummary is the daily summary.
type WebhookSummary struct {
	From          string              `json:"from"`
	To            string              `json:"to"`
	InAlarm       []WebhookAlarmState `json:"inAlarm"`
	Events        []WebhookEvent      `json:"events"`
	EventsOmitted int                 `json:"eventsOmitted,omitempty"`
	Uptime        []WebhookUptime     `json:"uptime"`
}

// WebhookAlarmState is an alarm in ALARM at the end of the summary's window.
type WebhookAlarmState struct {
	Name     string `json:"name"`
	Service  string `json:"service,omitempty"`
	Severity string `json:"severity,omitempty"`
	Since    string `json:"since,omitempty"`
	Reason   string `json:"reason,omitempty"`
}

// WebhookEvent is an alarm that fired in the window; RecoveredAt is left out
// while it has not recovered.
type WebhookEvent struct {
	Name        string `json:"name"`
	Service     string `json:"service,omitempty"`
	Severity    string `json:"severity,omitempty"`
	FiredAt     string `json:"firedAt"`
	RecoveredAt string `json:"recoveredAt,omitempty"`
}

// WebhookUptime is a service's uptime in the window.
type WebhookUptime struct {
	Service     string  `json:"service"`
	Percent     float64 `json:"percent"`
	DownSeconds float64 `json:"downSeconds"`
}

// webhookRawBytes leaves room for the envelope under WebhookMaxBytes.
const webhookRawBytes = 200 * 1024

func rfc3339(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

func webhookBody(n message.Notification, shown int, o Options) ([]byte, int, error) {
	c := fromNotification(n, o)
	b := WebhookBody{
		Version: 1, Type: "notification",
		Kind: string(n.Kind), Status: string(n.Status), Severity: string(n.Severity), Colour: c.tone.colour(),
		Title: n.Title, Summary: n.Summary, Environment: n.Environment, Service: n.Service,
		Time: rfc3339(n.Time), Firing: n.Firing, Resolved: n.Resolved, Truncated: n.Truncated,
		Source: &WebhookSource{TopicArn: n.Source.TopicArn, MessageID: n.Source.MessageID, Subject: n.Source.Subject},
	}
	if n.Kind == message.KindText || n.Kind == message.KindUnknown {
		b.Raw = n.Raw
		if len(b.Raw) > webhookRawBytes {
			b.Raw = message.Truncate(b.Raw, webhookRawBytes/4)
		}
	}
	if a := n.Alarm; a != nil {
		wa := &WebhookAlarm{Name: a.Name, ARN: a.ARN, Region: a.Region, AccountID: a.AccountID, State: a.State,
			OldState: a.OldState, Reason: a.Reason, Value: a.Value, Rule: a.Rule, RunbookURL: a.RunbookURL}
		if m := a.Metric; m != nil {
			wa.Threshold, wa.Comparison, wa.Namespace, wa.Metric, wa.Expression = m.Threshold, m.Comparison, m.Namespace, m.Name, m.Expression
		}
		for _, ch := range a.Children {
			wa.Children = append(wa.Children, ch.Name)
		}
		b.Alarm = wa
	}
	for _, a := range n.Alerts[:shown] {
		b.Alerts = append(b.Alerts, WebhookAlert{Status: string(a.Status), Name: a.Name, Severity: string(a.Severity),
			Service: a.Service, Environment: a.Environment, Summary: a.Summary, Description: a.Description,
			RunbookURL: a.RunbookURL, StartsAt: rfc3339(a.StartsAt), EndsAt: rfc3339(a.EndsAt)})
	}
	b.AlertsOmitted = len(n.Alerts) - shown
	for _, l := range c.links {
		b.Links = append(b.Links, WebhookLink{Label: l.label, URL: l.url})
	}
	out, err := marshal(b)
	return out, 0, err
}

func webhookSummary(s message.Summary, shown int, o Options) ([]byte, int, error) {
	c := fromSummary(s, o)
	b := WebhookBody{Version: 1, Type: "summary", Colour: c.tone.colour(), Title: "Daily summary", Summary: c.summary,
		Environment: s.Environment, Time: rfc3339(s.To),
		DailySummary: &WebhookSummary{From: rfc3339(s.From), To: rfc3339(s.To),
			InAlarm: []WebhookAlarmState{}, Events: []WebhookEvent{}, EventsOmitted: len(s.Events) - shown, Uptime: []WebhookUptime{}}}
	for _, a := range s.InAlarm {
		b.DailySummary.InAlarm = append(b.DailySummary.InAlarm, WebhookAlarmState{Name: a.Name, Service: a.Service,
			Severity: string(a.Severity), Since: rfc3339(a.Since), Reason: a.Reason})
	}
	for _, e := range s.Events[:shown] {
		b.DailySummary.Events = append(b.DailySummary.Events, WebhookEvent{Name: e.Name, Service: e.Service,
			Severity: string(e.Severity), FiredAt: rfc3339(e.FiredAt), RecoveredAt: rfc3339(e.RecoveredAt)})
	}
	for _, u := range s.Uptime {
		b.DailySummary.Uptime = append(b.DailySummary.Uptime, WebhookUptime{Service: u.Service, Percent: u.Percent, DownSeconds: u.Down.Seconds()})
	}
	for _, l := range c.links {
		b.Links = append(b.Links, WebhookLink{Label: l.label, URL: l.url})
	}
	out, err := marshal(b)
	return out, 0, err
}
