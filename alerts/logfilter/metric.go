package logfilter

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// Result is what one log event gives under a pattern or a metric filter.
type Result struct {
	// Matched reports whether the event matches the pattern.
	Matched bool
	// Value is the value published to the metric: the metric value of a matching
	// event, the default value of one that does not match, or nil when nothing is
	// published (no match and no default, or a metric value field that is missing
	// or not a number, or a dimension field that is missing).
	Value *float64
	// Dimensions are the dimension values of a published metric, keyed by
	// dimension name; nil when there are none.
	Dimensions map[string]string
	// Fields are the fields of a space-delimited event that matched: $name for a
	// named field, $N for the others (see the package documentation); nil for text
	// and JSON patterns.
	Fields map[string]string
}

// Match evaluates one log event as a metric filter with the default transformation
// (metric value "1", no default value, no dimensions) would.
func (p *Pattern) Match(event string) Result {
	m, ok := p.evaluate(event)
	if !ok {
		return Result{}
	}
	one := 1.0
	return Result{Matched: true, Value: &one, Fields: m.extracted}
}

// matched is what a matching event offers to metric values and dimensions.
type matched struct {
	root      any               // the decoded event, for JSON patterns
	fields    []string          // the event's fields, for delimited patterns
	extracted map[string]string // and their names
}

func (p *Pattern) evaluate(event string) (matched, bool) {
	switch p.kind {
	case JSON:
		root, ok := decodeJSON(event)
		if !ok || !p.json.eval(root) {
			return matched{}, false
		}
		return matched{root: root}, true
	case Delimited:
		fields := splitFields(event)
		assign := p.delim.match(fields)
		if assign == nil {
			return matched{}, false
		}
		return matched{fields: fields, extracted: p.delim.extracted(fields, assign)}, true
	}
	return matched{}, p.text.match(event)
}

// MaxDimensions is how many dimensions one metric transformation may have.
const MaxDimensions = 3

// Transformation says what a metric filter publishes for each event, as a
// CloudWatch Logs MetricTransformation does (name, namespace and unit are checked by
// CheckMetricFilter; they do not change what an event gives).
type Transformation struct {
	// MetricValue is a number ("1", "2.5") or a field of the pattern: $.latency
	// (JSON), $size or $7 (space-delimited; $7 is the 7th field of the event).
	// Defaults to "1". At most 100 characters.
	MetricValue string
	// DefaultValue is published for an event that does not match. nil (the
	// default) publishes nothing then. It cannot be set together with Dimensions.
	DefaultValue *float64
	// Dimensions maps a dimension name to a field of the pattern, written as for
	// MetricValue ($.service, $server): never a fixed value, and never with a text
	// pattern or a DefaultValue (CloudWatch Logs refuses all three). At most 3.
	Dimensions map[string]string
}

// MetricFilter is a pattern with its metric transformation.
type MetricFilter struct {
	pattern *Pattern
	def     *float64
	value   valueRef
	dims    []dimension
}

type dimension struct {
	name string
	ref  valueRef
}

// valueRef is where a published number or dimension comes from.
type valueRef struct {
	literal *float64
	json    *selector
	field   string // "$size" or "$7"
	pos     int    // 7 for "$7", else 0
}

// FieldProblem is one thing wrong with a field of a Transformation.
type FieldProblem struct {
	// Field is "metricValue", "dimensions" or "dimensions.<name>".
	Field   string
	Message string
}

// TransformationError lists every problem of a transformation at once.
type TransformationError struct {
	Pattern  string
	Problems []FieldProblem
}

func (e *TransformationError) Error() string {
	parts := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		parts[i] = p.Field + ": " + p.Message
	}
	return fmt.Sprintf("metric transformation of pattern %q: %s", e.Pattern, strings.Join(parts, "; "))
}

// NewMetricFilter checks t against p and returns the filter, or a
// *TransformationError that lists every problem at once.
func NewMetricFilter(p *Pattern, t Transformation) (*MetricFilter, error) {
	f := &MetricFilter{pattern: p, def: t.DefaultValue}
	var problems []FieldProblem
	add := func(field, format string, args ...any) {
		problems = append(problems, FieldProblem{Field: field, Message: fmt.Sprintf(format, args...)})
	}
	mv := t.MetricValue
	if mv == "" {
		mv = "1"
	}
	if n := len([]rune(mv)); n > 100 {
		add("metricValue", "must be at most %d characters, got %d", MaxMetricValueLength, n)
	} else if ref, err := p.valueRef(mv, true); err != nil {
		add("metricValue", "%s", err)
	} else {
		f.value = ref
	}
	if len(t.Dimensions) > 0 && t.DefaultValue != nil {
		// PutMetricFilter answers "dimensions and default value are mutually
		// exclusive properties".
		add("dimensions", "dimensions and a default value are mutually exclusive: drop one")
	}
	if len(t.Dimensions) > 0 && p.kind == Text {
		// PutMetricFilter answers "The specified filter pattern does not support
		// dimensions" for text patterns.
		add("dimensions", "a text pattern does not support dimensions: use a JSON or space-delimited pattern")
		t.Dimensions = nil
	}
	if len(t.Dimensions) > MaxDimensions {
		add("dimensions", "at most %d are allowed, got %d", MaxDimensions, len(t.Dimensions))
	}
	names := make([]string, 0, len(t.Dimensions))
	for k := range t.Dimensions {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		if n := len([]rune(k)); n < 1 || n > 255 {
			add("dimensions."+k, "dimension names are 1 to 255 characters, got %d", n)
			continue
		}
		ref, err := p.valueRef(t.Dimensions[k], false)
		if err != nil {
			add("dimensions."+k, "%s", err)
			continue
		}
		f.dims = append(f.dims, dimension{name: k, ref: ref})
	}
	if len(problems) > 0 {
		return nil, &TransformationError{Pattern: p.src, Problems: problems}
	}
	return f, nil
}

// valueRef parses a metric value (numbers allowed) or a dimension value (fields only)
// and checks that the field is one the pattern can give.
func (p *Pattern) valueRef(s string, numberOK bool) (valueRef, error) {
	if f, ok := parseNumber(s); ok && numberOK {
		return valueRef{literal: &f}, nil
	}
	if !strings.HasPrefix(s, "$") {
		if numberOK {
			return valueRef{}, fmt.Errorf("must be a number or a field such as $.latency or $size, got %q", s)
		}
		return valueRef{}, fmt.Errorf("must be a field of the pattern such as $.service or $server, got %q", s)
	}
	switch p.kind {
	case JSON:
		sub := &parser{src: s, p: &Pattern{selectors: map[string]bool{}}}
		sel, err := sub.selector()
		if err != nil || !sub.eof() {
			return valueRef{}, fmt.Errorf("%q is not a JSON selector such as $.latency", s)
		}
		if sel.hasWildcard() {
			return valueRef{}, fmt.Errorf("%q can reach several values: name one, without *", s)
		}
		if !p.selectors[sel.text] {
			return valueRef{}, fmt.Errorf("%s is not a field the pattern tests: add a condition on it, such as %s = *", s, s)
		}
		return valueRef{json: &sel}, nil
	case Delimited:
		name := s[1:]
		if n, err := strconv.Atoi(name); err == nil {
			if n < 1 {
				return valueRef{}, fmt.Errorf("%s is not a field position: positions start at $1", s)
			}
			if !p.delim.ellipsis && n > len(p.delim.slots) {
				return valueRef{}, fmt.Errorf("%s is not a field position of the pattern (1 to %d)", s, len(p.delim.slots))
			}
			return valueRef{field: s, pos: n}, nil
		}
		if _, ok := p.delim.names[name]; !ok {
			return valueRef{}, fmt.Errorf("%s is not a field of the pattern %s", s, p.src)
		}
		return valueRef{field: s}, nil
	}
	return valueRef{}, fmt.Errorf("a %s pattern has no fields to take %s from: use a JSON or space-delimited pattern, or a number", p.kind, s)
}

// Match evaluates one log event as CloudWatch Logs would for this metric filter.
func (f *MetricFilter) Match(event string) Result {
	m, ok := f.pattern.evaluate(event)
	if !ok {
		if f.def == nil {
			return Result{}
		}
		v := *f.def
		return Result{Value: &v}
	}
	r := Result{Matched: true, Fields: m.extracted}
	text, found := lookup(f.value, m)
	if !found {
		return r
	}
	v, isNum := parseNumber(strings.TrimSpace(text))
	if !isNum {
		return r
	}
	if len(f.dims) > 0 {
		dims := make(map[string]string, len(f.dims))
		for _, d := range f.dims {
			s, ok := lookup(d.ref, m)
			if !ok {
				return r
			}
			dims[d.name] = s
		}
		r.Dimensions = dims
	}
	r.Value = &v
	return r
}

// lookup returns the text of a reference in a matched event.
func lookup(ref valueRef, m matched) (string, bool) {
	switch {
	case ref.literal != nil:
		return strconv.FormatFloat(*ref.literal, 'g', -1, 64), true
	case ref.json != nil:
		var out string
		found := ref.json.any(m.root, func(v any) bool {
			s, ok := scalarText(v)
			out = s
			return ok
		})
		return out, found
	case ref.pos > 0:
		// $7 is the 7th field of the event, named or not (the guide's Apache
		// example calls the size field both $size and $7).
		if ref.pos > len(m.fields) {
			return "", false
		}
		return m.fields[ref.pos-1], true
	}
	s, ok := m.extracted[ref.field]
	return s, ok
}

// EventMatch is one matching event, as CloudWatch Logs' TestMetricFilter reports it.
type EventMatch struct {
	// EventNumber is the 1-based position of the event in the tested list.
	EventNumber int
	// EventMessage is the event as given.
	EventMessage string
	// ExtractedValues are the fields of a space-delimited event ($name, $N); empty
	// for text and JSON patterns, as in TestMetricFilter.
	ExtractedValues map[string]string
}

// Test matches each event and returns the ones that match, in order, the way
// TestMetricFilter (aws logs test-metric-filter) answers.
func (p *Pattern) Test(events []string) []EventMatch {
	var out []EventMatch
	for i, e := range events {
		if r := p.Match(e); r.Matched {
			out = append(out, EventMatch{EventNumber: i + 1, EventMessage: e, ExtractedValues: r.Fields})
		}
	}
	return out
}
