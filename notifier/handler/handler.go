// Package handler is the notifier Lambda's logic, apart from its AWS clients: it
// reads the channels' webhook URLs from a SecretReader, turns each SNS record into
// one message per channel that takes its severity, delivers them, and answers the
// daily-summary schedule with a summary read through a summary.Reader. It returns
// an error whenever a delivery failed after its retries, so that Lambda's
// asynchronous retries and then its dead-letter queue take the event.
package handler

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/vigilops/vigil/notifier/config"
	"github.com/vigilops/vigil/notifier/deliver"
	"github.com/vigilops/vigil/notifier/format"
	"github.com/vigilops/vigil/notifier/message"
	"github.com/vigilops/vigil/notifier/summary"
)

// SecretReader reads a secret's string (Secrets Manager's GetSecretValue).
type SecretReader interface {
	SecretString(ctx context.Context, id string) (string, error)
}

// Deps are what the handler uses besides its configuration.
type Deps struct {
	// Secrets reads the webhook URLs. Required.
	Secrets SecretReader
	// Alarms reads CloudWatch for the daily summary. Required when the
	// configuration has a summary.
	Alarms summary.Reader
	// Sender delivers. Defaults to deliver.New(deliver.Config{}).
	Sender *deliver.Sender
	// Logger receives one JSON line per delivery, never a URL. Defaults to
	// slog.Default().
	Logger *slog.Logger
	// Now is the clock. Defaults to time.Now.
	Now func() time.Time
	// Region is where the function runs (AWS_REGION), for console links.
	Region string
}

// Handler handles the function's invocations. It is safe for concurrent use.
type Handler struct {
	cfg  config.Config
	deps Deps

	mu   sync.Mutex
	urls map[string]string // channel name → webhook URL
	sent *recent
}

// New checks the dependencies and returns a handler; it reads no secret yet.
func New(cfg config.Config, deps Deps) (*Handler, error) {
	if deps.Secrets == nil {
		return nil, errors.New("handler: Deps.Secrets is required")
	}
	if cfg.Summary != nil && deps.Alarms == nil {
		return nil, errors.New("handler: Deps.Alarms is required when the configuration has a summary")
	}
	if deps.Sender == nil {
		s, err := deliver.New(deliver.Config{})
		if err != nil {
			return nil, err
		}
		deps.Sender = s
	}
	if deps.Logger == nil {
		deps.Logger = slog.Default()
	}
	if deps.Now == nil {
		deps.Now = time.Now
	}
	return &Handler{cfg: cfg, deps: deps, urls: map[string]string{}, sent: newRecent(4096)}, nil
}

// LoadSecrets reads the webhook URL of every channel not read yet. The function
// calls it at cold start; an invocation calls it again for what failed then.
func (h *Handler) LoadSecrets(ctx context.Context) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	var errs []error
	for _, ch := range h.cfg.Channels {
		if _, ok := h.urls[ch.Name]; ok {
			continue
		}
		u, err := h.readURL(ctx, ch)
		if err != nil {
			errs = append(errs, fmt.Errorf("channel %s: %w", ch.Name, err))
			continue
		}
		h.urls[ch.Name] = u
	}
	return errors.Join(errs...)
}

func (h *Handler) readURL(ctx context.Context, ch config.Channel) (string, error) {
	s, err := h.deps.Secrets.SecretString(ctx, ch.SecretID)
	if err != nil {
		return "", fmt.Errorf("reading secret %s: %w", ch.SecretID, err)
	}
	s = strings.TrimSpace(s)
	if ch.SecretKey != "" {
		var fields map[string]string
		if json.Unmarshal([]byte(s), &fields) != nil {
			return "", fmt.Errorf("secret %s is not a JSON object of strings, so it has no key %q", ch.SecretID, ch.SecretKey)
		}
		if s = strings.TrimSpace(fields[ch.SecretKey]); s == "" {
			return "", fmt.Errorf("secret %s has no key %q", ch.SecretID, ch.SecretKey)
		}
	}
	if err := checkURL(s); err != nil {
		return "", fmt.Errorf("secret %s: %w", ch.SecretID, err)
	}
	return s, nil
}

// checkURL accepts https URLs, and http ones only on the loopback interface (for
// tests): a webhook URL carries its token, which must not cross a network in clear.
func checkURL(s string) error {
	u, err := url.Parse(s)
	if err != nil || u.Host == "" {
		return errors.New("does not hold a URL")
	}
	switch {
	case u.Scheme == "https":
		return nil
	case u.Scheme == "http" && (u.Hostname() == "127.0.0.1" || u.Hostname() == "localhost" || u.Hostname() == "::1"):
		return nil
	}
	return fmt.Errorf("holds a %s URL for %s: webhooks must be https", u.Scheme, u.Hostname())
}

// Report is what an invocation answers: the count of deliveries by outcome.
type Report struct {
	Delivered int `json:"delivered"`
	Skipped   int `json:"skipped,omitempty"`
	Failed    int `json:"failed"`
}

// Invoke handles one event: an SNS event (records from the severity topics) or the
// daily-summary schedule (an EventBridge "Scheduled Event", or the input
// {"action": "daily-summary"} of an EventBridge Scheduler schedule).
func (h *Handler) Invoke(ctx context.Context, event json.RawMessage) (Report, error) {
	var probe struct {
		Records    []json.RawMessage `json:"Records"`
		Source     string            `json:"source"`
		DetailType string            `json:"detail-type"`
		Time       string            `json:"time"`
		Action     string            `json:"action"`
	}
	if err := json.Unmarshal(event, &probe); err != nil {
		return Report{}, fmt.Errorf("the event is not JSON: %w", err)
	}
	switch {
	case len(probe.Records) > 0:
		return h.notify(ctx, event)
	case probe.Action == "daily-summary" || (probe.Source == "aws.events" && probe.DetailType == "Scheduled Event"):
		at := h.deps.Now()
		if t, err := time.Parse(time.RFC3339, probe.Time); err == nil {
			at = t
		}
		return h.dailySummary(ctx, at)
	}
	return Report{}, errors.New(`not an SNS event nor the daily-summary schedule: kept for the dead-letter queue`)
}

// snsEvent is the SNS event Lambda delivers to a subscribed function.
type snsEvent struct {
	Records []struct {
		EventSource string `json:"EventSource"`
		SNS         struct {
			MessageID         string `json:"MessageId"`
			TopicArn          string `json:"TopicArn"`
			Subject           string `json:"Subject"`
			Message           string `json:"Message"`
			Timestamp         string `json:"Timestamp"`
			MessageAttributes map[string]struct {
				Type  string `json:"Type"`
				Value string `json:"Value"`
			} `json:"MessageAttributes"`
		} `json:"Sns"`
	} `json:"Records"`
}

func (h *Handler) notify(ctx context.Context, event json.RawMessage) (Report, error) {
	var ev snsEvent
	if err := json.Unmarshal(event, &ev); err != nil {
		return Report{}, fmt.Errorf("the SNS event does not parse: %w", err)
	}
	var jobs []job
	for _, rec := range ev.Records {
		if rec.EventSource != "aws:sns" {
			return Report{}, fmt.Errorf("a record comes from %q, not aws:sns", rec.EventSource)
		}
		r := message.Record{MessageID: rec.SNS.MessageID, TopicArn: rec.SNS.TopicArn, Subject: rec.SNS.Subject,
			Message: rec.SNS.Message, Attributes: map[string]string{}}
		if t, err := time.Parse(time.RFC3339Nano, rec.SNS.Timestamp); err == nil {
			r.Timestamp = t
		}
		for k, v := range rec.SNS.MessageAttributes {
			if v.Type == "String" {
				r.Attributes[k] = v.Value
			}
		}
		n := message.Parse(r)
		for _, ch := range h.cfg.Channels {
			if !ch.Receives(n.Severity) {
				continue
			}
			n := n
			jobs = append(jobs, job{key: r.MessageID + "/" + ch.Name, channel: ch, about: string(n.Kind) + " " + n.Title,
				render: func(o format.Options) ([]byte, error) { return format.Render(ch.Target, n, o) }})
		}
	}
	return h.run(ctx, jobs)
}

func (h *Handler) dailySummary(ctx context.Context, at time.Time) (Report, error) {
	if h.cfg.Summary == nil {
		return Report{}, errors.New("the daily-summary schedule invoked a notifier configured without a summary")
	}
	s, err := summary.Read(ctx, h.deps.Alarms, summary.Options{
		Environment: h.cfg.Environment, Region: h.deps.Region, Prefix: h.cfg.Summary.AlarmNamePrefix,
		From: at.Add(-24 * time.Hour), To: at, UptimeAlarms: h.cfg.Summary.UptimeAlarms,
	})
	if err != nil {
		return Report{}, fmt.Errorf("reading the alarms for the daily summary: %w", err)
	}
	var jobs []job
	for _, ch := range h.cfg.Channels {
		if !ch.ReceivesSummary() {
			continue
		}
		// One summary a day per channel: a retried invocation skips the channels
		// that already have today's.
		jobs = append(jobs, job{key: "summary/" + at.UTC().Format(time.DateOnly) + "/" + ch.Name, channel: ch, about: "daily summary",
			render: func(o format.Options) ([]byte, error) { return format.RenderSummary(ch.Target, s, o) }})
	}
	return h.run(ctx, jobs)
}

// job is one message for one channel.
type job struct {
	key     string // what was delivered, to skip it when Lambda retries the event
	channel config.Channel
	about   string
	render  func(format.Options) ([]byte, error)
}

// run delivers the jobs in parallel and reports; its error lists every failure.
func (h *Handler) run(ctx context.Context, jobs []job) (Report, error) {
	secretsErr := h.LoadSecrets(ctx)
	o := format.Options{AlertmanagerURL: h.cfg.AlertmanagerURL, GrafanaURL: h.cfg.GrafanaURL,
		Location: h.cfg.Location(), Environment: h.cfg.Environment}
	var (
		mu     sync.Mutex
		report Report
		errs   []error
		wg     sync.WaitGroup
	)
	for _, j := range jobs {
		if h.sent.has(j.key) {
			report.Skipped++
			continue
		}
		wg.Add(1)
		go func(j job) {
			defer wg.Done()
			err := h.deliver(ctx, j, o, secretsErr)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				report.Failed++
				errs = append(errs, fmt.Errorf("channel %s (%s): %w", j.channel.Name, j.about, err))
				return
			}
			report.Delivered++
			h.sent.add(j.key)
		}(j)
	}
	wg.Wait()
	return report, errors.Join(errs...)
}

func (h *Handler) deliver(ctx context.Context, j job, o format.Options, secretsErr error) error {
	log := h.deps.Logger.With("channel", j.channel.Name, "target", string(j.channel.Target), "message", j.about)
	h.mu.Lock()
	u, ok := h.urls[j.channel.Name]
	h.mu.Unlock()
	if !ok {
		err := fmt.Errorf("no webhook URL: %w", secretsErr)
		log.Error("not delivered", "error", err.Error())
		return err
	}
	body, err := j.render(o)
	if err != nil {
		log.Error("not rendered", "error", err.Error())
		return err
	}
	res, err := h.deps.Sender.Post(ctx, u, "application/json; charset=utf-8", body)
	attrs := []any{"attempts", res.Attempts, "status", res.Status, "waited", res.Waited.String(), "bytes", len(body)}
	if err != nil {
		log.Error("not delivered", append(attrs, "error", err.Error())...)
		return err
	}
	log.Info("delivered", attrs...)
	return nil
}

// recent remembers the last keys added, so that a retried event skips what was
// already delivered by this warm instance (a cold one may deliver twice).
type recent struct {
	mu    sync.Mutex
	max   int
	order []string
	set   map[string]bool
}

func newRecent(max int) *recent { return &recent{max: max, set: map[string]bool{}} }

func (r *recent) has(k string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.set[k]
}

func (r *recent) add(k string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.set[k] {
		return
	}
	r.set[k] = true
	r.order = append(r.order, k)
	if len(r.order) > r.max {
		delete(r.set, r.order[0])
		r.order = r.order[1:]
	}
}
