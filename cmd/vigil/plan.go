package main

import (
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

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
// An encrypted endpoint, which the plan cannot decrypt, reaches the program as
// EncryptedEndpoint: a secret like any other, shown as [secret].
func MakePlan(env *stacks.Environment, values map[string]string) (*Plan, error) {
	env = withStandIns(env)
	cloud := mockcloud.New(env.Project, env.Stack, env.AccountID, env.Region)
	mocks := placeholderIDs{cloud}
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
	}, pulumi.WithMocks(env.Project, env.Stack, mocks), withConfig)
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

// EncryptedEndpoint stands in, under the mock engine, for an endpoint the stack file
// holds encrypted: an https URL (so that the components' checks of a known value
// pass, as the decrypted value must under pulumi up) that no one can mistake for
// a real one. It is a secret, so no output shows it.
const EncryptedEndpoint = "https://encrypted-in-the-stack-file.invalid/"

// withStandIns returns env with every encrypted endpoint replaced by EncryptedEndpoint.
func withStandIns(env *stacks.Environment) *stacks.Environment {
	copied := *env
	copied.Notifications = map[alerts.Severity]stacks.Endpoints{}
	for sev, ep := range env.Notifications {
		if ep.PagerDuty.Placeholder() {
			ep.PagerDuty = EncryptedEndpoint
		}
		webhooks := make([]stacks.Secret, len(ep.Webhooks))
		for i, w := range ep.Webhooks {
			webhooks[i] = w
			if w.Placeholder() {
				webhooks[i] = EncryptedEndpoint
			}
		}
		if ep.Webhooks != nil {
			ep.Webhooks = webhooks
		}
		copied.Notifications[sev] = ep
	}
	copied.Notifier.Channels = append([]stacks.NotifierChannel(nil), env.Notifier.Channels...)
	for i, c := range copied.Notifier.Channels {
		if c.Webhook.Placeholder() {
			copied.Notifier.Channels[i].Webhook = EncryptedEndpoint
		}
	}
	return &copied
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

// placeholderIDs answers for the mock cloud, with every made-up UUID it returns (a
// KMS key ID, a subscription ARN) replaced by a placeholder that cannot be taken for
// a real ID: "mock-<resource name>". The inputs, which the plan shows, are untouched.
type placeholderIDs struct{ *mockcloud.Cloud }

var uuidRe = regexp.MustCompile(`[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`)

func (m placeholderIDs) NewResource(args pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	id, state, err := m.Cloud.NewResource(args)
	if err != nil {
		return id, state, err
	}
	placeholder := "mock-" + args.Name
	id = uuidRe.ReplaceAllString(id, placeholder)
	for k, v := range state {
		if _, input := args.Inputs[k]; !input && v.IsString() {
			state[k] = resource.NewStringProperty(uuidRe.ReplaceAllString(v.StringValue(), placeholder))
		}
	}
	return id, state, nil
}

// InventoryFile is the content of inventory.json.
type InventoryFile struct {
	Project   string           `json:"project"`
	Stack     string           `json:"stack"`
	Resources []InventoryEntry `json:"resources"`
}

// Files are the files --out writes: inventory.json, summary.txt and the artifacts.
func (p *Plan) Files(summary string) (map[string][]byte, error) {
	inventory, err := json.MarshalIndent(InventoryFile{Project: p.Env.Project, Stack: p.Env.Stack, Resources: p.Inventory()}, "", "  ")
	if err != nil {
		return nil, err
	}
	files := map[string][]byte{
		"inventory.json": append(inventory, '\n'),
		"summary.txt":    []byte(summary),
	}
	for path, data := range p.Artifacts {
		files[path] = data
	}
	return files, nil
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

// plain turns a property value into JSON-ready data; a secret, or an output marked
// secret, becomes [secret], a value not known until deployed says so.
func plain(v resource.PropertyValue) any {
	switch {
	case v.IsSecret():
		return stacks.SecretPlaceholder
	case v.IsOutput() && v.OutputValue().Secret:
		return stacks.SecretPlaceholder
	case v.IsOutput() && v.OutputValue().Known:
		return plain(v.OutputValue().Element)
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
