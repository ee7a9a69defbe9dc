// Package summary builds the daily summary from what CloudWatch says about the
// stack's alarms: their current state and their state changes in the window. The
// reads sit behind Reader (the Lambda implements it with the AWS SDK, tests with
// fixed data), so that building is pure and tested without a cloud.
package summary

import (
	"context"
	"encoding/json"
	"sort"
	"strings"
	"time"

	"github.com/vigilops/vigil/notifier/message"
)

// Alarm is an alarm as DescribeAlarms returns it.
type Alarm struct {
	Name string
	// State is ALARM, OK or INSUFFICIENT_DATA; Since is when it entered it.
	State  string
	Since  time.Time
	Reason string
	// Description is read for service: and severity: lines, as in notifications.
	Description string
	// Actions are the ARNs the alarm notifies in ALARM: the topic's name gives the
	// severity.
	Actions []string
	// Dimensions of a metric alarm, where ServiceName may name the service.
	Dimensions map[string]string
}

// Change is one state change, as DescribeAlarmHistory returns it (StateUpdate
// items).
type Change struct {
	Alarm    string
	Time     time.Time
	From, To string
}

// Reader reads the stack's alarms and their history. Its implementations need
// cloudwatch:DescribeAlarms and cloudwatch:DescribeAlarmHistory, nothing more.
type Reader interface {
	// Alarms returns every metric and composite alarm whose name starts with prefix.
	Alarms(ctx context.Context, prefix string) ([]Alarm, error)
	// History returns the state changes of those alarms between from and to.
	History(ctx context.Context, prefix string, from, to time.Time) ([]Change, error)
}

// Options say what to summarise.
type Options struct {
	Environment string
	Region      string
	// Prefix selects the alarms.
	Prefix string
	// From and To bound the window.
	From, To time.Time
	// UptimeAlarms maps a service to the alarm whose time in ALARM is its downtime.
	UptimeAlarms map[string]string
}

// Read builds the summary from r.
func Read(ctx context.Context, r Reader, o Options) (message.Summary, error) {
	alarms, err := r.Alarms(ctx, o.Prefix)
	if err != nil {
		return message.Summary{}, err
	}
	changes, err := r.History(ctx, o.Prefix, o.From, o.To)
	if err != nil {
		return message.Summary{}, err
	}
	return Build(alarms, changes, o), nil
}

var severityRank = map[message.Severity]int{message.Critical: 0, message.High: 1, message.Medium: 2, message.Low: 3, "": 4}

// Build is the summary of the alarms and their changes in the window.
func Build(alarms []Alarm, changes []Change, o Options) message.Summary {
	s := message.Summary{Environment: o.Environment, Region: o.Region, From: o.From, To: o.To,
		InAlarm: []message.AlarmState{}, Events: []message.AlarmEvent{}}
	byName := map[string]Alarm{}
	for _, a := range alarms {
		byName[a.Name] = a
		if a.State == "ALARM" {
			s.InAlarm = append(s.InAlarm, message.AlarmState{Name: a.Name, Service: a.service(), Severity: a.severity(), Since: a.Since, Reason: a.Reason})
		}
	}
	sort.SliceStable(s.InAlarm, func(i, j int) bool {
		a, b := s.InAlarm[i], s.InAlarm[j]
		if severityRank[a.Severity] != severityRank[b.Severity] {
			return severityRank[a.Severity] < severityRank[b.Severity]
		}
		return a.Since.Before(b.Since)
	})

	inWindow := make([]Change, 0, len(changes))
	for _, c := range changes {
		if !c.Time.Before(o.From) && !c.Time.After(o.To) {
			inWindow = append(inWindow, c)
		}
	}
	sort.SliceStable(inWindow, func(i, j int) bool { return inWindow[i].Time.Before(inWindow[j].Time) })

	open := map[string]int{} // alarm name → index in s.Events of its open event
	for _, c := range inWindow {
		a := byName[c.Alarm]
		if a.Name == "" {
			a.Name = c.Alarm
		}
		switch {
		case c.To == "ALARM" && c.From != "ALARM":
			open[c.Alarm] = len(s.Events)
			s.Events = append(s.Events, message.AlarmEvent{Name: c.Alarm, Service: a.service(), Severity: a.severity(), FiredAt: c.Time})
		case c.From == "ALARM" && c.To != "ALARM":
			if i, ok := open[c.Alarm]; ok {
				s.Events[i].RecoveredAt = c.Time
				delete(open, c.Alarm)
			}
		}
	}

	services := make([]string, 0, len(o.UptimeAlarms))
	for svc := range o.UptimeAlarms {
		services = append(services, svc)
	}
	sort.Strings(services)
	for _, svc := range services {
		down := Downtime(o.UptimeAlarms[svc], byName[o.UptimeAlarms[svc]], inWindow, o.From, o.To)
		window := o.To.Sub(o.From)
		pct := 100.0
		if window > 0 {
			pct = 100 * float64(window-down) / float64(window)
		}
		s.Uptime = append(s.Uptime, message.Uptime{Service: svc, Percent: pct, Down: down})
	}
	return s
}

// Downtime is how long the alarm was in ALARM between from and to: its state at
// from is the From of its first change in the window, or, without changes, its
// current state, counted from when it entered it if that is inside the window.
func Downtime(name string, current Alarm, changes []Change, from, to time.Time) time.Duration {
	var mine []Change
	for _, c := range changes {
		if c.Alarm == name && !c.Time.Before(from) && !c.Time.After(to) {
			mine = append(mine, c)
		}
	}
	sort.SliceStable(mine, func(i, j int) bool { return mine[i].Time.Before(mine[j].Time) })
	state := current.State
	if len(mine) > 0 {
		state = mine[0].From
	}
	var down time.Duration
	at := from
	if len(mine) == 0 && current.Since.After(from) {
		at = current.Since
		if at.After(to) {
			at = to
		}
	}
	for _, c := range mine {
		if state == "ALARM" {
			down += c.Time.Sub(at)
		}
		state, at = c.To, c.Time
	}
	if state == "ALARM" {
		down += to.Sub(at)
	}
	return down
}

func (a Alarm) service() string {
	if v := descriptionValue(a.Description, "service"); v != "" {
		return v
	}
	for _, k := range []string{"ServiceName", "service", "Service"} {
		if v := a.Dimensions[k]; v != "" {
			return v
		}
	}
	return ""
}

func (a Alarm) severity() message.Severity {
	if s := message.Severity(strings.ToLower(descriptionValue(a.Description, "severity"))); s.Valid() {
		return s
	}
	for _, arn := range a.Actions {
		name := arn[strings.LastIndexByte(arn, ':')+1:]
		if i := strings.LastIndexByte(name, '-'); i >= 0 {
			if s := message.Severity(name[i+1:]); s.Valid() {
				return s
			}
		}
	}
	return ""
}

func descriptionValue(desc, key string) string {
	for _, line := range strings.Split(desc, "\n") {
		k, v, ok := strings.Cut(line, ":")
		if ok && strings.EqualFold(strings.TrimSpace(k), key) {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

// ParseHistoryData reads the states of a StateUpdate history item's HistoryData,
// such as {"version":"1.0","oldState":{"stateValue":"OK",...},"newState":{"stateValue":"ALARM",...}}.
func ParseHistoryData(data string) (from, to string, ok bool) {
	var d struct {
		OldState struct {
			StateValue string `json:"stateValue"`
		} `json:"oldState"`
		NewState struct {
			StateValue string `json:"stateValue"`
		} `json:"newState"`
	}
	if json.Unmarshal([]byte(data), &d) != nil || d.OldState.StateValue == "" || d.NewState.StateValue == "" {
		return "", "", false
	}
	return d.OldState.StateValue, d.NewState.StateValue, true
}
