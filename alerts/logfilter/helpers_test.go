package logfilter

import (
	"testing"
)

// matchCase is one event under one pattern, and whether it should match.
type matchCase struct {
	name    string
	pattern string
	event   string
	want    bool
}

func runMatchCases(t *testing.T, cases []matchCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p, err := Parse(tc.pattern)
			if err != nil {
				t.Fatalf("Parse(%q): %v", tc.pattern, err)
			}
			got := p.Match(tc.event)
			if got.Matched != tc.want {
				t.Fatalf("pattern %q, event %q: matched = %v, want %v", tc.pattern, tc.event, got.Matched, tc.want)
			}
			if got.Matched && (got.Value == nil || *got.Value != 1) {
				t.Fatalf("a matching event publishes 1 by default, got %v", got.Value)
			}
			if !got.Matched && got.Value != nil {
				t.Fatalf("an event that does not match publishes nothing without a default value, got %v", *got.Value)
			}
		})
	}
}

// errorCase is a pattern CloudWatch Logs refuses, with the exact error expected.
type errorCase struct {
	name    string
	pattern string
	want    string
}

func runErrorCases(t *testing.T, cases []errorCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p, err := Parse(tc.pattern)
			if err == nil {
				t.Fatalf("Parse(%q) accepted a pattern CloudWatch Logs refuses (kind %s)", tc.pattern, p.Kind())
			}
			if _, ok := err.(*SyntaxError); !ok {
				t.Fatalf("Parse(%q) returned %T, want *SyntaxError", tc.pattern, err)
			}
			if err.Error() != tc.want {
				t.Fatalf("Parse(%q):\n got %s\nwant %s", tc.pattern, err, tc.want)
			}
		})
	}
}

func TestParseRecognisesTheSyntaxByItsFirstCharacter(t *testing.T) {
	cases := []struct {
		pattern  string
		kind     Kind
		name     string
		everyone bool
	}{
		{"", Text, "text", true},
		{"  \t", Text, "text", true},
		{"ERROR", Text, "text", false},
		{`  { $.a = 1 }`, JSON, "JSON", false},
		{`[a, b]`, Delimited, "space-delimited", false},
		{`"[a, b]"`, Text, "text", false},
	}
	for _, tc := range cases {
		p, err := Parse(tc.pattern)
		if err != nil {
			t.Fatalf("Parse(%q): %v", tc.pattern, err)
		}
		if p.Kind() != tc.kind || p.Kind().String() != tc.name {
			t.Errorf("Parse(%q).Kind() = %s, want %s", tc.pattern, p.Kind(), tc.name)
		}
		if p.MatchesEverything() != tc.everyone {
			t.Errorf("Parse(%q).MatchesEverything() = %v, want %v", tc.pattern, p.MatchesEverything(), tc.everyone)
		}
		if p.String() != tc.pattern {
			t.Errorf("Parse(%q).String() = %q", tc.pattern, p.String())
		}
	}
}

func TestSyntaxErrorColumnsCountCharactersNotBytes(t *testing.T) {
	_, err := Parse(`"café" ?`)
	if err == nil || err.Error() != "column 9: expected a term right after ?, got the end of the pattern" {
		t.Fatalf("got %v", err)
	}
	se := err.(*SyntaxError)
	if se.Column != 9 || se.Msg != "expected a term right after ?, got the end of the pattern" {
		t.Fatalf("got column %d, message %q", se.Column, se.Msg)
	}
}
