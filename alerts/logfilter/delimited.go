package logfilter

import (
	"regexp"
	"strconv"
	"strings"
)

// delimPattern is a space-delimited pattern: [ip, user, ..., status_code=4*, bytes].
type delimPattern struct {
	slots    []slot
	ellipsis bool
	names    map[string]int // slot index of each named field
}

// slot is one comma-separated entry: ..., a field name with optional conditions, or
// an empty entry that takes one field without naming it.
type slot struct {
	ellipsis bool
	name     string
	cond     fieldNode // nil: any value
}

type fieldNode interface {
	eval(value string) bool
}

type fieldOr []fieldNode

func (o fieldOr) eval(v string) bool {
	for _, n := range o {
		if n.eval(v) {
			return true
		}
	}
	return false
}

type fieldAnd []fieldNode

func (a fieldAnd) eval(v string) bool {
	for _, n := range a {
		if !n.eval(v) {
			return false
		}
	}
	return true
}

// fieldCond compares a field with a value. Fields are text: a numeric value compares
// numerically when the field reads as a number; < <= > >= are false otherwise, and =
// and != then compare the text.
type fieldCond struct {
	op    string
	str   wildcard
	re    *regexp.Regexp
	num   float64
	isNum bool
	raw   string
}

func (c *fieldCond) eval(v string) bool {
	if c.re != nil {
		return c.re.MatchString(v) == (c.op == "=")
	}
	if c.isNum {
		if f, ok := parseNumber(v); ok {
			return compare(f, c.op, c.num)
		}
		switch c.op {
		case "=":
			return v == c.raw
		case "!=":
			return v != c.raw
		}
		return false
	}
	return c.str.match(v) == (c.op == "=")
}

func (ps *parser) parseDelimited() (*delimPattern, error) {
	ps.pos++ // [
	d := &delimPattern{names: map[string]int{}}
	ps.skipSpace()
	if ps.peek() == ']' {
		return nil, ps.errorf("expected at least one field between [ and ], such as [ip, user, ...]")
	}
	for {
		ps.skipSpace()
		s, err := ps.slot(d)
		if err != nil {
			return nil, err
		}
		d.slots = append(d.slots, s)
		ps.skipSpace()
		switch ps.peek() {
		case ',':
			ps.pos++
			continue
		case ']':
			ps.pos++
			return d, nil
		}
		return nil, ps.errorf("expected , or ] after a field, got %s", describe(ps.src, ps.pos))
	}
}

func (ps *parser) slot(d *delimPattern) (slot, error) {
	switch {
	case ps.hasPrefix("..."):
		ps.pos += 3
		d.ellipsis = true
		return slot{ellipsis: true}, nil
	case ps.peek() == ',' || ps.peek() == ']':
		return slot{}, nil
	}
	nameAt := ps.pos
	if c := ps.peek(); c >= '0' && c <= '9' {
		return slot{}, ps.errorf("expected a field name starting with a letter or _ ($1, $2, ... already name fields by position), got %s", describe(ps.src, ps.pos))
	}
	name := ps.fieldName()
	if name == "" {
		return slot{}, ps.errorf("expected a field name (letters, digits and _) or ..., got %s", describe(ps.src, ps.pos))
	}
	if _, dup := d.names[name]; dup {
		return slot{}, errorAt(ps.src, nameAt, "the field %s is named twice: give each field its own name", name)
	}
	d.names[name] = len(d.slots)
	s := slot{name: name}
	ps.skipSpace()
	if ps.peek() == ',' || ps.peek() == ']' {
		return s, nil
	}
	var or fieldOr
	var and fieldAnd
	first := true
	for {
		if !first {
			ps.skipSpace()
			at := ps.pos
			other := ps.fieldName()
			if other == "" {
				return slot{}, ps.errorf("expected the field name %s after && or ||, got %s", name, describe(ps.src, ps.pos))
			}
			if other != name {
				// The guide's [..., status_code = 4* && bytes > 1000] names a field it
				// never declares; here a field's conditions test that field only.
				return slot{}, errorAt(ps.src, at, "the conditions of the field %s can only test %s, got %s: give %s its own comma-separated entry", name, name, other, other)
			}
		}
		first = false
		c, err := ps.fieldCond(name)
		if err != nil {
			return slot{}, err
		}
		and = append(and, c)
		ps.skipSpace()
		switch {
		case ps.hasPrefix("&&"):
			ps.pos += 2
			continue
		case ps.hasPrefix("||"):
			ps.pos += 2
			or = append(or, collapseAnd(and))
			and = nil
			continue
		}
		break
	}
	or = append(or, collapseAnd(and))
	if len(or) == 1 {
		s.cond = or[0]
	} else {
		s.cond = or
	}
	return s, nil
}

func collapseAnd(a fieldAnd) fieldNode {
	if len(a) == 1 {
		return a[0]
	}
	return a
}

func (ps *parser) fieldName() string {
	start := ps.pos
	for !ps.eof() && isWordByte(ps.peek()) {
		ps.pos++
	}
	return ps.src[start:ps.pos]
}

func (ps *parser) fieldCond(name string) (*fieldCond, error) {
	ps.skipSpace()
	c := &fieldCond{}
	switch {
	case ps.hasPrefix("!="), ps.hasPrefix("<="), ps.hasPrefix(">="):
		c.op = ps.src[ps.pos : ps.pos+2]
		ps.pos += 2
	case ps.peek() == '=' || ps.peek() == '<' || ps.peek() == '>':
		c.op = ps.src[ps.pos : ps.pos+1]
		ps.pos++
	default:
		return nil, ps.errorf("expected =, !=, <, <=, >, >=, , or ] after the field name %s, got %s", name, describe(ps.src, ps.pos))
	}
	ps.skipSpace()
	valAt := ps.pos
	switch ps.peek() {
	case '"':
		if c.op != "=" && c.op != "!=" {
			return nil, ps.errorf("expected a number after %s (only = and != compare strings), got a quoted string", c.op)
		}
		s, err := ps.quoted()
		if err != nil {
			return nil, err
		}
		c.str = newWildcard(s)
		return c, nil
	case '%':
		if c.op != "=" && c.op != "!=" {
			return nil, ps.errorf("expected a number after %s (only = and != take a regular expression), got %%", c.op)
		}
		re, err := ps.regex()
		if err != nil {
			return nil, err
		}
		c.re = re
		return c, nil
	case '!':
		return nil, ps.errorf("expected a value after %s, got '!': to negate, write %s!=value", c.op, name)
	}
	for !ps.eof() && isBareFieldValueByte(ps.peek()) {
		ps.pos++
	}
	raw := ps.src[valAt:ps.pos]
	if raw == "" {
		return nil, ps.errorf("expected a value after %s, got %s", c.op, describe(ps.src, ps.pos))
	}
	if !ps.eof() && !isSpace(ps.peek()) && !strings.ContainsRune(",]&|", rune(ps.peek())) {
		return nil, ps.errorf("%s cannot appear in an unquoted value: put the value in double quotes", describe(ps.src, ps.pos))
	}
	if f, ok := parseNumber(raw); ok {
		c.isNum, c.num, c.raw = true, f, raw
		return c, nil
	}
	if c.op != "=" && c.op != "!=" {
		return nil, errorAt(ps.src, valAt, "expected a number after %s, got %q", c.op, raw)
	}
	c.str = newWildcard(raw)
	return c, nil
}

// isBareFieldValueByte: unquoted field values are printable ASCII other than blanks
// and the characters that delimit or operate: , [ ] & | " ( ) ! < > = %.
func isBareFieldValueByte(c byte) bool {
	return c > ' ' && c < 0x7f && strings.IndexByte(`,[]&|"()!<>=%`, c) < 0
}

// splitFields splits an event into space-delimited fields. A field that starts with
// " runs to the next " and one that starts with [ runs to the next ]; the quotes and
// brackets are not part of the value, as the guide's extracted fields show.
func splitFields(event string) []string {
	var fields []string
	i := 0
	for {
		for i < len(event) && (event[i] == ' ' || event[i] == '\t') {
			i++
		}
		if i >= len(event) {
			return fields
		}
		var closer byte
		switch event[i] {
		case '"':
			closer = '"'
		case '[':
			closer = ']'
		}
		if closer != 0 {
			end := strings.IndexByte(event[i+1:], closer)
			if end >= 0 {
				fields = append(fields, event[i+1:i+1+end])
				i += end + 2
				continue
			}
		}
		start := i
		for i < len(event) && event[i] != ' ' && event[i] != '\t' {
			i++
		}
		fields = append(fields, event[start:i])
	}
}

// match aligns the event's fields with the slots. Without ... the counts must agree
// (the guide's [w1=ERROR, w2] matches "ERROR message" but not "ERROR WARN message");
// each ... takes zero or more fields, as few as the rest allows. It returns the
// slot each field went to (-1 for a field taken by ...), or nil when nothing aligns.
func (d *delimPattern) match(fields []string) []int {
	assign := make([]int, len(fields))
	if !d.ellipsis {
		if len(fields) != len(d.slots) {
			return nil
		}
		for i, s := range d.slots {
			if s.cond != nil && !s.cond.eval(fields[i]) {
				return nil
			}
			assign[i] = i
		}
		return assign
	}
	n := len(fields) + 1
	failed := make([]bool, (len(d.slots)+1)*n)
	var try func(i, j int) bool
	try = func(i, j int) bool {
		if failed[i*n+j] {
			return false
		}
		if i == len(d.slots) {
			if j == len(fields) {
				return true
			}
		} else if s := d.slots[i]; s.ellipsis {
			if try(i+1, j) {
				return true
			}
			if j < len(fields) && try(i, j+1) {
				assign[j] = -1
				return true
			}
		} else if j < len(fields) && (s.cond == nil || s.cond.eval(fields[j])) && try(i+1, j+1) {
			assign[j] = i
			return true
		}
		failed[i*n+j] = true
		return false
	}
	if !try(0, 0) {
		return nil
	}
	return assign
}

// extracted names the fields of a matched event as the guide shows them: $name for a
// field a named entry took, $N (1-based position) for every other field.
func (d *delimPattern) extracted(fields []string, assign []int) map[string]string {
	out := make(map[string]string, len(fields))
	for j, f := range fields {
		if i := assign[j]; i >= 0 && d.slots[i].name != "" {
			out["$"+d.slots[i].name] = f
		} else {
			out["$"+strconv.Itoa(j+1)] = f
		}
	}
	return out
}
