package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vigilops/vigil/stacks"
	"github.com/vigilops/vigil/validate"
)

// runLogs runs `vigil logs ...` with stdin as standard input and returns the exit
// status as run() would give it, and what was printed.
func runLogs(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	a := &app{stdout: &out, stderr: &errOut}
	root := &cobra.Command{Use: "vigil", SilenceUsage: true, SilenceErrors: true}
	root.SetOut(&out)
	root.SetErr(&errOut)
	root.AddCommand(newLogsCommand(a))
	root.SetArgs(append([]string{"logs"}, args...))
	old := logsStdin
	logsStdin = strings.NewReader(stdin)
	defer func() { logsStdin = old }()
	cmd, err := root.ExecuteC()
	switch {
	case err == nil:
		return exitOK, out.String(), errOut.String()
	case errors.As(err, new(*commandError)):
		a.report(cmd, exitFailed, err.(*commandError).err, false, false)
		return exitFailed, out.String(), errOut.String()
	}
	a.report(cmd, exitUsage, usageError(cmd, err), false, false)
	return exitUsage, out.String(), errOut.String()
}

// results decodes the JSON lines of `vigil logs test`, each strictly.
func results(t *testing.T, out string) []map[string]any {
	t.Helper()
	var rs []map[string]any
	for _, line := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		var r map[string]any
		require.NoError(t, json.Unmarshal([]byte(line), &r), "line %q", line)
		rs = append(rs, r)
	}
	return rs
}

func TestLogsTestPrintsOneObjectPerEventWithItsLineAndMatch(t *testing.T) {
	events := `{"status":503,"path":"/orders"}
{"status":200}
not json
{"status":500}
`
	code, out, errOut := runLogs(t, events, "test", "--pattern", `{ $.status >= 500 }`)
	require.Equal(t, exitOK, code, errOut)
	assert.Equal(t, `{"line":1,"match":true}
{"line":2,"match":false}
{"line":3,"match":false}
{"line":4,"match":true}
`, out, "no value: the pattern's metric value is the constant 1")
}

func TestLogsTestAddsTheValueAFilterExtracts(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "access.log")
	require.NoError(t, os.WriteFile(file, []byte(`127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /apache_pb.gif HTTP/1.0" 200 2326
127.0.0.1 - frank [10/Oct/2000:13:55:37 -0700] "GET /big HTTP/1.0" 200 -
one field
`), 0o644))
	code, out, errOut := runLogs(t, "", "test", "--pattern", `[ip, id, user, timestamp, request, status_code, size]`, "--value", "$size", "--file", file)
	require.Equal(t, exitOK, code, errOut)
	rs := results(t, out)
	require.Len(t, rs, 3)
	assert.Equal(t, map[string]any{"line": 1.0, "match": true, "value": 2326.0}, rs[0])
	assert.Equal(t, map[string]any{"line": 2.0, "match": true}, rs[1], "a size of - publishes nothing")
	assert.Equal(t, map[string]any{"line": 3.0, "match": false}, rs[2])
}

func TestAnEmptyPatternMatchesEveryEvent(t *testing.T) {
	code, out, _ := runLogs(t, "a\n\nb", "test", "--pattern", "")
	require.Equal(t, exitOK, code)
	assert.Equal(t, "{\"line\":1,\"match\":true}\n{\"line\":2,\"match\":true}\n{\"line\":3,\"match\":true}\n", out)
}

func TestAnInvalidPatternExits1WithTheColumnAndWhatWasExpected(t *testing.T) {
	code, out, errOut := runLogs(t, "x\n", "test", "--pattern", `{ $.latency > fast }`)
	assert.Equal(t, exitFailed, code)
	assert.Empty(t, out, "no event is tested")
	assert.Equal(t, "vigil logs test: invalid filter pattern: column 15: expected a number after >, got \"fast\"\n", errOut)

	long := `"` + strings.Repeat("é", 1023) + `"`
	code, _, errOut = runLogs(t, "x\n", "test", "--pattern", long)
	assert.Equal(t, exitFailed, code)
	assert.Contains(t, errOut, "it has 1025 characters, and CloudWatch Logs takes at most 1024")
	code, _, _ = runLogs(t, "x\n", "test", "--pattern", `"`+strings.Repeat("é", 1022)+`"`)
	assert.Equal(t, exitOK, code, "1024 characters (not bytes) are fine")

	code, _, errOut = runLogs(t, "x\n", "test", "--pattern", "%a% %b% %c%")
	assert.Equal(t, exitFailed, code)
	assert.Contains(t, errOut, "column 9: a filter pattern may hold at most 2 regular expressions")

	code, _, errOut = runLogs(t, "x\n", "test", "--pattern", `{ $.a = 1 }`, "--value", "$.b")
	assert.Equal(t, exitFailed, code)
	assert.Contains(t, errOut, "invalid --value")
	assert.Contains(t, errOut, "$.b is not a field the pattern tests")
}

func TestLogsTestRefusesFlagsThatDoNotGoTogether(t *testing.T) {
	for name, args := range map[string][]string{
		"Nothing to run.":                       {"test"},
		"A pattern and a stack.":                {"test", "--pattern", "x", "--stack", "dev", "--all"},
		"A filter without a stack.":             {"test", "--filter", "api-http-5xx"},
		"A stack without a filter or --all.":    {"test", "--stack", "dev"},
		"A filter and --all.":                   {"test", "--stack", "dev", "--all", "--filter", "x"},
		"A value for a stack's filter.":         {"test", "--stack", "dev", "--all", "--value", "$.x"},
		"An argument where none is taken.":      {"test", "--pattern", "x", "extra"},
		"An unknown subcommand of vigil logs.":  {"tset"},
		"An unknown flag of vigil logs test.":   {"test", "--patern", "x"},
		"A missing file is a failure, not use.": nil,
	} {
		t.Run(name, func(t *testing.T) {
			if args == nil {
				code, _, errOut := runLogs(t, "", "test", "--pattern", "x", "--file", filepath.Join(t.TempDir(), "none.log"))
				assert.Equal(t, exitFailed, code)
				assert.Contains(t, errOut, "none.log")
				return
			}
			code, out, errOut := runLogs(t, "", args...)
			assert.Equal(t, exitUsage, code, "stdout %q stderr %q", out, errOut)
			assert.Empty(t, out)
			assert.Contains(t, errOut, "--help")
		})
	}
}

// project writes a Pulumi project with one stack, "t", whose services and cloudTrail
// use the log keys, and returns its folder.
func project(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	pulumiYAML, err := os.ReadFile(filepath.Join("..", "..", "Pulumi.yaml"))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "Pulumi.yaml"), pulumiYAML, 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "Pulumi.t.yaml"), []byte(`config:
  aws:region: eu-west-1
  vigil:tier: dev
  vigil:accountId: "210987654321"
  vigil:notifications:
    high:
      emails:
        - team@example.com
  vigil:cloudTrail:
    logGroup: aws-cloudtrail-logs-210987654321
  vigil:services:
    - name: api
      logGroup: /ecs/t/api
      logFilters:
        - name: slow-checkout
          pattern: '{ $.path = "/checkout" && $.latency > 1000 }'
          value: $.latency
          statistic: Maximum
          threshold: 3000
    - name: web
      logGroup: /ecs/t/web
      logFormat:
        type: access
`), 0o644))
	return dir
}

func TestLogsTestRunsAFilterTheStackShips(t *testing.T) {
	dir := project(t)
	events := `{"path":"/checkout","latency":2500}
{"path":"/checkout","latency":20}
{"path":"/orders","latency":2500}
`
	code, out, errOut := runLogs(t, events, "test", "--stack", "t", "--dir", dir, "--filter", "api-slow-checkout")
	require.Equal(t, exitOK, code, errOut)
	assert.Equal(t, `{"line":1,"filter":"vigil-t-api-slow-checkout","match":true,"value":2500}
{"line":2,"filter":"vigil-t-api-slow-checkout","match":false}
{"line":3,"filter":"vigil-t-api-slow-checkout","match":false}
`, out)

	code, out, errOut = runLogs(t, `10.0.0.7 - - [01/Dec/2026:20:00:00 +0000] "GET /a HTTP/1.1" 502 0`+"\n",
		"test", "--stack", "t", "--dir", dir, "--filter", "vigil-t-web-http-502")
	require.Equal(t, exitOK, code, errOut)
	assert.Equal(t, `{"line":1,"filter":"vigil-t-web-http-502","match":true}`+"\n", out, "the full name works too, and the access format is the service's")
}

func TestLogsTestAllRunsEveryFilterOnEveryEvent(t *testing.T) {
	dir := project(t)
	rootUse := `{"eventSource":"iam.amazonaws.com","eventName":"CreateAccessKey","eventType":"AwsApiCall","userIdentity":{"type":"Root"}}`
	code, out, errOut := runLogs(t, rootUse+"\n"+`{"status":503}`+"\n", "test", "--stack", "t", "--dir", dir, "--all")
	require.Equal(t, exitOK, code, errOut)
	rs := results(t, out)
	// api: 4 shipped + 1 own; web: 3 (access); CIS: 15.
	const filters = 4 + 1 + 3 + 15
	require.Len(t, rs, 2*filters)
	matched := map[float64][]string{}
	for _, r := range rs {
		if r["match"] == true {
			matched[r["line"].(float64)] = append(matched[r["line"].(float64)], r["filter"].(string))
		}
	}
	assert.Equal(t, []string{"vigil-t-cloudtrail-cis-root-account-usage"}, matched[1])
	assert.Equal(t, []string{"vigil-t-api-http-5xx"}, matched[2])
}

func TestLogsTestNamesTheStacksFiltersWhenOneIsUnknown(t *testing.T) {
	code, out, errOut := runLogs(t, "", "test", "--stack", "t", "--dir", project(t), "--filter", "api-http-5xxx")
	assert.Equal(t, exitFailed, code)
	assert.Empty(t, out)
	assert.Contains(t, errOut, `the stack ships no filter "api-http-5xxx" (did you mean api-http-5xx?); it ships: api-http-4xx, api-http-5xx,`)
	assert.Contains(t, errOut, "api-app-errors, api-slow-checkout, web-http-4xx")
}

func TestLogsTestReportsEveryProblemOfTheStacksLogConfig(t *testing.T) {
	dir := project(t)
	path := filepath.Join(dir, "Pulumi.t.yaml")
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	bad := strings.Replace(string(b), "type: access", "type: xml", 1)
	bad = strings.Replace(bad, "threshold: 3000", "threshold: 0\n          colour: red", 1)
	bad = strings.Replace(bad, "logGroup: aws-cloudtrail-logs-210987654321", "logGroup: aws-cloudtrail-logs-210987654321\n    severity: medium", 1)
	require.NoError(t, os.WriteFile(path, []byte(bad), 0o644))
	code, _, errOut := runLogs(t, "", "test", "--stack", "t", "--dir", dir, "--all")
	assert.Equal(t, exitFailed, code)
	for _, want := range []string{
		"vigil:services[0].logFilters[0].colour: unknown key",
		"vigil:services[1].logFormat.type: must be one of json, access, text",
		"vigil:cloudTrail.severity: the medium topic has no subscription",
	} {
		assert.Contains(t, errOut, want)
	}
}

func TestAnEmptyCloudTrailMappingAsksForNoCISFilters(t *testing.T) {
	values := map[string]string{"vigil:cloudTrail": "{}", "vigil:services": `[{"name":"api","logGroup":"/a","logFormat":{"type":"text"}}]`}
	env := &stacks.Environment{Stack: "t", NamePrefix: "vigil-t"}
	var ps validate.Problems
	cfg, err := logsConfig(&ps, env, values)
	require.NoError(t, err)
	assert.Zero(t, ps.Len())
	assert.Nil(t, cfg.CloudTrail)
	require.Len(t, cfg.Services, 1)
	assert.Equal(t, "text", cfg.Services[0].Format.Type)
	assert.Equal(t, "vigil:services[0]", cfg.Services[0].Path)

	values["vigil:cloudTrail"] = `{"create":true}`
	cfg, err = logsConfig(&ps, env, values)
	require.NoError(t, err)
	require.NotNil(t, cfg.CloudTrail)
	assert.True(t, cfg.CloudTrail.Create)

	stripped, err := withoutLogKeys(values)
	require.NoError(t, err)
	assert.NotContains(t, stripped, "vigil:cloudTrail")
	assert.JSONEq(t, `[{"name":"api","logGroup":"/a"}]`, stripped["vigil:services"], "the rest of the stack is read without the log keys")
	assert.Contains(t, values["vigil:services"], "logFormat", "the stack's own values are left as they were")
}
