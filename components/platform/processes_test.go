package platform

import (
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// The programs of Debian's packages that stand for the images on loopback: the same
// flags and health endpoints (Prometheus 2.42, Alertmanager 0.25 and the blackbox
// exporter 0.23 take every flag the containers pass to 3.10, 0.34 and 0.27).
var programs = map[string][2]string{
	Prometheus:   {"prometheus", "prometheus"},
	Alertmanager: {"prometheus-alertmanager", "prometheus-alertmanager"},
	Blackbox:     {"prometheus-blackbox-exporter", "prometheus-blackbox-exporter"},
}

func TestTheContainersFlagsAndHealthChecksWorkWithTheRealPrograms(t *testing.T) {
	files := map[string]map[string][]byte{
		Prometheus: prometheusFiles(t, "vigil-prod.local"),
		Alertmanager: {"alertmanager.yml": []byte("route:\n  receiver: sns\nreceivers:\n  - name: sns\n" +
			"    sns_configs:\n      - topic_arn: arn:aws:sns:eu-west-1:123456789012:vigil-prod-critical\n        sigv4:\n          region: eu-west-1\n")},
		Blackbox: {"blackbox.yml": blackboxYAML(t)},
	}
	for app, prog := range programs {
		t.Run(app, func(t *testing.T) {
			path, err := exec.LookPath(prog[0])
			require.NoError(t, err, "install it: apt-get install -y --no-install-recommends %s", prog[1])
			dir := t.TempDir()
			configDir, dataDir := filepath.Join(dir, "config"), filepath.Join(dir, "data")
			for name, b := range files[app] {
				p := filepath.Join(configDir, name)
				require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
				require.NoError(t, os.WriteFile(p, b, 0o644))
			}
			main := parsed(t, spec(app))[1]
			addr := freeLoopback(t)
			listen := ":" + strconv.Itoa(Port(app))
			var args []string
			for _, a := range main.Command {
				a = strings.Replace(a, apps[app].configDir, configDir, 1)
				a = strings.Replace(a, "="+PrometheusDataDir, "="+dataDir, 1)
				a = strings.Replace(a, "="+AlertmanagerDataDir, "="+dataDir, 1)
				a = strings.Replace(a, "="+listen, "="+addr, 1)
				args = append(args, a)
			}
			health := main.HealthCheck.Command[len(main.HealthCheck.Command)-1]
			health = strings.Replace(health, "127.0.0.1"+listen, addr, 1)
			require.True(t, strings.HasPrefix(health, "http://"+addr+"/"), "the health check asks the container's own port: %s", health)
			startUntilHealthy(t, path, health, args...)
			if app == Prometheus {
				require.DirExists(t, filepath.Join(dataDir, "wal"), "the TSDB is where --storage.tsdb.path says")
				for p, refusal := range map[string]string{
					"/-/reload": "Lifecycle API is not enabled", "/-/quit": "Lifecycle API is not enabled",
					"/api/v1/admin/tsdb/snapshot": "admin APIs disabled",
				} {
					resp, err := http.Post("http://"+addr+p, "text/plain", nil)
					require.NoError(t, err)
					body, err := io.ReadAll(resp.Body)
					resp.Body.Close()
					require.NoError(t, err)
					require.NotEqual(t, http.StatusOK, resp.StatusCode, p)
					require.Contains(t, string(body), refusal, "%s must be refused: the lifecycle and admin APIs are off", p)
				}
			}
		})
	}
}

// startUntilHealthy starts a program until the test ends (killed then, whatever
// happened) and waits, at most 30 seconds, for url to answer 200.
func startUntilHealthy(t *testing.T, path, url string, args ...string) {
	t.Helper()
	cmd := exec.Command(path, args...)
	logs := &syncBuffer{}
	cmd.Stdout, cmd.Stderr = logs, logs
	require.NoError(t, cmd.Start())
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	client := http.Client{Timeout: time.Second}
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if resp, err := client.Get(url); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
	}
	t.Fatalf("%s %v never answered %s:\n%s", filepath.Base(path), args, url, logs.String())
}

func freeLoopback(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer l.Close()
	return l.Addr().String()
}

type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
