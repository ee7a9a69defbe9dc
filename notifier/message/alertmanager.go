package message

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// What vigil's Alertmanager publishes (alerts/routing, templates.go): a subject
//
//	[FIRING] critical prod api: HighErrorRate
//
// (status, severity, environment, service, alertname; non-ASCII replaced by ?, cut
// at 99 characters) and a message
//
//	1 firing, 0 resolved
//
//	[FIRING] HighErrorRate
//	severity: critical
//	service: api
//	environment: prod
//	summary: api answers 7.2% errors
//	description: ...          (only when there is one)
//	runbook: https://...      (only when there is one)
//	started: 2026-03-01 10:00:00 UTC
//	ended: 2026-03-01 10:12:00 UTC   (resolved alerts only)
//
// with one such block per alert. Summaries and descriptions may span lines: a line
// belongs to a field until a line starts the next field of that order.
var (
	amCounts  = regexp.MustCompile(`^([0-9]+) firing, ([0-9]+) resolved$`)
	amHeader  = regexp.MustCompile(`^\[(FIRING|RESOLVED)\] (.*)$`)
	amSubject = regexp.MustCompile(`^\[(FIRING|RESOLVED)\] (\S*) (\S*) (\S*): (.*)$`)
)

// amTime is the layout of started: and ended:.
const amTime = "2006-01-02 15:04:05 UTC"

// amFields are the alert fields in the order the template writes them.
var amFields = []string{"severity", "service", "environment", "summary", "description", "runbook", "started", "ended"}

func fieldIndex(key string) int {
	for i, f := range amFields {
		if f == key {
			return i
		}
	}
	return -1
}

// parseAlertmanager fills n from a message written by vigil's SNS template, or
// reports false when r is not one (its first line is not the counts line).
func parseAlertmanager(n *Notification, r Record) bool {
	lines := strings.Split(strings.ReplaceAll(r.Message, "\r\n", "\n"), "\n")
	m := amCounts.FindStringSubmatch(strings.TrimSpace(lines[0]))
	if m == nil {
		return false
	}
	firing, _ := strconv.Atoi(m[1])
	resolved, _ := strconv.Atoi(m[2])

	var alerts []Alert
	var fields map[string]string
	current := -1 // index in amFields of the field being read; -1 before the first
	flush := func(header []string) {
		if fields != nil {
			alerts = append(alerts, alertFrom(fields))
		}
		fields = nil
		if header != nil {
			fields = map[string]string{"status": strings.ToLower(header[1]), "name": header[2]}
			current = -1
		}
	}
	for _, line := range lines[1:] {
		// A new alert starts after the previous one's started: (or ended:) line.
		if h := amHeader.FindStringSubmatch(line); h != nil && (fields == nil || current >= fieldIndex("started")) {
			flush(h)
			continue
		}
		if fields == nil {
			continue
		}
		if k, v, ok := strings.Cut(line, ": "); ok {
			if i := fieldIndex(k); i > current {
				fields[k], current = v, i
				continue
			}
		}
		if k := strings.TrimSuffix(line, ":"); k != line && fieldIndex(k) > current {
			// An empty value ("summary:" when the alert has none).
			fields[k], current = "", fieldIndex(k)
			continue
		}
		if current >= 0 && current < fieldIndex("started") {
			key := amFields[current]
			fields[key] += "\n" + line
		}
	}
	flush(nil)

	n.Kind = KindAlertmanager
	n.Alerts, n.Firing, n.Resolved = alerts, firing, resolved
	n.Truncated = r.Attributes["truncated"] == "true" || len(alerts) < firing+resolved
	n.Status = StatusResolved
	if firing > 0 {
		n.Status = StatusFiring
	}

	subject := amSubject.FindStringSubmatch(r.Subject)
	common := func(get func(Alert) string, fromSubject int) string {
		v := commonValue(alerts, get)
		if v == "" && subject != nil {
			v = subject[fromSubject]
		}
		return v
	}
	if s := Severity(common(func(a Alert) string { return string(a.Severity) }, 2)); s.Valid() {
		n.Severity = s
	}
	n.Environment = common(func(a Alert) string { return a.Environment }, 3)
	n.Service = common(func(a Alert) string { return a.Service }, 4)
	n.Title = common(func(a Alert) string { return a.Name }, 5)
	if n.Title == "" {
		n.Title = fmt.Sprintf("%d alerts", len(alerts))
	}
	switch {
	case len(alerts) == 1:
		n.Summary = alerts[0].Summary
	default:
		n.Summary = strings.TrimSpace(lines[0])
	}
	var newest time.Time
	for _, a := range alerts {
		if t := a.latest(); t.After(newest) {
			newest = t
		}
	}
	if !newest.IsZero() {
		n.Time = newest
	}
	return true
}

func alertFrom(f map[string]string) Alert {
	a := Alert{
		Status:      StatusFiring,
		Name:        f["name"],
		Severity:    Severity(f["severity"]),
		Service:     f["service"],
		Environment: f["environment"],
		Summary:     strings.TrimRight(f["summary"], "\n"),
		Description: strings.TrimRight(f["description"], "\n"),
		RunbookURL:  strings.TrimSpace(f["runbook"]),
	}
	if f["status"] == "resolved" {
		a.Status = StatusResolved
	}
	if t, err := time.Parse(amTime, f["started"]); err == nil {
		a.StartsAt = t
	}
	if t, err := time.Parse(amTime, f["ended"]); err == nil {
		a.EndsAt = t
	}
	return a
}

// latest is when the alert last changed: its end when resolved, else its start.
func (a Alert) latest() time.Time {
	if a.Status == StatusResolved && !a.EndsAt.IsZero() {
		return a.EndsAt
	}
	return a.StartsAt
}

// commonValue is the value every alert shares, or "" when they differ or there are
// none.
func commonValue(alerts []Alert, get func(Alert) string) string {
	if len(alerts) == 0 {
		return ""
	}
	v := get(alerts[0])
	for _, a := range alerts[1:] {
		if get(a) != v {
			return ""
		}
	}
	return v
}
