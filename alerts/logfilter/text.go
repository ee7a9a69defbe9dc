package logfilter

import (
	"regexp"
	"strings"
	"unicode"
)

// textPattern is an unstructured-text pattern: a disjunction of groups, each a
// conjunction of terms. A ?term starts a new group, so "?A B ?C" means (A and B) or C;
// that is how AWS's CDK documents and emits its anyTermGroup patterns, and the
// user guide itself only shows the two pure cases ("A B" and "?A ?B").
type textPattern struct {
	groups [][]term
}

// term is one condition of a text pattern.
type term struct {
	// words must all occur in the event (case-sensitively, anywhere, even inside a
	// longer word). A quoted phrase is one word, spaces and punctuation included.
	words   []string
	re      *regexp.Regexp
	exclude bool
}

func (t term) occurs(event string) bool {
	if t.re != nil {
		return t.re.MatchString(event)
	}
	for _, w := range t.words {
		if !strings.Contains(event, w) {
			return false
		}
	}
	return true
}

func (tp *textPattern) match(event string) bool {
	if len(tp.groups) == 0 {
		return true
	}
	for _, g := range tp.groups {
		ok := true
		for _, t := range g {
			if t.occurs(event) == t.exclude {
				ok = false
				break
			}
		}
		if ok {
			return true
		}
	}
	return false
}

func (ps *parser) parseText() (*textPattern, error) {
	tp := &textPattern{}
	var cur []term
	for {
		ps.skipSpace()
		if ps.eof() {
			break
		}
		exclude := false
		switch ps.peek() {
		case '?':
			ps.pos++
			if len(cur) > 0 {
				tp.groups = append(tp.groups, cur)
				cur = nil
			}
			if ps.eof() || isSpace(ps.peek()) || ps.peek() == '?' || ps.peek() == '-' {
				return nil, ps.errorf("expected a term right after ?, got %s", describe(ps.src, ps.pos))
			}
		case '-':
			// The guide writes both ERROR -Exiting and "ERROR" - "Exiting": both mean
			// exclusion here, so blanks may follow the minus sign.
			exclude = true
			ps.pos++
			ps.skipSpace()
			if ps.eof() || ps.peek() == '?' || ps.peek() == '-' {
				return nil, ps.errorf("expected a term to exclude after -, got %s", describe(ps.src, ps.pos))
			}
		}
		terms, err := ps.textTerm()
		if err != nil {
			return nil, err
		}
		for _, t := range terms {
			t.exclude = t.exclude || exclude
			cur = append(cur, t)
		}
	}
	if len(cur) > 0 {
		tp.groups = append(tp.groups, cur)
	}
	return tp, nil
}

// textTerm reads a quoted phrase, a %regex% or a bare term. The guide asks for terms
// with punctuation to be quoted; unquoted, CloudWatch Logs splits them into words
// and reads a - before a word as an exclusion, which is why an unquoted
// request-id-123 finds nothing in an event that holds it (see textWords).
func (ps *parser) textTerm() ([]term, error) {
	switch ps.peek() {
	case '"':
		s, err := ps.quoted()
		if err != nil {
			return nil, err
		}
		if !ps.eof() && !isSpace(ps.peek()) {
			return nil, ps.errorf("expected a blank after the closing quote, got %s", describe(ps.src, ps.pos))
		}
		return []term{{words: []string{s}}}, nil
	case '%':
		re, err := ps.regex()
		if err != nil {
			return nil, err
		}
		if !ps.eof() && !isSpace(ps.peek()) {
			return nil, ps.errorf("expected a blank after the closing %%, got %s", describe(ps.src, ps.pos))
		}
		return []term{{re: re}}, nil
	}
	start := ps.pos
	for !ps.eof() && !isSpace(ps.peek()) {
		ps.pos++
	}
	raw := ps.src[start:ps.pos]
	terms := textWords(raw)
	if len(terms) == 0 {
		return nil, errorAt(ps.src, start, "the term %q has no letters or digits: quote it to match punctuation, as in \"%s\"", raw, raw)
	}
	return terms, nil
}

// textWords splits an unquoted term at every character that is not a letter, digit
// or _: "user:42" is user and 42, both required; a - before a word excludes it, so
// "ORDER-ITEM-1" is ORDER, not ITEM, not 1.
func textWords(raw string) []term {
	var out []term
	exclude := false
	word := -1
	for i, r := range raw + " " {
		if unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_' {
			if word < 0 {
				word = i
			}
			continue
		}
		if word >= 0 {
			out = append(out, term{words: []string{raw[word:i]}, exclude: exclude})
			word = -1
		}
		exclude = r == '-'
	}
	return out
}
