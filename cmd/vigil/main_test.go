package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"

	"github.com/vigilops/vigil/alerts"
	"github.com/vigilops/vigil/internal/promtest"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// projectDir is the repository root, where Pulumi.yaml and the sample stacks live.
const projectDir = "../.."

// vigil runs the command line in-process and returns its exit status and output.
func vigil(args ...string) (int, string, string) {
	var stdout, stderr bytes.Buffer
	code := run(args, &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

func TestPlanPrintsTheReviewedSummaryOfEachSampleStack(t *testing.T) {
	for _, stack := range []string{"dev", "prod", "managed"} {
		t.Run(stack, func(t *testing.T) {
			code, out, errOut := vigil("plan", "--stack", stack, "--dir", projectDir)
			require.Equal(t, 0, code, errOut)
			golden := filepath.Join("testdata", "plan-"+stack+".txt")
			if *update {
				require.NoError(t, os.WriteFile(golden, []byte(out), 0o644))
			}
			want, err := os.ReadFile(golden)
			require.NoError(t, err)
			assert.Equal(t, string(want), out)
		})
	}
}

func TestPlanningTwiceWritesByteIdenticalFiles(t *testing.T) {
	first, second := t.TempDir(), t.TempDir()
	for _, dir := range []string{first, second} {
		code, _, errOut := vigil("plan", "--stack", "prod", "--dir", projectDir, "--out", dir)
		require.Equal(t, 0, code, errOut)
	}
	a, b := tree(t, first), tree(t, second)
	assert.Equal(t, keys(a), keys(b))
	for name := range a {
		assert.True(t, a[name] == b[name], "%s differs between two plans of the same config", name)
	}
	assert.Contains(t, a, "inventory.json")
	assert.Contains(t, a, ManifestFile)
}

func TestInventoryListsEveryResourceWithItsInputsAndNoSecret(t *testing.T) {
	dir := t.TempDir()
	code, _, errOut := vigil("plan", "--stack", "prod", "--dir", projectDir, "--out", dir)
	require.Equal(t, 0, code, errOut)
	raw, err := os.ReadFile(filepath.Join(dir, "inventory.json"))
	require.NoError(t, err)
	var file InventoryFile
	require.NoError(t, json.Unmarshal(raw, &file))
	assert.Equal(t, "prod", file.Stack)
	inv := file.Resources
	_, summaryJSON, _ := vigil("plan", "--stack", "prod", "--dir", projectDir, "--json")
	var s Summary
	require.NoError(t, json.Unmarshal([]byte(summaryJSON), &s))
	custom := 0
	for _, e := range inv {
		if !strings.HasPrefix(e.Type, "vigil:") {
			custom++ // vigil's components are vigil:<module>:<Type>; the rest are cloud resources
		}
	}
	assert.Equal(t, s.Resources, custom, "every resource the summary counts is in the inventory, once")

	byName := map[string]InventoryEntry{}
	for _, e := range inv {
		byName[e.Name] = e
	}
	assert.Equal(t, "", byName["notify"].Parent)
	assert.Equal(t, "vigil:notify:Topics", byName["notify"].Type)
	topic := byName["notify-critical"]
	assert.Equal(t, "notify", topic.Parent)
	assert.Equal(t, "vigil-prod-critical", topic.Inputs["name"])

	pd := byName["notify-critical-pagerduty-0"]
	assert.Equal(t, "[secret]", pd.Inputs["endpoint"], "a secret endpoint is masked")
	assert.NotContains(t, string(raw), EncryptedEndpoint, "the stand-in of an encrypted endpoint is a secret too")
	assert.Equal(t, "https", pd.Inputs["protocol"])
	assert.NotContains(t, string(raw), "v1:", "no ciphertext of the stack file reaches the inventory")
}

func TestJSONSummary(t *testing.T) {
	code, out, errOut := vigil("plan", "--stack", "dev", "--dir", projectDir, "--json")
	require.Equal(t, 0, code, errOut)
	var s Summary
	require.NoError(t, json.Unmarshal([]byte(out), &s))
	assert.Equal(t, "dev", s.Tier)
	assert.Empty(t, s.Pages)
	total := 0
	for _, c := range s.Components {
		for _, n := range c.Counts {
			total += n
		}
	}
	assert.Equal(t, total, s.Resources, "the resources are those of the components")
	assert.Greater(t, s.Resources, 10, "at least the severity topics, their policies and the key")
	assert.Equal(t, []string{"api", "worker", "web"}, s.Estate["services"])
	assert.Equal(t, map[string]any{
		"critical": "arn:aws:sns:eu-west-1:210987654321:vigil-dev-critical",
		"high":     "arn:aws:sns:eu-west-1:210987654321:vigil-dev-high",
		"medium":   "arn:aws:sns:eu-west-1:210987654321:vigil-dev-medium",
		"low":      "arn:aws:sns:eu-west-1:210987654321:vigil-dev-low",
	}, s.Outputs["topicArns"])
	assert.Contains(t, s.Warnings, "vigil:notifications.low: no endpoints; low notifications reach nobody")
}

// brokenProject copies the project with a dev stack file edited by edit.
func brokenProject(t *testing.T, edit func(string) string) string {
	t.Helper()
	dir := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "slos"), 0o755))
	for _, name := range []string{"Pulumi.yaml", "Pulumi.dev.yaml", "slos/reservations.yaml"} {
		b, err := os.ReadFile(filepath.Join(projectDir, name))
		require.NoError(t, err)
		if name == "Pulumi.dev.yaml" {
			edited := edit(string(b))
			require.NotEqual(t, string(b), edited, "the edit must change the file")
			b = []byte(edited)
		}
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), b, 0o644))
	}
	return dir
}

func TestBrokenStackFileFailsNamingEachKeyAndWritesNothing(t *testing.T) {
	dir := brokenProject(t, func(s string) string {
		s = strings.Replace(s, "vigil:databases:", "vigil:databse:", 1)                                     // unknown key
		s = strings.Replace(s, "maxConnections: 100", "maxConnections: many", 1)                            // wrong type (now under the unknown key)
		s = strings.Replace(s, "  vigil:tier: dev", "  vigil:tier: dev\n  vigil:logRetentionDays: many", 1) // wrong type
		s = strings.Replace(s, "      healthCheckUrl: https://api.dev.example.com/health",
			"      healthCheckUrl: https://api.dev.example.com/health\n      alarms:\n        cpuPercent: 120", 1) // out of range
		return s
	})
	out := filepath.Join(t.TempDir(), "plan")
	code, stdout, stderr := vigil("plan", "--stack", "dev", "--dir", dir, "--out", out)
	assert.Equal(t, 1, code)
	assert.Empty(t, stdout)
	for _, want := range []string{
		`invalid config of stack "dev" (4 problems)`,
		// With databases misspelt, the database SLO names something the stack does not watch.
		`slos/reservations.yaml[3].spec.service: is "reservations-db", which this stack does not watch`,
		"vigil:databse: unknown key\n    hint: did you mean databases?",
		`vigil:logRetentionDays: must be a number, got string "many"`,
		"vigil:services[0].alarms.cpuPercent: must be between 1 and 100, got 120",
		"Nothing was written.",
	} {
		assert.Contains(t, stderr, want)
	}
	_, err := os.Stat(out)
	assert.True(t, os.IsNotExist(err), "an invalid config must not create the output folder")
}

func TestUnknownStackIsAClearError(t *testing.T) {
	code, _, stderr := vigil("plan", "--stack", "staging", "--dir", projectDir)
	assert.Equal(t, 1, code)
	assert.Contains(t, stderr, `no stack "staging"`)
	assert.Contains(t, stderr, "stacks here: dev, managed, prod")
}

// BenchmarkPlan plans generated estates of growing size, from reading the config to
// the summary, as `vigil plan` does. Run: go test ./cmd/vigil -run '^$' -bench Plan
func BenchmarkPlan(b *testing.B) {
	type estate struct {
		name   string
		values map[string]string
	}
	var estates []estate
	for _, n := range []int{10, 100, 1000} {
		estates = append(estates, estate{fmt.Sprintf("services=%d", n), generatedEstate(n)})
	}
	// The managed platform instead of ECS, so that its component is measured too.
	managed := generatedEstate(100)
	managed["vigil:platform"] = `{"mode": "managed"}`
	estates = append(estates, estate{"managed/services=100", managed})
	for _, e := range estates {
		b.Run(e.name, func(b *testing.B) {
			values := e.values
			b.ResetTimer()
			resources := 0
			for i := 0; i < b.N; i++ {
				env, err := stacksFromValues(values)
				if err != nil {
					b.Fatal(err)
				}
				p, err := MakePlan(env, values)
				if err != nil {
					b.Fatal(err)
				}
				_ = p.Summarize().Text()
				_ = p.Inventory()
				resources = len(p.Resources)
			}
			// Per resource, to compare with other tools' synth or plan of the same
			// estate (cdk-monitoring-constructs: about 5.5 ms a resource).
			b.ReportMetric(float64(resources), "resources/op")
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(max(resources, 1))/1e6, "ms/resource")
		})
	}
}

// The report runs every sample SLO's rules in Prometheus's engine; its figures were
// read against the SRE workbook before the golden file was committed.
func TestSLOReportOfTheProdStack(t *testing.T) {
	out := t.TempDir()
	code, stdout, stderr := vigil("slo", "report", "--stack", "prod", "--dir", projectDir, "--out", out)
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, stderr, "[4/4] reservations-db-query-latency measured in")
	golden := filepath.Join("testdata", "slo-report-prod.md")
	if *update {
		require.NoError(t, os.WriteFile(golden, []byte(stdout), 0o644))
	}
	want, err := os.ReadFile(golden)
	require.NoError(t, err)
	assert.Equal(t, string(want), stdout)
	written, err := os.ReadFile(filepath.Join(out, "slo-report.md"))
	require.NoError(t, err)
	assert.Equal(t, stdout, string(written))
}

// The files `vigil plan --out` writes are what Prometheus and Alertmanager will load:
// the real promtool and amtool must accept them, thresholds of the stack file must
// reach the rules, and Alertmanager must publish to the topics the stack creates.
func TestPlanWritesRulesAndAlertmanagerConfigThatTheRealToolsAccept(t *testing.T) {
	for _, stack := range []string{"dev", "prod"} {
		t.Run(stack, func(t *testing.T) {
			out := t.TempDir()
			code, _, stderr := vigil("plan", "--stack", stack, "--dir", projectDir, "--out", out)
			require.Equal(t, 0, code, stderr)
			for _, rules := range []string{"prometheus/rules/catalog.rules.yaml", "prometheus/rules/slos.rules.yaml"} {
				data, err := os.ReadFile(filepath.Join(out, rules))
				require.NoError(t, err)
				result, err := promtest.Check(t, data)
				require.NoError(t, err, result)
				assert.Contains(t, result, "SUCCESS", rules)
			}
			amPath := filepath.Join(out, "alertmanager", "alertmanager.yml")
			stdout, errOut, err := promtest.Amtool(t, "check-config", amPath)
			require.NoError(t, err, stdout+errOut)
			assert.Contains(t, stdout, "SUCCESS")

			// A critical alert of this stack goes to its critical topic, whose ARN is
			// the one the stack exports.
			stdout, errOut, err = promtest.Amtool(t, "config", "routes", "test", "--config.file="+amPath,
				"environment="+stack, "severity=critical", "alertname=ServiceDown", "service=api")
			require.NoError(t, err, errOut)
			assert.Equal(t, "sns-critical", strings.TrimSpace(stdout))
			_, jsonOut, _ := vigil("plan", "--stack", stack, "--dir", projectDir, "--json")
			var s Summary
			require.NoError(t, json.Unmarshal([]byte(jsonOut), &s))
			am, err := os.ReadFile(amPath)
			require.NoError(t, err)
			for sev, arn := range s.Outputs["topicArns"].(map[string]any) {
				assert.Contains(t, string(am), "topic_arn: "+arn.(string), "Alertmanager does not publish %s alerts to the stack's topic", sev)
			}
		})
	}
}

func TestStackThresholdsReachTheGeneratedRules(t *testing.T) {
	out := t.TempDir()
	code, _, stderr := vigil("plan", "--stack", "prod", "--dir", projectDir, "--out", out)
	require.Equal(t, 0, code, stderr)
	data, err := os.ReadFile(filepath.Join(out, "prometheus/rules/catalog.rules.yaml"))
	require.NoError(t, err)
	var f alerts.RuleFile
	require.NoError(t, yaml.Unmarshal(data, &f))
	type key struct{ alert, service string }
	found := map[key]alerts.Rule{}
	for _, r := range f.Alerts() {
		found[key{r.Alert, r.Labels["service"]}] = r
	}
	// Pulumi.prod.yaml: api goes down for 2 minutes (its own alarms), web keeps the
	// tier's 5; every service's p95 is the stack-wide 800 ms.
	assert.Equal(t, "2m", found[key{"ServiceDown", "api"}].For.String())
	assert.Equal(t, "5m", found[key{"ServiceDown", "web"}].For.String())
	assert.Contains(t, found[key{"HighLatencyP95", "worker"}].Expr, "> 0.8")
	assert.Equal(t, "prod", found[key{"HighErrorRate", "api"}].Labels["environment"])
	assert.Contains(t, found[key{"HighDatabaseConnections", "reservations-db"}].Expr, "> 80")
	_, ok := found[key{"Watchdog", ""}]
	assert.True(t, ok, "the Watchdog is always there")
}

// Every runbook_url the stack generates must land on a section of docs/runbooks.md:
// a link to nowhere, sent at 3 a.m., is worse than none.
func TestEveryGeneratedAlertLinksToItsRunbookSection(t *testing.T) {
	runbooks, err := os.ReadFile(filepath.Join(projectDir, "docs", "runbooks.md"))
	require.NoError(t, err)
	headings := map[string]bool{}
	for _, line := range strings.Split(string(runbooks), "\n") {
		if name, ok := strings.CutPrefix(line, "## "); ok {
			headings[strings.ToLower(name)] = true
		}
	}
	out := t.TempDir()
	code, _, stderr := vigil("plan", "--stack", "prod", "--dir", projectDir, "--out", out)
	require.Equal(t, 0, code, stderr)
	files := []string{
		filepath.Join(out, "prometheus/rules/catalog.rules.yaml"),
		// The catalog's golden file holds the alerts the sample stacks do not use
		// (runtimes, hosts).
		filepath.Join(projectDir, "alerts/catalog/testdata/catalog.yaml"),
	}
	checked := map[string]bool{}
	for _, path := range files {
		data, err := os.ReadFile(path)
		require.NoError(t, err)
		var f alerts.RuleFile
		require.NoError(t, yaml.Unmarshal(data, &f))
		for _, a := range f.Alerts() {
			anchor := strings.ToLower(a.Alert)
			assert.True(t, headings[anchor], "docs/runbooks.md has no section for %s", a.Alert)
			if strings.HasPrefix(path, out) {
				assert.Equal(t, "https://github.com/vigilops/vigil/blob/main/docs/runbooks.md#"+anchor, a.Annotations["runbook_url"])
			}
			checked[a.Alert] = true
		}
	}
	assert.True(t, headings["errorbudgetburn"], "the SLO alerts' runbook")

	// The CloudWatch alarms link to their slug's section from their description.
	inventory, err := os.ReadFile(filepath.Join(out, "inventory.json"))
	require.NoError(t, err)
	links := regexp.MustCompile(`Runbook: https://github\.com/vigilops/vigil/blob/main/docs/runbooks\.md#([a-z0-9-]+)`).FindAllStringSubmatch(string(inventory), -1)
	require.NotEmpty(t, links, "the plan's alarms link to their runbooks")
	for _, l := range links {
		assert.True(t, headings[l[1]], "docs/runbooks.md has no section for the alarm link #%s", l[1])
	}

	// And no section of a Prometheus alert is left over from one that no longer
	// exists. (The CloudWatch slugs' sections, lower-case with hyphens, are held to
	// the alarms of a full estate by alerts/cloudwatch's own test.)
	linked := map[string]bool{}
	for _, l := range links {
		linked[l[1]] = true
	}
	for heading := range headings {
		if heading == "before you start" || heading == "errorbudgetburn" || strings.Contains(heading, "-") || linked[heading] {
			continue // the notifier's errors and throttles are alarms the plan links to
		}
		found := false
		for name := range checked {
			found = found || strings.ToLower(name) == heading
		}
		assert.True(t, found, "docs/runbooks.md has a section %q for no generated alert", heading)
	}
}
