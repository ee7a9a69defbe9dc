package logfilter

import (
	"fmt"
	"strings"
	"testing"

	"github.com/vigilops/vigil/validate"
)

func goodFilter(name string) MetricFilterSpec {
	return MetricFilterSpec{
		Name:    name,
		Pattern: `[ip, id, user, timestamp, request, status_code=5*, size]`,
		Metrics: []MetricSpec{{Name: "Http5xx", Namespace: "Vigil/api", Unit: "Count", Transformation: Transformation{MetricValue: "1", DefaultValue: ptr(0)}}},
	}
}

func problemsOf(ps *validate.Problems) []string {
	var out []string
	for _, p := range ps.List() {
		out = append(out, p.Path+": "+p.Message)
	}
	return out
}

func TestCheckLogGroupAcceptsFiltersWithinTheLimits(t *testing.T) {
	filters := make([]MetricFilterSpec, MaxFiltersPerLogGroup)
	for i := range filters {
		filters[i] = goodFilter(fmt.Sprintf("f%d", i))
	}
	for i := 0; i < MaxRegexFiltersPerLogGroup; i++ {
		filters[i].Pattern = `%5\d\d%`
	}
	var ps validate.Problems
	CheckLogGroup(&ps, "logs", "/ecs/api", filters)
	if ps.Len() != 0 {
		t.Fatalf("100 filters, 5 with a regex, are within the limits, got %v", problemsOf(&ps))
	}
}

func TestCheckLogGroupRefusesWhatPutMetricFilterRefuses(t *testing.T) {
	tooMany := make([]MetricFilterSpec, MaxFiltersPerLogGroup+1)
	for i := range tooMany {
		tooMany[i] = goodFilter(fmt.Sprintf("f%d", i))
	}
	sixRegex := make([]MetricFilterSpec, 6)
	for i := range sixRegex {
		sixRegex[i] = goodFilter(fmt.Sprintf("r%d", i))
		sixRegex[i].Pattern = fmt.Sprintf(`{ $.code = %%^%d%% }`, i)
	}
	cases := []struct {
		name     string
		logGroup string
		filters  []MetricFilterSpec
		want     []string
	}{
		{"101 filters are one too many for a log group.", "/ecs/api", tooMany,
			[]string{"logs.filters: a log group may have at most 100 metric filters, got 101"}},
		{"Six filters with a regex are one too many for a log group.", "/ecs/api", sixRegex,
			[]string{"logs.filters: a log group may have at most 5 metric filters that use regular expressions, got 6 (r0, r1, r2, r3, r4, r5)"}},
		{"Two filters may not share a name.", "/ecs/api", []MetricFilterSpec{goodFilter("a"), goodFilter("a")},
			[]string{`logs.filters[1].name: duplicate name "a" (first used at index 0)`}},
		{"A log group name with a space is refused.", "/ecs/my api", nil,
			[]string{`logs.logGroupName: must be a CloudWatch Logs log group name, got "/ecs/my api"`}},
		{"An empty log group name is refused.", "", nil,
			[]string{`logs.logGroupName: must be a CloudWatch Logs log group name, got ""`}},
		{"A log group name of 513 characters is refused.", strings.Repeat("a", 513), nil,
			[]string{fmt.Sprintf("logs.logGroupName: must be a CloudWatch Logs log group name, got %q", strings.Repeat("a", 513))}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var ps validate.Problems
			CheckLogGroup(&ps, "logs", tc.logGroup, tc.filters)
			if got := problemsOf(&ps); strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Fatalf("\n got %q\nwant %q", got, tc.want)
			}
		})
	}
	var ps validate.Problems
	CheckLogGroupName(&ps, "g", strings.Repeat("a", 512))
	CheckLogGroupName(&ps, "g", "/aws/lambda/x_y-z.1#2")
	if ps.Len() != 0 {
		t.Fatalf("512 characters and every allowed symbol are fine, got %v", problemsOf(&ps))
	}
}

func TestCheckMetricFilterReportsEveryProblemAtOnce(t *testing.T) {
	f := MetricFilterSpec{
		Name:    "bad:name",
		Pattern: `{ $.latency > fast }`,
		Metrics: []MetricSpec{
			{Name: "Lat*", Namespace: "AWS/Lambda", Unit: "Secs"},
			{Name: "", Namespace: strings.Repeat("n", 256)},
		},
	}
	var ps validate.Problems
	p := CheckMetricFilter(&ps, "f", f)
	if p != nil {
		t.Fatal("a pattern that does not parse gives no Pattern")
	}
	want := []string{
		`f.name: must be a metric filter name, got "bad:name"`,
		`f.pattern: is not a valid filter pattern: column 15: expected a number after >, got "fast"`,
		"f.metrics: a metric filter takes exactly one metric transformation, got 2",
		`f.metrics[0].name: must be a CloudWatch metric name, got "Lat*"`,
		`f.metrics[0].namespace: the AWS/ prefix is reserved for AWS's metrics, got "AWS/Lambda"`,
		`f.metrics[0].unit: must be one of ` + strings.Join(Units, ", ") + `, got "Secs"`,
		`f.metrics[1].name: must be a CloudWatch metric name, got ""`,
		fmt.Sprintf("f.metrics[1].namespace: must be a CloudWatch metric name, got %q", strings.Repeat("n", 256)),
	}
	if got := problemsOf(&ps); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("\n got %q\nwant %q", got, want)
	}
	if hint := ps.List()[1].Hint; hint != `at "fast }"` {
		t.Fatalf("the pattern's problem points at the column in its hint, got %q", hint)
	}
}

func TestCheckMetricFilterBoundaries(t *testing.T) {
	cases := []struct {
		name   string
		change func(*MetricFilterSpec)
		want   string
	}{
		{"A pattern of 1024 characters is accepted.", func(f *MetricFilterSpec) { f.Pattern = strings.Repeat("a", 1024) }, ""},
		{"A pattern of 1025 characters is refused.", func(f *MetricFilterSpec) { f.Pattern = strings.Repeat("a", 1025) }, "f.pattern: must be at most 1024 characters, got 1025"},
		{"Pattern length counts characters, not bytes.", func(f *MetricFilterSpec) { f.Pattern = `"` + strings.Repeat("é", 1022) + `"` }, ""},
		{"A filter name of 512 characters is accepted.", func(f *MetricFilterSpec) { f.Name = strings.Repeat("n", 512) }, ""},
		{"A filter name of 513 characters is refused.", func(f *MetricFilterSpec) { f.Name = strings.Repeat("n", 513) }, fmt.Sprintf("f.name: must be a metric filter name, got %q", strings.Repeat("n", 513))},
		{"An empty filter name is refused.", func(f *MetricFilterSpec) { f.Name = "" }, `f.name: must be a metric filter name, got ""`},
		{"A metric name of 255 characters is accepted.", func(f *MetricFilterSpec) { f.Metrics[0].Name = strings.Repeat("m", 255) }, ""},
		{"A metric name of 256 characters is refused.", func(f *MetricFilterSpec) { f.Metrics[0].Name = strings.Repeat("m", 256) }, fmt.Sprintf("f.metrics[0].name: must be a CloudWatch metric name, got %q", strings.Repeat("m", 256))},
		{"A namespace of 255 characters is accepted.", func(f *MetricFilterSpec) { f.Metrics[0].Namespace = strings.Repeat("s", 255) }, ""},
		{"A namespace with : is refused.", func(f *MetricFilterSpec) { f.Metrics[0].Namespace = "vigil:api" }, `f.metrics[0].namespace: must be a CloudWatch metric name, got "vigil:api"`},
		{"A namespace that only contains AWS/ later is fine.", func(f *MetricFilterSpec) { f.Metrics[0].Namespace = "Vigil/AWS/api" }, ""},
		{"A metric name with $ is refused.", func(f *MetricFilterSpec) { f.Metrics[0].Name = "cost$" }, `f.metrics[0].name: must be a CloudWatch metric name, got "cost$"`},
		{"Zero metric transformations are refused.", func(f *MetricFilterSpec) { f.Metrics = nil }, "f.metrics: a metric filter takes exactly one metric transformation, got 0"},
		{"An empty unit is left unset.", func(f *MetricFilterSpec) { f.Metrics[0].Unit = "" }, ""},
		{"A metric value the pattern cannot give is refused.", func(f *MetricFilterSpec) { f.Metrics[0].MetricValue = "$latency" }, "f.metrics[0].metricValue: $latency is not a field of the pattern [ip, id, user, timestamp, request, status_code=5*, size]"},
		{"The empty pattern is accepted.", func(f *MetricFilterSpec) { f.Pattern = "" }, ""},
		{"Each problem of a transformation has its own path.", func(f *MetricFilterSpec) { f.Metrics[0].Dimensions = map[string]string{"Client": "$nope"} },
			"f.metrics[0].dimensions: dimensions and a default value are mutually exclusive: drop one\n" +
				"f.metrics[0].dimensions.Client: $nope is not a field of the pattern [ip, id, user, timestamp, request, status_code=5*, size]"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := goodFilter("f")
			tc.change(&f)
			var ps validate.Problems
			CheckMetricFilter(&ps, "f", f)
			if got := strings.Join(problemsOf(&ps), "\n"); got != tc.want {
				t.Fatalf("\n got %q\nwant %q", got, tc.want)
			}
		})
	}
}
