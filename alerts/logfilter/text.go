package logfilter

import (
	"regexp"
	"strings"
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

// textTerm reads a quoted phrase, a %regex% or a bare term. A bare term holds letters,
// digits and _ only, as the guide asks (CloudWatch Logs answers "Invalid filter
// pattern" to an unquoted email@example.com); a - inside it starts an exclusion, so
// an unquoted ORDER-ITEM-1 is ORDER without ITEM and without 1, which is why users
// find that it misses the events that hold it (see textWords).
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
	return textWords(ps.src, start, ps.pos)
}

// textWords splits the bare term src[start:end] at each -, which excludes the word
// after it, and refuses any other character that is not a letter, digit or _.
func textWords(src string, start, end int) ([]term, error) {
	var out []term
	exclude := false
	word := start
	for i := start; i <= end; i++ {
		if i < end && isWordByte(src[i]) {
			continue
		}
		if i < end && src[i] != '-' {
			msg := describe(src, i) + " must be quoted: a term with characters other than letters, digits and _ goes in double quotes"
			if raw := src[start:end]; len(raw) <= 40 {
				msg += `, as in "` + strings.ReplaceAll(raw, `"`, `\"`) + `"`
			}
			return nil, errorAt(src, i, "%s", msg)
		}
		if i == word {
			if i == end {
				return nil, errorAt(src, i, "expected a term to exclude after -, got %s", describe(src, i))
			}
			if i > start {
				return nil, errorAt(src, i, "expected a term to exclude after -, got '-'")
			}
		} else {
			out = append(out, term{words: []string{src[word:i]}, exclude: exclude})
		}
		exclude = true
		word = i + 1
	}
	return out, nil
}
