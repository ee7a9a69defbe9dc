package logfilter

import (
	"strconv"
)

// selector is a JSON property selector such as $.users[0].email. A * in place of a
// property name ($.*.id) or of an index ($.users[*].id) stands for every property
// or element there; a condition holds when it holds for any of them.
type selector struct {
	text  string
	steps []step
}

type step struct {
	name     string
	index    int
	isIndex  bool
	wildcard bool
}

// any calls fn on each value the selector reaches in root, stopping at the first
// true, and reports whether one was true. fn sees nil for a JSON null; a property
// that is absent is not visited at all.
func (s selector) any(root any, fn func(any) bool) bool {
	return walk(root, s.steps, fn)
}

func walk(v any, steps []step, fn func(any) bool) bool {
	if len(steps) == 0 {
		return fn(v)
	}
	st := steps[0]
	switch t := v.(type) {
	case map[string]any:
		if st.isIndex {
			return false
		}
		if st.wildcard {
			for _, child := range t {
				if walk(child, steps[1:], fn) {
					return true
				}
			}
			return false
		}
		child, ok := t[st.name]
		return ok && walk(child, steps[1:], fn)
	case []any:
		if !st.isIndex {
			return false
		}
		if st.wildcard {
			for _, child := range t {
				if walk(child, steps[1:], fn) {
					return true
				}
			}
			return false
		}
		return st.index < len(t) && walk(t[st.index], steps[1:], fn)
	}
	return false
}

// selector reads $ followed by .name, .* , [N] or [*] steps. Names are letters,
// digits, - and _. As the guide says, an index must follow a property, so $[0] is
// refused.
func (ps *parser) selector() (selector, error) {
	start := ps.pos
	ps.pos++ // $
	var steps []step
	for !ps.eof() {
		switch ps.peek() {
		case '.':
			ps.pos++
			if ps.peek() == '*' {
				ps.pos++
				steps = append(steps, step{wildcard: true})
				continue
			}
			nameAt := ps.pos
			for !ps.eof() && (isWordByte(ps.peek()) || ps.peek() == '-') {
				ps.pos++
			}
			if ps.pos == nameAt {
				return selector{}, ps.errorf("expected a property name (letters, digits, - or _) or * after ., got %s", describe(ps.src, ps.pos))
			}
			steps = append(steps, step{name: ps.src[nameAt:ps.pos]})
		case '[':
			if len(steps) == 0 {
				return selector{}, ps.errorf("expected .property after $: an array index must follow a property, as in $.users[0]")
			}
			ps.pos++
			if ps.peek() == '*' {
				ps.pos++
				steps = append(steps, step{isIndex: true, wildcard: true})
			} else {
				numAt := ps.pos
				for !ps.eof() && ps.peek() >= '0' && ps.peek() <= '9' {
					ps.pos++
				}
				n, err := strconv.Atoi(ps.src[numAt:ps.pos])
				if ps.pos == numAt || err != nil {
					return selector{}, errorAt(ps.src, numAt, "expected an array index (a number) or * after [, got %s", describe(ps.src, numAt))
				}
				steps = append(steps, step{isIndex: true, index: n})
			}
			if ps.peek() != ']' {
				return selector{}, ps.errorf("expected ] to close the array index, got %s", describe(ps.src, ps.pos))
			}
			ps.pos++
		default:
			goto done
		}
	}
done:
	if len(steps) == 0 {
		return selector{}, ps.errorf("expected .property after $, as in $.eventType, got %s", describe(ps.src, ps.pos))
	}
	return selector{text: ps.src[start:ps.pos], steps: steps}, nil
}

// hasWildcard reports whether the selector can reach more than one value.
func (s selector) hasWildcard() bool {
	for _, st := range s.steps {
		if st.wildcard {
			return true
		}
	}
	return false
}
