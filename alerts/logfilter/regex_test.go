package logfilter

import "testing"

// The guide's "Supported regular expressions" section: what a %regex% may hold, and
// the quota of two per pattern.
func TestRegexOutsideTheAllowedSetIsRejected(t *testing.T) {
	runErrorCases(t, []errorCase{
		{"The guide's own example: ! is not supported.", "%something!%", "column 11: '!' is not allowed in a regular expression: use letters, digits, space, _ # = @ / ; , - : and the operators ^ $ ? [ ] { } | \\ * + ."},
		{"Parentheses are not supported.", "%(ab)+%", "column 2: parentheses are not supported in a regular expression (CloudWatch Logs has no subpatterns); use [...] or | instead"},
		{"A closing parenthesis alone is not supported either.", "%ab)%", "column 4: parentheses are not supported in a regular expression (CloudWatch Logs has no subpatterns); use [...] or | instead"},
		{"Multi-byte characters are not supported.", "%café%", "column 5: multi-byte characters are not supported in a regular expression, got 'é'"},
		{"A double quote is not in the set.", `%say "hi"%`, "column 6: '\"' is not allowed in a regular expression: use letters, digits, space, _ # = @ / ; , - : and the operators ^ $ ? [ ] { } | \\ * + ."},
		{"\\b is not one of the supported escapes.", `%\bword%`, `column 2: \b is not supported in a regular expression: expected \d, \D, \s, \S, \w, \W, \xHH or an escaped operator such as \. or \[`},
		{"An escaped parenthesis is still a parenthesis.", `%\(%`, `column 2: \( is not supported in a regular expression: expected \d, \D, \s, \S, \w, \W, \xHH or an escaped operator such as \. or \[`},
		{"\\x needs two hexadecimal digits.", `%\x2%`, `column 2: \x must be followed by two hexadecimal digits, as in \x28 for "("`},
		{"\\x needs hexadecimal digits.", `%\xzz%`, `column 2: \x must be followed by two hexadecimal digits, as in \x28 for "("`},
		{"A trailing backslash escapes nothing.", `%abc\%`, `column 5: a regular expression cannot end with \: expected \d, \D, \s, \S, \w, \W, \xHH or an escaped operator`},
		{"An empty regex is refused.", "%%", "column 1: empty regular expression: expected something between the two %"},
		{"An unterminated regex is refused at its opening %.", "ERROR %abc", "column 7: unterminated regular expression: expected a closing %"},
		{"A regex that does not compile is refused at its start.", "%[abc%", "column 2: invalid regular expression: missing closing ] [abc"},
		{"A repetition of a repetition is refused.", "%a**%", "column 2: invalid regular expression: invalid nested repetition operator **"},
		{"A third regex in one pattern is over the quota of two.", `{ $.a = %x% || $.b = %y% || $.c = %z% }`, "column 35: a filter pattern may hold at most 2 regular expressions, this is the 3rd"},
		{"Regexes count across a delimited pattern too.", `[a = %x%, b = %y%, c = %z%]`, "column 24: a filter pattern may hold at most 2 regular expressions, this is the 3rd"},
		{"A regex in a JSON numeric comparison is refused.", `{ $.a > %1% }`, "column 9: expected a number after > (only = and != take a regular expression), got %"},
	})
}

func TestRegexInsideTheAllowedSetIsAccepted(t *testing.T) {
	for _, pattern := range []string{
		`%\d\D\s\S\w\W%`,
		`%[a-z0-9_#=@/;,-]%`,
		`%^a.b*c+d?e{1,2}[^x]|y$%`,
		`%\.\^\$\?\[\]\{\}\|\\\*\+%`,
		`%\#\=\@\/\;\,\-\:\_%`,
		`{ $.msg = %x% && $.code = %^5% }`,
	} {
		p, err := Parse(pattern)
		if err != nil {
			t.Errorf("Parse(%q): %v", pattern, err)
			continue
		}
		if p.RegexCount() == 0 {
			t.Errorf("Parse(%q) counted no regex", pattern)
		}
	}
	p, err := Parse(`{ $.msg = %x% && $.code = %^5% }`)
	if err != nil || p.RegexCount() != 2 {
		t.Fatalf("two regexes make RegexCount 2, got %v, %v", p, err)
	}
	p, err = Parse(`ERROR`)
	if err != nil || p.RegexCount() != 0 {
		t.Fatalf("a pattern without regex has RegexCount 0, got %v, %v", p, err)
	}
}

// JSON and space-delimited patterns take a regex as a value (guide: regex "can be
// incorporated with JSON and space-delimited filter patterns").
func TestRegexInsideJSONPatterns(t *testing.T) {
	runMatchCases(t, []matchCase{
		{"A regex value matches a string property.", `{ $.message = %timeout after \d+ms% }`, `{"message": "call failed: timeout after 300ms"}`, true},
		{"A regex value fails on a property that does not match.", `{ $.message = %timeout after \d+ms% }`, `{"message": "call failed"}`, false},
		{"A regex value tests a number's text.", `{ $.status = %^5\d\d$% }`, `{"status": 503}`, true},
		{"\\x28 and \\x29 match the parentheses that may not be written (modernisation-platform PR 5137).", `{ $.message = %\x28timeout\x29% }`, `{"message": "failed (timeout)"}`, true},
		{"\\x28 does not match without a parenthesis.", `{ $.message = %\x28timeout\x29% }`, `{"message": "failed timeout"}`, false},
		{"!= with a regex holds when it does not match.", `{ $.status != %^5% }`, `{"status": 200}`, true},
		{"!= with a regex fails when it matches.", `{ $.status != %^5% }`, `{"status": 500}`, false},
	})
}
