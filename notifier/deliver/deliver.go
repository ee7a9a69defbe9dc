// Package deliver POSTs a rendered notification to a webhook: one timeout per
// attempt, retries with exponential backoff on 429, 5xx and network errors, the
// server's Retry-After honoured (seconds or an HTTP date), and no retry on other
// answers. A webhook URL is a secret (its path or query holds the token), so no
// error or result ever shows more of it than its scheme and host.
package deliver

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/vigilops/vigil/validate"
)

// Config sets how a Sender delivers. The zero value gives the defaults.
type Config struct {
	// Timeout bounds one attempt, from connecting to reading the answer (of which
	// at most 1 MiB is read). 100ms to 60s. Defaults to 10s.
	Timeout time.Duration
	// MaxAttempts counts the first attempt and every retry, 1 to 10. Defaults to 4.
	MaxAttempts int
	// BaseDelay is the wait before the first retry; each further retry waits twice
	// the previous, up to MaxDelay. 1ms to 10s. Defaults to 500ms.
	BaseDelay time.Duration
	// MaxDelay caps the backoff, BaseDelay to 5m. Defaults to 20s.
	MaxDelay time.Duration
	// MaxRetryAfter is the longest Retry-After the Sender waits for; a server that
	// asks for longer fails the delivery at once (retryable later, by Lambda). 0s
	// to 15m. Defaults to 60s.
	MaxRetryAfter time.Duration
	// Client sends the requests. Its redirects are never followed (a redirected POST
	// would become a GET). Defaults to a client with no other settings.
	Client *http.Client
	// Sleep waits d or until ctx ends. Defaults to a timer; tests inject their own.
	Sleep func(ctx context.Context, d time.Duration) error
	// Now is the clock that HTTP-date Retry-After values are read against.
	// Defaults to time.Now.
	Now func() time.Time
}

// Sender delivers bodies to webhooks.
type Sender struct{ cfg Config }

// New checks cfg, applies its defaults and returns a Sender.
func New(cfg Config) (*Sender, error) {
	var ps validate.Problems
	durationRange(&ps, "Timeout", cfg.Timeout, 100*time.Millisecond, time.Minute)
	if cfg.MaxAttempts != 0 {
		validate.IntRange(&ps, "MaxAttempts", cfg.MaxAttempts, 1, 10, "the first attempt counts; 0 means 4")
	}
	durationRange(&ps, "BaseDelay", cfg.BaseDelay, time.Millisecond, 10*time.Second)
	durationRange(&ps, "MaxDelay", cfg.MaxDelay, time.Millisecond, 5*time.Minute)
	if cfg.MaxRetryAfter < 0 || cfg.MaxRetryAfter > 15*time.Minute {
		ps.Addf("MaxRetryAfter", "a Lambda runs at most 15 minutes; 0 means 60s", "must be between 0s and 15m, got %s", cfg.MaxRetryAfter)
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = 10 * time.Second
	}
	if cfg.MaxAttempts == 0 {
		cfg.MaxAttempts = 4
	}
	if cfg.BaseDelay == 0 {
		cfg.BaseDelay = 500 * time.Millisecond
	}
	if cfg.MaxDelay == 0 {
		cfg.MaxDelay = 20 * time.Second
	}
	if cfg.MaxDelay < cfg.BaseDelay {
		ps.Addf("MaxDelay", "raise MaxDelay or lower BaseDelay", "must be at least BaseDelay (%s), got %s", cfg.BaseDelay, cfg.MaxDelay)
	}
	if cfg.MaxRetryAfter == 0 {
		cfg.MaxRetryAfter = time.Minute
	}
	if err := ps.Err("deliver.Config"); err != nil {
		return nil, err
	}
	client := http.Client{}
	if cfg.Client != nil {
		client = *cfg.Client
	}
	client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	cfg.Client = &client
	if cfg.Sleep == nil {
		cfg.Sleep = sleep
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Sender{cfg: cfg}, nil
}

func durationRange(ps *validate.Problems, path string, d, lo, hi time.Duration) {
	if d != 0 && (d < lo || d > hi) {
		ps.Addf(path, "0 means the default", "must be between %s and %s, got %s", lo, hi, d)
	}
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Result says how a delivery went.
type Result struct {
	// Attempts made, 1 or more.
	Attempts int
	// Status is the last answer's HTTP status, 0 when none came.
	Status int
	// Waited is the time spent waiting between attempts.
	Waited time.Duration
}

// Error is a delivery that did not succeed. Its text names the endpoint by scheme
// and host only.
type Error struct {
	// Endpoint is the webhook's scheme and host, such as https://chat.googleapis.com.
	Endpoint string
	Result
	// Permanent is true when retrying cannot help (a 4xx other than 429, a
	// redirect): the body or the URL is wrong.
	Permanent bool
	// Reason says what the last attempt got.
	Reason string
}

func (e *Error) Error() string {
	kind := "gave up"
	if e.Permanent {
		kind = "refused"
	}
	return fmt.Sprintf("deliver to %s: %s after %d attempt(s): %s", e.Endpoint, kind, e.Attempts, e.Reason)
}

// Redact is what of a webhook URL may be shown: its scheme and host.
func Redact(rawURL string) string {
	u, err := url.Parse(rawURL)
	if err != nil || u.Host == "" {
		return "(unparsable URL)"
	}
	return u.Scheme + "://" + u.Host
}

// Post sends body to rawURL with the given content type until it is accepted (2xx),
// refused for good, or the attempts, the Retry-After limit or ctx run out.
func (s *Sender) Post(ctx context.Context, rawURL, contentType string, body []byte) (Result, error) {
	var res Result
	endpoint := Redact(rawURL)
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return res, &Error{Endpoint: endpoint, Permanent: true, Reason: "not an http(s) URL"}
	}
	scrub := scrubber(rawURL, u)
	fail := func(permanent bool, reason string) (Result, error) {
		return res, &Error{Endpoint: endpoint, Result: res, Permanent: permanent, Reason: scrub(reason)}
	}
	for {
		res.Attempts++
		status, retryAfter, reason, err := s.attempt(ctx, rawURL, contentType, body)
		res.Status = status
		switch {
		case err == nil && status >= 200 && status < 300:
			return res, nil
		case err == nil && status != http.StatusTooManyRequests && status < 500:
			return fail(true, reason)
		}
		if res.Attempts >= s.cfg.MaxAttempts {
			return fail(false, reason)
		}
		wait := s.backoff(res.Attempts)
		if d, ok := s.retryAfter(retryAfter); ok {
			if d > s.cfg.MaxRetryAfter {
				return fail(false, fmt.Sprintf("%s; Retry-After %s is longer than the %s this sender waits", reason, d, s.cfg.MaxRetryAfter))
			}
			wait = d
		}
		if deadline, ok := ctx.Deadline(); ok && s.cfg.Now().Add(wait).After(deadline) {
			return fail(false, reason+"; no time left to wait "+wait.String()+" for a retry")
		}
		if err := s.cfg.Sleep(ctx, wait); err != nil {
			return fail(false, reason+"; "+err.Error())
		}
		res.Waited += wait
	}
}

// attempt makes one request and says what came back: a status (0 on a network
// error, with err set), the Retry-After header and a reason for errors.
func (s *Sender) attempt(ctx context.Context, rawURL, contentType string, body []byte) (int, string, string, error) {
	ctx, cancel := context.WithTimeout(ctx, s.cfg.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, rawURL, bytes.NewReader(body))
	if err != nil {
		return 0, "", "cannot build the request", err
	}
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("User-Agent", "vigil-notifier")
	resp, err := s.cfg.Client.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // url.Error's text holds the whole URL
		}
		if errors.Is(err, context.DeadlineExceeded) {
			return 0, "", "no answer within " + s.cfg.Timeout.String(), err
		}
		return 0, "", err.Error(), err
	}
	defer resp.Body.Close()
	snippet, _ := io.ReadAll(io.LimitReader(resp.Body, 256))
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
	reason := resp.Status
	if text := strings.TrimSpace(strings.ToValidUTF8(string(snippet), "?")); text != "" {
		reason += ": " + text
	}
	return resp.StatusCode, resp.Header.Get("Retry-After"), reason, nil
}

// backoff is the wait after the given attempt: BaseDelay doubled per attempt,
// capped at MaxDelay.
func (s *Sender) backoff(attempt int) time.Duration {
	d := s.cfg.BaseDelay
	for i := 1; i < attempt; i++ {
		d *= 2
		if d >= s.cfg.MaxDelay {
			return s.cfg.MaxDelay
		}
	}
	return min(d, s.cfg.MaxDelay)
}

// retryAfter reads a Retry-After value: delay-seconds or an HTTP date (RFC 9110).
// A date in the past means no wait.
func (s *Sender) retryAfter(v string) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if n, err := strconv.ParseInt(v, 10, 64); err == nil {
		if n < 0 {
			return 0, false
		}
		if n > int64(24*time.Hour/time.Second) {
			n = int64(24 * time.Hour / time.Second)
		}
		return time.Duration(n) * time.Second, true
	}
	t, err := http.ParseTime(v)
	if err != nil {
		return 0, false
	}
	return max(t.Sub(s.cfg.Now()), 0), true
}

// scrubber removes the secret parts of the URL (path, query, user info) from text
// that might quote them.
func scrubber(rawURL string, u *url.URL) func(string) string {
	var secrets []string
	for _, s := range []string{rawURL, u.RawQuery, u.EscapedPath(), u.Path, u.User.String()} {
		if len(s) > 1 { // a bare "/" gives nothing away
			secrets = append(secrets, s)
		}
	}
	return func(text string) string {
		for _, s := range secrets {
			text = strings.ReplaceAll(text, s, "[redacted]")
		}
		return text
	}
}
