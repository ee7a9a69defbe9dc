package logs

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/vigilops/vigil/validate"
)

// The log formats a service may write.
const (
	// FormatJSON is one JSON object a line, with the field names of Format.Fields.
	FormatJSON = "json"
	// FormatAccess is the common or combined access log of Apache httpd and nginx:
	// host ident user [time] "request" status bytes, and for combined "referer"
	// "user-agent" after them.
	FormatAccess = "access"
	// FormatText is plain lines: errors are found by their words (ErrorLevels), HTTP
	// statuses by the text before them (StatusKey).
	FormatText = "text"
)

// Formats lists the log formats, the default first.
var Formats = []string{FormatJSON, FormatAccess, FormatText}

// MaxErrorLevels bounds Format.ErrorLevels, so that the error filter's pattern stays
// well inside CloudWatch Logs' 1024 characters.
const MaxErrorLevels = 10

// Format is the log format of a service: the stack config's `logFormat`.
type Format struct {
	// Type is json (the default), access or text.
	Type string `json:"type"`
	// Fields names the fields of a JSON log; unset names take their defaults. Used
	// with json only.
	Fields JSONFields `json:"fields"`
	// ErrorLevels mark an application error: the values of the level field (json), or
	// words anywhere in the line (text), compared case-sensitively. Defaults to ERROR,
	// error, FATAL and fatal. 1 to 10 values of 1 to 40 letters, digits, _ and -.
	// Unused with access.
	ErrorLevels []string `json:"errorLevels"`
	// StatusKey is the text right before the HTTP status in a plain-text line: with
	// "status=" (the default), "GET /orders status=503 12ms" is a 5xx. 1 to 20
	// letters, digits and _ # = @ / ; , - : (no space). Used with text only.
	StatusKey string `json:"statusKey"`
}

// JSONFields names the fields of a JSON log. A name is a property, or a path of
// properties joined by dots for nested objects ("http.status"); each property is 1 to
// 64 letters, digits, _ and -.
type JSONFields struct {
	// Status is the HTTP status code, a number or a string. Defaults to "status".
	Status string `json:"status"`
	// Path is the request path. Defaults to "path".
	Path string `json:"path"`
	// Duration is how long the request took, a number. Defaults to "duration".
	Duration string `json:"duration"`
	// Level is the log level. Defaults to "level".
	Level string `json:"level"`
	// Message is the log message. Defaults to "message".
	Message string `json:"message"`
	// RequestID identifies the request. Defaults to "requestId".
	RequestID string `json:"requestId"`
}

var (
	defaultErrorLevels = []string{"ERROR", "error", "FATAL", "fatal"}
	fieldRe            = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}(\.[A-Za-z0-9_-]{1,64})*$`)
	levelRe            = regexp.MustCompile(`^[A-Za-z0-9_-]{1,40}$`)
	statusKeyRe        = regexp.MustCompile(`^[A-Za-z0-9_#=@/;,:-]{1,20}$`)
	insightsPlainRe    = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_.]*$`)
)

// withDefaults returns the format with every unset value at its default.
func (f Format) withDefaults() Format {
	if f.Type == "" {
		f.Type = FormatJSON
	}
	def := func(v *string, d string) {
		if *v == "" {
			*v = d
		}
	}
	def(&f.Fields.Status, "status")
	def(&f.Fields.Path, "path")
	def(&f.Fields.Duration, "duration")
	def(&f.Fields.Level, "level")
	def(&f.Fields.Message, "message")
	def(&f.Fields.RequestID, "requestId")
	if len(f.ErrorLevels) == 0 {
		f.ErrorLevels = append([]string(nil), defaultErrorLevels...)
	}
	def(&f.StatusKey, "status=")
	return f
}

// check records every problem of a format with its defaults applied, under path
// (services[0].logFormat).
func (f Format) check(ps *validate.Problems, path string) {
	validate.OneOf(ps, path+".type", f.Type, Formats)
	for _, fld := range []struct{ key, v string }{
		{"status", f.Fields.Status}, {"path", f.Fields.Path}, {"duration", f.Fields.Duration},
		{"level", f.Fields.Level}, {"message", f.Fields.Message}, {"requestId", f.Fields.RequestID},
	} {
		if !fieldRe.MatchString(fld.v) {
			ps.Addf(path+".fields."+fld.key, "a property, or properties joined by dots for nested objects (http.status); each 1-64 letters, digits, _ or -",
				"must be a JSON field name, got %q", fld.v)
		}
	}
	if n := len(f.ErrorLevels); n > MaxErrorLevels {
		ps.Addf(path+".errorLevels", "list the levels your services write, such as ERROR and FATAL", "must have at most %d values, got %d", MaxErrorLevels, n)
	}
	for i, l := range f.ErrorLevels {
		if !levelRe.MatchString(l) {
			ps.Addf(fmt.Sprintf("%s.errorLevels[%d]", path, i), "for example ERROR or fatal", "must be 1-40 letters, digits, _ or -, got %q", l)
		}
	}
	validate.Unique(ps, path+".errorLevels[%d]", f.ErrorLevels, "each level once is enough")
	if !statusKeyRe.MatchString(f.StatusKey) {
		ps.Addf(path+".statusKey", `the text right before the status, such as "status=" or "code:"`,
			"must be 1-20 letters, digits or _ # = @ / ; , - :, got %q", f.StatusKey)
	}
}

// selector is the JSON selector of a field name: $.http.status.
func selector(field string) string { return "$." + field }

// insightsField is a field name as Logs Insights reads it: nested JSON properties are
// flattened with dots, and a name with other characters than letters, digits, _ and
// dots goes in backticks.
func insightsField(field string) string {
	if insightsPlainRe.MatchString(field) {
		return field
	}
	return "`" + field + "`"
}

// quote writes s as a double-quoted string of a filter pattern or a query.
func quote(s string) string { return strconv.Quote(s) }

// jsonEquals is a JSON condition that holds when the field equals one of values.
func jsonAnyOf(field string, values []string) string {
	parts := make([]string, len(values))
	for i, v := range values {
		parts[i] = fmt.Sprintf("%s = %s", selector(field), quote(v))
	}
	return strings.Join(parts, " || ")
}

// insightsList writes values as a Logs Insights list: ["ERROR", "error"].
func insightsList(values []string) string {
	parts := make([]string, len(values))
	for i, v := range values {
		parts[i] = quote(v)
	}
	return "[" + strings.Join(parts, ", ") + "]"
}
