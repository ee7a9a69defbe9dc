package logfilter

import (
	"errors"
	"testing"
	"unicode/utf8"
)

// FuzzParseAndMatch holds that Parse never panics, that it either returns a pattern
// or a *SyntaxError whose column lies within the pattern, and that Match and a
// metric filter never panic on any event. The seeds run in every go test; explore
// with: go test ./alerts/logfilter -run '^$' -fuzz FuzzParseAndMatch -fuzztime 60s
func FuzzParseAndMatch(f *testing.F) {
	seeds := [][2]string{
		{"", "anything"},
		{"ERROR -Exiting ?WARN", "ERROR WARN message"},
		{`"Failed to process" %^\d+%`, "12 Failed to process"},
		{`{ $.a.b[0] = "x*" && ($.n >= 10e3 || $.f IS TRUE) }`, `{"a":{"b":["xy"]},"n":1,"f":true}`},
		{`{ $.users[*].id != 2 || $.x NOT EXISTS || $.y IS NULL }`, `{"users":[{"id":1}],"y":null}`},
		{`[ip, user, ..., status_code = 4* || status_code = 5*, bytes > 1000]`, `1.2.3.4 - [x y] "a b" 404 2000`},
		{`[..., a = %x%, , ...]`, `q w e r t y`},
		{`{ $.a = %[%`, `{}`},
		{`[a = "unterminated`, `x`},
		{`{ (((($.a = 1 }`, `{"a":1}`},
		{`[...,...,...,...,...,...]`, `a b c d e f g h i j k l m n o p`},
	}
	for _, s := range seeds {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, pattern, event string) {
		p, err := Parse(pattern)
		if err != nil {
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("Parse(%q) returned %T, want *SyntaxError", pattern, err)
			}
			if se.Column < 1 || se.Column > utf8.RuneCountInString(pattern)+1 {
				t.Fatalf("Parse(%q): column %d is outside the pattern", pattern, se.Column)
			}
			return
		}
		r := p.Match(event)
		if r.Matched != (r.Value != nil) {
			t.Fatalf("Match(%q) under %q: matched %v but value %v", event, pattern, r.Matched, r.Value)
		}
		if again := p.Match(event); again.Matched != r.Matched {
			t.Fatalf("Match(%q) under %q is not deterministic", event, pattern)
		}
		if p.Kind() == Delimited {
			mf, err := NewMetricFilter(p, Transformation{MetricValue: "$1", DefaultValue: ptr(0)})
			if err != nil {
				t.Fatalf("$1 is always a field position: %v", err)
			}
			if got := mf.Match(event); got.Matched != r.Matched {
				t.Fatalf("the metric filter and the pattern disagree on %q", event)
			}
		}
	})
}
