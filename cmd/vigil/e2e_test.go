package main

import (
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// End to end on loopback: the prod stack's generated rules and Alertmanager
// configuration loaded into the real Prometheus and Alertmanager (Debian's), a real
// HTTP target whose requests fail half the time, and Alertmanager's API read back.
// The SLO page must reach its receiver while Alertmanager inhibits its tickets (and
// the critical page the high one of the same service), and the Watchdog must reach
// its own receiver. SNS itself is out of reach, so delivery is not asserted.
func TestGeneratedRulesAndRoutingWorkInRealPrometheusAndAlertmanager(t *testing.T) {
	prometheus := binary(t, "prometheus")
	alertmanager := binary(t, "prometheus-alertmanager")

	out := t.TempDir()
	code, _, stderr := vigil("plan", "--stack", "prod", "--dir", projectDir, "--out", out)
	require.Equal(t, 0, code, stderr)

	target := failingService(t)
	amPort, promPort := freePort(t), freePort(t)
	start(t, alertmanager,
		"--config.file="+filepath.Join(out, "alertmanager", "alertmanager.yml"),
		"--storage.path="+t.TempDir(),
		fmt.Sprintf("--web.listen-address=127.0.0.1:%d", amPort),
		"--cluster.listen-address=")
	promConfig := filepath.Join(t.TempDir(), "prometheus.yml")
	require.NoError(t, os.WriteFile(promConfig, []byte(fmt.Sprintf(`global:
  scrape_interval: 1s
  evaluation_interval: 1s
  external_labels:
    environment: prod
rule_files:
  - %s
alerting:
  alertmanagers:
    - static_configs:
        - targets: ["127.0.0.1:%d"]
scrape_configs:
  - job_name: api
    static_configs:
      - targets: ["%s"]
        labels:
          service: api
`, filepath.Join(out, "prometheus", "rules", "*.rules.yaml"), amPort, target)), 0o644))
	start(t, prometheus,
		// The Watchdog fires at the first evaluation, before Prometheus has found
		// its Alertmanager; resend soon instead of after the default minute.
		"--rules.alert.resend-delay=1s",
		"--config.file="+promConfig,
		"--storage.tsdb.path="+t.TempDir(),
		fmt.Sprintf("--web.listen-address=127.0.0.1:%d", promPort))

	// What Alertmanager holds, by tier (or alert name when no tier).
	type seen struct {
		state       string
		receivers   []string
		inhibitedBy int
	}
	var got map[string]seen
	began := time.Now()
	defer func() { t.Logf("Alertmanager held the alerts after %s", time.Since(began).Round(time.Second)) }()
	deadline := time.Now().Add(90 * time.Second)
	for time.Now().Before(deadline) {
		got = map[string]seen{}
		var alerts []struct {
			Labels    map[string]string `json:"labels"`
			Receivers []struct {
				Name string `json:"name"`
			} `json:"receivers"`
			Status struct {
				State       string   `json:"state"`
				InhibitedBy []string `json:"inhibitedBy"`
			} `json:"status"`
		}
		resp, err := http.Get(fmt.Sprintf("http://127.0.0.1:%d/api/v2/alerts", amPort))
		if err == nil {
			_ = json.NewDecoder(resp.Body).Decode(&alerts)
			resp.Body.Close()
		}
		for _, a := range alerts {
			key := a.Labels["alertname"]
			if tier := a.Labels["vigil_tier"]; tier != "" {
				if a.Labels["sloth_id"] != "api-errors" {
					continue
				}
				key = tier
			}
			var receivers []string
			for _, r := range a.Receivers {
				receivers = append(receivers, r.Name)
			}
			got[key] = seen{a.Status.State, receivers, len(a.Status.InhibitedBy)}
		}
		if len(got["ticket-slow"].state) > 0 && len(got["page-slow"].state) > 0 && got["Watchdog"].state != "" {
			break
		}
		time.Sleep(time.Second)
	}
	require.NotEmpty(t, got["page-fast"].state, "the SLO page never reached Alertmanager; got %v", got)
	assert.Equal(t, seen{"active", []string{"sns-critical"}, 0}, got["page-fast"], "the fast page is routed to the critical topic")
	assert.Equal(t, seen{"suppressed", []string{"sns-high"}, 1}, got["page-slow"], "critical silences high of the same service")
	assert.Equal(t, "suppressed", got["ticket-fast"].state, "the page silences its tickets")
	assert.Equal(t, "suppressed", got["ticket-slow"].state, "the page silences its tickets")
	assert.Equal(t, []string{"sns-medium"}, got["ticket-slow"].receivers)
	assert.Equal(t, seen{"active", []string{"watchdog"}, 0}, got["Watchdog"], "the dead man's switch has its own receiver")
}

// binary returns the path of a program from Debian's packages, failing (never
// skipping) when it is missing.
func binary(t *testing.T, name string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err != nil {
		t.Fatalf("%s is not installed: run `make tools`: %v", name, err)
	}
	return path
}

// start runs a program until the test ends, and waits until it answers /-/ready.
func start(t *testing.T, path string, args ...string) {
	t.Helper()
	cmd := exec.Command(path, args...)
	logs := &lockedBuffer{}
	cmd.Stdout, cmd.Stderr = logs, logs
	require.NoError(t, cmd.Start())
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		if t.Failed() {
			t.Logf("%s output:\n%s", filepath.Base(path), logs.String())
		}
	})
	var addr string
	for _, a := range args {
		if v, ok := strings.CutPrefix(a, "--web.listen-address="); ok {
			addr = v
		}
	}
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
		resp, err := http.Get("http://" + addr + "/-/ready")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
	}
	t.Fatalf("%s did not become ready:\n%s", filepath.Base(path), logs.String())
}

// failingService serves Prometheus metrics of an HTTP service that fails half of
// its requests: 100 a second, 50 of them 500s.
func failingService(t *testing.T) string {
	t.Helper()
	began := time.Now()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := int(time.Since(began).Seconds()*50) + 1
		fmt.Fprintf(w, "# TYPE http_requests_total counter\n")
		fmt.Fprintf(w, "http_requests_total{code=\"200\"} %d\n", n)
		fmt.Fprintf(w, "http_requests_total{code=\"500\"} %d\n", n)
	}))
	t.Cleanup(srv.Close)
	return srv.Listener.Addr().String()
}

// freePort asks the kernel for a free loopback port.
func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// lockedBuffer collects a process's output from two pipes at once.
type lockedBuffer struct {
	mu  sync.Mutex
	buf []byte
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.buf = append(b.buf, p...)
	return len(p), nil
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return string(b.buf)
}
