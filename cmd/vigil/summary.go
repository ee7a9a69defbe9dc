package main

import (
	"fmt"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/vigilops/vigil/alerts"
	"github.com/vigilops/vigil/internal/mockcloud"
	"github.com/vigilops/vigil/stacks"
)

// Summary is the plan in brief, the data behind both the text and the --json output.
type Summary struct {
	Project    string          `json:"project"`
	Stack      string          `json:"stack"`
	Tier       string          `json:"tier"`
	AccountID  string          `json:"accountId"`
	Region     string          `json:"region"`
	NamePrefix string          `json:"namePrefix"`
	Pages      []string        `json:"pages"`
	Retention  int             `json:"logRetentionDays"`
	TaskSize   stacks.TaskSize `json:"taskSize"`
	// Platform is where Prometheus, Alertmanager and Grafana run: none, ecs or managed.
	Platform  string                    `json:"platform"`
	Estate    map[string][]string       `json:"estate"`    // names by kind
	Endpoints map[string]EndpointCounts `json:"endpoints"` // by severity
	// Resources counts the resources the stack declares. The plan knows nothing of
	// what exists already: pulumi preview says what would change.
	Resources  int                `json:"resources"`
	Components []ComponentSummary `json:"components"`
	Outputs    map[string]any     `json:"outputs"`
	Artifacts  []ArtifactSummary  `json:"artifacts"`
	Warnings   []string           `json:"warnings"`
	// Out says what --out wrote; absent without --out.
	Out *OutReport `json:"out,omitempty"`
}

// EndpointCounts counts the endpoints of one severity by kind.
type EndpointCounts struct {
	Emails    int `json:"emails"`
	SMS       int `json:"sms"`
	PagerDuty int `json:"pagerduty"`
	Webhooks  int `json:"webhooks"`
}

// Text lists the non-zero counts ("1 email, 1 webhook"), or "nobody".
func (c EndpointCounts) Text() string {
	var parts []string
	for _, x := range []struct {
		n    int
		noun string
	}{{c.Emails, "email"}, {c.SMS, "SMS number"}, {c.PagerDuty, "PagerDuty service"}, {c.Webhooks, "webhook"}} {
		if x.n > 0 {
			parts = append(parts, count(x.n, x.noun))
		}
	}
	if len(parts) == 0 {
		return "nobody"
	}
	return strings.Join(parts, ", ")
}

// ArtifactSummary describes one generated file.
type ArtifactSummary struct {
	Path  string `json:"path"`
	Bytes int    `json:"bytes"`
	// Holds says what the file holds, such as "28 groups: 70 alerts, 32 recordings".
	Holds string `json:"holds"`
}

// ComponentSummary counts the resources of one top-level component by type.
type ComponentSummary struct {
	Name   string         `json:"name"`
	Type   string         `json:"type"`
	Counts map[string]int `json:"counts"`
}

// Summarize groups the plan's resources under the top-level component they belong to.
func (p *Plan) Summarize() Summary {
	e := p.Env
	s := Summary{
		Project: e.Project, Stack: e.Stack, Tier: string(e.Tier), AccountID: e.AccountID,
		Region: e.Region, NamePrefix: e.NamePrefix, Retention: e.LogRetentionDays, TaskSize: e.TaskSize, Platform: e.Platform.Mode,
		Pages: []string{},
		Estate: map[string][]string{
			"services": {}, "databases": {}, "caches": {}, "queues": {}, "certificates": {},
		},
		Endpoints:  map[string]EndpointCounts{},
		Components: []ComponentSummary{},
		Artifacts:  []ArtifactSummary{},
		Outputs:    p.Outputs,
		Warnings:   append([]string{}, e.Warnings...),
	}
	for _, sev := range e.Paging {
		s.Pages = append(s.Pages, string(sev))
	}
	for _, x := range e.Services {
		s.Estate["services"] = append(s.Estate["services"], x.Name)
	}
	for _, x := range e.Databases {
		s.Estate["databases"] = append(s.Estate["databases"], x.Name)
	}
	for _, x := range e.Caches {
		s.Estate["caches"] = append(s.Estate["caches"], x.Name)
	}
	for _, x := range e.Queues {
		s.Estate["queues"] = append(s.Estate["queues"], x.Name)
	}
	for _, x := range e.Certificates {
		s.Estate["certificates"] = append(s.Estate["certificates"], x.Domain)
	}
	for sev, ep := range e.Notifications {
		pd := 0
		if ep.PagerDuty != "" {
			pd = 1
		}
		s.Endpoints[string(sev)] = EndpointCounts{Emails: len(ep.Emails), SMS: len(ep.SMS), PagerDuty: pd, Webhooks: len(ep.Webhooks)}
	}

	for _, path := range sortedPaths(p.Artifacts) {
		s.Artifacts = append(s.Artifacts, ArtifactSummary{Path: path, Bytes: len(p.Artifacts[path]), Holds: holds(path, p.Artifacts[path])})
	}

	byURN := map[string]mockcloud.Resource{}
	for _, r := range p.Resources {
		byURN[r.URN] = r
	}
	groups := map[string]*ComponentSummary{}
	for _, r := range p.Resources {
		if !r.Custom {
			continue
		}
		s.Resources++
		top := r
		for top.Parent != "" {
			top = byURN[top.Parent]
		}
		key, g := top.URN, groups[top.URN]
		if top.URN == r.URN { // a resource directly under the stack
			key = "(stack)"
			g = groups[key]
		}
		if g == nil {
			g = &ComponentSummary{Name: top.Name, Type: top.Type, Counts: map[string]int{}}
			if key == "(stack)" {
				g.Name, g.Type = "(stack)", "pulumi:pulumi:Stack"
			}
			groups[key] = g
		}
		g.Counts[r.Type]++
	}
	for _, g := range groups {
		s.Components = append(s.Components, *g)
	}
	sort.Slice(s.Components, func(i, j int) bool { return s.Components[i].Name < s.Components[j].Name })
	return s
}

// Text renders the summary for a terminal.
func (s Summary) Text() string {
	var b strings.Builder
	pages := "never pages"
	if len(s.Pages) > 0 {
		pages = "pages for " + and(s.Pages) + " alerts"
	}
	fmt.Fprintf(&b, "vigil plan: stack %s of project %s\n", s.Stack, s.Project)
	fmt.Fprintf(&b, "  tier %s, account %s, region %s, names %s-*\n", s.Tier, s.AccountID, s.Region, s.NamePrefix)
	fmt.Fprintf(&b, "  %s; keeps logs %d days\n", pages, s.Retention)
	switch s.Platform {
	case stacks.PlatformECS:
		fmt.Fprintf(&b, "  platform: Prometheus, Alertmanager, Grafana and the blackbox exporter on ECS Fargate; Prometheus and Grafana tasks of %d CPU units and %d MiB\n",
			s.TaskSize.CPU, s.TaskSize.MemoryMiB)
	case stacks.PlatformManaged:
		fmt.Fprintf(&b, "  platform: Amazon Managed Service for Prometheus and Amazon Managed Grafana\n")
	default:
		fmt.Fprintf(&b, "  platform: none; vigil plan --out writes the Prometheus and Alertmanager files for whoever runs them\n")
	}

	fmt.Fprintf(&b, "\nEstate:\n")
	for _, kind := range []struct{ key, noun string }{
		{"services", "service"}, {"databases", "database"}, {"caches", "cache"}, {"queues", "queue"}, {"certificates", "certificate"},
	} {
		names := s.Estate[kind.key]
		line := count(len(names), kind.noun)
		switch {
		case len(names) > 8:
			line += ": " + strings.Join(names[:8], ", ") + fmt.Sprintf(" and %d more", len(names)-8)
		case len(names) > 0:
			line += ": " + strings.Join(names, ", ")
		}
		fmt.Fprintf(&b, "  %s\n", line)
	}

	fmt.Fprintf(&b, "\nNotifications:\n")
	for _, sev := range []string{"critical", "high", "medium", "low"} {
		fmt.Fprintf(&b, "  %-9s %s\n", sev, s.Endpoints[sev].Text())
	}

	fmt.Fprintf(&b, "\nResources: %d declared (an offline plan cannot see what already exists: pulumi preview shows what would change)\n", s.Resources)
	for _, g := range s.Components {
		fmt.Fprintf(&b, "  %s (%s)\n", g.Name, g.Type)
		types := make([]string, 0, len(g.Counts))
		for t := range g.Counts {
			types = append(types, t)
		}
		sort.Strings(types)
		for _, t := range types {
			fmt.Fprintf(&b, "    %-46s %4d\n", t, g.Counts[t])
		}
	}

	fmt.Fprintf(&b, "\nOutputs:\n")
	for _, line := range flatten("", s.Outputs) {
		fmt.Fprintf(&b, "  %s\n", line)
	}

	if len(s.Artifacts) > 0 {
		fmt.Fprintf(&b, "\nArtifacts:\n")
		for _, a := range s.Artifacts {
			fmt.Fprintf(&b, "  %-38s %s\n", a.Path, a.Holds)
		}
	}

	if len(s.Warnings) == 0 {
		fmt.Fprintf(&b, "\nWarnings: none\n")
	} else {
		fmt.Fprintf(&b, "\nWarnings:\n")
		for _, w := range s.Warnings {
			fmt.Fprintf(&b, "  - %s\n", strings.Join(wrap(w, 88), "\n    "))
		}
	}
	return b.String()
}

func sortedPaths(m map[string][]byte) []string {
	paths := make([]string, 0, len(m))
	for p := range m {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	return paths
}

// holds says what a generated file holds: for a rule file its groups, alerts and
// recordings; for the Alertmanager configuration its receivers and routes.
func holds(path string, data []byte) string {
	switch {
	case strings.HasSuffix(path, ".rules.yaml"):
		var f alerts.RuleFile
		if err := yaml.Unmarshal(data, &f); err != nil {
			return "unreadable: " + err.Error()
		}
		alertCount := len(f.Alerts())
		records := -alertCount
		for _, g := range f.Groups {
			records += len(g.Rules)
		}
		return fmt.Sprintf("%s: %s, %s", count(len(f.Groups), "group"), count(alertCount, "alert"), count(records, "recording"))
	case strings.HasSuffix(path, "alertmanager.yml"):
		var c struct {
			Route struct {
				Routes []any `yaml:"routes"`
			} `yaml:"route"`
			Receivers []any `yaml:"receivers"`
			Inhibit   []any `yaml:"inhibit_rules"`
		}
		if err := yaml.Unmarshal(data, &c); err != nil {
			return "unreadable: " + err.Error()
		}
		return fmt.Sprintf("%s, %s, %s", count(len(c.Receivers), "receiver"), count(len(c.Route.Routes), "route"), count(len(c.Inhibit), "inhibit rule"))
	}
	return fmt.Sprintf("%d bytes", len(data))
}

// count writes "1 queue", "2 queues".
func count(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// flatten lists nested outputs as sorted "a.b  value" lines.
func flatten(prefix string, v any) []string {
	m, ok := v.(map[string]any)
	if !ok {
		return []string{fmt.Sprintf("%-20s %v", prefix, v)}
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var out []string
	for _, k := range keys {
		name := k
		if prefix != "" {
			name = prefix + "." + k
		}
		out = append(out, flatten(name, m[k])...)
	}
	return out
}

// and joins words as prose: "critical", "critical and high", "a, b and c".
func and(words []string) string {
	if len(words) < 2 {
		return strings.Join(words, "")
	}
	return strings.Join(words[:len(words)-1], ", ") + " and " + words[len(words)-1]
}

// wrap breaks text into lines of at most width characters, at spaces; a word longer
// than width gets a line of its own.
func wrap(text string, width int) []string {
	var lines []string
	line := ""
	for _, word := range strings.Fields(text) {
		switch {
		case line == "":
			line = word
		case len(line)+1+len(word) <= width:
			line += " " + word
		default:
			lines = append(lines, line)
			line = word
		}
	}
	if line != "" || len(lines) == 0 {
		lines = append(lines, line)
	}
	return lines
}
