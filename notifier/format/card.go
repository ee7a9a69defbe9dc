package format

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/vigilops/vigil/notifier/message"
)

// card is what the three chat targets show, before each one's markup: a coloured
// header, facts, lists, a raw body, items (the part that is cut when too long) and
// link buttons. Its text is plain: each target escapes it for its own markup.
type card struct {
	tone tone
	// badge starts the header; defaults to the tone's.
	badge    string
	title    string
	subtitle string
	summary  string
	facts    []fact
	lists    []list
	// items are the alerts of a group or the events of a summary, cut from the end
	// when the body is too large; itemNoun names one in the "…and N more" line.
	itemsHeader string
	items       []item
	itemNoun    string
	note        string
	raw         string
	links       []link
	fallback    string
}

type fact struct{ label, value string }

type list struct {
	header string
	lines  []string
}

type item struct {
	tone  tone
	title string
	facts []fact
	link  *link
}

type link struct{ label, url string }

// tone is a notification's colour: its severity while it fires, else its status.
type tone string

const (
	toneCritical     tone = "critical"
	toneHigh         tone = "high"
	toneMedium       tone = "medium"
	toneLow          tone = "low"
	toneFiring       tone = "firing" // firing, severity unknown
	toneResolved     tone = "resolved"
	toneInsufficient tone = "insufficient"
	toneInfo         tone = "info"
)

// colour is the tone's hex colour (Google Chat, Slack, generic JSON).
func (t tone) colour() string {
	switch t {
	case toneCritical:
		return "#B71C1C"
	case toneHigh:
		return "#E65100"
	case toneMedium:
		return "#F9A825"
	case toneLow:
		return "#1565C0"
	case toneFiring:
		return "#C62828"
	case toneResolved:
		return "#2E7D32"
	case toneInsufficient:
		return "#757575"
	default:
		return "#455A64"
	}
}

// badge is the word and sign that start a header.
func (t tone) badge() string {
	switch t {
	case toneCritical:
		return "🔴 FIRING"
	case toneHigh:
		return "🟠 FIRING"
	case toneMedium:
		return "🟡 FIRING"
	case toneLow:
		return "🔵 FIRING"
	case toneFiring:
		return "🔴 FIRING"
	case toneResolved:
		return "✅ RESOLVED"
	case toneInsufficient:
		return "⚪ INSUFFICIENT DATA"
	default:
		return "ℹ️ INFO"
	}
}

func toneOf(status message.Status, sev message.Severity) tone {
	switch status {
	case message.StatusResolved:
		return toneResolved
	case message.StatusInsufficientData:
		return toneInsufficient
	case message.StatusFiring:
		if sev.Valid() {
			return tone(sev)
		}
		return toneFiring
	}
	return toneInfo
}

func fromNotification(n message.Notification, o Options) card {
	loc := o.location()
	c := card{
		tone:     toneOf(n.Status, n.Severity),
		title:    n.Title,
		subtitle: joinNonEmpty(" · ", string(n.Severity), n.Environment, n.Service),
		summary:  n.Summary,
		itemNoun: "alert",
	}
	c.facts = appendFact(c.facts, "Severity", string(n.Severity))
	c.facts = appendFact(c.facts, "Environment", n.Environment)
	c.facts = appendFact(c.facts, "Service", n.Service)
	c.facts = appendFact(c.facts, "Time", formatTime(n.Time, loc))

	switch n.Kind {
	case message.KindMetricAlarm, message.KindCompositeAlarm:
		alarmFacts(&c, n.Alarm)
		if n.Alarm.RunbookURL != "" {
			c.links = append(c.links, link{"Runbook", n.Alarm.RunbookURL})
		}
		if u := consoleAlarmURL(n.Alarm); u != "" {
			c.links = append(c.links, link{"Alarm in AWS console", u})
		}
	case message.KindAlertmanager:
		c.facts = appendFact(c.facts, "Alerts", fmt.Sprintf("%d firing, %d resolved", n.Firing, n.Resolved))
		c.itemsHeader = "Alerts"
		for _, a := range n.Alerts {
			c.items = append(c.items, alertItem(a, loc))
		}
		if len(n.Alerts) > 1 {
			c.summary = "" // the Alerts fact says it
		}
		if n.Truncated {
			c.note = fmt.Sprintf("Alertmanager cut this message at SNS's size limit: %d of %d alerts arrived.", len(n.Alerts), n.Firing+n.Resolved)
		}
		if rb := commonRunbook(n.Alerts); rb != "" {
			c.links = append(c.links, link{"Runbook", rb})
		}
		c.links = append(c.links, prometheusLinks(n, o)...)
	default:
		c.raw = strings.TrimRight(n.Raw, " \t\r\n")
	}
	c.fallback = joinNonEmpty(" — ", c.header(), c.subtitle)
	return c
}

func alarmFacts(c *card, a *message.Alarm) {
	if m := a.Metric; m != nil {
		c.facts = appendFact(c.facts, "Value", valueAgainstThreshold(a.Value, m))
		c.facts = appendFact(c.facts, "Metric", metricLine(m))
	}
	if a.OldState != "" && a.State != "" {
		c.facts = appendFact(c.facts, "State", a.OldState+" → "+a.State)
	}
	if a.Rule != "" {
		c.facts = appendFact(c.facts, "Rule", a.Rule)
	}
	var children []string
	for _, ch := range a.Children {
		children = append(children, joinNonEmpty(" ", ch.Name, parenthesised(ch.State)))
	}
	c.facts = appendFact(c.facts, "Triggered by", strings.Join(children, ", "))
	c.facts = appendFact(c.facts, "Region", firstNonEmpty(a.Region, a.RegionName))
	if d := describedText(a.Description); d != "" {
		c.lists = append(c.lists, list{header: "Description", lines: []string{d}})
	}
}

// valueAgainstThreshold reads "92.5 (threshold > 80)", or what of it is known.
func valueAgainstThreshold(v *float64, m *message.Metric) string {
	threshold := ""
	if m.Threshold != nil {
		threshold = "threshold " + comparisonSign(m.Comparison) + " " + number(*m.Threshold)
	} else if m.Comparison != "" {
		threshold = "band " + comparisonSign(m.Comparison)
	}
	if m.Unit != "" && threshold != "" {
		threshold += " " + m.Unit
	}
	if v == nil {
		return threshold
	}
	if threshold == "" {
		return number(*v)
	}
	return number(*v) + " (" + threshold + ")"
}

// comparisonSign writes CloudWatch's comparison operators as signs.
func comparisonSign(op string) string {
	switch op {
	case "GreaterThanThreshold", "GreaterThanUpperThreshold":
		return ">"
	case "GreaterThanOrEqualToThreshold":
		return "≥"
	case "LessThanThreshold", "LessThanLowerThreshold":
		return "<"
	case "LessThanOrEqualToThreshold":
		return "≤"
	case "LessThanLowerOrGreaterThanUpperThreshold":
		return "outside"
	}
	return op
}

func metricLine(m *message.Metric) string {
	name := joinNonEmpty(" ", m.Namespace, m.Name)
	if m.Expression != "" {
		name = joinNonEmpty(" = ", m.Name, m.Expression)
	}
	var how []string
	if m.Statistic != "" {
		how = append(how, lower(m.Statistic))
	}
	if m.PeriodSeconds > 0 {
		how = append(how, strconv.Itoa(m.PeriodSeconds)+" s periods")
	}
	if m.EvaluationPeriods > 0 {
		of := m.DatapointsToAlarm
		if of == 0 {
			of = m.EvaluationPeriods
		}
		how = append(how, fmt.Sprintf("%d of %d breaching", of, m.EvaluationPeriods))
	}
	var dims []string
	for _, d := range m.Dimensions {
		dims = append(dims, d.Name+"="+d.Value)
	}
	return joinNonEmpty(" ", name, parenthesised(strings.Join(how, ", ")), bracketed(strings.Join(dims, ", ")))
}

// describedText is an alarm description without its key lines (service:,
// environment:, severity:, runbook:, runbook_url:), which the card shows as facts.
func describedText(desc string) string {
	var kept []string
	for _, line := range strings.Split(desc, "\n") {
		k, _, ok := strings.Cut(line, ":")
		switch strings.ToLower(strings.TrimSpace(k)) {
		case "service", "environment", "severity", "runbook", "runbook_url":
			if ok {
				continue
			}
		}
		kept = append(kept, line)
	}
	return strings.TrimSpace(strings.Join(kept, "\n"))
}

// header is the card's first line: its badge and title.
func (c card) header() string {
	badge := c.badge
	if badge == "" {
		badge = c.tone.badge()
	}
	return badge + ": " + c.title
}

func alertItem(a message.Alert, loc *time.Location) item {
	it := item{tone: toneOf(a.Status, a.Severity), title: strings.ToUpper(string(a.Status)) + " " + a.Name}
	it.facts = appendFact(it.facts, "", message.Truncate(a.Summary, 500))
	it.facts = appendFact(it.facts, "", message.Truncate(a.Description, 500))
	it.facts = appendFact(it.facts, "Started", formatTime(a.StartsAt, loc))
	it.facts = appendFact(it.facts, "Ended", formatTime(a.EndsAt, loc))
	if a.RunbookURL != "" {
		it.link = &link{"Runbook", a.RunbookURL}
	}
	return it
}

// commonRunbook is the runbook every alert shares, or "".
func commonRunbook(alerts []message.Alert) string {
	if len(alerts) == 0 {
		return ""
	}
	rb := alerts[0].RunbookURL
	for _, a := range alerts[1:] {
		if a.RunbookURL != rb {
			return ""
		}
	}
	return rb
}

func fromSummary(s message.Summary, o Options) card {
	loc := o.location()
	c := card{
		tone:        toneResolved,
		badge:       "📋 DAILY SUMMARY",
		title:       firstNonEmpty(s.Environment, "all environments"),
		subtitle:    formatTime(s.From, loc) + " – " + formatTime(s.To, loc),
		itemsHeader: "Fired in the last 24 hours",
		itemNoun:    "event",
	}
	if len(s.InAlarm) > 0 {
		c.tone = toneOf(message.StatusFiring, s.InAlarm[0].Severity)
	}
	recovered := 0
	for _, e := range s.Events {
		if !e.RecoveredAt.IsZero() {
			recovered++
		}
	}
	c.summary = fmt.Sprintf("%d in ALARM now; %d fired and %d recovered in the window.", len(s.InAlarm), len(s.Events), recovered)
	c.facts = appendFact(c.facts, "Environment", s.Environment)
	c.facts = appendFact(c.facts, "In ALARM", strconv.Itoa(len(s.InAlarm)))
	c.facts = appendFact(c.facts, "Fired", strconv.Itoa(len(s.Events)))
	c.facts = appendFact(c.facts, "Recovered", strconv.Itoa(recovered))

	const maxLines = 20
	var alarming []string
	for i, a := range s.InAlarm {
		if i == maxLines {
			alarming = append(alarming, omittedLine(len(s.InAlarm)-maxLines, "alarm"))
			break
		}
		alarming = append(alarming, joinNonEmpty(" ", string(a.Severity), a.Name, parenthesised(a.Service), "since "+formatTime(a.Since, loc)))
	}
	if len(alarming) == 0 {
		alarming = []string{"Nothing is in ALARM."}
	}
	c.lists = append(c.lists, list{header: "In ALARM now", lines: alarming})
	if len(s.Uptime) > 0 {
		var up []string
		for i, u := range s.Uptime {
			if i == maxLines {
				up = append(up, omittedLine(len(s.Uptime)-maxLines, "service"))
				break
			}
			up = append(up, fmt.Sprintf("%s: %s%% (down %s)", u.Service, strconv.FormatFloat(u.Percent, 'f', 2, 64), u.Down.Round(time.Second)))
		}
		c.lists = append(c.lists, list{header: "Uptime", lines: up})
	}
	for _, e := range s.Events {
		it := item{tone: toneOf(message.StatusFiring, e.Severity), title: joinNonEmpty(" ", string(e.Severity), e.Name)}
		it.facts = appendFact(it.facts, "Service", e.Service)
		it.facts = appendFact(it.facts, "Fired", formatTime(e.FiredAt, loc))
		recoveredAt := "not yet"
		if !e.RecoveredAt.IsZero() {
			it.tone = toneResolved
			recoveredAt = formatTime(e.RecoveredAt, loc)
		}
		it.facts = appendFact(it.facts, "Recovered", recoveredAt)
		c.items = append(c.items, it)
	}
	if u := consoleAlarmsURL(s.Region); u != "" {
		c.links = append(c.links, link{"Alarms in AWS console", u})
	}
	c.fallback = c.header() + ", " + c.subtitle + ": " + c.summary
	return c
}

func appendFact(facts []fact, label, value string) []fact {
	if strings.TrimSpace(value) == "" {
		return facts
	}
	return append(facts, fact{label, value})
}

func joinNonEmpty(sep string, parts ...string) string {
	var kept []string
	for _, p := range parts {
		if strings.TrimSpace(p) != "" {
			kept = append(kept, p)
		}
	}
	return strings.Join(kept, sep)
}

func firstNonEmpty(values ...string) string {
	for _, v := range values {
		if v != "" {
			return v
		}
	}
	return ""
}

func parenthesised(s string) string {
	if s == "" {
		return ""
	}
	return "(" + s + ")"
}

func bracketed(s string) string {
	if s == "" {
		return ""
	}
	return "[" + s + "]"
}

// number writes a float without trailing zeros: 80, 92.5, 0.001.
func number(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }
