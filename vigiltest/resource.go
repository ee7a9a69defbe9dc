package vigiltest

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// Masked stands for a secret wherever this package turns inputs into plain values:
// a secret is never shown, only that it is one. It is the placeholder `vigil plan`
// writes too.
const Masked = "[secret]"

// Unknown stands for an input whose value is known only after a real deployment (an
// output of another resource that the mock cloud did not compute).
const Unknown = "[unknown until deployed]"

// Resource is one registered resource as the program declared it.
type Resource struct {
	// URN is the resource's URN, as the engine computes it.
	URN string
	// Parent is the URN of the parent resource; "" for children of the stack.
	Parent string
	// Type is the type token, such as aws:sns/topic:Topic.
	Type string
	// Name is the logical name.
	Name string
	// Custom is false for component resources.
	Custom bool
	// Inputs are the inputs as the engine received them, secrets still wrapped. Read
	// them through Input, Plain and Secret rather than directly.
	Inputs resource.PropertyMap
}

// Plain returns every input as plain Go values: strings, float64 numbers, bools, nil,
// []any and map[string]any. A secret, anywhere, is Masked; a value not known before
// deployment is Unknown; a resource reference is the referenced URN. The result is
// ready for encoding/json and for comparing with assert.Equal.
func (r Resource) Plain() map[string]any { return plainMap(r.Inputs) }

// Input returns the input at path as a plain value (see Plain), or false when the
// resource has no such input. A path is a Pulumi property path: "name",
// "tags.team", "ingress[0].fromPort", `tags["vigil:stack"]`. A path that reaches into
// a secret stops there and returns Masked.
func (r Resource) Input(path string) (any, bool) {
	v, secret, ok := r.lookup(path)
	switch {
	case !ok:
		return nil, false
	case secret:
		return Masked, true
	}
	return plain(v), true
}

// String returns the input at path when it is a plain, non-secret string, and false
// otherwise (missing, secret, unknown, or of another type).
func (r Resource) String(path string) (string, bool) {
	v, secret, ok := r.lookup(path)
	if !ok || secret || !v.IsString() {
		return "", false
	}
	return v.StringValue(), true
}

// IsSecret reports whether the input at path is a secret or lies inside one. A missing
// input is not a secret.
func (r Resource) IsSecret(path string) bool {
	_, secret, ok := r.lookup(path)
	return ok && secret
}

// Secret returns the plain value of the input at path with the secret unwrapped, and
// true, only when that input is a secret: it lets a test check that a secret reaches
// the resource intact without ever unwrapping one by accident. A non-secret or
// missing input gives nil and false.
func (r Resource) Secret(path string) (any, bool) {
	v, secret, ok := r.lookup(path)
	if !ok || !secret {
		return nil, false
	}
	return plain(reveal(v)), true
}

// DecodeJSON decodes the string input at path, such as an IAM policy document, into
// out. A missing, secret or non-string input is an error.
func (r Resource) DecodeJSON(path string, out any) error {
	s, ok := r.String(path)
	if !ok {
		return fmt.Errorf("%s %s: no plain string input %q", r.Type, r.Name, path)
	}
	if err := json.Unmarshal([]byte(s), out); err != nil {
		return fmt.Errorf("%s %s: input %q: %w", r.Type, r.Name, path, err)
	}
	return nil
}

// lookup walks path through the inputs, unwrapping secrets on the way and noting that
// it did.
func (r Resource) lookup(path string) (resource.PropertyValue, bool, bool) {
	p, err := resource.ParsePropertyPath(path)
	if err != nil || len(p) == 0 {
		return resource.PropertyValue{}, false, false
	}
	v := resource.NewObjectProperty(r.Inputs)
	secret := false
	for _, key := range p {
		var s bool
		v, s = unwrap(v)
		secret = secret || s
		switch k := key.(type) {
		case int:
			if !v.IsArray() || k < 0 || k >= len(v.ArrayValue()) {
				return resource.PropertyValue{}, false, false
			}
			v = v.ArrayValue()[k]
		case string:
			if !v.IsObject() {
				return resource.PropertyValue{}, false, false
			}
			next, ok := v.ObjectValue()[resource.PropertyKey(k)]
			if !ok {
				return resource.PropertyValue{}, false, false
			}
			v = next
		}
	}
	v, s := unwrap(v)
	return v, secret || s, true
}

// unwrap removes the secret wrappers (secrets, and secret outputs) around v.
func unwrap(v resource.PropertyValue) (resource.PropertyValue, bool) {
	secret := false
	for {
		switch {
		case v.IsSecret():
			v = v.SecretValue().Element
		case v.IsOutput() && v.OutputValue().Known && v.OutputValue().Secret:
			v = v.OutputValue().Element
		default:
			return v, secret
		}
		secret = true
	}
}

// reveal unwraps every secret inside v.
func reveal(v resource.PropertyValue) resource.PropertyValue {
	switch {
	case v.IsSecret():
		return reveal(v.SecretValue().Element)
	case v.IsArray():
		arr := v.ArrayValue()
		out := make([]resource.PropertyValue, len(arr))
		for i, e := range arr {
			out[i] = reveal(e)
		}
		return resource.NewArrayProperty(out)
	case v.IsObject():
		out := resource.PropertyMap{}
		for k, e := range v.ObjectValue() {
			out[k] = reveal(e)
		}
		return resource.NewObjectProperty(out)
	}
	return v
}

func plainMap(m resource.PropertyMap) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[string(k)] = plain(v)
	}
	return out
}

// plain turns a property value into plain data; a secret becomes Masked.
func plain(v resource.PropertyValue) any {
	switch {
	case v.IsSecret():
		return Masked
	case v.IsComputed() || v.IsOutput() && !v.OutputValue().Known:
		return Unknown
	case v.IsOutput():
		if v.OutputValue().Secret {
			return Masked
		}
		return plain(v.OutputValue().Element)
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
	return fmt.Sprintf("[%s]", strings.TrimSuffix(v.TypeString(), "Property"))
}
