// Package mdpage reads the structure of a Markdown page as GitHub renders it: its
// headings, the anchors GitHub links them by, and its in-page links. Tests use it to
// hold docs/runbooks.md to the alerts and alarms that link into it.
package mdpage

import (
	"regexp"
	"strings"
	"unicode"
)

// Heading is one ATX heading of a page: its level (the number of #), its text, the
// anchor GitHub gives it and its line (1-based).
type Heading struct {
	Level  int
	Text   string
	Anchor string
	Line   int
}

var headingRe = regexp.MustCompile(`^(#{1,6})[ \t]+(.*?)[ \t#]*$`)

// Headings returns the page's ATX headings, skipping fenced code blocks (a "# comment"
// in a shell or YAML example is not a heading).
func Headings(page string) []Heading {
	var out []Heading
	fence := ""
	for i, line := range strings.Split(page, "\n") {
		trimmed := strings.TrimLeft(line, " ")
		if fence != "" {
			if strings.HasPrefix(trimmed, fence) {
				fence = ""
			}
			continue
		}
		if strings.HasPrefix(trimmed, "```") || strings.HasPrefix(trimmed, "~~~") {
			fence = trimmed[:3]
			continue
		}
		if m := headingRe.FindStringSubmatch(line); m != nil {
			out = append(out, Heading{Level: len(m[1]), Text: m[2], Anchor: Anchor(m[2]), Line: i + 1})
		}
	}
	return out
}

// Anchor is the fragment GitHub links a heading by: the text in lower case, with
// everything but letters, digits, marks, '_', '-' and spaces dropped, and each space
// turned into '-'. (GitHub then adds -1, -2, ... to repeated anchors; a link lands on
// the first, so a second section of the same anchor is a mistake.)
func Anchor(text string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(text) {
		switch {
		case r == ' ':
			b.WriteRune('-')
		case r == '-' || r == '_' || unicode.IsLetter(r) || unicode.IsNumber(r) || unicode.IsMark(r):
			b.WriteRune(r)
		}
	}
	return b.String()
}

// LinkRe finds in-page links, [text](#anchor): its first group is the anchor.
var LinkRe = regexp.MustCompile(`\]\(#([^)\s]+)\)`)
