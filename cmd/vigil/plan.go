package main

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"gopkg.in/yaml.v3"

	"github.com/vigilops/vigil/alerts"
	"github.com/vigilops/vigil/internal/mockcloud"
	"github.com/vigilops/vigil/stacks"
)

// Plan is what a stack would create: the outcome of running stacks.Deploy under
// Pulumi's mock engine.
type Plan struct {
	Env       *stacks.Environment
	Resources []mockcloud.Resource
	// Artifacts are the generated files, by path.
	Artifacts map[string][]byte
	// Outputs are the stack outputs, secrets replaced by [secret].
	Outputs map[string]any
}

// MakePlan runs the very program `pulumi up` runs (stacks.Deploy) in-process under
// pulumi.WithMocks, with the environment's config, and records what it registers.
func MakePlan(env *stacks.Environment, values map[string]string) (*Plan, error) {
	cloud := mockcloud.New(env.Project, env.Stack, env.AccountID, env.Region)
	var (
		mu        sync.Mutex
		pending   sync.WaitGroup
		outputs   = map[string]pulumi.Output{}
		resolved  = map[string]any{}
		artifacts map[string][]byte
	)
	withConfig := func(info *pulumi.RunInfo) { info.Config = values }
	err := pulumi.RunErr(func(ctx *pulumi.Context) error {
		d, err := stacks.Deploy(ctx, env)
		if err != nil {
			return err
		}
		artifacts = d.Artifacts
		for k, v := range d.Outputs {
			out := pulumi.ToOutput(v)
			outputs[k] = out
			pending.Add(1)
			out.ApplyT(func(x any) any {
				mu.Lock()
				resolved[k] = x
				mu.Unlock()
				pending.Done()
				return x
			})
		}
		return nil
	}, pulumi.WithMocks(env.Project, env.Stack, cloud), withConfig)
	if err != nil {
		return nil, err
	}
	// The engine waits for resources, not for applies on outputs made from plain
	// values, so wait for every output here.
	if err := waitFor(&pending, time.Minute); err != nil {
		return nil, err
	}
	p := &Plan{Env: env, Resources: cloud.Resources(), Outputs: map[string]any{}, Artifacts: artifacts}
	for k, out := range outputs {
		if pulumi.IsSecret(out) {
			p.Outputs[k] = stacks.SecretPlaceholder
			continue
		}
		// Outputs come typed (map[string]string, ...); a JSON round trip makes them the
		// plain maps and lists that printing and --json expect.
		b, err := json.Marshal(resolved[k])
		if err != nil {
			return nil, fmt.Errorf("output %s: %w", k, err)
		}
		var v any
		if err := json.Unmarshal(b, &v); err != nil {
			return nil, fmt.Errorf("output %s: %w", k, err)
		}
		p.Outputs[k] = v
	}
	return p, nil
}

// waitFor waits for wg, or fails after timeout.
func waitFor(wg *sync.WaitGroup, timeout time.Duration) error {
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
		return nil
	case <-time.After(timeout):
		return fmt.Errorf("stack outputs did not resolve within %s", timeout)
	}
}

// Summary is the plan in brief, the data behind both the text and the --json output.
type Summary struct {
	Project    string              `json:"project"`
	Stack      string              `json:"stack"`
	Tier       string              `json:"tier"`
	AccountID  string              `json:"accountId"`
	Region     string              `json:"region"`
	NamePrefix string              `json:"namePrefix"`
	Pages      []string            `json:"pages"`
	Retention  int                 `json:"logRetentionDays"`
	TaskSize   stacks.TaskSize     `json:"taskSize"`
	Estate     map[string][]string `json:"estate"`    // names by kind
	Endpoints  map[string][4]int   `json:"endpoints"` // per severity: emails, sms, pagerduty, webhooks
	Resources  int                 `json:"resources"`
	Components []ComponentSummary  `json:"components"`
	Outputs    map[string]any      `json:"outputs"`
	Artifacts  []ArtifactSummary   `json:"artifacts"`
	Warnings   []string            `json:"warnings"`
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
		Region: e.Region, NamePrefix: e.NamePrefix, Retention: e.LogRetentionDays, TaskSize: e.TaskSize,
		Pages: []string{},
		Estate: map[string][]string{
			"services": {}, "databases": {}, "caches": {}, "queues": {}, "certificates": {},
		},
		Endpoints: map[string][4]int{},
		Outputs:   p.Outputs,
		Warnings:  append([]string{}, e.Warnings...),
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
		s.Endpoints[string(sev)] = [4]int{len(ep.Emails), len(ep.SMS), pd, len(ep.Webhooks)}
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
	pages := "nothing (never pages)"
	if len(s.Pages) > 0 {
		pages = strings.Join(s.Pages, ", ")
	}
	fmt.Fprintf(&b, "vigil plan: stack %s of project %s\n", s.Stack, s.Project)
	fmt.Fprintf(&b, "  tier %s, account %s, region %s, names %s-*\n", s.Tier, s.AccountID, s.Region, s.NamePrefix)
	fmt.Fprintf(&b, "  pages for %s; log retention %d days; task size %d CPU / %d MiB\n",
		pages, s.Retention, s.TaskSize.CPU, s.TaskSize.MemoryMiB)

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
		c := s.Endpoints[sev]
		fmt.Fprintf(&b, "  %-9s %d email, %d sms, %d pagerduty, %d webhook\n", sev, c[0], c[1], c[2], c[3])
	}

	fmt.Fprintf(&b, "\nResources: %d to create\n", s.Resources)
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
			fmt.Fprintf(&b, "  - %s\n", w)
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

// InventoryEntry is one resource of inventory.json.
type InventoryEntry struct {
	// Parent is the path of logical names from the stack down to the resource's parent
	// ("" for children of the stack).
	Parent string         `json:"parent"`
	Type   string         `json:"type"`
	Name   string         `json:"name"`
	Inputs map[string]any `json:"inputs"`
}

// Inventory lists every resource with its inputs, secrets masked, in a stable order:
// two plans of the same config give the same bytes.
func (p *Plan) Inventory() []InventoryEntry {
	byURN := map[string]mockcloud.Resource{}
	for _, r := range p.Resources {
		byURN[r.URN] = r
	}
	out := make([]InventoryEntry, 0, len(p.Resources))
	for _, r := range p.Resources {
		var names []string
		for up := r.Parent; up != ""; up = byURN[up].Parent {
			names = append([]string{byURN[up].Name}, names...)
		}
		out = append(out, InventoryEntry{
			Parent: strings.Join(names, "/"),
			Type:   r.Type,
			Name:   r.Name,
			Inputs: plainMap(r.Inputs),
		})
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Parent != b.Parent {
			return a.Parent < b.Parent
		}
		if a.Type != b.Type {
			return a.Type < b.Type
		}
		return a.Name < b.Name
	})
	return out
}

func plainMap(m resource.PropertyMap) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[string(k)] = plain(v)
	}
	return out
}

// plain turns a property value into JSON-ready data; a secret becomes [secret].
func plain(v resource.PropertyValue) any {
	switch {
	case v.IsSecret():
		return stacks.SecretPlaceholder
	case v.IsComputed() || v.IsOutput():
		return "[unknown until deployed]"
	case v.IsNull():
		return nil
	case v.IsBool():
		return v.BoolValue()
	case v.IsNumber():
		return v.NumberValue()
	case v.IsString():
		return v.StringValue()
	case v.IsArray():
		arr := v.ArrayValue()
		out := make([]any, len(arr))
		for i, e := range arr {
			out[i] = plain(e)
		}
		return out
	case v.IsObject():
		return plainMap(v.ObjectValue())
	case v.IsResourceReference():
		return string(v.ResourceReferenceValue().URN)
	}
	return fmt.Sprintf("[%s]", v.TypeString())
}
