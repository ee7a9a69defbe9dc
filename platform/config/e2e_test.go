package config

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/vigilops/vigil/internal/loopback"
)

// series is one series of a Prometheus instant query.
type series struct {
	Metric map[string]string `json:"metric"`
	Value  [2]any            `json:"value"`
}

// query runs an instant query against Prometheus's HTTP API.
func query(t *testing.T, addr, q string) []series {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+addr+"/api/v1/query?query="+url.QueryEscape(q), nil)
	require.NoError(t, err)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	var body struct {
		Status string `json:"status"`
		Data   struct {
			Result []series `json:"result"`
		} `json:"data"`
	}
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&body))
	require.Equal(t, "success", body.Status, q)
	return body.Data.Result
}

// valueOf waits, at most a minute, until q has exactly one series, and returns it.
func valueOf(t *testing.T, addr, q string) series {
	t.Helper()
	for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline); time.Sleep(500 * time.Millisecond) {
		if r := query(t, addr, q); len(r) == 1 {
			return r[0]
		}
	}
	t.Fatalf("no single series for %s within a minute: %v", q, query(t, addr, q))
	return series{}
}

func TestPrometheusScrapesTheBlackboxProbeOfALocalHealthEndpointAndAlertsItsAlertmanager(t *testing.T) {
	prometheus := loopback.Binary(t, "prometheus", "prometheus")
	blackbox := loopback.Binary(t, "prometheus-blackbox-exporter", "prometheus-blackbox-exporter")
	alertmanager := loopback.Binary(t, "prometheus-alertmanager", "prometheus-alertmanager")

	mux := http.NewServeMux()
	mux.HandleFunc("/health", func(w http.ResponseWriter, _ *http.Request) { fmt.Fprintln(w, "ok") })
	mux.HandleFunc("/broken", func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusServiceUnavailable) })
	mux.HandleFunc("/moved", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/health", http.StatusFound) })
	mux.HandleFunc("/metrics", func(w http.ResponseWriter, _ *http.Request) {
		fmt.Fprintln(w, "# TYPE http_requests_total counter\nhttp_requests_total{code=\"200\"} 7")
	})
	app := httptest.NewServer(mux) // 127.0.0.1, a random port
	defer app.Close()
	tlsApp := httptest.NewUnstartedServer(mux) // self-signed: a verifying probe must fail
	tlsApp.Config.ErrorLog = log.New(io.Discard, "", 0)
	tlsApp.StartTLS()
	defer tlsApp.Close()
	appAddr := strings.TrimPrefix(app.URL, "http://")

	dir := t.TempDir()
	rules := filepath.Join(dir, "rules")
	require.NoError(t, os.Mkdir(rules, 0o755))
	bbAddr, promAddr, amAddr := loopback.FreeAddr(t), loopback.FreeAddr(t), loopback.FreeAddr(t)
	// A rule that always fires, to see the alert reach the Alertmanager of alerting.
	require.NoError(t, os.WriteFile(filepath.Join(rules, "e2e.rules.yaml"),
		[]byte("groups:\n  - name: e2e\n    rules:\n      - alert: AlwaysFiring\n        expr: vector(1)\n        labels:\n          environment: e2e\n"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "alertmanager.yml"),
		[]byte("route:\n  receiver: nobody\nreceivers:\n  - name: nobody\n"), 0o644))
	cfg := Prometheus{
		Stack:          "e2e",
		ScrapeInterval: 5 * time.Second,
		RulesDir:       rules,
		Alertmanager:   Alertmanager{Targets: []string{amAddr}},
		// The ECS name of the exporter, swapped for the local one.
		Blackbox: Blackbox{Address: bbAddr},
		Services: []Service{
			{Name: "api", Targets: []string{appAddr}, HealthURL: app.URL + "/health"},
			{Name: "broken", Targets: []string{"127.0.0.1:1"}, HealthURL: app.URL + "/broken"},
			{Name: "moved", Targets: []string{"127.0.0.1:2"}, HealthURL: app.URL + "/moved"},
		},
		Certificates: []Certificate{{Name: "local.test", Targets: []string{strings.TrimPrefix(tlsApp.URL, "https://")}}},
	}
	promYAML := build(t, cfg)
	bbYAML, err := BlackboxYAML(2 * time.Second)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "prometheus.yml"), promYAML, 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "blackbox.yml"), bbYAML, 0o644))

	loopback.Start(t, alertmanager, "http://"+amAddr+"/-/ready", "--config.file="+filepath.Join(dir, "alertmanager.yml"),
		"--storage.path="+filepath.Join(dir, "am"), "--web.listen-address="+amAddr, "--cluster.listen-address=")
	loopback.Start(t, blackbox, "http://"+bbAddr+"/-/ready", "--config.file="+filepath.Join(dir, "blackbox.yml"), "--web.listen-address="+bbAddr)
	loopback.Start(t, prometheus, "http://"+promAddr+"/-/ready", "--config.file="+filepath.Join(dir, "prometheus.yml"),
		"--storage.tsdb.path="+filepath.Join(dir, "data"), "--web.listen-address="+promAddr,
		// Alerts evaluated before the notifier has its Alertmanager are dropped until the
		// next resend, a minute later by default.
		"--rules.alert.resend-delay=2s")

	got := valueOf(t, promAddr, `probe_success{job="blackbox_http",probe_service="api"}`)
	require.Equal(t, "1", got.Value[1], "%v", got)
	require.Equal(t, app.URL+"/health", got.Metric["instance"])
	require.Equal(t, "http_2xx", got.Metric["module"])
	require.NotContains(t, got.Metric, "service")

	// The other side: a 503 and a redirect are failures (200 only, redirects not
	// followed), and a self-signed certificate fails the verifying TLS probe.
	for _, q := range []string{`probe_success{probe_service="broken"}`, `probe_success{probe_service="moved"}`,
		`probe_success{job="blackbox",certificate="local.test"}`} {
		got := valueOf(t, promAddr, q)
		require.Equal(t, "0", got.Value[1], "%s: %v", q, got)
	}
	require.Equal(t, "302", valueOf(t, promAddr, `probe_http_status_code{probe_service="moved"}`).Value[1])

	// The service's own target carries the catalog's service label and the stack's
	// external label is not on stored series.
	up := valueOf(t, promAddr, `up{service="api"}`)
	require.Equal(t, "1", up.Value[1])
	require.Equal(t, "api", up.Metric["job"])
	require.NotContains(t, up.Metric, "vigil_stack")
	require.Equal(t, "7", valueOf(t, promAddr, `http_requests_total{service="api",code="200"}`).Value[1])

	// The rule file was found through rule_files' glob, and its alert reached the
	// Alertmanager that alerting names, with the stack's external label added.
	alert := waitForAlert(t, amAddr, "AlwaysFiring")
	require.Equal(t, "e2e", alert["vigil_stack"])
	require.Equal(t, "e2e", alert["environment"])
}

// waitForAlert waits, at most a minute, for Alertmanager to hold an alert of that
// name, and returns its labels.
func waitForAlert(t *testing.T, addr, name string) map[string]string {
	t.Helper()
	client := http.Client{Timeout: 5 * time.Second}
	for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline); time.Sleep(500 * time.Millisecond) {
		resp, err := client.Get("http://" + addr + "/api/v2/alerts")
		require.NoError(t, err)
		var held []struct {
			Labels map[string]string `json:"labels"`
		}
		err = json.NewDecoder(resp.Body).Decode(&held)
		resp.Body.Close()
		require.NoError(t, err)
		for _, a := range held {
			if a.Labels["alertname"] == name {
				return a.Labels
			}
		}
	}
	t.Fatalf("Alertmanager at %s got no %s alert within a minute", addr, name)
	return nil
}
