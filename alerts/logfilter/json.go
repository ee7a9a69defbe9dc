package logfilter

import (
	"encoding/json"
	"io"
	"regexp"
	"strconv"
	"strings"
)

// jsonNode is a boolean expression over a decoded JSON event.
type jsonNode interface {
	eval(root any) bool
}

type jsonOr []jsonNode

func (o jsonOr) eval(root any) bool {
	for _, n := range o {
		if n.eval(root) {
			return true
		}
	}
	return false
}

type jsonAnd []jsonNode

func (a jsonAnd) eval(root any) bool {
	for _, n := range a {
		if !n.eval(root) {
			return false
		}
	}
	return true
}

// jsonCond is one "selector operator value" test.
type jsonCond struct {
	sel selector
	op  string // = != < <= > >=, or IS NULL, IS TRUE, IS FALSE, NOT EXISTS
	// For = and != exactly one of str, re or isNum applies; the others take isNum.
	str   wildcard
	re    *regexp.Regexp
	num   float64
	isNum bool
}

func (c *jsonCond) eval(root any) bool {
	switch c.op {
	case "NOT EXISTS":
		return !c.sel.any(root, func(any) bool { return true })
	case "IS NULL":
		return c.sel.any(root, func(v any) bool { return v == nil })
	case "IS TRUE", "IS FALSE":
		want := c.op == "IS TRUE"
		return c.sel.any(root, func(v any) bool { b, ok := v.(bool); return ok && b == want })
	}
	return c.sel.any(root, func(v any) bool {
		if c.isNum {
			n, ok := v.(json.Number)
			if !ok {
				return false
			}
			f, err := strconv.ParseFloat(string(n), 64)
			return err == nil && compare(f, c.op, c.num)
		}
		s, ok := scalarText(v)
		if !ok {
			return false
		}
		var hit bool
		if c.re != nil {
			hit = c.re.MatchString(s)
		} else {
			hit = c.str.match(s)
		}
		return hit == (c.op == "=")
	})
}

// scalarText is the text a string comparison sees: a string's value, a number as
// written in the event, true or false. Null, arrays and objects have none, so both =
// and != are false for them (the guide: a selector that points at an array or object
// matches neither).
func scalarText(v any) (string, bool) {
	switch t := v.(type) {
	case string:
		return t, true
	case json.Number:
		return string(t), true
	case bool:
		return strconv.FormatBool(t), true
	}
	return "", false
}

func compare(a float64, op string, b float64) bool {
	switch op {
	case "=":
		return a == b
	case "!=":
		return a != b
	case "<":
		return a < b
	case "<=":
		return a <= b
	case ">":
		return a > b
	case ">=":
		return a >= b
	}
	return false
}

// decodeJSON decodes an event; ok is false when it is not exactly one JSON object or
// array (leading and trailing blanks aside).
func decodeJSON(event string) (any, bool) {
	s := strings.TrimSpace(event)
	if s == "" || (s[0] != '{' && s[0] != '[') {
		return nil, false
	}
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, false
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, false
	}
	return v, true
}

// wildcard is a string value with optional * at its start and end: *Event matches
// PutEvent, Event* matches EventId, *html* anything holding html, * anything. A *
// anywhere else is a literal star: the guide's Ev*ent matches only "Ev*ent".
type wildcard struct {
	text            string
	prefix, suffix  bool // a * at the start, at the end
	matchesAnything bool
}

func newWildcard(s string) wildcard {
	if s == "*" {
		return wildcard{matchesAnything: true}
	}
	w := wildcard{text: s}
	if strings.HasPrefix(w.text, "*") {
		w.prefix = true
		w.text = w.text[1:]
	}
	if strings.HasSuffix(w.text, "*") {
		w.suffix = true
		w.text = w.text[:len(w.text)-1]
	}
	return w
}

func (w wildcard) match(s string) bool {
	switch {
	case w.matchesAnything:
		return true
	case w.prefix && w.suffix:
		return strings.Contains(s, w.text)
	case w.prefix:
		return strings.HasSuffix(s, w.text)
	case w.suffix:
		return strings.HasPrefix(s, w.text)
	}
	return s == w.text
}

func (ps *parser) parseJSON() (jsonNode, error) {
	ps.pos++ // {
	n, err := ps.jsonOr()
	if err != nil {
		return nil, err
	}
	ps.skipSpace()
	if ps.peek() != '}' {
		return nil, ps.errorf("expected && or || or the closing } of the JSON pattern, got %s", describe(ps.src, ps.pos))
	}
	ps.pos++
	return n, nil
}

func (ps *parser) jsonOr() (jsonNode, error) {
	var or jsonOr
	for {
		n, err := ps.jsonAnd()
		if err != nil {
			return nil, err
		}
		or = append(or, n)
		ps.skipSpace()
		if !ps.hasPrefix("||") {
			break
		}
		ps.pos += 2
	}
	if len(or) == 1 {
		return or[0], nil
	}
	return or, nil
}

func (ps *parser) jsonAnd() (jsonNode, error) {
	var and jsonAnd
	for {
		n, err := ps.jsonUnary()
		if err != nil {
			return nil, err
		}
		and = append(and, n)
		ps.skipSpace()
		if !ps.hasPrefix("&&") {
			break
		}
		ps.pos += 2
	}
	if len(and) == 1 {
		return and[0], nil
	}
	return and, nil
}

func (ps *parser) jsonUnary() (jsonNode, error) {
	ps.skipSpace()
	switch ps.peek() {
	case '(':
		ps.pos++
		n, err := ps.jsonOr()
		if err != nil {
			return nil, err
		}
		ps.skipSpace()
		if ps.peek() != ')' {
			return nil, ps.errorf("expected && or || or a closing ), got %s", describe(ps.src, ps.pos))
		}
		ps.pos++
		return n, nil
	case '$':
		return ps.jsonCond()
	}
	return nil, ps.errorf("expected a selector such as $.field, or (, got %s", describe(ps.src, ps.pos))
}

func (ps *parser) jsonCond() (jsonNode, error) {
	sel, err := ps.selector()
	if err != nil {
		return nil, err
	}
	ps.p.selectors[sel.text] = true
	c := &jsonCond{sel: sel}
	ps.skipSpace()
	switch {
	case ps.hasPrefix("!="), ps.hasPrefix("<="), ps.hasPrefix(">="):
		c.op = ps.src[ps.pos : ps.pos+2]
		ps.pos += 2
	case ps.peek() == '=' || ps.peek() == '<' || ps.peek() == '>':
		c.op = ps.src[ps.pos : ps.pos+1]
		ps.pos++
	case ps.hasPrefix("IS"), ps.hasPrefix("NOT"):
		return ps.jsonKeyword(c)
	default:
		return nil, ps.errorf("expected =, !=, <, <=, >, >=, IS or NOT EXISTS after the selector %s, got %s", sel.text, describe(ps.src, ps.pos))
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
	}
	for !ps.eof() && isBareJSONValueByte(ps.peek()) {
		ps.pos++
	}
	raw := ps.src[valAt:ps.pos]
	if raw == "" {
		return nil, ps.errorf("expected a value after %s, got %s", c.op, describe(ps.src, ps.pos))
	}
	if !ps.eof() && !isSpace(ps.peek()) && !strings.ContainsRune(")}&|", rune(ps.peek())) {
		return nil, ps.errorf("%s cannot appear in an unquoted value: put the value in double quotes", describe(ps.src, ps.pos))
	}
	if f, ok := parseNumber(raw); ok {
		c.isNum, c.num = true, f
		return c, nil
	}
	if c.op != "=" && c.op != "!=" {
		return nil, errorAt(ps.src, valAt, "expected a number after %s, got %q", c.op, raw)
	}
	c.str = newWildcard(raw)
	return c, nil
}

func (ps *parser) jsonKeyword(c *jsonCond) (jsonNode, error) {
	word := func() string {
		ps.skipSpace()
		start := ps.pos
		for !ps.eof() && isWordByte(ps.peek()) {
			ps.pos++
		}
		return ps.src[start:ps.pos]
	}
	at := ps.pos
	first := word()
	at2 := ps.pos
	second := word()
	switch {
	case first == "IS" && (second == "NULL" || second == "TRUE" || second == "FALSE"),
		first == "NOT" && second == "EXISTS":
		c.op = first + " " + second
		return c, nil
	case first == "IS":
		at2 = skipSpaceFrom(ps.src, at2)
		return nil, errorAt(ps.src, at2, "expected NULL, TRUE or FALSE after IS, got %s", describe(ps.src, at2))
	case first == "NOT":
		at2 = skipSpaceFrom(ps.src, at2)
		return nil, errorAt(ps.src, at2, "expected EXISTS after NOT, got %s", describe(ps.src, at2))
	}
	return nil, errorAt(ps.src, at, "expected =, !=, <, <=, >, >=, IS or NOT EXISTS after the selector %s, got %q", c.sel.text, first)
}

func skipSpaceFrom(s string, i int) int {
	for i < len(s) && isSpace(s[i]) {
		i++
	}
	return i
}

// isBareJSONValueByte: unquoted JSON values are letters, digits and . - _ + *; the
// guide asks for anything else ("@", "$", "\", unicode) to be quoted.
func isBareJSONValueByte(c byte) bool {
	return isWordByte(c) || strings.IndexByte(".-+*", c) >= 0
}

// parseNumber accepts what the guide calls a number: an integer or decimal with an
// optional sign, optionally in scientific notation (10e3, 10e-3, +1000).
func parseNumber(s string) (float64, bool) {
	i := 0
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		i++
	}
	digits := 0
	for ; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
		digits++
	}
	if i < len(s) && s[i] == '.' {
		i++
		for ; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
			digits++
		}
	}
	if digits == 0 {
		return 0, false
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		exp := 0
		for ; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
			exp++
		}
		if exp == 0 {
			return 0, false
		}
	}
	if i != len(s) {
		return 0, false
	}
	f, err := strconv.ParseFloat(s, 64)
	return f, err == nil
}
