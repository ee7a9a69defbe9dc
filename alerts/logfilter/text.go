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
	// longer word). A quoted phrase is a single word, spaces and punctuation included.
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
		t, err := ps.textTerm()
		if err != nil {
			return nil, err
		}
		t.exclude = exclude
		cur = append(cur, t)
	}
	if len(cur) > 0 {
		tp.groups = append(tp.groups, cur)
	}
	return tp, nil
}

// textTerm reads a quoted phrase, a %regex% or a bare term. A bare term that holds
// punctuation ("user-id:42") is split into its words (user, id, 42), which must all
// occur: the guide says such terms must be quoted, and a quoted phrase is how to
// match the punctuation too.
func (ps *parser) textTerm() (term, error) {
	switch ps.peek() {
	case '"':
		s, err := ps.quoted()
		if err != nil {
			return term{}, err
		}
		if !ps.eof() && !isSpace(ps.peek()) {
			return term{}, ps.errorf("expected a blank after the closing quote, got %s", describe(ps.src, ps.pos))
		}
		return term{words: []string{s}}, nil
	case '%':
		re, err := ps.regex()
		if err != nil {
			return term{}, err
		}
		if !ps.eof() && !isSpace(ps.peek()) {
			return term{}, ps.errorf("expected a blank after the closing %%, got %s", describe(ps.src, ps.pos))
		}
		return term{re: re}, nil
	}
	start := ps.pos
	for !ps.eof() && !isSpace(ps.peek()) {
		ps.pos++
	}
	raw := ps.src[start:ps.pos]
	var words []string
	for _, w := range strings.FieldsFunc(raw, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '_' }) {
		words = append(words, w)
	}
	if len(words) == 0 {
		return term{}, errorAt(ps.src, start, "the term %q has no letters or digits: quote it to match punctuation, as in \"%s\"", raw, raw)
	}
	return term{words: words}, nil
}
