package logfilter

import (
	"errors"
	"regexp"
	"regexp/syntax"
	"strings"
)

// The characters a %regex% may hold, as CloudWatch Logs documents them: letters and
// digits, a few symbols, and the operators below. Parentheses are not among them (no
// subpatterns), nor is any multi-byte character. The space and ':' are accepted too:
// one version of the page lists ':', and AWS's own CDK documents
// regexValue('$.message', '=', 'bind: address already in use'), which needs both.
const (
	regexSymbols   = "_#=@/;,-: "
	regexOperators = `^$?[]{}|\*+.`
	// regexClasses are the letters allowed after a backslash.
	regexClasses = "dDsSwW"
)

// compileRegex checks body (found at byte offset off of src) against the restricted
// syntax and compiles it. Besides \d \D \s \S \w \W and an escaped operator or
// symbol, \xHH names a character by its hexadecimal code. ? means zero or one, as in every regex dialect: one version
// of the AWS page says "zero or more", but its own example %colou?r% only makes sense
// as zero or one.
func compileRegex(src string, off int, body string) (*regexp.Regexp, error) {
	if body == "" {
		return nil, errorAt(src, off-1, "empty regular expression: expected something between the two %%")
	}
	for i := 0; i < len(body); i++ {
		c := body[i]
		switch {
		case c >= 0x80:
			return nil, errorAt(src, off+i, "multi-byte characters are not supported in a regular expression, got %s", describe(body, i))
		case isAlnum(c), strings.IndexByte(regexSymbols, c) >= 0:
		case c == '(' || c == ')':
			return nil, errorAt(src, off+i, "parentheses are not supported in a regular expression (CloudWatch Logs has no subpatterns); use [...] or | instead")
		case c == '\\':
			if i+1 >= len(body) {
				return nil, errorAt(src, off+i, `a regular expression cannot end with \: expected \d, \D, \s, \S, \w, \W, \xHH or an escaped operator`)
			}
			n := body[i+1]
			if n == 'x' {
				// \xHH: the guide's way to match a character that may not be
				// written, such as \x28 for "(".
				if !isHex(body, i+2) || !isHex(body, i+3) {
					return nil, errorAt(src, off+i, `\x must be followed by two hexadecimal digits, as in \x28 for "("`)
				}
				i += 3
				continue
			}
			if strings.IndexByte(regexClasses, n) < 0 && strings.IndexByte(regexOperators, n) < 0 && (n == ' ' || strings.IndexByte(regexSymbols, n) < 0) {
				return nil, errorAt(src, off+i, `\%s is not supported in a regular expression: expected \d, \D, \s, \S, \w, \W, \xHH or an escaped operator such as \. or \[`, describeRaw(body, i+1))
			}
			i++
		case strings.IndexByte(regexOperators, c) >= 0:
		default:
			return nil, errorAt(src, off+i, "%s is not allowed in a regular expression: use letters, digits, space, _ # = @ / ; , - : and the operators ^ $ ? [ ] { } | \\ * + .", describe(body, i))
		}
	}
	re, err := regexp.Compile(body)
	if err != nil {
		msg := err.Error()
		var se *syntax.Error
		if errors.As(err, &se) {
			msg = se.Code.String()
			if se.Expr != "" {
				msg += " " + se.Expr
			}
		}
		return nil, errorAt(src, off, "invalid regular expression: %s", msg)
	}
	return re, nil
}

func isHex(s string, i int) bool {
	if i >= len(s) {
		return false
	}
	c := s[i]
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

// describeRaw is describe without the quotes, for text after a backslash.
func describeRaw(s string, i int) string {
	d := describe(s, i)
	if strings.HasPrefix(d, "'") && strings.HasSuffix(d, "'") {
		return d[1 : len(d)-1]
	}
	return d
}
