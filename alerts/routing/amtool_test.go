package routing

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vigilops/vigil/alerts"
	"github.com/vigilops/vigil/internal/promtest"
)

// amtool runs the real amtool (Debian 12's prometheus-alertmanager 0.25).
func amtool(t *testing.T, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	return promtest.Amtool(t, args...)
}

// writeFile writes f where amtool can read it and returns the path.
func writeFile(t *testing.T, f File) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "alertmanager.yml")
	require.NoError(t, os.WriteFile(path, f.YAML(), 0o644))
	return path
}

func TestAmtool025AcceptsTheGeneratedConfigs(t *testing.T) {
	tests := map[string]Config{
		"The prod configuration passes amtool check-config.":                       prodConfig(),
		"The dev configuration passes amtool check-config.":                        devConfig(),
		"A configuration with a severity on a webhook passes amtool check-config.": prodWithWebhook(),
	}
	for name, cfg := range tests {
		t.Run(name, func(t *testing.T) {
			out, errOut, err := amtool(t, "check-config", writeFile(t, build(t, cfg)))
			require.NoError(t, err, "amtool check-config refuses the file:\n%s%s", out, errOut)
			assert.Contains(t, out, "SUCCESS")
			assert.Contains(t, out, " - 8 inhibit rules")
			assert.Contains(t, out, " - 5 receivers")
		})
	}
}

// route asks amtool which receivers an alert with labels goes to.
func route(t *testing.T, configPath string, labels ...string) string {
	t.Helper()
	args := append([]string{"config", "routes", "test", "--config.file=" + configPath}, labels...)
	out, errOut, err := amtool(t, args...)
	require.NoError(t, err, "amtool config routes test %v:\n%s%s", labels, out, errOut)
	return strings.TrimSpace(out)
}

func TestAmtoolRoutesEachAlertToItsReceiver(t *testing.T) {
	prod := writeFile(t, build(t, prodConfig()))
	dev := writeFile(t, build(t, devConfig()))
	webhook := writeFile(t, build(t, prodWithWebhook()))
	tests := map[string]struct {
		config string
		labels []string
		want   string
	}{
		"A critical alert of prod goes to the critical topic.": {
			prod, []string{"alertname=ServiceDown", "service=api", "severity=critical", "environment=prod"}, "sns-critical"},
		"A high alert of prod goes to the high topic.": {
			prod, []string{"alertname=HighLatency", "service=api", "severity=high", "environment=prod"}, "sns-high"},
		"A medium alert of prod goes to the medium topic.": {
			prod, []string{"alertname=HighCPU", "service=api", "severity=medium", "environment=prod"}, "sns-medium"},
		"A low alert of prod goes to the low topic.": {
			prod, []string{"alertname=Restarts", "service=api", "severity=low", "environment=prod"}, "sns-low"},
		"The Watchdog of prod goes to its own receiver.": {
			prod, []string{"alertname=Watchdog", "environment=prod"}, "watchdog"},
		"The Watchdog goes to its own receiver whatever its severity.": {
			prod, []string{"alertname=Watchdog", "severity=critical", "environment=prod"}, "watchdog"},
		"A critical alert of dev sent to prod's Alertmanager goes to the catch-all, and pages nobody.": {
			prod, []string{"alertname=ServiceDown", "service=api", "severity=critical", "environment=dev"}, "sns-low"},
		"A critical alert without an environment label goes to the catch-all.": {
			prod, []string{"alertname=ServiceDown", "service=api", "severity=critical"}, "sns-low"},
		"An alert of prod with an unknown severity goes to the catch-all.": {
			prod, []string{"alertname=Odd", "service=api", "severity=warning", "environment=prod"}, "sns-low"},
		"The Watchdog of another environment does not feed prod's heartbeat.": {
			prod, []string{"alertname=Watchdog", "environment=dev"}, "sns-low"},
		"A critical alert of dev goes to dev's critical topic.": {
			dev, []string{"alertname=ServiceDown", "service=api", "severity=critical", "environment=dev"}, "sns-critical"},
		"A critical alert of prod sent to dev's Alertmanager goes to the catch-all.": {
			dev, []string{"alertname=ServiceDown", "service=api", "severity=critical", "environment=prod"}, "sns-low"},
		"The Watchdog of dev goes to the receiver that notifies nobody.": {
			dev, []string{"alertname=Watchdog", "environment=dev"}, "watchdog"},
		"A medium alert goes to the webhook that replaces its topic.": {
			webhook, []string{"alertname=HighCPU", "service=api", "severity=medium", "environment=prod"}, "webhook-medium"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			assert.Equal(t, tc.want, route(t, tc.config, tc.labels...))
		})
	}
}

// Whatever labels an alert has, amtool routes it to a paging target only when it is
// of the config's environment and of a severity that may page.
func TestNoAlertPagesUnlessItsEnvironmentAndSeverityMay(t *testing.T) {
	for name, cfg := range map[string]Config{"prod": prodConfig(), "dev": devConfig()} {
		t.Run("In "+name+", only alerts that may page reach a paging target.", func(t *testing.T) {
			pages := map[string]bool{WatchdogReceiver: false}
			for sev, target := range cfg.Targets {
				pages[ReceiverName(sev, target)] = target.Pages
			}
			path := writeFile(t, build(t, cfg))
			paged := 0
			for _, env := range []string{"prod", "dev", "staging", ""} {
				for _, sev := range []string{"critical", "high", "medium", "low", "warning", ""} {
					for _, alertname := range []string{"ServiceDown", "Watchdog"} {
						labels := []string{"alertname=" + alertname, "service=api"}
						if env != "" {
							labels = append(labels, "environment="+env)
						}
						if sev != "" {
							labels = append(labels, "severity="+sev)
						}
						receiver := route(t, path, labels...)
						p, known := pages[receiver]
						require.True(t, known, "unknown receiver %q", receiver)
						if !p {
							continue
						}
						paged++
						mayPage := env == cfg.Environment && alertname != WatchdogAlertName &&
							slices.Contains(cfg.PagingSeverities, alerts.Severity(sev))
						assert.True(t, mayPage, "%v pages through %s", labels, receiver)
					}
				}
			}
			assert.Equal(t, len(cfg.PagingSeverities), paged, "exactly the paging severities of the environment page")
		})
	}
}
