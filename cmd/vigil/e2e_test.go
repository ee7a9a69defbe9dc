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
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vigilops/vigil/internal/loopback"
)

// End to end on loopback: the prod stack's generated rules and Alertmanager
// configuration loaded into the real Prometheus and Alertmanager (Debian's).
//
// Windowing: Prometheus starts on three days of backfilled history of the api (10
// requests a second, none failing), then the api fails 50 requests a second for 20
// seconds. That burst burns the error budget fast over 5m and 1h (page-fast), but not
// over 6h, 1d or 3d: only the fast page may fire, every other tier must stay quiet.
//
// Inhibition scope: alerts about other things are posted to Alertmanager beside the
// page, and only those about the same thing (same SLO, same instance) are muted.
//
// Prometheus has no external labels: every rule must carry its environment itself.
// SNS is out of reach, so delivery is not asserted, only routing.
func TestGeneratedRulesAndRoutingWorkInRealPrometheusAndAlertmanager(t *testing.T) {
	prometheus := binary(t, "prometheus")
	alertmanager := binary(t, "prometheus-alertmanager")
	promtool := binary(t, "promtool")

	out := t.TempDir()
	code, _, stderr := vigil("plan", "--stack", "prod", "--dir", projectDir, "--out", out)
	require.Equal(t, 0, code, stderr)

	target := burstingService(t)
	tsdb := backfill(t, promtool, target)
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
`, filepath.Join(out, "prometheus", "rules", "*.rules.yaml"), amPort, target.addr)), 0o644))
	start(t, prometheus,
		// The Watchdog fires at the first evaluation, before Prometheus has found
		// its Alertmanager; resend soon instead of after the default minute.
		"--rules.alert.resend-delay=1s",
		"--config.file="+promConfig,
		"--storage.tsdb.path="+tsdb,
		fmt.Sprintf("--web.listen-address=127.0.0.1:%d", promPort))

	postAlerts(t, amPort, others)

	began := time.Now()
	defer func() { t.Logf("Alertmanager held the alerts after %s", time.Since(began).Round(time.Second)) }()
	var got map[string]seen
	for deadline := time.Now().Add(90 * time.Second); time.Now().Before(deadline); time.Sleep(time.Second) {
		got = heldAlerts(t, amPort)
		if got["page-fast"].state != "" && got["Watchdog"].state != "" && len(got) >= len(others)+2 {
			break
		}
	}
	assert.Equal(t, seen{"active", []string{"sns-critical"}, 0}, got["page-fast"], "the fast page is routed to the critical topic; got %v", got)
	assert.Equal(t, seen{"active", []string{"watchdog"}, 0}, got["Watchdog"], "the dead man's switch has its own receiver")
	for _, a := range others {
		want := seen{"active", []string{a.receiver}, 0}
		if a.mutedBy != "" {
			want = seen{"suppressed", []string{a.receiver}, 1}
		}
		assert.Equal(t, want, got[a.key], "%s (muted by: %q)", a.key, a.mutedBy)
	}

	// The slower tiers look at windows the burst hardly moves: give them a few more
	// evaluations, then hold them to silence.
	time.Sleep(5 * time.Second)
	got = heldAlerts(t, amPort)
	for _, tier := range []string{"page-slow", "ticket-fast", "ticket-slow"} {
		assert.Empty(t, got[tier].state, "%s fired: the burst is 20 seconds against three days of good traffic", tier)
	}
	assert.Equal(t, "prod", target.environmentOf(t, promPort, "page-fast"), "the rule carries its environment without external labels")
}

// seen is what Alertmanager holds of an alert.
type seen struct {
	state       string
	receivers   []string
	inhibitedBy int
}

// other is an alert posted to Alertmanager beside the page, as Prometheus would send
// it for another thing, and whether the page or another posted alert must mute it.
type other struct {
	key      string
	labels   map[string]string
	receiver string
	mutedBy  string
}

var others = []other{
	{key: "host critical", receiver: "sns-critical", labels: map[string]string{
		"alertname": "HostOutOfMemory", "severity": "critical", "environment": "prod", "instance": "10.0.0.1:9100", "host_group": "bastion"}},
	{key: "same host high", receiver: "sns-high", mutedBy: "host critical", labels: map[string]string{
		"alertname": "HostDown", "severity": "high", "environment": "prod", "instance": "10.0.0.1:9100", "host_group": "bastion"}},
	// The old defect: no service label on either side, so the host's critical muted it.
	{key: "certificate high", receiver: "sns-high", labels: map[string]string{
		"alertname": "CertificateExpiringSoon", "severity": "high", "environment": "prod", "certificate": "api.example.com"}},
	{key: "other service high", receiver: "sns-high", labels: map[string]string{
		"alertname": "HighLatencyP99", "severity": "high", "environment": "prod", "service": "web"}},
	{key: "same SLO ticket", receiver: "sns-medium", mutedBy: "page-fast", labels: map[string]string{
		"alertname": "ApiErrorsBudgetBurn", "severity": "medium", "environment": "prod",
		"sloth_id": "api-errors", "sloth_severity": "ticket", "sloth_service": "api", "sloth_slo": "errors", "service": "api"}},
	{key: "staging critical", receiver: "sns-low", labels: map[string]string{
		"alertname": "HostOutOfMemory", "severity": "critical", "environment": "staging", "instance": "10.0.0.2:9100"}},
	{key: "prod high beside staging", receiver: "sns-high", labels: map[string]string{
		"alertname": "HostDown", "severity": "high", "environment": "prod", "instance": "10.0.0.2:9100"}},
}

func postAlerts(t *testing.T, port int, alerts []other) {
	t.Helper()
	var body []map[string]any
	for _, a := range alerts {
		labels := map[string]string{"e2e": a.key}
		for k, v := range a.labels {
			labels[k] = v
		}
		body = append(body, map[string]any{"labels": labels, "startsAt": time.Now().UTC().Format(time.RFC3339),
			"endsAt": time.Now().Add(10 * time.Minute).UTC().Format(time.RFC3339)})
	}
	b, err := json.Marshal(body)
	require.NoError(t, err)
	resp, err := http.Post(fmt.Sprintf("http://127.0.0.1:%d/api/v2/alerts", port), "application/json", strings.NewReader(string(b)))
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
}

// heldAlerts reads Alertmanager's alerts, by tier for the api-errors SLO, by the e2e
// key for posted ones, and by alert name otherwise.
func heldAlerts(t *testing.T, port int) map[string]seen {
	t.Helper()
	got := map[string]seen{}
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
	resp, err := http.Get(fmt.Sprintf("http://127.0.0.1:%d/api/v2/alerts", port))
	if err != nil {
		return got
	}
	_ = json.NewDecoder(resp.Body).Decode(&alerts)
	resp.Body.Close()
	for _, a := range alerts {
		key := a.Labels["alertname"]
		switch {
		case a.Labels["e2e"] != "":
			key = a.Labels["e2e"]
		case a.Labels["vigil_tier"] != "":
			if a.Labels["sloth_id"] != "api-errors" {
				continue
			}
			key = a.Labels["vigil_tier"]
		}
		var receivers []string
		for _, r := range a.Receivers {
			receivers = append(receivers, r.Name)
		}
		got[key] = seen{a.Status.State, receivers, len(a.Status.InhibitedBy)}
	}
	return got
}

// bursting is an HTTP service's metrics: 10 requests a second all along, and 50
// failing ones a second for the 20 seconds after it starts. Its counters are a
// function of the clock, so the backfilled history and the live scrapes are one
// series without a reset.
type bursting struct {
	addr       string
	burstStart time.Time
}

const (
	okPerSecond    = 10
	errorPerSecond = 50
	burst          = 20 * time.Second
	history        = 3*24*time.Hour + time.Hour
)

// epoch is where the counters start, before the history.
var epoch = time.Now().Add(-history - time.Minute).Truncate(time.Second)

func (b *bursting) counts(at time.Time) (ok, failed int) {
	ok = int(at.Sub(epoch).Seconds() * okPerSecond)
	if d := at.Sub(b.burstStart); d > 0 {
		failed = int(min(d, burst).Seconds() * errorPerSecond)
	}
	return ok, failed
}

func burstingService(t *testing.T) *bursting {
	t.Helper()
	b := &bursting{burstStart: time.Now().Add(time.Hour)} // no burst before start
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ok, failed := b.counts(time.Now())
		fmt.Fprintf(w, "# TYPE http_requests_total counter\n")
		fmt.Fprintf(w, "http_requests_total{code=\"200\"} %d\n", ok)
		fmt.Fprintf(w, "http_requests_total{code=\"500\"} %d\n", failed)
	}))
	t.Cleanup(srv.Close)
	b.addr = srv.Listener.Addr().String()
	return b
}

// backfill writes the three days before now as TSDB blocks with promtool, the series
// labelled as Prometheus's scrape will label them, and starts the burst.
func backfill(t *testing.T, promtool string, b *bursting) string {
	t.Helper()
	var om strings.Builder
	om.WriteString("# TYPE http_requests counter\n")
	end := time.Now().Add(-10 * time.Second)
	for at := epoch; at.Before(end); at = at.Add(30 * time.Second) {
		ok, failed := b.counts(at)
		for code, v := range map[string]int{"200": ok, "500": failed} {
			fmt.Fprintf(&om, "http_requests_total{code=%q,instance=%q,job=\"api\",service=\"api\"} %d %d\n", code, b.addr, v, at.Unix())
		}
	}
	om.WriteString("# EOF\n")
	input := filepath.Join(t.TempDir(), "history.om")
	require.NoError(t, os.WriteFile(input, []byte(om.String()), 0o644))
	dir := t.TempDir()
	cmd := exec.Command(promtool, "tsdb", "create-blocks-from", "openmetrics", "--quiet", input, dir)
	outb, err := cmd.CombinedOutput()
	require.NoError(t, err, "promtool backfill: %s", outb)
	b.burstStart = time.Now()
	return dir
}

// environmentOf asks Prometheus for the environment label of the api-errors alert of a tier.
func (b *bursting) environmentOf(t *testing.T, port int, tier string) string {
	t.Helper()
	resp, err := http.Get(fmt.Sprintf("http://127.0.0.1:%d/api/v1/alerts", port))
	require.NoError(t, err)
	defer resp.Body.Close()
	var body struct {
		Data struct {
			Alerts []struct {
				Labels map[string]string `json:"labels"`
			} `json:"alerts"`
		} `json:"data"`
	}
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&body))
	for _, a := range body.Data.Alerts {
		if a.Labels["sloth_id"] == "api-errors" && a.Labels["vigil_tier"] == tier {
			return a.Labels["environment"]
		}
	}
	return ""
}

// binary returns the path of a program from Debian's packages, failing (never
// skipping) when it is missing.
func binary(t *testing.T, name string) string {
	t.Helper()
	pkg := map[string]string{"promtool": "prometheus", "amtool": "prometheus-alertmanager"}[name]
	if pkg == "" {
		pkg = name
	}
	return loopback.Binary(t, name, pkg)
}

// start runs a program until the test ends, and waits until it answers /-/ready on
// its --web.listen-address.
func start(t *testing.T, path string, args ...string) {
	t.Helper()
	var addr string
	for _, a := range args {
		if v, ok := strings.CutPrefix(a, "--web.listen-address="); ok {
			addr = v
		}
	}
	loopback.Start(t, path, "http://"+addr+"/-/ready", args...)
}

// freePort asks the kernel for a free loopback port.
func freePort(t *testing.T) int {
	t.Helper()
	_, port, err := net.SplitHostPort(loopback.FreeAddr(t))
	require.NoError(t, err)
	n, err := strconv.Atoi(port)
	require.NoError(t, err)
	return n
}
