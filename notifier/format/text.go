package format

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
	"unicode/utf8"
)

// marshal writes v as compact JSON without escaping <, > and & (the targets read
// UTF-8 JSON, and the escapes would triple the size of markup).
func marshal(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// escapeWithin escapes the longest prefix of s whose escaped form, with the count
// of what was left out, is at most max runes.
func escapeWithin(s string, max int, esc func(string) string) string {
	if e := esc(s); utf8.RuneCountInString(e) <= max {
		return e
	}
	runes := []rune(s)
	var b strings.Builder
	used := 0
	for i, r := range runes {
		e := esc(string(r))
		marker := "\n… (" + strconv.Itoa(len(runes)-i) + " more characters not shown)"
		if used+utf8.RuneCountInString(e)+utf8.RuneCountInString(marker) > max {
			return b.String() + marker
		}
		b.WriteString(e)
		used += utf8.RuneCountInString(e)
	}
	return b.String()
}

// truncateRaw cuts a forwarded body at max runes and says how much was left out.
func truncateRaw(s string, max int) string {
	r := []rune(s)
	if len(r) <= max {
		return s
	}
	return string(r[:max]) + "\n… (" + strconv.Itoa(len(r)-max) + " more characters not shown)"
}
