package deliver_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vigilops/vigil/notifier/deliver"
)

// script answers each request with the next of its answers (the last one repeats)
// and records what it was sent.
type script struct {
	mu      sync.Mutex
	answers []answer
	bodies  []string
	types   []string
}

type answer struct {
	status     int
	retryAfter string
	body       string
	delay      time.Duration
}

func (s *script) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	s.mu.Lock()
	s.bodies = append(s.bodies, string(b))
	s.types = append(s.types, r.Header.Get("Content-Type"))
	a := s.answers[min(len(s.bodies), len(s.answers))-1]
	s.mu.Unlock()
	if a.delay > 0 {
		select {
		case <-time.After(a.delay):
		case <-r.Context().Done():
			return
		}
	}
	if a.retryAfter != "" {
		w.Header().Set("Retry-After", a.retryAfter)
	}
	w.WriteHeader(a.status)
	_, _ = io.WriteString(w, a.body)
}

func (s *script) requests() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.bodies)
}

// sleeper records the waits asked for, without waiting.
type sleeper struct{ waits []time.Duration }

func (s *sleeper) sleep(_ context.Context, d time.Duration) error {
	s.waits = append(s.waits, d)
	return nil
}

var now = time.Date(2026, 12, 1, 20, 0, 0, 0, time.UTC)

// serve starts a webhook on 127.0.0.1 with the answers; its URL carries a secret
// path and query, as Slack's and Google Chat's do.
func serve(t *testing.T, answers ...answer) (*script, string) {
	t.Helper()
	s := &script{answers: answers}
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	require.True(t, strings.HasPrefix(srv.URL, "http://127.0.0.1:"))
	return s, srv.URL + "/services/T000/B000/s3cr3tT0k3n?key=k3y&token=t0k3n"
}

func sender(t *testing.T, sl *sleeper, cfg deliver.Config) *deliver.Sender {
	t.Helper()
	cfg.Sleep = sl.sleep
	cfg.Now = func() time.Time { return now }
	s, err := deliver.New(cfg)
	require.NoError(t, err)
	return s
}

func TestDeliveryRetriesWhatCanSucceedLaterAndNothingElse(t *testing.T) {
	ms := time.Millisecond
	tests := map[string]struct {
		answers   []answer
		cfg       deliver.Config
		ok        bool
		attempts  int
		waits     []time.Duration
		permanent bool
	}{
		"A 200 is delivered at once.": {
			answers: []answer{{status: 200}}, ok: true, attempts: 1},
		"A 204 is delivered too.": {
			answers: []answer{{status: 204}}, ok: true, attempts: 1},
		"A 500 then a 200 is retried once after the base delay.": {
			answers: []answer{{status: 500}, {status: 200}}, ok: true, attempts: 2, waits: []time.Duration{500 * ms}},
		"502, 503, 504 then 200: the waits double.": {
			answers: []answer{{status: 502}, {status: 503}, {status: 504}, {status: 200}}, ok: true, attempts: 4,
			waits: []time.Duration{500 * ms, time.Second, 2 * time.Second}},
		"Backoff stops doubling at MaxDelay.": {
			answers: []answer{{status: 500}, {status: 500}, {status: 500}, {status: 500}, {status: 200}},
			cfg:     deliver.Config{MaxAttempts: 5, BaseDelay: 100 * ms, MaxDelay: 250 * ms}, ok: true, attempts: 5,
			waits: []time.Duration{100 * ms, 200 * ms, 250 * ms, 250 * ms}},
		"A 429 with Retry-After in seconds waits that long.": {
			answers: []answer{{status: 429, retryAfter: "7"}, {status: 200}}, ok: true, attempts: 2, waits: []time.Duration{7 * time.Second}},
		"A 503 with Retry-After as an HTTP date waits until then.": {
			answers: []answer{{status: 503, retryAfter: now.Add(90 * time.Second).Format(http.TimeFormat)}, {status: 200}},
			cfg:     deliver.Config{MaxRetryAfter: 2 * time.Minute}, ok: true, attempts: 2, waits: []time.Duration{90 * time.Second}},
		"A Retry-After date in the past means no wait.": {
			answers: []answer{{status: 429, retryAfter: now.Add(-time.Hour).Format(http.TimeFormat)}, {status: 200}}, ok: true, attempts: 2,
			waits: []time.Duration{0}},
		"A Retry-After of exactly MaxRetryAfter is waited for.": {
			answers: []answer{{status: 429, retryAfter: "60"}, {status: 200}}, ok: true, attempts: 2, waits: []time.Duration{time.Minute}},
		"A Retry-After one second over MaxRetryAfter gives up at once.": {
			answers: []answer{{status: 429, retryAfter: "61"}, {status: 200}}, attempts: 1},
		"A Retry-After that is neither seconds nor a date falls back to the backoff.": {
			answers: []answer{{status: 429, retryAfter: "soon"}, {status: 200}}, ok: true, attempts: 2, waits: []time.Duration{500 * ms}},
		"A 400 is refused for good: no retry.": {
			answers: []answer{{status: 400, body: "invalid_payload"}, {status: 200}}, attempts: 1, permanent: true},
		"A 404 is refused for good.": {
			answers: []answer{{status: 404}}, attempts: 1, permanent: true},
		"A 499 is still a client error.": {
			answers: []answer{{status: 499}}, attempts: 1, permanent: true},
		"A redirect is not followed: a POST must not become a GET.": {
			answers: []answer{{status: 302}}, attempts: 1, permanent: true},
		"500s until the attempts run out give up, retryable.": {
			answers: []answer{{status: 500}}, attempts: 4, waits: []time.Duration{500 * ms, time.Second, 2 * time.Second}},
		"One attempt only when MaxAttempts is 1.": {
			answers: []answer{{status: 500}}, cfg: deliver.Config{MaxAttempts: 1}, attempts: 1},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			srv, url := serve(t, tt.answers...)
			sl := &sleeper{}
			res, err := sender(t, sl, tt.cfg).Post(context.Background(), url, "application/json; charset=UTF-8", []byte(`{"text":"hi"}`))
			assert.Equal(t, tt.attempts, res.Attempts)
			assert.Equal(t, tt.attempts, srv.requests(), "the server saw every attempt")
			assert.Equal(t, tt.waits, sl.waits)
			for i, body := range srv.bodies {
				assert.Equal(t, `{"text":"hi"}`, body, "attempt %d sends the whole body", i+1)
				assert.Equal(t, "application/json; charset=UTF-8", srv.types[i])
			}
			if tt.ok {
				require.NoError(t, err)
				return
			}
			require.Error(t, err)
			var de *deliver.Error
			require.True(t, errors.As(err, &de))
			assert.Equal(t, tt.permanent, de.Permanent)
			assert.Equal(t, tt.attempts, de.Attempts)
			assertNoSecret(t, err.Error())
			assert.Contains(t, err.Error(), "http://127.0.0.1:")
		})
	}
}

func assertNoSecret(t *testing.T, text string) {
	t.Helper()
	for _, secret := range []string{"s3cr3tT0k3n", "k3y", "t0k3n", "/services/"} {
		assert.NotContains(t, text, secret)
	}
}

func TestAnAttemptThatTimesOutIsRetried(t *testing.T) {
	srv, url := serve(t, answer{status: 200, delay: 2 * time.Second}, answer{status: 200})
	sl := &sleeper{}
	res, err := sender(t, sl, deliver.Config{Timeout: 100 * time.Millisecond}).Post(context.Background(), url, "application/json", []byte("{}"))
	require.NoError(t, err)
	assert.Equal(t, 2, res.Attempts)
	assert.Equal(t, 2, srv.requests())
}

func TestTimeoutsUntilTheEndFailWithoutTheURL(t *testing.T) {
	_, url := serve(t, answer{status: 200, delay: 2 * time.Second})
	sl := &sleeper{}
	_, err := sender(t, sl, deliver.Config{Timeout: 100 * time.Millisecond, MaxAttempts: 2}).Post(context.Background(), url, "application/json", []byte("{}"))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "no answer within 100ms")
	assertNoSecret(t, err.Error())
}

func TestAnEndpointThatRefusesConnectionsIsRetriedAndNotNamedInFull(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL + "/services/T000/B000/s3cr3tT0k3n?key=k3y&token=t0k3n"
	srv.Close()
	sl := &sleeper{}
	res, err := sender(t, sl, deliver.Config{MaxAttempts: 3}).Post(context.Background(), url, "application/json", []byte("{}"))
	require.Error(t, err)
	assert.Equal(t, 3, res.Attempts)
	assert.Zero(t, res.Status)
	assert.Contains(t, err.Error(), "connection refused")
	assertNoSecret(t, err.Error())
}

func TestAnAnswerThatQuotesTheURLIsScrubbed(t *testing.T) {
	var url string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(403)
		_, _ = io.WriteString(w, "forbidden: "+r.URL.RequestURI())
	}))
	t.Cleanup(srv.Close)
	url = srv.URL + "/services/T000/B000/s3cr3tT0k3n?key=k3y&token=t0k3n"
	_, err := sender(t, &sleeper{}, deliver.Config{}).Post(context.Background(), url, "application/json", []byte("{}"))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "403 Forbidden: forbidden: [redacted]")
	assertNoSecret(t, err.Error())
}

func TestNoRetryIsStartedThatTheDeadlineWouldCut(t *testing.T) {
	_, url := serve(t, answer{status: 429, retryAfter: "30"}, answer{status: 200})
	sl := &sleeper{}
	// A context's deadline runs on the real clock: the sender's clock starts there too.
	start := time.Now()
	ctx, cancel := context.WithDeadline(context.Background(), start.Add(10*time.Second))
	defer cancel()
	s, err := deliver.New(deliver.Config{Sleep: sl.sleep, Now: func() time.Time { return start }})
	require.NoError(t, err)
	res, err := s.Post(ctx, url, "application/json", []byte("{}"))
	require.Error(t, err)
	assert.Equal(t, 1, res.Attempts)
	assert.Empty(t, sl.waits)
	assert.Contains(t, err.Error(), "no time left to wait 30s")
}

func TestTheRealSleeperWaitsAndStopsWithItsContext(t *testing.T) {
	_, url := serve(t, answer{status: 429, retryAfter: "1"}, answer{status: 200})
	s, err := deliver.New(deliver.Config{})
	require.NoError(t, err)
	start := time.Now()
	res, err := s.Post(context.Background(), url, "application/json", []byte("{}"))
	require.NoError(t, err)
	assert.Equal(t, 2, res.Attempts)
	assert.Equal(t, time.Second, res.Waited)
	assert.GreaterOrEqual(t, time.Since(start), time.Second, "Retry-After: 1 was waited for")

	_, url = serve(t, answer{status: 500})
	ctx, cancel := context.WithCancel(context.Background())
	go func() { time.Sleep(50 * time.Millisecond); cancel() }()
	s, err = deliver.New(deliver.Config{BaseDelay: 10 * time.Second})
	require.NoError(t, err)
	_, err = s.Post(ctx, url, "application/json", []byte("{}"))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "context canceled")
}

func TestNotAnHTTPURLIsRefusedWithoutBeingShown(t *testing.T) {
	for _, u := range []string{"ftp://example.com/s3cr3tT0k3n", "s3cr3tT0k3n", "https:///s3cr3tT0k3n"} {
		_, err := sender(t, &sleeper{}, deliver.Config{}).Post(context.Background(), u, "application/json", nil)
		require.Error(t, err)
		var de *deliver.Error
		require.True(t, errors.As(err, &de))
		assert.True(t, de.Permanent)
		assertNoSecret(t, err.Error())
	}
}

func TestRedactKeepsSchemeAndHostOnly(t *testing.T) {
	assert.Equal(t, "https://hooks.slack.com", deliver.Redact("https://hooks.slack.com/services/T/B/XXXX"))
	assert.Equal(t, "https://chat.googleapis.com", deliver.Redact("https://chat.googleapis.com/v1/spaces/A/messages?key=k&token=t"))
	assert.Equal(t, "https://prod-01.westeurope.logic.azure.com:443", deliver.Redact("https://prod-01.westeurope.logic.azure.com:443/workflows/x/triggers/manual/paths/invoke?sig=s"))
	assert.Equal(t, "(unparsable URL)", deliver.Redact("::not a url s3cr3t"))
}

func TestTheConfigIsCheckedWholeWithEveryProblem(t *testing.T) {
	tests := map[string]struct {
		cfg  deliver.Config
		want []string
	}{
		"The zero value is valid.":                {deliver.Config{}, nil},
		"Both ends of every range are valid.":     {deliver.Config{Timeout: 100 * time.Millisecond, MaxAttempts: 10, BaseDelay: time.Millisecond, MaxDelay: 5 * time.Minute, MaxRetryAfter: 15 * time.Minute}, nil},
		"The other ends too.":                     {deliver.Config{Timeout: time.Minute, MaxAttempts: 1, BaseDelay: 10 * time.Second, MaxDelay: 10 * time.Second}, nil},
		"Just outside every range, all reported.": {deliver.Config{Timeout: 99 * time.Millisecond, MaxAttempts: 11, BaseDelay: 11 * time.Second, MaxDelay: 5*time.Minute + 1, MaxRetryAfter: 15*time.Minute + 1}, []string{"Timeout: must be between 100ms and 1m0s, got 99ms", "MaxAttempts: must be between 1 and 10, got 11", "BaseDelay: must be between 1ms and 10s, got 11s", "MaxDelay: must be between 1ms and 5m0s", "MaxRetryAfter: must be between 0s and 15m"}},
		"Negative values are refused.":            {deliver.Config{MaxAttempts: -1, MaxRetryAfter: -time.Second}, []string{"MaxAttempts: must be between 1 and 10, got -1", "MaxRetryAfter: must be between 0s and 15m, got -1s"}},
		"MaxDelay under BaseDelay is refused.":    {deliver.Config{BaseDelay: 2 * time.Second, MaxDelay: time.Second}, []string{"MaxDelay: must be at least BaseDelay (2s), got 1s"}},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			_, err := deliver.New(tt.cfg)
			if tt.want == nil {
				require.NoError(t, err)
				return
			}
			require.Error(t, err)
			for _, w := range tt.want {
				assert.Contains(t, err.Error(), w)
			}
			assert.Contains(t, err.Error(), "("+itoa(len(tt.want))+" problem")
		})
	}
}

func itoa(n int) string { return strconv.Itoa(n) }
