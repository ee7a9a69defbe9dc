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
