package vigiltest

import (
	"encoding/json"
	"fmt"
	"sync"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// OutputTimeout is how long Outputs.Get waits for an output to resolve.
const OutputTimeout = time.Minute

// Outputs collects the values of Pulumi outputs (a component's ARNs, what a program
// exports) while a program runs, to be read once Run has returned. The zero value is
// ready to use; it is safe for concurrent use.
type Outputs struct {
	mu      sync.Mutex
	pending map[string]chan struct{}
	values  map[string]any
	outputs map[string]pulumi.Output
	known   map[string]bool
}

// Capture records the value out resolves to under name. Call it inside the program;
// capturing a second output under one name replaces the first.
func (o *Outputs) Capture(name string, out pulumi.Output) {
	done := make(chan struct{})
	o.mu.Lock()
	if o.pending == nil {
		o.pending, o.values, o.outputs, o.known = map[string]chan struct{}{}, map[string]any{}, map[string]pulumi.Output{}, map[string]bool{}
	}
	o.pending[name], o.outputs[name] = done, out
	o.mu.Unlock()
	out.ApplyT(func(v any) any {
		o.mu.Lock()
		if o.pending[name] == done {
			o.values[name], o.known[name] = v, true
		}
		o.mu.Unlock()
		close(done)
		return v
	})
}

// Get returns the value captured under name as plain data (maps, lists, strings,
// float64 numbers, bools: the JSON shape), or Masked when the output is a secret. It
// waits up to OutputTimeout for the output to resolve, and is an error for a name
// never captured or an output that does not resolve (unknown until deployed).
func (o *Outputs) Get(name string) (any, error) {
	o.mu.Lock()
	done, ok := o.pending[name]
	o.mu.Unlock()
	if !ok {
		return nil, fmt.Errorf("vigiltest: no output captured as %q", name)
	}
	select {
	case <-done:
	case <-time.After(OutputTimeout):
		return nil, fmt.Errorf("vigiltest: output %q did not resolve within %s", name, OutputTimeout)
	}
	o.mu.Lock()
	v, captured, known := o.values[name], o.outputs[name], o.known[name]
	o.mu.Unlock()
	switch {
	case !known:
		return nil, fmt.Errorf("vigiltest: output %q was replaced before it resolved", name)
	case pulumi.IsSecret(captured): // resolved by now, so this does not wait
		return Masked, nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("vigiltest: output %q: %w", name, err)
	}
	var out any
	if err := json.Unmarshal(b, &out); err != nil {
		return nil, fmt.Errorf("vigiltest: output %q: %w", name, err)
	}
	return out, nil
}
