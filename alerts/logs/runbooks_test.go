package logs

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

	"github.com/vigilops/vigil/alerts"
)

// runbookPage is the page the alarms link into when the stack keeps vigil's own
// runbooks (stacks.DefaultRunbookBaseURL).
var runbookPage = filepath.Join("..", "..", "docs", "runbooks.md")

const runbookBase = "https://github.com/vigilops/vigil/blob/main/docs/runbooks.md"

// securityHubControls is the Security Hub control that checks each CIS control's
// filter and alarm (CloudWatch.1-14); Organizations changes (4.15) have none.
var securityHubControls = map[string]string{
	"4.1": "CloudWatch.2", "4.2": "CloudWatch.3", "4.3": "CloudWatch.1", "4.4": "CloudWatch.4",
	"4.5": "CloudWatch.5", "4.6": "CloudWatch.6", "4.7": "CloudWatch.7", "4.8": "CloudWatch.8",
	"4.9": "CloudWatch.9", "4.10": "CloudWatch.10", "4.11": "CloudWatch.11", "4.12": "CloudWatch.12",
	"4.13": "CloudWatch.13", "4.14": "CloudWatch.14", "4.15": "",
}

// everyFilterConfig has a service of each log format, so that every shipped filter
// is built (access logs have no app-errors, the others have all four), a team's own
// filter, and a trail, with every severity at its default.
func everyFilterConfig() Config {
	return Config{
		Options: Options{NamePrefix: "vigil-prod", AccountID: "123456789012", RunbookBaseURL: runbookBase},
		Services: []Service{
			{Name: "api", LogGroup: "/ecs/prod/api",
				Filters: []CustomFilter{{Name: "payment-declined", Pattern: `{ $.event = "payment.declined" }`}}},
			{Name: "web", LogGroup: "/ecs/prod/web", Format: Format{Type: FormatAccess}},
			{Name: "worker", LogGroup: "/ecs/prod/worker", Format: Format{Type: FormatText}},
		},
		CloudTrail: &CloudTrail{Create: true},
	}
}

// pageHeading is one Markdown heading of the page.
type pageHeading = mdpage.Heading

// pageHeadings returns the page's headings outside fenced code blocks.
func pageHeadings(page string) []pageHeading { return mdpage.Headings(page) }

// anchorOf is the anchor GitHub links a heading by.
func anchorOf(text string) string { return mdpage.Anchor(text) }

// sectionBody is the text of the level-2 section that starts at line (1-based), up
// to the next level-1 or level-2 heading.
func sectionBody(page string, hs []pageHeading, line int) string {
	lines := strings.Split(page, "\n")
	end := len(lines)
	for _, h := range hs {
		if h.Line > line && h.Level <= 2 {
			end = h.Line - 1
			break
		}
	}
	return strings.Join(lines[line:end], "\n")
}

var pageLinkRe = mdpage.LinkRe

// logTableIntro starts the paragraph before the page's table of the log filters'
// alarms.
const logTableIntro = "The log metric filters' alarms (`alerts/logs`"

var tableRowRe = regexp.MustCompile(`^\| \[([a-z0-9-]+)\]\(#[a-z0-9-]+\) \|`)

// logTableSlugs returns the slugs of the rows of the log filters' table: the first
// table after logTableIntro, up to its first line that is not a row.
func logTableSlugs(page string) []string {
	i := strings.Index(page, logTableIntro)
	if i < 0 {
		return nil
	}
	var out []string
	inTable := false
	for _, line := range strings.Split(page[i:], "\n") {
		if !strings.HasPrefix(line, "|") {
			if inTable {
				break
			}
			continue
		}
		inTable = true
		if m := tableRowRe.FindStringSubmatch(line); m != nil {
			out = append(out, m[1])
		}
	}
	return out
}

// logRunbookProblems lists what is wrong between the runbook page and the log
// filters' alarms of a set: an alarm of a shipped or CIS filter whose RunbookURL or
// description does not link base#slug; a slug with no section, with more than one
// heading of its anchor, or whose section is not "## <slug>"; a slug without its row
// "| [slug](#slug) | severity |" in the page's table; a section that does not name
// the metric namespace and the stack key that tunes it (services[].logAlarms.<slug>,
// or vigil:cloudTrail.severity for CIS), or, for a CIS control, its v1.4 number and
// its Security Hub control; a team's own filter that links a runbook (vigil has no
// section for it); a "## cis-..." section of no control; and a link within the page
// to an anchor no heading has.
func logRunbookProblems(page, base string, s Set) []string {
	var problems []string
	hs := pageHeadings(page)
	byAnchor := map[string][]pageHeading{}
	for _, h := range hs {
		byAnchor[h.Anchor] = append(byAnchor[h.Anchor], h)
	}
	shipped := ShippedSlugs(FormatJSON)
	seen := map[string]bool{}
	for _, f := range s.Filters {
		a := f.Alarm
		if f.CIS == "" && !slices.Contains(shipped, f.Slug) {
			if a.RunbookURL != "" || strings.Contains(a.Description, "Runbook:") {
				problems = append(problems, fmt.Sprintf("%s: a team's own filter links a runbook vigil does not have: %q", a.Name, a.RunbookURL))
			}
			continue
		}
		if a.RunbookURL != base+"#"+f.Slug {
			problems = append(problems, fmt.Sprintf("%s: RunbookURL is %q, not %s#%s", a.Name, a.RunbookURL, base, f.Slug))
		}
		if !strings.Contains(a.Description, "Runbook: "+base+"#"+f.Slug) {
			problems = append(problems, fmt.Sprintf("%s: the description does not link its runbook: %q", a.Name, a.Description))
		}
		if seen[f.Slug] {
			continue
		}
		seen[f.Slug] = true
		sections := byAnchor[f.Slug]
		switch {
		case len(sections) == 0:
			problems = append(problems, fmt.Sprintf("%s: docs/runbooks.md has no section ## %s", f.Slug, f.Slug))
			continue
		case len(sections) > 1:
			var lines []string
			for _, h := range sections {
				lines = append(lines, fmt.Sprint(h.Line))
			}
			problems = append(problems, fmt.Sprintf("%s: docs/runbooks.md has %d headings with the anchor #%s (lines %s); the link lands on the first",
				f.Slug, len(sections), f.Slug, strings.Join(lines, ", ")))
		case sections[0].Level != 2 || sections[0].Text != f.Slug:
			problems = append(problems, fmt.Sprintf("%s: the section is %q at line %d, not ## %s",
				f.Slug, strings.Repeat("#", sections[0].Level)+" "+sections[0].Text, sections[0].Line, f.Slug))
		}
		row := "| [" + f.Slug + "](#" + f.Slug + ") | " + string(a.Severity) + " |"
		if !strings.Contains(page, row) {
			problems = append(problems, fmt.Sprintf("%s: the table of docs/runbooks.md has no row %q", f.Slug, row))
		}
		// Words of the section with every run of white space as one space: a line may
		// break between them.
		body := strings.Join(strings.Fields(sectionBody(page, hs, sections[0].Line)), " ")
		want := []string{"`" + DefaultNamespace + "`"}
		if f.CIS == "" {
			want = append(want, "logAlarms."+f.Slug, "logFormat")
		} else {
			want = append(want, "vigil:cloudTrail.severity", "aws cloudtrail lookup-events")
		}
		for _, w := range want {
			if !strings.Contains(body, w) {
				problems = append(problems, fmt.Sprintf("%s: the section does not name %s", f.Slug, w))
			}
		}
		if f.CIS != "" {
			if !regexp.MustCompile(`v1\.4 ` + regexp.QuoteMeta(f.CIS) + `\b`).MatchString(body) {
				problems = append(problems, fmt.Sprintf("%s: the section does not name its control, v1.4 %s", f.Slug, f.CIS))
			}
			if sh := securityHubControls[f.CIS]; sh != "" && !regexp.MustCompile(`Security Hub `+regexp.QuoteMeta(sh)+`\b`).MatchString(body) {
				problems = append(problems, fmt.Sprintf("%s: the section does not name its Security Hub control, %s", f.Slug, sh))
			}
		}
	}
	tableRows := logTableSlugs(page)
	if len(tableRows) == 0 {
		problems = append(problems, fmt.Sprintf("docs/runbooks.md has no table of the log filters' alarms after %q", logTableIntro))
	}
	for _, slug := range tableRows {
		if !seen[slug] {
			problems = append(problems, fmt.Sprintf("%s: the table of the log filters' alarms has a row for no alarm of the set", slug))
		}
	}
	for _, h := range hs {
		if h.Level == 2 && (strings.HasPrefix(h.Text, "cis-") || slices.Contains(tableRows, h.Text)) && !seen[h.Text] {
			problems = append(problems, fmt.Sprintf("%s: docs/runbooks.md has a section (line %d) for no log filter's alarm of the set", h.Text, h.Line))
		}
	}
	for _, m := range pageLinkRe.FindAllStringSubmatch(page, -1) {
		if len(byAnchor[m[1]]) == 0 {
			problems = append(problems, fmt.Sprintf("the link to #%s lands on no heading", m[1]))
		}
	}
	return problems
}

func readLogRunbookPage(t *testing.T) string {
	t.Helper()
	data, err := os.ReadFile(runbookPage)
	require.NoError(t, err)
	return string(data)
}

func buildEveryFilter(t *testing.T) Set {
	t.Helper()
	s, err := Build(everyFilterConfig())
	require.NoError(t, err)
	return s
}

func TestTheRunbookSetBuildsEveryShippedFilterAndEveryCISControl(t *testing.T) {
	s := buildEveryFilter(t)
	var slugs []string
	for _, f := range s.Filters {
		slugs = append(slugs, f.Slug)
	}
	want := append([]string{"payment-declined"}, ShippedSlugs(FormatJSON)...)
	for _, c := range CISControls {
		want = append(want, c.Slug)
	}
	assert.ElementsMatch(t, want, slices.Compact(slices.Sorted(slices.Values(slugs))))
	assert.Len(t, CISControls, 15)
	assert.Len(t, securityHubControls, len(CISControls), "a Security Hub entry per control")
	// Every severity at its default, so that the table's rows are checked against them.
	for _, f := range s.Filters {
		if f.CIS != "" {
			assert.Equal(t, alerts.High, f.Alarm.Severity, f.Name)
		}
	}
}

func TestEveryLogFilterAlarmLinksToItsOneRunbookSection(t *testing.T) {
	s := buildEveryFilter(t)
	page := readLogRunbookPage(t)
	assert.Empty(t, logRunbookProblems(page, runbookBase, s))
	// The other sections are still there, and not mistaken for the log filters'.
	assert.Contains(t, page, "\n## ServiceDown\n")
	assert.Contains(t, page, "\n## lb-elb-502\n")
}

// The check itself must fail on the mistakes it is there to catch.
func TestLogRunbookProblemsCatchesAMissingDuplicatedOrMislinkedSection(t *testing.T) {
	s := buildEveryFilter(t)
	page := readLogRunbookPage(t)
	cut := func(p, section string) string {
		start := strings.Index(p, "\n## "+section+"\n")
		require.GreaterOrEqual(t, start, 0, section)
		end := strings.Index(p[start+1:], "\n## ")
		if end < 0 {
			return p[:start+1]
		}
		return p[:start] + p[start+1+end:]
	}
	with := func(change func(fs []Filter)) Set {
		c := s
		c.Filters = slices.Clone(s.Filters)
		change(c.Filters)
		return c
	}
	index := func(slug string) int {
		i := slices.IndexFunc(s.Filters, func(f Filter) bool { return f.Slug == slug })
		require.GreaterOrEqual(t, i, 0, slug)
		return i
	}
	root := index("cis-root-account-usage")
	tests := []struct {
		name string
		page string
		set  Set
		want string
	}{
		{"A page without the section of http-502 is reported.", cut(page, "http-502"), s,
			"http-502: docs/runbooks.md has no section ## http-502"},
		{"A page without the section of the last CIS control is reported.", cut(page, "cis-organizations-changes"), s,
			"cis-organizations-changes: docs/runbooks.md has no section ## cis-organizations-changes"},
		{"A second heading with the same anchor is reported.", page + "\n### app-errors\n\nagain\n", s,
			"app-errors: docs/runbooks.md has 2 headings with the anchor #app-errors"},
		{"A section at the wrong level is reported.", strings.Replace(page, "\n## http-4xx\n", "\n### http-4xx\n", 1), s,
			`http-4xx: the section is "### http-4xx"`},
		{"A heading that only GitHub's anchor matches is reported.", strings.Replace(page, "\n## cis-vpc-changes\n", "\n## CIS-VPC-Changes\n", 1), s,
			`cis-vpc-changes: the section is "## CIS-VPC-Changes"`},
		{"A table row with the wrong severity is reported.", strings.Replace(page, "| [http-5xx](#http-5xx) | high |", "| [http-5xx](#http-5xx) | medium |", 1), s,
			`http-5xx: the table of docs/runbooks.md has no row "| [http-5xx](#http-5xx) | high |"`},
		{"A CIS section without its control number is reported.", strings.Replace(page, "v1.4 4.3 ", "v1.4 4.30 ", 1), s,
			"cis-root-account-usage: the section does not name its control, v1.4 4.3"},
		{"A CIS section without its Security Hub control is reported.", strings.Replace(page, "Security Hub CloudWatch.1,", "Security Hub CloudWatch.10,", 1), s,
			"cis-root-account-usage: the section does not name its Security Hub control, CloudWatch.1"},
		{"A section left over from no CIS control is reported.", page + "\n## cis-ec2-instance-changes\n\nold\n", s,
			"cis-ec2-instance-changes: docs/runbooks.md has a section"},
		{"A section and row left over from a filter no longer shipped are reported.", page, with(func(fs []Filter) {
			for i := range fs {
				if fs[i].Slug == SlugHTTP502 {
					fs[i].Slug, fs[i].Alarm.Slug = "http-503", "http-503"
				}
			}
		}), "http-502: docs/runbooks.md has a section"},
		{"A table row of no alarm is reported.", strings.Replace(page, "| [http-502](#http-502) |", "| [http-502](#http-502) |\n| [http-503](#http-502) |", 1), s,
			"http-503: the table of the log filters' alarms has a row for no alarm of the set"},
		{"A RunbookURL that is not base#slug is reported.", page, with(func(fs []Filter) { fs[root].Alarm.RunbookURL = runbookBase + "#cis-root" }),
			`RunbookURL is "` + runbookBase + `#cis-root"`},
		{"A description without the runbook link is reported.", page, with(func(fs []Filter) { fs[root].Alarm.Description = "The root user was used." }),
			"vigil-prod-cloudtrail-cis-root-account-usage: the description does not link its runbook"},
		{"A team's filter that links a runbook is reported.", page, with(func(fs []Filter) {
			fs[index("payment-declined")].Alarm.RunbookURL = runbookBase + "#payment-declined"
		}), "vigil-prod-api-payment-declined: a team's own filter links a runbook"},
		{"A link to a heading that is gone is reported.", cut(page, "http-4xx"), s,
			"the link to #http-4xx lands on no heading"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			problems := logRunbookProblems(tc.page, runbookBase, tc.set)
			found := slices.ContainsFunc(problems, func(p string) bool { return strings.Contains(p, tc.want) })
			assert.True(t, found, "want a problem containing %q, got %q", tc.want, problems)
		})
	}
}

func TestPageHeadingsSkipFencesAndFollowGitHubsAnchors(t *testing.T) {
	hs := pageHeadings("# Title\n\n```sh\n## not-a-heading\n```\n## http-5xx ##\n#nospace\n## What's new? (v2)\n")
	require.Len(t, hs, 3)
	assert.Equal(t, pageHeading{Level: 2, Text: "http-5xx", Anchor: "http-5xx", Line: 6}, hs[1])
	assert.Equal(t, "whats-new-v2", hs[2].Anchor)
	assert.Equal(t, "cis-root-account-usage", anchorOf("cis-root-account-usage"))
	assert.Equal(t, "snake_case-and-dots", anchorOf("snake_case and dots"))
}
