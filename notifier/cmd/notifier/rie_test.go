package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vigilops/vigil/notifier/config"
	"github.com/vigilops/vigil/notifier/format"
	"github.com/vigilops/vigil/notifier/internal/fixture"
	"github.com/vigilops/vigil/notifier/message"
)

// rieModule is the Lambda Runtime Interface Emulator the end-to-end test runs.
const rieModule = "github.com/aws/aws-lambda-runtime-interface-emulator/cmd/aws-lambda-rie@v0.0.0-20261030222936-bef5c4ba774d"

// rie finds aws-lambda-rie, installing it with go install when it is missing.
func rie(t *testing.T) string {
	t.Helper()
	if p, err := exec.LookPath("aws-lambda-rie"); err == nil {
		return p
	}
	gobin := strings.TrimSpace(goEnv(t, "GOBIN"))
	if gobin == "" {
		gobin = filepath.Join(strings.TrimSpace(goEnv(t, "GOPATH")), "bin")
	}
	p := filepath.Join(gobin, "aws-lambda-rie")
	if _, err := os.Stat(p); err == nil {
		return p
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "go", "install", rieModule)
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod")
	cmd.Dir = t.TempDir()
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("aws-lambda-rie is missing and could not be installed; run: go install %s\n%v\n%s", rieModule, err, out)
	}
	return p
}

func goEnv(t *testing.T, key string) string {
	out, err := exec.Command("go", "env", key).Output()
	require.NoError(t, err)
	return string(out)
}

// buildBootstrap builds this command for the local machine, as the Lambda's build does.
func buildBootstrap(t *testing.T) string {
	t.Helper()
	out := filepath.Join(t.TempDir(), "bootstrap")
	cmd := exec.Command("go", "build", "-tags", "lambda.norpc", "-o", out, ".")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOARCH="+runtime.GOARCH)
	b, err := cmd.CombinedOutput()
	require.NoError(t, err, "go build: %s", b)
	return out
}

func freePort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer l.Close()
	return l.Addr().String()
}

// chat stands in for a Google Chat webhook: it answers with the statuses queued
// (then 200) and records each request and when it came.
type chat struct {
	mu       sync.Mutex
	queue    []answer
	bodies   [][]byte
	arrivals []time.Time
}

type answer struct {
	status     int
	retryAfter string
}

func (c *chat) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	c.mu.Lock()
	c.bodies = append(c.bodies, b)
	c.arrivals = append(c.arrivals, time.Now())
	a := answer{status: 200}
	if len(c.queue) > 0 {
		a, c.queue = c.queue[0], c.queue[1:]
	}
	c.mu.Unlock()
	if a.retryAfter != "" {
		w.Header().Set("Retry-After", a.retryAfter)
	}
	w.WriteHeader(a.status)
}

func (c *chat) next(answers ...answer) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.queue, c.bodies, c.arrivals = answers, nil, nil
}

func (c *chat) got() ([][]byte, []time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([][]byte(nil), c.bodies...), append([]time.Time(nil), c.arrivals...)
}

// secretsManager stands in for Secrets Manager's GetSecretValue (JSON 1.1).
type secretsManager struct {
	mu       sync.Mutex
	values   map[string]string
	requests []*http.Request
}

func (s *secretsManager) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var in struct{ SecretId string }
	_ = json.NewDecoder(r.Body).Decode(&in)
	s.mu.Lock()
	s.requests = append(s.requests, r)
	v, ok := s.values[in.SecretId]
	s.mu.Unlock()
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	if r.Header.Get("X-Amz-Target") != "secretsmanager.GetSecretValue" || !ok {
		w.WriteHeader(400)
		_, _ = io.WriteString(w, `{"__type":"ResourceNotFoundException","message":"Secrets Manager can't find the specified secret."}`)
		return
	}
	_ = json.NewEncoder(w).Encode(map[string]any{"ARN": in.SecretId, "Name": "vigil-e2e-chat", "SecretString": v,
		"VersionId": "c3b1e7c9-0000-0000-0000-000000000001", "VersionStages": []string{"AWSCURRENT"}, "CreatedDate": 1764600000})
}

// The notifier under the real Lambda Runtime Interface Emulator, fed real SNS
// events, with local servers for Google Chat and Secrets Manager.
func TestTheNotifierUnderTheLambdaRuntimeInterfaceEmulator(t *testing.T) {
	rieBin := rie(t)
	bootstrap := buildBootstrap(t)

	hook := &chat{}
	chatSrv := httptest.NewServer(hook)
	defer chatSrv.Close()
	webhookURL := chatSrv.URL + "/v1/spaces/AAAA/messages?key=E2EKEY&token=E2ETOKEN"
	secretARN := "arn:aws:secretsmanager:eu-west-1:123456789012:secret:vigil-e2e-chat-AbCdEf"
	sm := &secretsManager{values: map[string]string{secretARN: webhookURL}}
	smSrv := httptest.NewServer(sm)
	defer smSrv.Close()

	cw := httptest.NewServer(&fakeCloudWatch{})
	defer cw.Close()

	cfg, err := config.Marshal(config.Config{
		Environment:     "prod",
		AlertmanagerURL: "https://alertmanager.example.com",
		Channels:        []config.Channel{{Name: "ops-chat", Target: format.GoogleChat, Severities: message.Severities(), SecretID: secretARN}},
		Summary:         &config.Summary{AlarmNamePrefix: "p-", UptimeAlarms: map[string]string{"api": "p-api-cpu"}},
		TimeZone:        "Europe/Paris",
	})
	require.NoError(t, err)

	api, emu := freePort(t), freePort(t)
	var logs bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, rieBin, "--runtime-interface-emulator-address", emu, "--runtime-api-address", api, bootstrap)
	cmd.Env = []string{
		"PATH=" + os.Getenv("PATH"),
		config.EnvVar + "=" + string(cfg),
		"VIGIL_SECRETSMANAGER_ENDPOINT=" + smSrv.URL,
		"VIGIL_CLOUDWATCH_ENDPOINT=" + cw.URL,
		"AWS_REGION=eu-west-1",
		"AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE",
		"AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
		"AWS_LAMBDA_FUNCTION_TIMEOUT=60",
	}
	cmd.Stdout, cmd.Stderr = &syncWriter{w: &logs}, &syncWriter{w: &logs}
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true} // the emulator and the bootstrap it starts
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	require.NoError(t, cmd.Start())
	defer func() {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		_ = cmd.Wait()
	}()
	waitListening(t, emu, 20*time.Second)

	invoke := func(t *testing.T, ev []byte) map[string]any {
		t.Helper()
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, "http://"+emu+"/2015-03-31/functions/function/invocations", bytes.NewReader(ev))
		require.NoError(t, err)
		resp, err := (&http.Client{Timeout: 90 * time.Second}).Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		var out map[string]any
		require.NoError(t, json.Unmarshal(b, &out), "the emulator answered %s", b)
		return out
	}
	snsEvent := func(t *testing.T, name, id string) []byte {
		t.Helper()
		r, err := fixture.Record(name)
		require.NoError(t, err)
		r.MessageID = id
		b, err := fixture.SNSEvent(r)
		require.NoError(t, err)
		return b
	}
	card := func(t *testing.T, body []byte) chatCard {
		t.Helper()
		var m chatMessage
		require.NoError(t, json.Unmarshal(body, &m), "%s", body)
		require.Len(t, m.CardsV2, 1)
		return m.CardsV2[0].Card
	}

	t.Run("A CloudWatch alarm arrives as a readable Google Chat card.", func(t *testing.T) {
		hook.next()
		out := invoke(t, snsEvent(t, "metric-alarm", "e2e-1"))
		assert.Equal(t, 1.0, out["delivered"], "%v", out)
		bodies, _ := hook.got()
		require.Len(t, bodies, 1)
		c := card(t, bodies[0])
		assert.Equal(t, "🟠 FIRING: reservations-prod-api-cpu-high", c.Header.Title)
		assert.Equal(t, "high · prod · api", c.Header.Subtitle)
		facts := c.facts()
		assert.Equal(t, "92.5 (threshold &gt; 80)", facts["Value"])
		assert.Equal(t, "2026-12-01 20:35:12 CET", facts["Time"], "in the configured time zone")
		assert.Equal(t, "OK → ALARM", facts["State"])
		assert.Equal(t, map[string]string{
			"Runbook":              "https://runbooks.example.com/ecs-cpu-high",
			"Alarm in AWS console": "https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#alarmsV2:alarm/reservations-prod-api-cpu-high",
		}, c.buttons())
	})

	t.Run("An Alertmanager group arrives as a readable Google Chat card.", func(t *testing.T) {
		hook.next()
		out := invoke(t, snsEvent(t, "alertmanager-group", "e2e-2"))
		assert.Equal(t, 1.0, out["delivered"], "%v", out)
		bodies, _ := hook.got()
		require.Len(t, bodies, 1)
		c := card(t, bodies[0])
		assert.Equal(t, "🟠 FIRING: HighLatency", c.Header.Title)
		assert.Equal(t, "2 firing, 1 resolved", c.facts()["Alerts"])
		items := c.section("Alerts (3)")
		require.Len(t, items, 3)
		assert.Contains(t, items[0], "web p99 latency is 2.4s")
		assert.Contains(t, items[0], `<a href="https://runbooks.example.com/highlatency">Runbook</a>`)
		assert.Contains(t, items[2], "RESOLVED HighLatency")
		assert.Contains(t, c.buttons()["Alertmanager"], "https://alertmanager.example.com/#/alerts?filter=")
	})

	t.Run("A 500 then a 200 is retried and delivered.", func(t *testing.T) {
		hook.next(answer{status: 500})
		out := invoke(t, snsEvent(t, "alertmanager-firing", "e2e-3"))
		assert.Equal(t, 1.0, out["delivered"], "%v", out)
		bodies, _ := hook.got()
		require.Len(t, bodies, 2)
		assert.Equal(t, bodies[0], bodies[1], "the retry sends the same card")
	})

	t.Run("A 429 with Retry-After waits as long as asked.", func(t *testing.T) {
		hook.next(answer{status: 429, retryAfter: "2"})
		out := invoke(t, snsEvent(t, "metric-ok", "e2e-4"))
		assert.Equal(t, 1.0, out["delivered"], "%v", out)
		bodies, arrivals := hook.got()
		require.Len(t, bodies, 2)
		assert.GreaterOrEqual(t, arrivals[1].Sub(arrivals[0]), 2*time.Second)
		assert.Equal(t, "✅ RESOLVED: reservations-prod-api-cpu-high", card(t, bodies[1]).Header.Title)
	})

	t.Run("A permanent failure fails the invocation, for the dead-letter queue.", func(t *testing.T) {
		hook.next(answer{status: 400})
		out := invoke(t, snsEvent(t, "composite-alarm", "e2e-5"))
		msg, _ := out["errorMessage"].(string)
		assert.Contains(t, msg, "channel ops-chat (cloudwatch-composite-alarm reservations-prod-api-degraded)")
		assert.Contains(t, msg, "refused after 1 attempt(s): 400 Bad Request")
		assert.Contains(t, msg, chatSrv.URL, "the endpoint is named by scheme and host")
		assert.NotContains(t, msg, "E2ETOKEN")
		bodies, _ := hook.got()
		assert.Len(t, bodies, 1, "no retry of a 400")
	})

	t.Run("The daily schedule posts the summary, read from CloudWatch.", func(t *testing.T) {
		hook.next()
		out := invoke(t, []byte(`{"version":"0","id":"53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa","detail-type":"Scheduled Event",
			"source":"aws.events","account":"123456789012","time":"2026-12-01T07:00:00Z","region":"eu-west-1",
			"resources":["arn:aws:events:eu-west-1:123456789012:rule/vigil-prod-daily-summary"],"detail":{}}`))
		assert.Equal(t, 1.0, out["delivered"], "%v", out)
		bodies, _ := hook.got()
		require.Len(t, bodies, 1)
		c := card(t, bodies[0])
		assert.Equal(t, "📋 DAILY SUMMARY: prod", c.Header.Title)
		assert.Equal(t, "2026-11-30 08:00:00 CET – 2026-12-01 08:00:00 CET", c.Header.Subtitle, "in the configured time zone")
		assert.Equal(t, "1", c.facts()["In ALARM"])
		assert.Equal(t, []string{"high p-api-cpu (api) since 2026-12-01 05:00:00 CET"}, c.section("In ALARM now"))
		assert.Equal(t, []string{"api: 87.50% (down 3h0m0s)"}, c.section("Uptime"))
	})

	t.Run("The webhook URL was read once, at cold start, with a signed request.", func(t *testing.T) {
		sm.mu.Lock()
		defer sm.mu.Unlock()
		require.Len(t, sm.requests, 1)
		auth := sm.requests[0].Header.Get("Authorization")
		assert.True(t, strings.HasPrefix(auth, "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/"), auth)
		assert.Contains(t, auth, "/eu-west-1/secretsmanager/aws4_request")
	})

	t.Run("Nothing the function logged holds the webhook's secret.", func(t *testing.T) {
		text := logs.String()
		assert.Contains(t, text, `"msg":"delivered"`)
		assert.NotContains(t, text, "E2ETOKEN")
		assert.NotContains(t, text, "E2EKEY")
	})
}

func waitListening(t *testing.T, addr string, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	for time.Now().Before(deadline) {
		if c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond); err == nil {
			c.Close()
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("the emulator did not listen on %s within %s", addr, within)
}

type syncWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}

// The parts of a Google Chat card the test reads.
type chatMessage struct {
	CardsV2 []struct {
		Card chatCard `json:"card"`
	} `json:"cardsV2"`
}

type chatCard struct {
	Header   struct{ Title, Subtitle string } `json:"header"`
	Sections []struct {
		Header  string `json:"header"`
		Widgets []struct {
			TextParagraph *struct{ Text string } `json:"textParagraph"`
			DecoratedText *struct {
				TopLabel string `json:"topLabel"`
				Text     string `json:"text"`
			} `json:"decoratedText"`
			ButtonList *struct {
				Buttons []struct {
					Text    string `json:"text"`
					OnClick struct {
						OpenLink struct {
							URL string `json:"url"`
						} `json:"openLink"`
					} `json:"onClick"`
				} `json:"buttons"`
			} `json:"buttonList"`
		} `json:"widgets"`
	} `json:"sections"`
}

func (c chatCard) facts() map[string]string {
	out := map[string]string{}
	for _, s := range c.Sections {
		for _, w := range s.Widgets {
			if w.DecoratedText != nil {
				out[w.DecoratedText.TopLabel] = w.DecoratedText.Text
			}
		}
	}
	return out
}

func (c chatCard) buttons() map[string]string {
	out := map[string]string{}
	for _, s := range c.Sections {
		for _, w := range s.Widgets {
			if w.ButtonList != nil {
				for _, b := range w.ButtonList.Buttons {
					out[b.Text] = b.OnClick.OpenLink.URL
				}
			}
		}
	}
	return out
}

func (c chatCard) section(header string) []string {
	var out []string
	for _, s := range c.Sections {
		if s.Header == header {
			for _, w := range s.Widgets {
				if w.TextParagraph != nil {
					out = append(out, w.TextParagraph.Text)
				}
			}
		}
	}
	return out
}
