package format_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vigilops/vigil/notifier/format"
	"github.com/vigilops/vigil/notifier/internal/fixture"
	"github.com/vigilops/vigil/notifier/message"
)

var update = flag.Bool("update", false, "rewrite the golden files")

var options = format.Options{
	AlertmanagerURL: "https://alertmanager.example.com",
	GrafanaURL:      "https://grafana.example.com/",
}

func notification(t *testing.T, name string) message.Notification {
	t.Helper()
	r, err := fixture.Record(name)
	require.NoError(t, err)
	return message.Parse(r)
}

// golden compares body with testdata/name, stored indented for review.
func golden(t *testing.T, name string, body []byte) {
	t.Helper()
	var pretty bytes.Buffer
	require.NoError(t, json.Indent(&pretty, body, "", "  "), "the body is not JSON")
	pretty.WriteByte('\n')
	path := filepath.Join("testdata", name)
	if *update {
		require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
		require.NoError(t, os.WriteFile(path, pretty.Bytes(), 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run go test ./notifier/format -update, then read the diff")
	assert.Equal(t, string(want), pretty.String())
}

// Every message kind, for every target: the golden files are the reviewed look of
// each notification.
func TestEveryMessageKindRendersForEveryTargetAsItsGoldenFile(t *testing.T) {
	names, err := fixture.Names()
	require.NoError(t, err)
	for _, name := range names {
		n := notification(t, name)
		for _, target := range format.Targets() {
			t.Run(name+"/"+string(target), func(t *testing.T) {
				body, err := format.Render(target, n, options)
				require.NoError(t, err)
				assert.LessOrEqual(t, len(body), format.MaxBytes(target))
				golden(t, filepath.Join(string(target), name+".json"), body)
			})
		}
	}
}

func summary() message.Summary {
	day := time.Date(2026, 12, 1, 7, 0, 0, 0, time.UTC)
	return message.Summary{
		Environment: "prod",
		From:        day.Add(-24 * time.Hour),
		To:          day,
		Region:      "eu-west-1",
		InAlarm: []message.AlarmState{
			{Name: "reservations-prod-api-5xx-rate", Service: "api", Severity: message.Critical, Since: day.Add(-3 * time.Hour), Reason: "Threshold Crossed"},
			{Name: "reservations-prod-worker-queue-backlog", Service: "worker", Severity: message.Medium, Since: day.Add(-50 * time.Minute)},
		},
		Events: []message.AlarmEvent{
			{Name: "reservations-prod-api-cpu-high", Service: "api", Severity: message.High, FiredAt: day.Add(-20 * time.Hour), RecoveredAt: day.Add(-19*time.Hour - 12*time.Minute)},
			{Name: "reservations-prod-api-5xx-rate", Service: "api", Severity: message.Critical, FiredAt: day.Add(-3 * time.Hour)},
			{Name: "reservations-prod-worker-queue-backlog", Service: "worker", Severity: message.Medium, FiredAt: day.Add(-50 * time.Minute)},
		},
		Uptime: []message.Uptime{
			{Service: "api", Percent: 99.3055, Down: 10 * time.Minute},
			{Service: "web", Percent: 100},
		},
	}
}

func TestTheDailySummaryRendersForEveryTargetAsItsGoldenFile(t *testing.T) {
	for _, target := range format.Targets() {
		t.Run(string(target), func(t *testing.T) {
			body, err := format.RenderSummary(target, summary(), format.Options{Location: mustZone(t, "Europe/Paris")})
			require.NoError(t, err)
			golden(t, filepath.Join(string(target), "daily-summary.json"), body)
		})
	}
}

func mustZone(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	require.NoError(t, err)
	return loc
}
