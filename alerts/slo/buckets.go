package slo

import (
	"math"
	"regexp"
	"strconv"

	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/promql/parser"
)

// Histogram bucket boundaries are labels, and their spelling depends on who wrote
// them: Prometheus 2 stores what the target exposes (client_golang's text format
// writes le="1", OpenMetrics writes le="1.0"), and Prometheus 3 normalises every le
// to OpenMetrics' float format, le="1.0". A selector le="1" therefore matches
// nothing on Prometheus 3, and the SLO silently never alerts. Fractional boundaries
// (0.5, 2.5) and +Inf are spelt alike everywhere; only whole numbers differ.

// BucketSelector returns selector with its le="N" matcher, when N is a whole number,
// widened to match both spellings: le=~"N|N\\.0". Other selectors, and text that is
// not a plain selector, are returned unchanged.
func BucketSelector(selector string) string {
	expr, err := parser.ParseExpr(selector)
	if err != nil {
		return selector
	}
	vs, ok := expr.(*parser.VectorSelector)
	if !ok {
		return selector
	}
	changed := false
	for i, m := range vs.LabelMatchers {
		if whole, ok := wholeBucket(m); ok {
			vs.LabelMatchers[i] = labels.MustNewMatcher(labels.MatchRegexp, "le", bothSpellings(whole))
			changed = true
		}
	}
	if !changed {
		return selector
	}
	return vs.String()
}

// wholeBucket reports whether m is an le equality matcher on a whole-number
// boundary, and returns that number as Prometheus 2's text format writes it ("1").
func wholeBucket(m *labels.Matcher) (string, bool) {
	if m.Name != "le" || m.Type != labels.MatchEqual {
		return "", false
	}
	f, err := strconv.ParseFloat(m.Value, 64)
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) || f != math.Trunc(f) || math.Abs(f) >= 1e15 {
		return "", false
	}
	return strconv.FormatFloat(f, 'f', -1, 64), true
}

func bothSpellings(whole string) string {
	return whole + "|" + regexp.QuoteMeta(whole+".0")
}

// bucketMatcher is an le matcher that matches one spelling of a whole number only.
type bucketMatcher struct{ written, whole string }

// wholeBuckets lists the le matchers of expr that can match only one spelling of a
// whole-number boundary.
func wholeBuckets(expr parser.Expr) []bucketMatcher {
	var found []bucketMatcher
	parser.Inspect(expr, func(n parser.Node, _ []parser.Node) error {
		if vs, ok := n.(*parser.VectorSelector); ok {
			for _, m := range vs.LabelMatchers {
				if whole, ok := wholeBucket(m); ok {
					found = append(found, bucketMatcher{m.String(), whole})
				}
			}
		}
		return nil
	})
	return found
}
