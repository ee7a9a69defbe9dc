package catalog

import (
	"errors"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/promql/parser"

	"github.com/vigilops/vigil/validate"
)

// maxNameLen keeps names short enough for labels, group names and, elsewhere in vigil,
// AWS resource names.
const maxNameLen = 63

func checkName(ps *validate.Problems, path, v string) {
	validate.Name(ps, path, v, maxNameLen)
}

// checkOptionalName checks a name that may be left empty for its default.
func checkOptionalName(ps *validate.Problems, path, v string) {
	if v != "" {
		validate.Name(ps, path, v, maxNameLen)
	}
}

// checkMetric refuses what the generated PromQL could not hold as a bare metric name.
// The legacy character set is the one every Prometheus parses, promtool 2.42 included.
func checkMetric(ps *validate.Problems, path, name string) {
	if name != "" && !model.LegacyValidation.IsValidMetricName(name) {
		ps.Addf(path, "metric names are letters, digits, underscores and colons, not starting with a digit, e.g. http_requests_total",
			"is not a valid Prometheus metric name: %q", name)
	}
}

func isLabelName(name string) bool { return model.LegacyValidation.IsValidLabelName(name) }

const selectorHint = `write label matchers without braces, e.g. job="api",env="prod"`

// selector holds rendered label matchers, in the order written.
type selector []string

// checkSelector reports a selector that Prometheus would not parse, or that vigil could
// not render for every Prometheus (quoted UTF-8 label names need Prometheus 3).
func checkSelector(ps *validate.Problems, path, text string) {
	if text == "" {
		return
	}
	if _, err := parseSelector(text); err != nil {
		ps.Addf(path, selectorHint, "%v", err)
	}
}

func parseSelector(text string) (selector, error) {
	ms, err := parser.ParseMetricSelector("{" + text + "}")
	if err != nil {
		return nil, fmt.Errorf("does not parse as label matchers %s", parseErrorText(err, text))
	}
	out := make(selector, len(ms))
	for i, m := range ms {
		if m.Name == model.MetricNameLabel {
			return nil, fmt.Errorf("must not match %s: the metric names are set apart, in Metrics", model.MetricNameLabel)
		}
		if !isLabelName(m.Name) {
			return nil, fmt.Errorf("label name %q is not letters, digits and underscores", m.Name)
		}
		out[i] = m.String()
	}
	return out, nil
}

// parseErrorText places the parser's first complaint in the user's text rather than in
// the braces added around it.
func parseErrorText(err error, text string) string {
	var pe parser.ParseErrors
	if !errors.As(err, &pe) || len(pe) == 0 {
		return "(" + err.Error() + ")"
	}
	at := fmt.Sprintf("at character %d", max(int(pe[0].PositionRange.Start), 1))
	if int(pe[0].PositionRange.Start) > len(text) {
		at = "at its end"
	}
	return fmt.Sprintf("(%s): %v", at, pe[0].Err)
}

// mustSelector parses a selector that check has already accepted.
func mustSelector(text string) selector {
	s, err := parseSelector(text)
	if err != nil {
		panic(fmt.Sprintf("catalog: selector %q passed validation but does not parse: %v", text, err))
	}
	return s
}

// metric renders name{matchers,extra}.
func (s selector) metric(name string, extra ...string) string {
	return name + "{" + strings.Join(append(slices.Clone(s), extra...), ",") + "}"
}

// eq, re and nre render one matcher with the same quoting as a parsed one.
func eq(name, value string) string {
	return labels.MustNewMatcher(labels.MatchEqual, name, value).String()
}
func re(name, value string) string {
	return labels.MustNewMatcher(labels.MatchRegexp, name, value).String()
}
func nre(name, value string) string {
	return labels.MustNewMatcher(labels.MatchNotRegexp, name, value).String()
}

func checkDuration(ps *validate.Problems, path string, d, lo, hi time.Duration, hint string) {
	if d != 0 && (d < lo || d > hi) {
		ps.Addf(path, hint, "must be between %s and %s, got %s", durText(lo), durText(hi), durText(d))
	}
}

func checkPercent(ps *validate.Problems, path string, v, lo float64, hint string) {
	if v != 0 {
		validate.FloatRange(ps, path, v, lo, 100, hint)
	}
}

func checkInt(ps *validate.Problems, path string, v, lo, hi int, hint string) {
	if v != 0 {
		validate.IntRange(ps, path, v, lo, hi, hint)
	}
}

func checkBytes(ps *validate.Problems, path string, v, lo, hi int64, hint string) {
	if v != 0 && (v < lo || v > hi) {
		ps.Addf(path, hint, "must be between %s and %s, got %s", bytesText(lo), bytesText(hi), bytesText(v))
	}
}

// checkUnit checks the unit of a histogram's le boundaries.
func checkUnit(ps *validate.Problems, path string, unit time.Duration) {
	if unit < 0 {
		ps.Addf(path, "for example time.Millisecond for a histogram in milliseconds", "must be positive, got %s", durText(unit))
	}
}

// dur renders a PromQL duration ("5m").
func dur(d time.Duration) string { return model.Duration(d).String() }

// durText renders a duration for a human, in PromQL's short form when it has no
// fraction of a millisecond ("2m", "1d") and in Go's otherwise ("1.5µs").
func durText(d time.Duration) string {
	switch {
	case d < 0:
		return "-" + durText(-d)
	case d == 0 || d%time.Millisecond != 0:
		return d.String()
	}
	return model.Duration(d).String()
}

// num renders a float without exponent or trailing zeros, as PromQL reads it.
func num(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

// seconds renders a duration as a number of seconds.
func seconds(d time.Duration) string { return num(d.Seconds()) }

// inSeconds converts an expression in unit to seconds, so that thresholds and
// humanizeDuration work in seconds whatever unit the histogram counts in.
func inSeconds(expr string, unit time.Duration) string {
	switch {
	case unit == time.Second:
		return expr
	case unit < time.Second && time.Second%unit == 0:
		return expr + " / " + strconv.FormatInt(int64(time.Second/unit), 10)
	}
	return expr + " * " + num(unit.Seconds())
}

const (
	kib = int64(1) << 10
	mib = kib << 10
	gib = mib << 10
	tib = gib << 10
	pib = tib << 10
)

// bytesText renders a byte count in the largest binary unit that divides it exactly.
func bytesText(n int64) string {
	if n > 0 {
		for _, u := range []struct {
			size int64
			name string
		}{{pib, "PiB"}, {tib, "TiB"}, {gib, "GiB"}, {mib, "MiB"}, {kib, "KiB"}} {
			if n%u.size == 0 {
				return strconv.FormatInt(n/u.size, 10) + u.name
			}
		}
	}
	return strconv.FormatInt(n, 10) + " bytes"
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func contains(list []string, s string) bool { return slices.Contains(list, s) }

// or returns v, or def when v is the zero value: how every default is applied.
func or[T comparable](v, def T) T {
	var zero T
	if v == zero {
		return def
	}
	return v
}
