package logfilter

import (
	"fmt"
	"regexp"
	"strings"
)

// Kind is the family of syntax a pattern is written in.
type Kind int

const (
	// Text patterns match terms and phrases anywhere in an unstructured event.
	Text Kind = iota
	// JSON patterns, written { ... }, test properties of a JSON event.
	JSON
	// Delimited patterns, written [ ... ], split an event into space-delimited fields.
	Delimited
)

func (k Kind) String() string {
	switch k {
	case JSON:
		return "JSON"
	case Delimited:
		return "space-delimited"
	default:
		return "text"
	}
}

// MaxRegexPerPattern is how many %regex% a single filter pattern may hold.
const MaxRegexPerPattern = 2

// Pattern is a parsed filter pattern, ready to match events. It is safe for
// concurrent use.
type Pattern struct {
	src   string
	kind  Kind
	text  *textPattern
	json  jsonNode
	delim *delimPattern
	// regexes counts the %regex% in the pattern.
	regexes int
	// selectors holds the text of every JSON selector the pattern tests.
	selectors map[string]bool
}

// String returns the pattern as it was written.
func (p *Pattern) String() string { return p.src }

// Kind says which syntax the pattern is written in.
func (p *Pattern) Kind() Kind { return p.kind }

// RegexCount is the number of %regex% in the pattern: CloudWatch Logs allows at most
// MaxRegexPerPattern in one pattern and MaxRegexFiltersPerLogGroup patterns with
// any regex in one log group.
func (p *Pattern) RegexCount() int { return p.regexes }

// MatchesEverything reports whether the pattern is empty, so that every event matches.
func (p *Pattern) MatchesEverything() bool {
	return p.kind == Text && len(p.text.groups) == 0
}

// Parse parses a CloudWatch Logs filter pattern. An empty (or blank) pattern matches
// every event. The error, when there is one, is a *SyntaxError giving the column and
// what was expected there.
func Parse(pattern string) (*Pattern, error) {
	ps := &parser{src: pattern, p: &Pattern{src: pattern, selectors: map[string]bool{}}}
	if err := ps.parse(); err != nil {
		return nil, err
	}
	if ps.p.regexes > MaxRegexPerPattern {
		return nil, errorAt(pattern, ps.thirdRegex, "a filter pattern may hold at most %d regular expressions, this is the %s", MaxRegexPerPattern, ordinal(MaxRegexPerPattern+1))
	}
	return ps.p, nil
}

func ordinal(n int) string {
	switch n {
	case 1:
		return "1st"
	case 2:
		return "2nd"
	case 3:
		return "3rd"
	}
	return fmt.Sprintf("%dth", n)
}

// parser holds the state shared by the three syntaxes.
type parser struct {
	src        string
	pos        int
	p          *Pattern
	thirdRegex int
}

func (ps *parser) parse() error {
	ps.skipSpace()
	if ps.eof() {
		ps.p.kind = Text
		ps.p.text = &textPattern{}
		return nil
	}
	switch ps.src[ps.pos] {
	case '{':
		ps.p.kind = JSON
		n, err := ps.parseJSON()
		if err != nil {
			return err
		}
		ps.p.json = n
	case '[':
		ps.p.kind = Delimited
		d, err := ps.parseDelimited()
		if err != nil {
			return err
		}
		ps.p.delim = d
	default:
		ps.p.kind = Text
		t, err := ps.parseText()
		if err != nil {
			return err
		}
		ps.p.text = t
		return nil
	}
	ps.skipSpace()
	if !ps.eof() {
		closing := "}"
		if ps.p.kind == Delimited {
			closing = "]"
		}
		return ps.errorf("expected the end of the pattern after the closing %s, got %s", closing, describe(ps.src, ps.pos))
	}
	return nil
}

func (ps *parser) eof() bool { return ps.pos >= len(ps.src) }

func (ps *parser) peek() byte {
	if ps.eof() {
		return 0
	}
	return ps.src[ps.pos]
}

func (ps *parser) hasPrefix(s string) bool { return strings.HasPrefix(ps.src[ps.pos:], s) }

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

func (ps *parser) skipSpace() {
	for !ps.eof() && isSpace(ps.src[ps.pos]) {
		ps.pos++
	}
}

func (ps *parser) errorf(format string, args ...any) error {
	return errorAt(ps.src, ps.pos, format, args...)
}

func isAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

func isWordByte(c byte) bool { return isAlnum(c) || c == '_' }

// quoted reads a double-quoted string starting at the opening quote. Inside, \" is a
// quote and \\ a backslash; any other backslash is kept as written.
func (ps *parser) quoted() (string, error) {
	start := ps.pos
	ps.pos++
	var b strings.Builder
	for !ps.eof() {
		c := ps.src[ps.pos]
		switch {
		case c == '\\' && ps.pos+1 < len(ps.src) && (ps.src[ps.pos+1] == '"' || ps.src[ps.pos+1] == '\\'):
			b.WriteByte(ps.src[ps.pos+1])
			ps.pos += 2
		case c == '"':
			ps.pos++
			return b.String(), nil
		default:
			b.WriteByte(c)
			ps.pos++
		}
	}
	return "", errorAt(ps.src, start, `unterminated quoted string: expected a closing "`)
}

// regex reads a %regex% starting at the opening %, checks it against the characters
// CloudWatch Logs allows, and compiles it.
func (ps *parser) regex() (*regexp.Regexp, error) {
	start := ps.pos
	end := strings.IndexByte(ps.src[start+1:], '%')
	if end < 0 {
		return nil, errorAt(ps.src, start, "unterminated regular expression: expected a closing %%")
	}
	body := ps.src[start+1 : start+1+end]
	re, err := compileRegex(ps.src, start+1, body)
	if err != nil {
		return nil, err
	}
	ps.p.regexes++
	if ps.p.regexes == MaxRegexPerPattern+1 {
		ps.thirdRegex = start
	}
	ps.pos = start + 1 + end + 1
	return re, nil
}
