package summary_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vigilops/vigil/notifier/message"
	"github.com/vigilops/vigil/notifier/summary"
)

var (
	to   = time.Date(2026, 12, 1, 7, 0, 0, 0, time.UTC)
	from = to.Add(-24 * time.Hour)
)

func at(h float64) time.Time { return from.Add(time.Duration(h * float64(time.Hour))) }

const topic = "arn:aws:sns:eu-west-1:123456789012:reservations-prod-"

func TestAlarmsInALARMAreListedMostSevereFirst(t *testing.T) {
	alarms := []summary.Alarm{
		{Name: "p-low", State: "ALARM", Since: at(1), Actions: []string{topic + "low"}},
		{Name: "p-ok", State: "OK", Actions: []string{topic + "critical"}},
		{Name: "p-crit-late", State: "ALARM", Since: at(5), Actions: []string{topic + "critical"}},
		{Name: "p-crit-early", State: "ALARM", Since: at(2), Actions: []string{"arn:aws:autoscaling:eu-west-1:1:scalingPolicy", topic + "critical"}},
		{Name: "p-said", State: "ALARM", Since: at(3), Description: "Disk.\nseverity: High\nservice: db", Actions: []string{topic + "low"}},
		{Name: "p-none", State: "ALARM", Since: at(0), Dimensions: map[string]string{"ServiceName": "api"}},
	}
	s := summary.Build(alarms, nil, summary.Options{Environment: "prod", From: from, To: to})
	var names []string
	for _, a := range s.InAlarm {
		names = append(names, a.Name)
	}
	assert.Equal(t, []string{"p-crit-early", "p-crit-late", "p-said", "p-low", "p-none"}, names)
	assert.Equal(t, message.High, s.InAlarm[2].Severity, "the description's severity wins over the topic")
	assert.Equal(t, "db", s.InAlarm[2].Service)
	assert.Equal(t, "api", s.InAlarm[4].Service, "from the ServiceName dimension")
	assert.Equal(t, message.Severity(""), s.InAlarm[4].Severity)
	assert.Empty(t, s.Events)
}

func TestWhatFiredAndRecoveredInTheWindowIsListedInTimeOrder(t *testing.T) {
	alarms := []summary.Alarm{{Name: "a", Actions: []string{topic + "high"}}, {Name: "b", Actions: []string{topic + "medium"}}}
	changes := []summary.Change{
		{Alarm: "b", Time: at(10), From: "INSUFFICIENT_DATA", To: "ALARM"},
		{Alarm: "a", Time: at(1), From: "OK", To: "ALARM"},
		{Alarm: "a", Time: at(2), From: "ALARM", To: "OK"},
		{Alarm: "a", Time: at(20), From: "OK", To: "ALARM"},
		{Alarm: "c", Time: at(0.5), From: "ALARM", To: "OK"},                // fired before the window: no event
		{Alarm: "a", Time: from.Add(-time.Minute), From: "OK", To: "ALARM"}, // outside
		{Alarm: "a", Time: to.Add(time.Minute), From: "ALARM", To: "OK"},    // outside
		{Alarm: "b", Time: at(11), From: "ALARM", To: "ALARM"},              // not a change of state
	}
	s := summary.Build(alarms, changes, summary.Options{From: from, To: to})
	assert.Equal(t, []message.AlarmEvent{
		{Name: "a", Severity: message.High, FiredAt: at(1), RecoveredAt: at(2)},
		{Name: "b", Severity: message.Medium, FiredAt: at(10)},
		{Name: "a", Severity: message.High, FiredAt: at(20)},
	}, s.Events)
}

func TestTheWindowsEndsAreInside(t *testing.T) {
	changes := []summary.Change{{Alarm: "a", Time: from, From: "OK", To: "ALARM"}, {Alarm: "a", Time: to, From: "ALARM", To: "OK"}}
	s := summary.Build(nil, changes, summary.Options{From: from, To: to})
	require.Len(t, s.Events, 1)
	assert.Equal(t, from, s.Events[0].FiredAt)
	assert.Equal(t, to, s.Events[0].RecoveredAt)
}

func TestUptimeIsTheShareOfTheWindowOutsideALARM(t *testing.T) {
	tests := map[string]struct {
		current summary.Alarm
		changes []summary.Change
		down    time.Duration
	}{
		"Never in ALARM: 100%.": {summary.Alarm{Name: "h", State: "OK"}, nil, 0},
		"In ALARM all day: 0%.": {summary.Alarm{Name: "h", State: "ALARM", Since: from.Add(-time.Hour)}, nil, 24 * time.Hour},
		"In ALARM since the sixth hour, no change recorded: from then.": {
			summary.Alarm{Name: "h", State: "ALARM", Since: at(6)}, nil, 18 * time.Hour},
		"Down for 90 minutes in the window.": {summary.Alarm{Name: "h", State: "OK"}, []summary.Change{
			{Alarm: "h", Time: at(3), From: "OK", To: "ALARM"}, {Alarm: "h", Time: at(4.5), From: "ALARM", To: "OK"}}, 90 * time.Minute},
		"Down when the window opened, up after two hours.": {summary.Alarm{Name: "h", State: "OK"}, []summary.Change{
			{Alarm: "h", Time: at(2), From: "ALARM", To: "OK"}}, 2 * time.Hour},
		"Down in the last hour, still down.": {summary.Alarm{Name: "h", State: "ALARM"}, []summary.Change{
			{Alarm: "h", Time: at(23), From: "OK", To: "ALARM"}}, time.Hour},
		"Other alarms' changes do not count.": {summary.Alarm{Name: "h", State: "OK"}, []summary.Change{
			{Alarm: "other", Time: at(1), From: "OK", To: "ALARM"}}, 0},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			s := summary.Build([]summary.Alarm{tt.current}, tt.changes,
				summary.Options{From: from, To: to, UptimeAlarms: map[string]string{"api": "h"}})
			require.Len(t, s.Uptime, 1)
			assert.Equal(t, "api", s.Uptime[0].Service)
			assert.Equal(t, tt.down, s.Uptime[0].Down)
			assert.InDelta(t, 100*(1-tt.down.Hours()/24), s.Uptime[0].Percent, 1e-9)
		})
	}
}

func TestUptimeIsListedByServiceName(t *testing.T) {
	s := summary.Build(nil, nil, summary.Options{From: from, To: to, UptimeAlarms: map[string]string{"web": "w", "api": "a", "db": "d"}})
	var services []string
	for _, u := range s.Uptime {
		services = append(services, u.Service)
	}
	assert.Equal(t, []string{"api", "db", "web"}, services)
}

func TestHistoryDataIsReadForItsStates(t *testing.T) {
	from, to, ok := summary.ParseHistoryData(`{"version":"1.0","oldState":{"stateValue":"OK","stateReason":"fine"},"newState":{"stateValue":"ALARM","stateReason":"Threshold Crossed"}}`)
	assert.True(t, ok)
	assert.Equal(t, "OK", from)
	assert.Equal(t, "ALARM", to)
	for _, bad := range []string{``, `{}`, `{"oldState":{"stateValue":"OK"}}`, `not json`} {
		_, _, ok := summary.ParseHistoryData(bad)
		assert.False(t, ok, bad)
	}
}

type fakeReader struct {
	alarms      []summary.Alarm
	changes     []summary.Change
	err         error
	gotPrefix   string
	gotFrom     time.Time
	gotTo       time.Time
	historyRead bool
}

func (f *fakeReader) Alarms(_ context.Context, prefix string) ([]summary.Alarm, error) {
	f.gotPrefix = prefix
	return f.alarms, f.err
}

func (f *fakeReader) History(_ context.Context, prefix string, from, to time.Time) ([]summary.Change, error) {
	f.historyRead, f.gotFrom, f.gotTo = true, from, to
	return f.changes, nil
}

func TestReadAsksForTheStacksAlarmsAndTheWindow(t *testing.T) {
	r := &fakeReader{alarms: []summary.Alarm{{Name: "p-a", State: "ALARM"}}}
	s, err := summary.Read(context.Background(), r, summary.Options{Prefix: "p-", From: from, To: to, Region: "eu-west-1"})
	require.NoError(t, err)
	assert.Equal(t, "p-", r.gotPrefix)
	assert.Equal(t, from, r.gotFrom)
	assert.Equal(t, to, r.gotTo)
	assert.Len(t, s.InAlarm, 1)
	assert.Equal(t, "eu-west-1", s.Region)

	failing := &fakeReader{err: errors.New("throttled")}
	_, err = summary.Read(context.Background(), failing, summary.Options{})
	require.ErrorContains(t, err, "throttled")
	assert.False(t, failing.historyRead)
}
