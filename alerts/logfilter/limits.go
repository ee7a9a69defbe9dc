package logfilter

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/vigilops/vigil/validate"
)

// The limits of PutMetricFilter and of a log group, as the CloudWatch Logs API
// reference and quotas page state them.
const (
	// MaxPatternLength is the longest filter pattern, in characters.
	MaxPatternLength = 1024
	// MaxFiltersPerLogGroup is how many metric filters one log group may have.
	MaxFiltersPerLogGroup = 100
	// MaxRegexFiltersPerLogGroup is how many of them may use a regular expression.
	MaxRegexFiltersPerLogGroup = 5
	// MaxFilterNameLength and MaxLogGroupNameLength bound those names (minimum 1).
	MaxFilterNameLength   = 512
	MaxLogGroupNameLength = 512
	// MaxMetricNameLength bounds metric names and namespaces (minimum 1).
	MaxMetricNameLength = 255
	// MaxMetricValueLength bounds the metric value expression.
	MaxMetricValueLength = 100
)

// Units are the units a metric transformation may carry.
var Units = []string{
	"Seconds", "Microseconds", "Milliseconds", "Bytes", "Kilobytes", "Megabytes", "Gigabytes", "Terabytes",
	"Bits", "Kilobits", "Megabits", "Gigabits", "Terabits", "Percent", "Count",
	"Bytes/Second", "Kilobytes/Second", "Megabytes/Second", "Gigabytes/Second", "Terabytes/Second",
	"Bits/Second", "Kilobits/Second", "Megabits/Second", "Gigabits/Second", "Terabits/Second",
	"Count/Second", "None",
}

// MetricFilterSpec is one metric filter as PutMetricFilter takes it.
type MetricFilterSpec struct {
	// Name is the filter name: 1-512 characters, no ':' or '*'.
	Name string
	// Pattern is the filter pattern: at most 1024 characters; "" matches everything.
	Pattern string
	// Metrics are the metric transformations: CloudWatch Logs takes exactly one.
	Metrics []MetricSpec
}

// MetricSpec is a metric transformation with the metric it publishes to.
type MetricSpec struct {
	// Name is the metric name: 1-255 characters, no ':', '*' or '$'.
	Name string
	// Namespace is the metric namespace: 1-255 characters, no ':', '*' or '$', and
	// not starting with AWS/ (reserved for AWS's own metrics).
	Namespace string
	// Unit is one of Units; "" leaves it unset (None).
	Unit string
	Transformation
}

// CheckLogGroup checks a log group name and its metric filters: every problem goes
// to ps, under path (for example "services[0].logs").
func CheckLogGroup(ps *validate.Problems, path, logGroupName string, filters []MetricFilterSpec) {
	CheckLogGroupName(ps, path+".logGroupName", logGroupName)
	if len(filters) > MaxFiltersPerLogGroup {
		ps.Addf(path+".filters", "split the filters over several log groups, or merge patterns with ? or ||",
			"a log group may have at most %d metric filters, got %d", MaxFiltersPerLogGroup, len(filters))
	}
	names := make([]string, len(filters))
	var withRegex []string
	for i, f := range filters {
		names[i] = f.Name
		fp := fmt.Sprintf("%s.filters[%d]", path, i)
		if p := CheckMetricFilter(ps, fp, f); p != nil && p.RegexCount() > 0 {
			withRegex = append(withRegex, f.Name)
		}
	}
	validate.Unique(ps, path+".filters[%d].name", names, "a log group holds one metric filter of each name")
	if len(withRegex) > MaxRegexFiltersPerLogGroup {
		ps.Addf(path+".filters", "replace some %regex% with terms, ?alternatives or wildcards",
			"a log group may have at most %d metric filters that use regular expressions, got %d (%s)",
			MaxRegexFiltersPerLogGroup, len(withRegex), strings.Join(withRegex, ", "))
	}
}

// CheckLogGroupName checks a CloudWatch Logs log group name: 1-512 letters, digits
// and . - _ / #.
// It is validate.LogGroupName, kept here so that a log filter's checks are in one place.
func CheckLogGroupName(ps *validate.Problems, path, name string) {
	validate.LogGroupName(ps, path, name)
}

// CheckMetricFilter checks one metric filter and returns its parsed pattern, or nil
// when the pattern does not parse.
func CheckMetricFilter(ps *validate.Problems, path string, f MetricFilterSpec) *Pattern {
	if n := utf8.RuneCountInString(f.Name); n < 1 || n > MaxFilterNameLength || strings.ContainsAny(f.Name, ":*") {
		ps.Addf(path+".name", "filter names are 1-512 characters without : or *",
			"must be a metric filter name, got %q", f.Name)
	}
	var p *Pattern
	if n := utf8.RuneCountInString(f.Pattern); n > MaxPatternLength {
		ps.Addf(path+".pattern", "shorten the pattern or split it over two filters",
			"must be at most %d characters, got %d", MaxPatternLength, n)
	} else if parsed, err := Parse(f.Pattern); err != nil {
		var se *SyntaxError
		hint := "see the filter pattern syntax of CloudWatch Logs"
		if errors.As(err, &se) {
			hint = "at " + pointAt(f.Pattern, se.Column)
		}
		ps.Addf(path+".pattern", hint, "is not a valid filter pattern: %s", err)
	} else {
		p = parsed
	}
	if len(f.Metrics) != 1 {
		ps.Addf(path+".metrics", "give each metric its own filter",
			"a metric filter takes exactly one metric transformation, got %d", len(f.Metrics))
	}
	for i, m := range f.Metrics {
		mp := fmt.Sprintf("%s.metrics[%d]", path, i)
		checkMetricName(ps, mp+".name", m.Name)
		checkMetricName(ps, mp+".namespace", m.Namespace)
		if strings.HasPrefix(m.Namespace, "AWS/") {
			ps.Addf(mp+".namespace", "use your own namespace, such as the service name", "the AWS/ prefix is reserved for AWS's metrics, got %q", m.Namespace)
		}
		if m.Unit != "" {
			validate.OneOf(ps, mp+".unit", m.Unit, Units)
		}
		if p != nil {
			var te *TransformationError
			if _, err := NewMetricFilter(p, m.Transformation); errors.As(err, &te) {
				for _, fp := range te.Problems {
					ps.Add(mp+"."+fp.Field, fp.Message, "")
				}
			}
		} else if n := utf8.RuneCountInString(m.MetricValue); n > MaxMetricValueLength {
			ps.Addf(mp+".metricValue", "", "must be at most %d characters, got %d", MaxMetricValueLength, n)
		}
	}
	return p
}

func checkMetricName(ps *validate.Problems, path, v string) {
	if n := utf8.RuneCountInString(v); n < 1 || n > MaxMetricNameLength || strings.ContainsAny(v, ":*$") {
		ps.Addf(path, "1-255 characters without : * or $", "must be a CloudWatch metric name, got %q", v)
	}
}

// pointAt quotes the pattern from the given column on, for a hint.
func pointAt(pattern string, column int) string {
	r := []rune(pattern)
	if column-1 >= len(r) {
		return "the end of the pattern"
	}
	rest := string(r[column-1:])
	if utf8.RuneCountInString(rest) > 20 {
		rest = string([]rune(rest)[:20]) + "..."
	}
	return fmt.Sprintf("%q", rest)
}
