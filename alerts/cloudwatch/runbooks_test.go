package cloudwatch

import (
	"fmt"
	"github.com/vigilops/vigil/internal/mdpage"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// runbookPage is the page every alarm's RunbookURL points into when the stack keeps
// vigil's own runbooks (stacks.DefaultRunbookBaseURL).
var runbookPage = filepath.Join("..", "..", "docs", "runbooks.md")

// shippedSlugs are the alarm kinds vigil ships (issue 9): every one has its runbook
// section, and an estate with every optional part set builds every one of them.
var shippedSlugs = []string{
	"ecs-cpu-high", "ecs-cpu-critical", "ecs-memory-high", "ecs-memory-critical", "ecs-tasks-below-desired",
	"ecs-no-running-tasks", "ecs-network-anomaly", "lb-target-5xx-rate", "lb-elb-5xx", "lb-elb-502",
	"lb-latency-p95", "lb-latency-p99", "lb-unhealthy-hosts", "lb-no-healthy-host", "uptime-check-failed",
	"service-health", "rds-cpu-high", "rds-free-storage-low", "rds-connections-high", "rds-read-latency",
	"rds-write-latency", "rds-freeable-memory-low", "rds-replica-lag", "cache-cpu-high",
	"cache-engine-cpu-high", "cache-memory-high", "cache-evictions", "cache-connections-high",
	"sqs-oldest-message", "sqs-backlog", "sqs-dlq-not-empty", "host-disk-used", "host-memory-used",
	"acm-expiry-high", "acm-expiry-critical",
}

// everyPartEstate has one item of every kind with every optional part set: ECS, load
// balancer, target group and health URL; a replica with its memory; a dead-letter
// queue; a host group on two mount points; a certificate. Anomalies are left out:
// their slugs are the team's own, and so are their runbooks.
func everyPartEstate() Estate {
	return Estate{
		Options: Options{NamePrefix: "vigil-prod", RunbookBaseURL: runbooks, Region: "eu-west-1"},
		Services: []Service{{
			Name:           "api",
			ECS:            &ECSService{Cluster: "prod", Service: "api"},
			LoadBalancer:   "app/prod-public/50dc6c495c0c9188",
			TargetGroup:    "targetgroup/api/943f017f100becff",
			HealthCheckURL: "https://api.example.com/health",
		}},
		Databases:    []Database{{Name: "orders-db", InstanceID: "prod-orders-replica", MaxConnections: 200, Replica: true, MemoryGiB: 8}},
		Caches:       []Cache{{Name: "sessions", ClusterID: "prod-sessions-001"}},
		Queues:       []Queue{{Name: "orders", DeadLetterQueue: "orders-dlq"}},
		Hosts:        []HostGroup{{Name: "bastion", InstanceIDs: []string{"i-0123456789abcdef0"}, MountPaths: []string{"/", "/data"}}},
		Certificates: []Certificate{{Name: "api-example-com", ARN: "arn:aws:acm:eu-west-1:123456789012:certificate/0f1e2d3c-4b5a-4978-8796-a5b4c3d2e1f0"}},
	}
}

// heading is one Markdown heading of the page.
type heading = mdpage.Heading

// headings returns the page's headings outside fenced code blocks.
func headings(page string) []heading { return mdpage.Headings(page) }

// githubAnchor is the anchor GitHub links a heading by.
func githubAnchor(text string) string { return mdpage.Anchor(text) }

var slugRe = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)+$`)
var linkRe = mdpage.LinkRe

// runbookProblems lists what is wrong between the runbook page and the alarm set:
// an alarm or composite whose slug has no section, or more than one heading with the
// slug's anchor, or whose section is not a "## <slug>" heading; a RunbookURL or a
// description that does not link base#slug; a slug missing from the page's table of
// CloudWatch alarms with its severity; a section of an alarm kind the set does not
// logAlarmSection says whether a section belongs to the log filters' alarms (the
// filters alerts/logs ships for a service's log group, and its CIS controls), which
// alerts/logs/runbooks_test.go holds to a logs.Set: this package cannot import
// alerts/logs, which imports it.
func logAlarmSection(slug string) bool {
	// The notifier's own alarms (components/notify) are held to their sections by
	// cmd/vigil's test of the plan's links.
	return strings.HasPrefix(slug, "cis-") || slices.Contains([]string{"http-4xx", "http-5xx", "http-502", "app-errors", "dlq-not-empty", "deliveries-failed"}, slug)
}

// have; and a link within the page to an anchor no heading has.
func runbookProblems(page, base string, s Set) []string {
	var problems []string
	hs := headings(page)
	byAnchor := map[string][]heading{}
	for _, h := range hs {
		byAnchor[h.Anchor] = append(byAnchor[h.Anchor], h)
	}
	type kind struct{ slug, severity, url, description, name string }
	var kinds []kind
	for _, a := range s.Alarms {
		kinds = append(kinds, kind{a.Slug, string(a.Severity), a.RunbookURL, a.Description, a.Name})
	}
	for _, c := range s.Composites {
		kinds = append(kinds, kind{c.Slug, string(c.Severity), c.RunbookURL, c.Description, c.Name})
	}
	seen := map[string]bool{}
	for _, k := range kinds {
		if k.url != base+"#"+k.slug {
			problems = append(problems, fmt.Sprintf("%s: RunbookURL is %q, not %s#%s", k.name, k.url, base, k.slug))
		}
		if !strings.Contains(k.description, "Runbook: "+base+"#"+k.slug) {
			problems = append(problems, fmt.Sprintf("%s: the description does not link its runbook: %q", k.name, k.description))
		}
		if seen[k.slug] {
			continue
		}
		seen[k.slug] = true
		sections := byAnchor[k.slug]
		switch {
		case len(sections) == 0:
			problems = append(problems, fmt.Sprintf("%s: docs/runbooks.md has no section ## %s", k.slug, k.slug))
		case len(sections) > 1:
			var lines []string
			for _, h := range sections {
				lines = append(lines, fmt.Sprint(h.Line))
			}
			problems = append(problems, fmt.Sprintf("%s: docs/runbooks.md has %d headings with the anchor #%s (lines %s); the link lands on the first", k.slug, len(sections), k.slug, strings.Join(lines, ", ")))
		case sections[0].Level != 2 || sections[0].Text != k.slug:
			problems = append(problems, fmt.Sprintf("%s: the section is %q at line %d, not ## %s", k.slug, strings.Repeat("#", sections[0].Level)+" "+sections[0].Text, sections[0].Line, k.slug))
		}
		row := "| [" + k.slug + "](#" + k.slug + ") | " + k.severity + " |"
		if !strings.Contains(page, row) {
			problems = append(problems, fmt.Sprintf("%s: the table of docs/runbooks.md has no row %q", k.slug, row))
		}
	}
	for _, h := range hs {
		if h.Level == 2 && slugRe.MatchString(h.Text) && !seen[h.Text] && !logAlarmSection(h.Text) {
			problems = append(problems, fmt.Sprintf("%s: docs/runbooks.md has a section (line %d) for no alarm of the set", h.Text, h.Line))
		}
	}
	for _, m := range linkRe.FindAllStringSubmatch(page, -1) {
		if len(byAnchor[m[1]]) == 0 {
			problems = append(problems, fmt.Sprintf("the link to #%s lands on no heading", m[1]))
		}
	}
	return problems
}

func readRunbookPage(t *testing.T) string {
	t.Helper()
	data, err := os.ReadFile(runbookPage)
	require.NoError(t, err)
	return string(data)
}

func buildEveryPart(t *testing.T) Set {
	t.Helper()
	s, err := Build(everyPartEstate())
	require.NoError(t, err)
	return s
}

func TestAnEstateWithEveryPartBuildsEveryShippedAlarmKind(t *testing.T) {
	s := buildEveryPart(t)
	var slugs []string
	for _, a := range s.Alarms {
		slugs = append(slugs, a.Slug)
	}
	for _, c := range s.Composites {
		slugs = append(slugs, c.Slug)
	}
	assert.ElementsMatch(t, shippedSlugs, slices.Compact(slices.Sorted(slices.Values(slugs))))
	// Two mount points: two disk alarms, one section.
	disks := 0
	for _, a := range s.Alarms {
		if a.Slug == "host-disk-used" {
			disks++
		}
	}
	assert.Equal(t, 2, disks)
}

func TestEveryAlarmAndCompositeLinksToItsOneRunbookSection(t *testing.T) {
	s := buildEveryPart(t)
	page := readRunbookPage(t)
	assert.Empty(t, runbookProblems(page, runbooks, s))
	for _, a := range s.Alarms {
		assert.True(t, strings.HasSuffix(a.RunbookURL, "#"+a.Slug), "%s links to %s", a.Name, a.RunbookURL)
	}
	for _, c := range s.Composites {
		assert.True(t, strings.HasSuffix(c.RunbookURL, "#"+c.Slug), "%s links to %s", c.Name, c.RunbookURL)
	}
	// The Prometheus alerts' sections are still there, and not mistaken for alarms.
	assert.Contains(t, page, "\n## ServiceDown\n")
}

// The check itself must fail on the mistakes it is there to catch.
func TestRunbookProblemsCatchesAMissingDuplicatedOrMislinkedSection(t *testing.T) {
	s := buildEveryPart(t)
	page := readRunbookPage(t)
	require.Contains(t, page, "\n## lb-elb-502\n")
	cut := func(p, section string) string {
		start := strings.Index(p, "\n## "+section+"\n")
		require.GreaterOrEqual(t, start, 0, section)
		end := strings.Index(p[start+1:], "\n## ")
		require.Greater(t, end, 0, section)
		return p[:start] + p[start+1+end:]
	}
	mislinked := s
	mislinked.Alarms = slices.Clone(s.Alarms)
	mislinked.Alarms[0].RunbookURL = runbooks + "#" + strings.ToUpper(mislinked.Alarms[0].Slug)
	extra := s
	extra.Alarms = append(slices.Clone(s.Alarms), Alarm{Slug: "lb-elb-503", Name: "vigil-prod-api-lb-elb-503", Severity: "high",
		RunbookURL: runbooks + "#lb-elb-503", Description: "Runbook: " + runbooks + "#lb-elb-503"})
	tests := []struct {
		name string
		page string
		set  Set
		want string
	}{
		{"A page without the section of lb-elb-502 is reported.", cut(page, "lb-elb-502"), s,
			"lb-elb-502: docs/runbooks.md has no section ## lb-elb-502"},
		{"A page without the composite's section is reported.", cut(page, "service-health"), s,
			"service-health: docs/runbooks.md has no section ## service-health"},
		{"A second section with the same anchor is reported.", page + "\n### lb-elb-502\n\nagain\n", s,
			"lb-elb-502: docs/runbooks.md has 2 headings with the anchor #lb-elb-502"},
		{"A section at the wrong level is reported.", strings.Replace(page, "\n## sqs-backlog\n", "\n### sqs-backlog\n", 1), s,
			`sqs-backlog: the section is "### sqs-backlog"`},
		{"A heading that only GitHub's anchor matches is reported.", strings.Replace(page, "\n## sqs-backlog\n", "\n## SQS-Backlog\n", 1), s,
			`sqs-backlog: the section is "## SQS-Backlog"`},
		{"A table row with the wrong severity is reported.", strings.Replace(page, "| [cache-evictions](#cache-evictions) | low |", "| [cache-evictions](#cache-evictions) | high |", 1), s,
			`cache-evictions: the table of docs/runbooks.md has no row "| [cache-evictions](#cache-evictions) | low |"`},
		{"A section left over from no alarm is reported.", page, Set{Alarms: s.Alarms[1:], Composites: s.Composites},
			"ecs-cpu-high: docs/runbooks.md has a section"},
		{"An alarm of a new kind without its section is reported.", page, extra,
			"lb-elb-503: docs/runbooks.md has no section ## lb-elb-503"},
		{"A RunbookURL that is not base#slug is reported.", page, mislinked,
			"RunbookURL is \"" + runbooks + "#ECS-CPU-HIGH\""},
		{"A link to a heading that is gone is reported.", cut(page, "rds-replica-lag"), s,
			"the link to #rds-replica-lag lands on no heading"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			problems := runbookProblems(tc.page, runbooks, tc.set)
			found := slices.ContainsFunc(problems, func(p string) bool { return strings.Contains(p, tc.want) })
			assert.True(t, found, "want a problem containing %q, got %q", tc.want, problems)
		})
	}
}

func TestGitHubAnchorsFollowGitHubsRules(t *testing.T) {
	tests := map[string]string{
		"ecs-cpu-high":        "ecs-cpu-high",
		"ServiceDown":         "servicedown",
		"Before you start":    "before-you-start",
		"What's new? (v2)":    "whats-new-v2",
		"`lb-elb-5xx` alarm":  "lb-elb-5xx-alarm",
		"snake_case and dots": "snake_case-and-dots",
		"a.b":                 "ab",
	}
	for text, want := range tests {
		assert.Equal(t, want, githubAnchor(text), text)
	}
	hs := headings("# Title\n\n```sh\n# not a heading\n```\n## ecs-cpu-high ##\n#nospace\n")
	require.Len(t, hs, 2)
	assert.Equal(t, heading{Level: 2, Text: "ecs-cpu-high", Anchor: "ecs-cpu-high", Line: 6}, hs[1])
}
