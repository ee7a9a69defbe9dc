package handler_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vigilops/vigil/notifier/config"
	"github.com/vigilops/vigil/notifier/deliver"
	"github.com/vigilops/vigil/notifier/format"
	"github.com/vigilops/vigil/notifier/handler"
	"github.com/vigilops/vigil/notifier/internal/fixture"
	"github.com/vigilops/vigil/notifier/message"
	"github.com/vigilops/vigil/notifier/summary"
)

// webhook is a chat endpoint on 127.0.0.1 that answers with status (200 unless
// set) and keeps the bodies it got.
type webhook struct {
	mu     sync.Mutex
	status int
	bodies [][]byte
	srv    *httptest.Server
}

func newWebhook(t *testing.T) *webhook {
	w := &webhook{status: 200}
	w.srv = httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		w.mu.Lock()
		defer w.mu.Unlock()
		w.bodies = append(w.bodies, b)
		rw.WriteHeader(w.status)
	}))
	t.Cleanup(w.srv.Close)
	return w
}

func (w *webhook) url() string {
	return w.srv.URL + "/v1/spaces/AAA/messages?key=SECRETKEY&token=SECRETTOKEN"
}

func (w *webhook) received() [][]byte {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([][]byte(nil), w.bodies...)
}

func (w *webhook) answer(status int) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.status = status
}

type secrets struct {
	mu     sync.Mutex
	values map[string]string
	fail   map[string]bool
	reads  int
}

func (s *secrets) SecretString(_ context.Context, id string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.reads++
	if s.fail[id] {
		return "", errors.New("AccessDeniedException: not allowed")
	}
	v, ok := s.values[id]
	if !ok {
		return "", errors.New("ResourceNotFoundException")
	}
	return v, nil
}

type alarms struct {
	list    []summary.Alarm
	changes []summary.Change
	from    time.Time
	to      time.Time
}

func (a *alarms) Alarms(context.Context, string) ([]summary.Alarm, error) { return a.list, nil }
func (a *alarms) History(_ context.Context, _ string, from, to time.Time) ([]summary.Change, error) {
	a.from, a.to = from, to
	return a.changes, nil
}

type setup struct {
	chat, pager, hook *webhook
	secrets           *secrets
	alarms            *alarms
	logs              *bytes.Buffer
	h                 *handler.Handler
}

// newSetup is a prod notifier: chat takes critical, high and medium; low-chat
// takes low only; a webhook takes everything.
func newSetup(t *testing.T) *setup {
	t.Helper()
	s := &setup{chat: newWebhook(t), pager: newWebhook(t), hook: newWebhook(t), alarms: &alarms{}, logs: &bytes.Buffer{}}
	s.secrets = &secrets{values: map[string]string{
		"chat":  s.chat.url(),
		"low":   s.pager.url(),
		"hooks": `{"audit":"` + s.hook.url() + `"}`,
	}, fail: map[string]bool{}}
	cfg := config.Config{
		Environment: "prod",
		Channels: []config.Channel{
			{Name: "chat", Target: format.GoogleChat, Severities: []message.Severity{message.Critical, message.High, message.Medium}, SecretID: "chat"},
			{Name: "low-chat", Target: format.Slack, Severities: []message.Severity{message.Low}, SecretID: "low"},
			{Name: "audit", Target: format.Webhook, Severities: message.Severities(), SecretID: "hooks", SecretKey: "audit"},
		},
		Summary: &config.Summary{AlarmNamePrefix: "reservations-prod-"},
	}
	sender, err := deliver.New(deliver.Config{MaxAttempts: 2, BaseDelay: time.Millisecond, MaxDelay: time.Millisecond})
	require.NoError(t, err)
	s.h, err = handler.New(cfg, handler.Deps{Secrets: s.secrets, Alarms: s.alarms, Sender: sender,
		Logger: slog.New(slog.NewJSONHandler(s.logs, nil)), Region: "eu-west-1",
		Now: func() time.Time { return time.Date(2026, 12, 2, 7, 0, 0, 0, time.UTC) }})
	require.NoError(t, err)
	return s
}

func event(t *testing.T, names ...string) json.RawMessage {
	t.Helper()
	var recs []message.Record
	for _, n := range names {
		r, err := fixture.Record(n)
		require.NoError(t, err)
		recs = append(recs, r)
	}
	b, err := fixture.SNSEvent(recs...)
	require.NoError(t, err)
	return b
}

func TestEachRecordGoesToTheChannelsThatTakeItsSeverity(t *testing.T) {
	s := newSetup(t)
	rep, err := s.h.Invoke(context.Background(), event(t, "metric-alarm", "text"))
	require.NoError(t, err)
	// metric-alarm is high: chat and audit; text is low: low-chat and audit.
	assert.Equal(t, handler.Report{Delivered: 4}, rep)
	require.Len(t, s.chat.received(), 1)
	require.Len(t, s.pager.received(), 1)
	require.Len(t, s.hook.received(), 2)

	var card struct {
		CardsV2 []struct {
			Card struct{ Header struct{ Title string } }
		}
	}
	require.NoError(t, json.Unmarshal(s.chat.received()[0], &card))
	assert.Equal(t, "🟠 FIRING: reservations-prod-api-cpu-high", card.CardsV2[0].Card.Header.Title)
	assert.Contains(t, string(s.pager.received()[0]), `"text":"ℹ️ INFO: Planned deploy — low · prod"`, "the configured environment fills in")
	assert.NotContains(t, s.logs.String(), "SECRET")
	assert.Contains(t, s.logs.String(), `"msg":"delivered"`)
}

func TestAMessageOfUnknownSeverityGoesEverywhere(t *testing.T) {
	s := newSetup(t)
	r := message.Record{MessageID: "m-1", TopicArn: "arn:aws:sns:eu-west-1:123456789012:someone-elses-topic", Message: "hello"}
	b, err := fixture.SNSEvent(r)
	require.NoError(t, err)
	rep, err := s.h.Invoke(context.Background(), b)
	require.NoError(t, err)
	assert.Equal(t, 3, rep.Delivered)
}

func TestAFailedDeliveryFailsTheInvocationAndTheRetrySendsOnlyWhatFailed(t *testing.T) {
	s := newSetup(t)
	s.chat.answer(500)
	ev := event(t, "metric-alarm")
	rep, err := s.h.Invoke(context.Background(), ev)
	require.Error(t, err, "Lambda must retry, then dead-letter, the event")
	assert.Equal(t, handler.Report{Delivered: 1, Failed: 1}, rep)
	assert.Contains(t, err.Error(), "channel chat (cloudwatch-metric-alarm reservations-prod-api-cpu-high)")
	assert.Contains(t, err.Error(), "500 Internal Server Error")
	assert.NotContains(t, err.Error(), "SECRET")
	assert.NotContains(t, s.logs.String(), "SECRET")
	assert.Len(t, s.chat.received(), 2, "two attempts")

	s.chat.answer(200)
	rep, err = s.h.Invoke(context.Background(), ev)
	require.NoError(t, err)
	assert.Equal(t, handler.Report{Delivered: 1, Skipped: 1}, rep, "audit already has it")
	assert.Len(t, s.hook.received(), 1)
	assert.Len(t, s.chat.received(), 3)
}

func TestAPermanentRefusalFailsWithoutRetrying(t *testing.T) {
	s := newSetup(t)
	s.chat.answer(400)
	_, err := s.h.Invoke(context.Background(), event(t, "alertmanager-firing"))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "refused after 1 attempt(s): 400 Bad Request")
	assert.Len(t, s.chat.received(), 1)
}

func TestASecretThatCannotBeReadAtColdStartIsReadAgainLater(t *testing.T) {
	s := newSetup(t)
	s.secrets.fail["chat"] = true
	err := s.h.LoadSecrets(context.Background())
	require.Error(t, err)
	assert.Contains(t, err.Error(), "channel chat: reading secret chat: AccessDeniedException")

	rep, err := s.h.Invoke(context.Background(), event(t, "metric-alarm"))
	require.Error(t, err)
	assert.Equal(t, handler.Report{Delivered: 1, Failed: 1}, rep)
	assert.Contains(t, err.Error(), "no webhook URL")

	s.secrets.fail["chat"] = false
	reads := s.secrets.reads
	rep, err = s.h.Invoke(context.Background(), event(t, "metric-alarm"))
	require.NoError(t, err)
	assert.Equal(t, handler.Report{Delivered: 1, Skipped: 1}, rep)
	assert.Equal(t, reads+1, s.secrets.reads, "only the missing secret is read again")
}

func TestSecretsThatAreNotSafeWebhookURLsAreRefused(t *testing.T) {
	tests := map[string]struct {
		value, want string
	}{
		"Plain http off the loopback interface.": {"http://chat.example.com/hook?token=SECRETTOKEN", "holds a http URL for chat.example.com: webhooks must be https"},
		"Not a URL at all.":                      {"SECRETTOKEN", "does not hold a URL"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			s := newSetup(t)
			s.secrets.values["chat"] = tt.value
			err := s.h.LoadSecrets(context.Background())
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
			assert.NotContains(t, err.Error(), "SECRETTOKEN")
		})
	}
	s := newSetup(t)
	s.secrets.values["hooks"] = `{"other":"https://x.example.com"}`
	err := s.h.LoadSecrets(context.Background())
	require.Error(t, err)
	assert.Contains(t, err.Error(), `secret hooks has no key "audit"`)
}

func TestTheScheduleSendsTheDailySummaryToTheChatChannels(t *testing.T) {
	s := newSetup(t)
	s.alarms.list = []summary.Alarm{{Name: "reservations-prod-api-5xx-rate", State: "ALARM", Since: time.Date(2026, 12, 1, 4, 0, 0, 0, time.UTC),
		Actions: []string{"arn:aws:sns:eu-west-1:123456789012:reservations-prod-critical"}}}
	rep, err := s.h.Invoke(context.Background(), json.RawMessage(`{"version":"0","id":"x","detail-type":"Scheduled Event","source":"aws.events",
		"account":"123456789012","time":"2026-12-01T07:00:00Z","region":"eu-west-1","resources":[],"detail":{}}`))
	require.NoError(t, err)
	assert.Equal(t, handler.Report{Delivered: 2}, rep, "chat and low-chat; not the webhook")
	assert.Equal(t, time.Date(2026, 11, 30, 7, 0, 0, 0, time.UTC), s.alarms.from)
	assert.Equal(t, time.Date(2026, 12, 1, 7, 0, 0, 0, time.UTC), s.alarms.to)
	require.Len(t, s.chat.received(), 1)
	assert.Contains(t, string(s.chat.received()[0]), "📋 DAILY SUMMARY: prod")
	assert.Contains(t, string(s.chat.received()[0]), "reservations-prod-api-5xx-rate")
	assert.Empty(t, s.hook.received())

	// EventBridge Scheduler's input names the action; the time is the clock's.
	_, err = s.h.Invoke(context.Background(), json.RawMessage(`{"action":"daily-summary"}`))
	require.NoError(t, err)
	assert.Equal(t, time.Date(2026, 12, 2, 7, 0, 0, 0, time.UTC), s.alarms.to)
}

func TestEventsThatAreNeitherFailSoTheyAreKept(t *testing.T) {
	s := newSetup(t)
	for name, ev := range map[string]string{
		"Not JSON.":            `nope`,
		"Another event shape.": `{"detail-type":"EC2 Instance State-change Notification","source":"aws.ec2"}`,
		"Records from SQS.":    `{"Records":[{"eventSource":"aws:sqs","body":"x"}]}`,
	} {
		t.Run(name, func(t *testing.T) {
			_, err := s.h.Invoke(context.Background(), json.RawMessage(ev))
			require.Error(t, err)
		})
	}
	assert.Empty(t, s.chat.received())
}

func TestTheConfigurationNeedsItsReaders(t *testing.T) {
	_, err := handler.New(config.Config{}, handler.Deps{})
	require.ErrorContains(t, err, "Deps.Secrets is required")
	_, err = handler.New(config.Config{Summary: &config.Summary{AlarmNamePrefix: "p"}}, handler.Deps{Secrets: &secrets{}})
	require.ErrorContains(t, err, "Deps.Alarms is required")
}

func TestARetriedDailySummarySkipsTheChannelsThatHaveTodays(t *testing.T) {
	s := newSetup(t)
	s.pager.answer(503)
	ev := json.RawMessage(`{"detail-type":"Scheduled Event","source":"aws.events","time":"2026-12-01T07:00:00Z"}`)
	rep, err := s.h.Invoke(context.Background(), ev)
	require.Error(t, err)
	assert.Equal(t, handler.Report{Delivered: 1, Failed: 1}, rep)
	s.pager.answer(200)
	rep, err = s.h.Invoke(context.Background(), ev)
	require.NoError(t, err)
	assert.Equal(t, handler.Report{Delivered: 1, Skipped: 1}, rep)
	assert.Len(t, s.chat.received(), 1)
}
