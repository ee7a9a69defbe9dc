package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// notifierCLI runs vigil's root command with `vigil notifier` on it (added here until
// main.go lists it) and standard input stdin, mapping errors as run does.
func notifierCLI(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	a := &app{stdout: &out, stderr: &errOut}
	root := newRoot(a)
	if found, _, err := root.Find([]string{"notifier"}); err != nil || found == root {
		root.AddCommand(newNotifierCommand(a))
	}
	root.SetIn(strings.NewReader(stdin))
	root.SetArgs(args)
	cmd, err := root.ExecuteC()
	switch {
	case err == nil:
		return exitOK, out.String(), errOut.String()
	case cmd == nil:
		cmd = root
	}
	var failure *commandError
	if errors.As(err, &failure) {
		a.report(cmd, exitFailed, failure.err, failure.written, wantsJSON(args))
		return exitFailed, out.String(), errOut.String()
	}
	a.report(cmd, exitUsage, usageError(cmd, err), false, wantsJSON(args))
	return exitUsage, out.String(), errOut.String()
}

func notifierMessage(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "notifier", "testdata", "messages", name))
	require.NoError(t, err)
	return string(b)
}

// The command prints what the Lambda would post: the same bytes as the reviewed
// golden file of notifier/format for that message and chat target (the webhook's
// golden file carries the SNS message ID and subject, which a bare message has not).
func TestNotifierRenderPrintsTheReviewedBodyOfEachTarget(t *testing.T) {
	for _, target := range []string{"googlechat", "slack", "teams"} {
		code, out, errOut := notifierCLI(t, notifierMessage(t, "metric-alarm.json"), "notifier", "render",
			"--target", target, "--topic-arn", "arn:aws:sns:eu-west-1:123456789012:reservations-prod-high")
		require.Equal(t, 0, code, errOut)
		assert.Empty(t, errOut)
		want, err := os.ReadFile(filepath.Join("..", "..", "notifier", "format", "testdata", target, "metric-alarm.json"))
		require.NoError(t, err)
		assert.Equal(t, string(want), out, target)
	}
}

func TestNotifierRenderGivesTheWebhookTheNotificationAsData(t *testing.T) {
	code, out, errOut := notifierCLI(t, notifierMessage(t, "metric-alarm.json"), "notifier", "render", "--target", "webhook")
	require.Equal(t, 0, code, errOut)
	var body struct {
		Kind, Title string
		Alarm       struct{ State string }
	}
	require.NoError(t, json.Unmarshal([]byte(out), &body))
	assert.Equal(t, "cloudwatch-metric-alarm", body.Kind)
	assert.Equal(t, "reservations-prod-api-cpu-high", body.Title)
	assert.Equal(t, "ALARM", body.Alarm.State)
}

func TestNotifierRenderCompactPrintsOneLineOfJSON(t *testing.T) {
	code, out, errOut := notifierCLI(t, "Disk almost full on bastion", "notifier", "render", "--target", "slack", "--compact")
	require.Equal(t, 0, code, errOut)
	assert.Equal(t, 1, strings.Count(out, "\n"), "one body, one line")
	var body map[string]any
	require.NoError(t, json.Unmarshal([]byte(out), &body))
	assert.Contains(t, out, "Disk almost full on bastion")
}

func TestNotifierRenderRefusesBadUsageWithExitTwoOnOneLine(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"notifier", "render"}, "vigil notifier render: invalid notifier target (1 problem): --target:"},
		{[]string{"notifier", "render", "--target", "discord"}, "vigil notifier render: invalid notifier target (1 problem): --target:"},
		{[]string{"notifier", "render", "--target", "slack", "--colour"}, "vigil notifier render: flag provided but not defined: -colour"},
		{[]string{"notifier", "render", "--target", "slack", "extra"}, `vigil notifier render: unexpected argument "extra"`},
		{[]string{"notifier", "frobnicate"}, `vigil notifier: unknown command "notifier frobnicate"`},
	} {
		code, out, errOut := notifierCLI(t, "text", tc.args...)
		assert.Equal(t, 2, code, "%v", tc.args)
		assert.Empty(t, out, "%v", tc.args)
		assert.True(t, strings.HasPrefix(errOut, tc.want), "%v: %q", tc.args, errOut)
		assert.Equal(t, 1, strings.Count(errOut, "\n"), "%v: one line: %q", tc.args, errOut)
	}
}

func TestNotifierRenderFailsWithExitOneOnAnEmptyMessage(t *testing.T) {
	code, out, errOut := notifierCLI(t, "  \n", "notifier", "render", "--target", "teams")
	assert.Equal(t, 1, code)
	assert.Empty(t, out)
	assert.Equal(t, "vigil notifier render: standard input is empty: give the message to render\n", errOut)
	assert.NotContains(t, errOut, "Nothing was written", "that line is plan's")
}

func TestNotifierRenderReportsAsJSONWhenAsked(t *testing.T) {
	code, out, _ := notifierCLI(t, "", "notifier", "render", "--target", "teams", "--json")
	assert.Equal(t, 2, code, "--json is not a flag of render, whose flags are the preview's")
	var r ErrorReport
	require.NoError(t, json.Unmarshal([]byte(out), &r), out)
	assert.Equal(t, "vigil notifier render", r.Command)
	assert.Equal(t, 2, r.ExitCode)
}

func TestNotifierHelpListsRenderAndItsFlags(t *testing.T) {
	for _, args := range [][]string{{"notifier"}, {"notifier", "--help"}, {"help", "notifier"}} {
		code, out, errOut := notifierCLI(t, "", args...)
		assert.Equal(t, 0, code, "%v", args)
		assert.Empty(t, errOut, "%v", args)
		assert.Contains(t, out, "\n  render ", "%v", args)
	}
	for _, args := range [][]string{{"notifier", "render", "--help"}, {"notifier", "render", "--target", "slack", "-h"}, {"help", "notifier", "render"}} {
		code, out, errOut := notifierCLI(t, "", args...)
		assert.Equal(t, 0, code, "%v", args)
		assert.Empty(t, errOut, "%v", args)
		for _, flag := range []string{"-target", "-topic-arn", "-compact", "-time-zone"} {
			assert.Contains(t, out, flag, "%v", args)
		}
	}
}
