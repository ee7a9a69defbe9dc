// Package validate gathers every problem found in an input (stack config, component
// Args, rule specs), each with its path and a hint, so that one error can report them
// all before anything is created. It also holds the AWS input limits that vigil checks
// before Pulumi registers a resource. It is pure Go: no Pulumi, no I/O.
package validate

import (
	"fmt"
	"sort"
	"strings"
)

// Problem is one thing wrong with an input.
type Problem struct {
	// Path locates the value, e.g. "vigil:services[1].alarms.cpuPercent" or
	// "Subscriptions.critical.Emails[0]".
	Path string
	// Message says what is wrong, e.g. "must be between 1 and 100, got 120".
	Message string
	// Hint suggests a fix; may be empty.
	Hint string
}

func (p Problem) String() string {
	if p.Hint == "" {
		return p.Path + ": " + p.Message
	}
	return p.Path + ": " + p.Message + "\n    hint: " + p.Hint
}

// Problems collects problems in the order they are found. The zero value is ready to use.
type Problems struct {
	list []Problem
	// badType holds the paths whose value had the wrong type: any later complaint
	// about such a value (out of range, missing) would only repeat the first one.
	badType map[string]bool
}

// Add records a problem at path, unless the value at path already had the wrong type.
func (ps *Problems) Add(path, message, hint string) {
	if ps.badType[path] {
		return
	}
	ps.list = append(ps.list, Problem{Path: path, Message: message, Hint: hint})
}

// addTypeError records that the value at path has the wrong type.
func (ps *Problems) addTypeError(path, hint, format string, args ...any) {
	ps.Addf(path, hint, format, args...)
	if ps.badType == nil {
		ps.badType = map[string]bool{}
	}
	ps.badType[path] = true
}

// Addf records a problem whose message is formatted.
func (ps *Problems) Addf(path, hint, format string, args ...any) {
	ps.Add(path, fmt.Sprintf(format, args...), hint)
}

// Len is the number of problems recorded.
func (ps *Problems) Len() int { return len(ps.list) }

// List returns the problems recorded so far.
func (ps *Problems) List() []Problem { return append([]Problem(nil), ps.list...) }

// Err returns nil when nothing was recorded, else an *Error about subject (for example
// `config of stack "dev"` or `notify.TopicsArgs "alerts"`).
func (ps *Problems) Err(subject string) error {
	if len(ps.list) == 0 {
		return nil
	}
	sorted := ps.List()
	sort.SliceStable(sorted, func(i, j int) bool { return pathLess(sorted[i].Path, sorted[j].Path) })
	return &Error{Subject: subject, Problems: sorted}
}

// Error lists every problem of an input. Its text has one problem a line, so that a
// user fixes them all in one pass.
type Error struct {
	Subject  string
	Problems []Problem
}

func (e *Error) Error() string {
	var b strings.Builder
	n := len(e.Problems)
	noun := "problems"
	if n == 1 {
		noun = "problem"
	}
	fmt.Fprintf(&b, "invalid %s (%d %s):", e.Subject, n, noun)
	for _, p := range e.Problems {
		b.WriteString("\n  ")
		b.WriteString(p.String())
	}
	return b.String()
}

// pathLess orders paths as a reader scans a file: by key, and list indexes by number
// (services[2] before services[10]).
func pathLess(a, b string) bool {
	for a != "" && b != "" {
		if isDigit(a[0]) && isDigit(b[0]) {
			na, ra := leadingNumber(a)
			nb, rb := leadingNumber(b)
			if na != nb {
				return na < nb
			}
			a, b = ra, rb
			continue
		}
		if a[0] != b[0] {
			return a[0] < b[0]
		}
		a, b = a[1:], b[1:]
	}
	return len(a) < len(b)
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func leadingNumber(s string) (int, string) {
	n, i := 0, 0
	for i < len(s) && isDigit(s[i]) {
		n = n*10 + int(s[i]-'0')
		i++
	}
	return n, s[i:]
}

// Suggest returns the candidate closest to got when it is close enough to be a likely
// typo ("servcies" → "services"), else "".
func Suggest(got string, candidates []string) string {
	best, bestDist := "", -1
	for _, c := range candidates {
		d := editDistance(strings.ToLower(got), strings.ToLower(c))
		if bestDist < 0 || d < bestDist || (d == bestDist && c < best) {
			best, bestDist = c, d
		}
	}
	limit := 2
	if len(got) > 8 {
		limit = 3
	}
	if bestDist < 0 || bestDist > limit {
		return ""
	}
	return best
}

// UnknownHint is the hint for a name that is not among known: a suggestion when one is
// close, else the list of what is allowed.
func UnknownHint(got string, known []string) string {
	if s := Suggest(got, known); s != "" {
		return "did you mean " + s + "?"
	}
	sorted := append([]string(nil), known...)
	sort.Strings(sorted)
	return "expected one of " + strings.Join(sorted, ", ")
}

// editDistance is the Damerau-Levenshtein distance (optimal string alignment), so a
// swap of two neighbouring letters counts as one edit.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	d := make([][]int, len(ra)+1)
	for i := range d {
		d[i] = make([]int, len(rb)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(ra); i++ {
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(ra)][len(rb)]
}
