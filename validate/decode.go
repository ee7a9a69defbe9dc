package validate

import (
	"fmt"
	"math"
	"reflect"
	"sort"
	"strings"
	"sync"
)

// Decode copies raw, a value as encoding/json or YAML decodes it into `any` (maps,
// lists, strings, float64 or int numbers, booleans, nil), into dst, a pointer to a Go
// value whose struct fields carry `json` tags. Unlike encoding/json it does not stop
// at the first problem: every unknown key (with a did-you-mean hint) and every value of
// the wrong type is recorded in ps with its path below path. A null or missing value
// leaves the destination untouched, so pointer fields stay nil ("use the default").
// A message repeats a short wrong value ("got string \"many\""), except where the
// destination holds a secret (see HoldsSecret): there it names only the value's kind.
func Decode(ps *Problems, path string, raw any, dst any) { decode(ps, path, raw, dst, false) }

// DecodeHidden is Decode for a value that must never be repeated anywhere, such as a
// config key Pulumi holds as a secret: no message names any part of it.
func DecodeHidden(ps *Problems, path string, raw any, dst any) { decode(ps, path, raw, dst, true) }

func decode(ps *Problems, path string, raw any, dst any, hidden bool) {
	v := reflect.ValueOf(dst)
	if v.Kind() != reflect.Pointer || v.IsNil() {
		panic("validate.Decode: dst must be a non-nil pointer")
	}
	d := decoder{ps: ps, hidden: hidden}
	d.value(path, raw, v.Elem())
}

// secretHolder is the method set of a type whose values are secrets (stacks.Secret).
var secretHolder = reflect.TypeOf((*interface{ Reveal() string })(nil)).Elem()

// HoldsSecret reports whether a value of type t is or contains a secret: a type with a
// `Reveal() string` method, or a pointer, list, map or struct holding one.
func HoldsSecret(t reflect.Type) bool {
	if v, ok := holdsSecretCache.Load(t); ok {
		return v.(bool)
	}
	v := holdsSecret(t, map[reflect.Type]bool{})
	holdsSecretCache.Store(t, v)
	return v
}

var holdsSecretCache sync.Map // reflect.Type → bool

func holdsSecret(t reflect.Type, seen map[reflect.Type]bool) bool {
	if seen[t] {
		return false
	}
	seen[t] = true
	if t.Implements(secretHolder) {
		return true
	}
	switch t.Kind() {
	case reflect.Pointer, reflect.Slice, reflect.Array:
		return holdsSecret(t.Elem(), seen)
	case reflect.Map:
		return holdsSecret(t.Key(), seen) || holdsSecret(t.Elem(), seen)
	case reflect.Struct:
		for i := 0; i < t.NumField(); i++ {
			if t.Field(i).IsExported() && holdsSecret(t.Field(i).Type, seen) {
				return true
			}
		}
	}
	return false
}

type decoder struct {
	ps     *Problems
	hidden bool
}

func (d decoder) value(path string, raw any, dst reflect.Value) {
	if raw == nil {
		return
	}
	switch dst.Kind() {
	case reflect.Pointer:
		elem := reflect.New(dst.Type().Elem())
		if d.into(path, raw, elem.Elem()) {
			dst.Set(elem)
		}
	default:
		d.into(path, raw, dst)
	}
}

// into decodes raw into dst and reports whether it succeeded.
func (d decoder) into(path string, raw any, dst reflect.Value) bool {
	ps := d.ps
	hide := d.hidden || HoldsSecret(dst.Type())
	got := func() string { return describe(raw, hide) }
	switch dst.Kind() {
	case reflect.String:
		s, ok := raw.(string)
		if !ok {
			ps.addTypeError(path, "", "must be a string, got %s", got())
			return false
		}
		dst.SetString(s)
	case reflect.Bool:
		b, ok := raw.(bool)
		if !ok {
			ps.addTypeError(path, "write true or false without quotes", "must be true or false, got %s", got())
			return false
		}
		dst.SetBool(b)
	case reflect.Int, reflect.Int32, reflect.Int64:
		f, ok := number(raw)
		if !ok {
			ps.addTypeError(path, "write the number without quotes", "must be a whole number, got %s", got())
			return false
		}
		if f != math.Trunc(f) || math.Abs(f) > 1<<53 || dst.OverflowInt(int64(f)) {
			shown := fmt.Sprint(f)
			if hide {
				shown = describe(raw, true)
			}
			ps.addTypeError(path, "", "must be a whole number, got %s", shown)
			return false
		}
		dst.SetInt(int64(f))
	case reflect.Float64:
		f, ok := number(raw)
		if !ok || math.IsNaN(f) || math.IsInf(f, 0) {
			ps.addTypeError(path, "write the number without quotes", "must be a number, got %s", got())
			return false
		}
		dst.SetFloat(f)
	case reflect.Slice:
		items, ok := raw.([]any)
		if !ok {
			ps.addTypeError(path, "write a YAML list (one `- item` a line)", "must be a list, got %s", got())
			return false
		}
		if len(items) == 0 {
			return true // an empty list means the same as no list
		}
		out := reflect.MakeSlice(dst.Type(), len(items), len(items))
		for i, item := range items {
			itemPath := fmt.Sprintf("%s[%d]", path, i)
			if item == nil {
				ps.Add(itemPath, "must not be empty", "remove the empty list entry")
				continue
			}
			d.value(itemPath, item, out.Index(i))
		}
		dst.Set(out)
	case reflect.Map:
		obj, ok := raw.(map[string]any)
		if !ok {
			ps.addTypeError(path, "", "must be a mapping of keys to values, got %s", got())
			return false
		}
		out := reflect.MakeMapWithSize(dst.Type(), len(obj))
		for _, k := range sortedKeys(obj) {
			elem := reflect.New(dst.Type().Elem()).Elem()
			d.value(path+"."+k, obj[k], elem)
			out.SetMapIndex(reflect.ValueOf(k).Convert(dst.Type().Key()), elem)
		}
		dst.Set(out)
	case reflect.Struct:
		obj, ok := raw.(map[string]any)
		if !ok {
			ps.addTypeError(path, "", "must be a mapping of keys to values, got %s", got())
			return false
		}
		fields := FieldsOf(dst.Type())
		known := make([]string, 0, len(fields))
		for name := range fields {
			known = append(known, name)
		}
		for _, k := range sortedKeys(obj) {
			idx, ok := fields[k]
			if !ok {
				ps.Add(joinPath(path, k), "unknown key", UnknownHint(k, known))
				continue
			}
			d.value(joinPath(path, k), obj[k], dst.FieldByIndex(idx))
		}
	case reflect.Interface:
		// Kept as written, for a later pass that knows its shape.
		dst.Set(reflect.ValueOf(raw))
	default:
		panic(fmt.Sprintf("validate.Decode: unsupported destination kind %s at %s", dst.Kind(), path))
	}
	return true
}

// FieldsOf maps the `json` names of a struct type's exported fields to their index.
// Fields tagged `json:"-"` or without a tag are not part of the input.
func FieldsOf(t reflect.Type) map[string][]int {
	fields := map[string][]int{}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if !f.IsExported() || name == "" || name == "-" {
			continue
		}
		fields[name] = f.Index
	}
	return fields
}

func joinPath(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func number(raw any) (float64, bool) {
	switch n := raw.(type) {
	case float64:
		return n, true
	case int:
		return float64(n), true
	case int64:
		return float64(n), true
	case uint64:
		return float64(n), true
	}
	return 0, false
}

// describe names a raw value's kind for an error message, with the value itself when
// it is short and not a container, unless hidden. A string is cut at 40 characters
// (not bytes, so the cut never splits a character).
func describe(raw any, hidden bool) string {
	if hidden {
		switch raw.(type) {
		case string:
			return "a string (not shown: it may be a secret)"
		case bool:
			return "a boolean (not shown: it may be a secret)"
		case map[string]any:
			return "a mapping"
		case []any:
			return "a list"
		}
		return "a number (not shown: it may be a secret)"
	}
	switch v := raw.(type) {
	case string:
		if r := []rune(v); len(r) > 40 {
			v = string(r[:37]) + "..."
		}
		return fmt.Sprintf("string %q", v)
	case bool:
		return fmt.Sprintf("boolean %v", v)
	case map[string]any:
		return "a mapping"
	case []any:
		return "a list"
	}
	if f, ok := number(raw); ok {
		return fmt.Sprintf("number %v", f)
	}
	return fmt.Sprintf("%T", raw)
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// Overlay decodes raw, a mapping written by a user, onto dst, a pointer to a struct
// that already holds defaults: keys present in raw replace the defaults, the others
// stay. Each replaced field whose `range:"lo,hi"` tag is set is checked against that
// inclusive range, and a value out of range is reported at its own path, so a bad
// override is blamed where it was written.
func Overlay(ps *Problems, path string, raw any, dst any) {
	defaults := reflect.New(reflect.TypeOf(dst).Elem()).Elem()
	defaults.Set(reflect.ValueOf(dst).Elem())
	Decode(ps, path, raw, dst)
	obj, ok := raw.(map[string]any)
	if !ok {
		return
	}
	v := reflect.ValueOf(dst).Elem()
	fields := FieldsOf(v.Type())
	for _, k := range sortedKeys(obj) {
		idx, known := fields[k]
		if !known {
			continue // reported by Decode
		}
		f := v.Type().FieldByIndex(idx)
		lo, hi, ok := parseRange(f.Tag.Get("range"))
		if !ok {
			continue
		}
		fv := v.FieldByIndex(idx)
		var x, def float64
		switch fv.Kind() {
		case reflect.Int, reflect.Int64:
			x, def = float64(fv.Int()), float64(defaults.FieldByIndex(idx).Int())
		case reflect.Float64:
			x, def = fv.Float(), defaults.FieldByIndex(idx).Float()
		default:
			continue
		}
		FloatRange(ps, joinPath(path, k), x, lo, hi,
			fmt.Sprintf("the value in force without this key is %s; remove the key to keep it", fmtNum(def)))
	}
}

// InRange reports whether every field of the struct *v that has a range tag is inside
// its range. Tests use it to prove that defaults obey the limits users are held to.
func InRange(v any) []string {
	var out []string
	rv := reflect.ValueOf(v).Elem()
	for i := 0; i < rv.NumField(); i++ {
		f := rv.Type().Field(i)
		lo, hi, ok := parseRange(f.Tag.Get("range"))
		if !ok {
			continue
		}
		var x float64
		switch rv.Field(i).Kind() {
		case reflect.Int, reflect.Int64:
			x = float64(rv.Field(i).Int())
		case reflect.Float64:
			x = rv.Field(i).Float()
		}
		if x < lo || x > hi {
			out = append(out, fmt.Sprintf("%s=%v outside [%v, %v]", f.Name, x, lo, hi))
		}
	}
	return out
}

func parseRange(tag string) (lo, hi float64, ok bool) {
	if tag == "" {
		return 0, 0, false
	}
	if _, err := fmt.Sscanf(tag, "%g,%g", &lo, &hi); err != nil {
		panic(fmt.Sprintf("validate: bad range tag %q: %v", tag, err))
	}
	return lo, hi, true
}
