package logfilter

import (
	"fmt"
	"unicode/utf8"
)

// SyntaxError says where a filter pattern stops being one CloudWatch Logs accepts,
// and what was expected there.
type SyntaxError struct {
	// Column is the 1-based position, in characters (not bytes), at which the
	// problem starts.
	Column int
	// Msg says what is wrong and, where there is one, what was expected instead.
	Msg string
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("column %d: %s", e.Column, e.Msg)
}

// errorAt builds a SyntaxError at byte offset off of src.
func errorAt(src string, off int, format string, args ...any) *SyntaxError {
	if off > len(src) {
		off = len(src)
	}
	if off < 0 {
		off = 0
	}
	return &SyntaxError{Column: utf8.RuneCountInString(src[:off]) + 1, Msg: fmt.Sprintf(format, args...)}
}

// describe names what sits at byte offset off of src, for "got ..." in messages.
func describe(src string, off int) string {
	if off >= len(src) {
		return "the end of the pattern"
	}
	r, _ := utf8.DecodeRuneInString(src[off:])
	return fmt.Sprintf("%q", r)
}
