package preview_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vigilops/vigil/notifier/internal/fixture"
	"github.com/vigilops/vigil/notifier/preview"
)

func run(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = preview.Run(args, strings.NewReader(stdin), &out, &errOut)
	return code, out.String(), errOut.String()
}

func read(t *testing.T, parts ...string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(parts...))
	require.NoError(t, err)
	return string(b)
}

// What render prints for a bare CloudWatch message is what the Lambda posts: the
// reviewed golden card.
func TestRenderPrintsTheCardTheNotifierWouldPost(t *testing.T) {
	code, out, stderr := run(t, read(t, fixture.Dir(), "metric-alarm.json"),
		"--target", "googlechat", "--topic-arn", "arn:aws:sns:eu-west-1:123456789012:reservations-prod-high")
	require.Equal(t, 0, code, stderr)
	assert.Equal(t, read(t, "..", "format", "testdata", "googlechat", "metric-alarm.json"), out)
}

func TestRenderReadsALambdaEventAndAnSNSEnvelopeToo(t *testing.T) {
	a, err := fixture.Record("alertmanager-firing")
	require.NoError(t, err)
	b, err := fixture.Record("metric-ok")
	require.NoError(t, err)
	ev, err := fixture.SNSEvent(a, b)
	require.NoError(t, err)

	code, out, stderr := run(t, string(ev), "--target", "slack", "--compact")
	require.Equal(t, 0, code, stderr)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	require.Len(t, lines, 2, "one compact body per record")
	assert.Contains(t, lines[0], `"text":"🔴 FIRING: HighErrorRate`)
	assert.Contains(t, lines[1], `"text":"✅ RESOLVED: reservations-prod-api-cpu-high`)
	for _, l := range lines {
		assert.True(t, json.Valid([]byte(l)))
	}

	var event struct {
		Records []struct{ Sns json.RawMessage }
	}
	require.NoError(t, json.Unmarshal(ev, &event))
	code, out, stderr = run(t, string(event.Records[0].Sns), "--target", "webhook")
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, out, `"kind": "alertmanager"`)
	assert.Contains(t, out, `"severity": "critical"`, "from the envelope's topic")
}

func TestRenderTakesTheOptionsOfTheNotifier(t *testing.T) {
	code, out, stderr := run(t, "Deploy starts at noon.", "--target", "teams", "--subject", "Planned deploy",
		"--environment", "staging", "--time-zone", "Europe/Paris")
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, out, `"text": "ℹ️ INFO: Planned deploy"`)
	assert.Contains(t, out, `"value": "staging"`)
}

func TestRenderSaysWhatIsWrong(t *testing.T) {
	tests := map[string]struct {
		stdin string
		args  []string
		code  int
		want  string
	}{
		"No target.":           {"x", nil, 2, "--target: is not a target"},
		"A misspelt target.":   {"x", []string{"--target", "slak"}, 2, "did you mean slack?"},
		"A bad time zone.":     {"x", []string{"--target", "slack", "--time-zone", "Moon/Base"}, 2, "--time-zone: unknown time zone Moon/Base"},
		"An extra argument.":   {"x", []string{"--target", "slack", "message.json"}, 2, `unexpected argument "message.json"`},
		"Nothing to render.":   {"  \n", []string{"--target", "slack"}, 1, "standard input is empty"},
		"An event not of SNS.": {`{"Records":[{"body":"x"}]}`, []string{"--target", "slack"}, 1, "record 0 of the event is not from SNS"},
		"An unknown flag.":     {"x", []string{"--target", "slack", "--colour", "red"}, 2, "flag provided but not defined: -colour"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			code, out, stderr := run(t, tt.stdin, tt.args...)
			assert.Equal(t, tt.code, code)
			assert.Empty(t, out)
			assert.Contains(t, stderr, tt.want)
		})
	}
}
