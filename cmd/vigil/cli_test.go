package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestHelpGoesToStdoutAndExitsZero(t *testing.T) {
	for _, args := range [][]string{
		{}, {"--help"}, {"-h"}, {"help"}, {"help", "plan"}, {"plan", "--help"}, {"slo"}, {"slo", "report", "--help"}, {"help", "slo", "report"},
	} {
		code, out, errOut := vigil(args...)
		assert.Equal(t, 0, code, "%v", args)
		assert.Empty(t, errOut, "%v", args)
		assert.Contains(t, out, "Usage:", "%v", args)
	}
	_, out, _ := vigil()
	assert.Contains(t, out, "Exit status: 0 when done, 1 when the config is invalid or the command failed,\n2 on a usage error.")
	for _, name := range []string{"plan", "slo", "completion"} {
		assert.Contains(t, out, "\n  "+name+" ", "the usage lists %s", name)
	}
	_, out, _ = vigil("help", "plan")
	assert.Contains(t, out, "--stack string")
	assert.Contains(t, out, ".vigil-manifest.json")
}

func TestVersionPrintsTheModuleVersion(t *testing.T) {
	code, out, _ := vigil("--version")
	assert.Equal(t, 0, code)
	assert.Equal(t, "vigil "+version()+"\n", out)
	// Under go test the main module has no release tag.
	assert.True(t, strings.HasPrefix(out, "vigil (devel)") || strings.HasPrefix(out, "vigil v"), out)
}

func TestUsageErrorsAreOneLineNamingTheMistakeAndExitTwo(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"deploy"}, `vigil: unknown command "deploy" (see 'vigil --help')`},
		{[]string{"plna"}, `vigil: unknown command "plna" (did you mean "plan"?) (see 'vigil --help')`},
		{[]string{"slo", "list"}, `vigil slo: unknown command "slo list" (see 'vigil slo --help')`},
		{[]string{"plan"}, `vigil plan: required flag(s) "stack" not set (see 'vigil plan --help')`},
		{[]string{"plan", "--stack", "dev", "--colour"}, `vigil plan: unknown flag: --colour (see 'vigil plan --help')`},
		{[]string{"plan", "--stack", "dev", "extra"}, `vigil plan: takes no arguments, got "extra" (see 'vigil plan --help')`},
		{[]string{"plan", "--stack"}, `vigil plan: flag needs an argument: --stack (see 'vigil plan --help')`},
	} {
		code, out, errOut := vigil(tc.args...)
		assert.Equal(t, 2, code, "%v", tc.args)
		assert.Empty(t, out, "%v", tc.args)
		assert.Equal(t, tc.want+"\n", errOut, "%v", tc.args)
	}
}

func TestCompletionScriptsAreGenerated(t *testing.T) {
	for _, shell := range []string{"bash", "zsh", "fish", "powershell"} {
		code, out, errOut := vigil("completion", shell)
		require.Equal(t, 0, code, errOut)
		assert.Contains(t, out, "vigil", shell)
	}
	// --stack completes to the stacks of the project.
	code, out, _ := vigil("__complete", "plan", "--dir", projectDir, "--stack", "")
	require.Equal(t, 0, code)
	assert.Equal(t, []string{"dev", "managed", "prod", ":4"}, strings.Fields(out)[:4])
}

func TestJSONErrorsAreObjectsListingTheProblems(t *testing.T) {
	code, out, errOut := vigil("plan", "--json")
	assert.Equal(t, 2, code)
	assert.Empty(t, errOut, "with --json the error is on stdout, as JSON")
	var r ErrorReport
	require.NoError(t, json.Unmarshal([]byte(out), &r), out)
	assert.Equal(t, ErrorReport{Command: "vigil plan", ExitCode: 2,
		Error:    `required flag(s) "stack" not set (see 'vigil plan --help')`,
		Problems: []ProblemReport{{Message: `required flag(s) "stack" not set (see 'vigil plan --help')`}}}, r)

	dir := brokenProject(t, func(s string) string {
		return strings.Replace(s, "  vigil:tier: dev", "  vigil:tier: dev\n  vigil:logRetentionDays: many\n  vigil:tire: x", 1)
	})
	code, out, errOut = vigil("plan", "--stack", "dev", "--dir", dir, "--json")
	assert.Equal(t, 1, code)
	assert.Empty(t, errOut)
	var raw map[string]any
	require.NoError(t, json.Unmarshal([]byte(out), &raw), out)
	_, bare := raw["problems"].([]any)
	assert.True(t, bare, "the problems are a labelled field of an object")
	require.NoError(t, json.Unmarshal([]byte(out), &r))
	assert.Equal(t, `invalid config of stack "dev" (2 problems)`, r.Error)
	assert.Equal(t, []ProblemReport{
		{Path: "vigil:logRetentionDays", Message: `must be a number, got string "many"`, Hint: "write the number without quotes"},
		{Path: "vigil:tire", Message: "unknown key", Hint: "did you mean tier?"},
	}, r.Problems)
	assert.False(t, r.Written)
}

func TestJSONSummaryLabelsEveryCount(t *testing.T) {
	code, out, errOut := vigil("plan", "--stack", "prod", "--dir", projectDir, "--json")
	require.Equal(t, 0, code, errOut)
	var raw struct {
		Endpoints map[string]map[string]int `json:"endpoints"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &raw))
	assert.Equal(t, map[string]int{"emails": 1, "sms": 1, "pagerduty": 1, "webhooks": 0}, raw.Endpoints["critical"])
	assert.Equal(t, map[string]int{"emails": 1, "sms": 0, "pagerduty": 0, "webhooks": 1}, raw.Endpoints["medium"])
	assert.NotContains(t, out, `"out"`, "no out report without --out")
}

func TestAFullyQualifiedStackNameReadsTheStacksFile(t *testing.T) {
	_, want, _ := vigil("plan", "--stack", "dev", "--dir", projectDir)
	for _, name := range []string{"myorg/dev", "myorg/vigil/dev"} {
		code, out, errOut := vigil("plan", "--stack", name, "--dir", projectDir)
		require.Equal(t, 0, code, errOut)
		assert.Equal(t, want, out, name)
	}
	code, _, errOut := vigil("plan", "--stack", "myorg/billing/dev", "--dir", projectDir)
	assert.Equal(t, 1, code)
	assert.Equal(t, "vigil plan: stack \"myorg/billing/dev\" belongs to project \"billing\", but Pulumi.yaml is project \"vigil\"\nNothing was written.\n", errOut)
	code, _, errOut = vigil("plan", "--stack", "../../etc/dev", "--dir", projectDir)
	assert.Equal(t, 1, code)
	assert.Contains(t, errOut, "a stack name is STACK, ORG/STACK or ORG/PROJECT/STACK")
}

func TestPlanFindsTheProjectUpwardsOrSaysToUseDir(t *testing.T) {
	abs, err := filepath.Abs(projectDir)
	require.NoError(t, err)
	t.Chdir(filepath.Join(abs, "slos"))
	code, out, errOut := vigil("plan", "--stack", "dev")
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "vigil plan: stack dev of project vigil")

	empty := t.TempDir()
	t.Chdir(empty)
	code, _, errOut = vigil("plan", "--stack", "dev")
	assert.Equal(t, 1, code)
	assert.Contains(t, errOut, "no Pulumi.yaml in ")
	assert.Contains(t, errOut, "or any folder above it: run vigil in the project folder, or pass --dir")
	code, _, errOut = vigil("plan", "--stack", "dev", "--dir", empty)
	assert.Equal(t, 1, code)
	assert.Contains(t, errOut, "no Pulumi.yaml in "+empty+": pass the project folder with --dir")
}

func TestSLOReportRefusesAStackWithoutSLOsInJSONToo(t *testing.T) {
	dir := brokenProject(t, func(s string) string {
		return strings.Replace(s, "  vigil:sloFiles:\n    - slos/reservations.yaml\n", "", 1)
	})
	code, out, _ := vigil("slo", "report", "--stack", "dev", "--dir", dir, "--json")
	assert.Equal(t, 1, code)
	var r ErrorReport
	require.NoError(t, json.Unmarshal([]byte(out), &r), out)
	assert.Equal(t, "vigil slo report", r.Command)
	assert.Contains(t, r.Error, "stack dev has no SLOs")
	_, err := os.Stat(filepath.Join(dir, "slo-report.md"))
	assert.True(t, os.IsNotExist(err))
}

func TestWrapBreaksAtSpacesWithinTheWidth(t *testing.T) {
	assert.Equal(t, []string{"aaa bbb", "ccc"}, wrap("aaa bbb ccc", 7), "a line of exactly the width stays whole")
	assert.Equal(t, []string{"aaa", "bbb", "ccc"}, wrap("aaa bbb ccc", 6))
	assert.Equal(t, []string{"aaaaaaaaaa", "b"}, wrap("aaaaaaaaaa b", 4), "a long word gets its own line")
	assert.Equal(t, []string{""}, wrap("", 4))
}

func TestTheSummaryReadsAsProse(t *testing.T) {
	assert.Equal(t, "nobody", EndpointCounts{}.Text())
	assert.Equal(t, "2 emails, 1 SMS number, 1 PagerDuty service, 3 webhooks", EndpointCounts{Emails: 2, SMS: 1, PagerDuty: 1, Webhooks: 3}.Text())
	assert.Equal(t, "critical", and([]string{"critical"}))
	assert.Equal(t, "critical and high", and([]string{"critical", "high"}))
	assert.Equal(t, "a, b and c", and([]string{"a", "b", "c"}))
	_, dev, _ := vigil("plan", "--stack", "dev", "--dir", projectDir)
	assert.Contains(t, dev, "\n  never pages; keeps logs 14 days\n  platform: Prometheus, Alertmanager, Grafana and the blackbox exporter on ECS Fargate; Prometheus and Grafana tasks of 256 CPU units and 512 MiB\n")
	assert.NotContains(t, dev, "to create", "an offline plan knows nothing of what exists")
	assert.Regexp(t, `key/mock-notify-key\n`, dev, "a mock ID reads as a placeholder")
	assert.NotRegexp(t, `[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`, dev)
	_, prod, _ := vigil("plan", "--stack", "prod", "--dir", projectDir)
	assert.Contains(t, prod, "\n  pages for critical and high alerts;")
	for _, line := range strings.Split(prod, "\n") {
		if strings.HasPrefix(line, "  - ") || strings.HasPrefix(line, "    ") && !strings.Contains(line, ":") {
			assert.LessOrEqual(t, len(line), 92, line)
		}
	}
}

func TestPlainMasksEverySecretAndSaysWhatIsUnknown(t *testing.T) {
	secretOut := resource.NewOutputProperty(resource.Output{Element: resource.NewStringProperty("PLANTED"), Known: true, Secret: true})
	knownOut := resource.NewOutputProperty(resource.Output{Element: resource.NewStringProperty("plain"), Known: true})
	unknownOut := resource.NewOutputProperty(resource.Output{})
	got := plainMap(resource.PropertyMap{
		"secret":   resource.MakeSecret(resource.NewStringProperty("PLANTED")),
		"output":   secretOut,
		"known":    knownOut,
		"unknown":  unknownOut,
		"computed": resource.MakeComputed(resource.NewStringProperty("")),
		"list":     resource.NewArrayProperty([]resource.PropertyValue{secretOut, resource.NewNumberProperty(2)}),
	})
	assert.Equal(t, map[string]any{
		"secret": "[secret]", "output": "[secret]", "known": "plain",
		"unknown": "[unknown until deployed]", "computed": "[unknown until deployed]",
		"list": []any{"[secret]", 2.0},
	}, got)
}
