package platform

import (
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/vigilops/vigil/internal/loopback"
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
			addr := loopback.FreeAddr(t)
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
			loopback.Start(t, path, health, args...)
			if app == Prometheus {
				// Healthy comes before the TSDB is open, and the admin API answers 503
				// until it is, whatever the flags say.
				loopback.WaitReady(t, "http://"+addr+"/-/ready")
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
