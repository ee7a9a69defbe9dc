package logfilter

import (
	"reflect"
	"strings"
	"testing"
)

func ptr(f float64) *float64 { return &f }

// metricCase is one event through one metric filter.
type metricCase struct {
	name      string
	pattern   string
	t         Transformation
	event     string
	matched   bool
	value     *float64 // nil: nothing published
	dimension map[string]string
}

func runMetricCases(t *testing.T, cases []metricCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p, err := Parse(tc.pattern)
			if err != nil {
				t.Fatal(err)
			}
			f, err := NewMetricFilter(p, tc.t)
			if err != nil {
				t.Fatal(err)
			}
			got := f.Match(tc.event)
			if got.Matched != tc.matched {
				t.Fatalf("matched = %v, want %v", got.Matched, tc.matched)
			}
			switch {
			case tc.value == nil && got.Value != nil:
				t.Fatalf("published %v, want nothing", *got.Value)
			case tc.value != nil && got.Value == nil:
				t.Fatalf("published nothing, want %v", *tc.value)
			case tc.value != nil && *got.Value != *tc.value:
				t.Fatalf("published %v, want %v", *got.Value, *tc.value)
			}
			if !reflect.DeepEqual(got.Dimensions, tc.dimension) {
				t.Fatalf("dimensions = %v, want %v", got.Dimensions, tc.dimension)
			}
		})
	}
}

const apacheSmall = `127.0.0.1 - - [24/Sep/2013:11:50:51 -0700] "GET /~test/ HTTP/1.1" 200 3`
const apacheFavicon = `127.0.0.1 - - [24/Sep/2013:11:50:51 -0700] "GET /favicon.ico HTTP/1.1" 404 308`

func TestMetricFiltersPublishWhatTheGuideSays(t *testing.T) {
	runMetricCases(t, []metricCase{
		// Guide, "Publishing numerical values found in log entries": { $.latency = * }
		// with metric value $.latency publishes 50 for {"latency": 50, "requestType": "GET"}.
		{"$.latency publishes the latency of a matching event.", `{ $.latency = * }`, Transformation{MetricValue: "$.latency", DefaultValue: ptr(0)},
			`{"latency": 50, "requestType": "GET"}`, true, ptr(50), nil},
		{"The default value is published for an event that does not match.", `{ $.latency = * }`, Transformation{MetricValue: "$.latency", DefaultValue: ptr(0)},
			`{"requestType": "GET"}`, false, ptr(0), nil},
		{"Without a default value nothing is published for an event that does not match.", `{ $.latency = * }`, Transformation{MetricValue: "$.latency"},
			`{"requestType": "GET"}`, false, nil, nil},
		{"A latency written as a JSON string that reads as a number is published.", `{ $.latency = * }`, Transformation{MetricValue: "$.latency"},
			`{"latency": "12.5"}`, true, ptr(12.5), nil},
		{"A latency that is not a number publishes nothing, though the event matches.", `{ $.latency = * }`, Transformation{MetricValue: "$.latency"},
			`{"latency": "slow"}`, true, nil, nil},
		// Guide, "Extract fields from an Apache log": metric value $size, default 0.
		{"$size publishes the size field.", `[ip, id, user, timestamp, request, status_code, size]`, Transformation{MetricValue: "$size", DefaultValue: ptr(0)},
			apacheFavicon, true, ptr(308), nil},
		{"$size publishes 3 for the small response.", `[ip, id, user, timestamp, request, status_code, size]`, Transformation{MetricValue: "$size", DefaultValue: ptr(0)},
			apacheSmall, true, ptr(3), nil},
		{"$7, the seventh field, is the same size (the guide names it both ways).", `[ip, id, user, timestamp, request, status_code, size]`, Transformation{MetricValue: "$7"},
			apacheFavicon, true, ptr(308), nil},
		{"$7 also reaches a field taken by ...", `[ip, ...]`, Transformation{MetricValue: "$7"},
			apacheFavicon, true, ptr(308), nil},
		{"$9 past the last field publishes nothing.", `[ip, ...]`, Transformation{MetricValue: "$9"},
			apacheFavicon, true, nil, nil},
		{"A line of another shape gets the default value.", `[ip, id, user, timestamp, request, status_code, size]`, Transformation{MetricValue: "$size", DefaultValue: ptr(0)},
			"not an access log", false, ptr(0), nil},
		// Guide, "Count HTTP 404 codes": metric value 1 for every 404.
		{"The 404 counter publishes 1 for a 404.", `[ip, id, user, timestamp, request, status_code=404, size]`, Transformation{MetricValue: "1"},
			apacheFavicon, true, ptr(1), nil},
		{"The 404 counter publishes nothing for a 200 without a default.", `[ip, id, user, timestamp, request, status_code=404, size]`, Transformation{MetricValue: "1"},
			apacheSmall, false, nil, nil},
		{"An empty metric value means 1.", `ERROR`, Transformation{}, "ERROR x", true, ptr(1), nil},
		{"A literal metric value is published as given.", `ERROR`, Transformation{MetricValue: "2.5"}, "ERROR x", true, ptr(2.5), nil},
		// Dimensions from fields.
		{"Dimensions take the fields of a space-delimited event.", `[ip, id, user, timestamp, request, status_code, size]`,
			Transformation{MetricValue: "$size", Dimensions: map[string]string{"Status": "$status_code", "Client": "$ip"}},
			apacheFavicon, true, ptr(308), map[string]string{"Status": "404", "Client": "127.0.0.1"}},
		{"Dimensions take properties of a JSON event.", `{ $.latency > 0 && $.service = * }`,
			Transformation{MetricValue: "$.latency", Dimensions: map[string]string{"Service": "$.service"}},
			`{"latency": 7, "service": "api"}`, true, ptr(7), map[string]string{"Service": "api"}},
		{"A number becomes its text as a dimension value.", `{ $.latency > 0 && $.code = * }`,
			Transformation{MetricValue: "$.latency", Dimensions: map[string]string{"Code": "$.code"}},
			`{"latency": 7, "code": 503}`, true, ptr(7), map[string]string{"Code": "503"}},
		{"A dimension that the event lacks publishes nothing.", `{ $.latency > 0 || $.service = * }`,
			Transformation{MetricValue: "$.latency", Dimensions: map[string]string{"Service": "$.service"}},
			`{"latency": 7}`, true, nil, nil},
		{"An event that does not match publishes nothing when there are dimensions.", `{ $.latency > 0 && $.service = * }`,
			Transformation{MetricValue: "$.latency", Dimensions: map[string]string{"Service": "$.service"}},
			`{"latency": 0, "service": "api"}`, false, nil, nil},
	})
}

func TestMetricTransformationsThatCannotWorkAreRejected(t *testing.T) {
	cases := []struct {
		name    string
		pattern string
		t       Transformation
		want    []string
	}{
		{"A JSON metric value must be tested by the pattern.", `{ $.status = 200 }`, Transformation{MetricValue: "$.latency"},
			[]string{"metricValue: $.latency is not a field the pattern tests: add a condition on it, such as $.latency = *"}},
		{"A JSON metric value cannot use a wildcard.", `{ $.a[*] = * }`, Transformation{MetricValue: "$.a[*]"},
			[]string{`metricValue: "$.a[*]" can reach several values: name one, without *`}},
		{"A delimited metric value must name a field of the pattern.", `[ip, bytes]`, Transformation{MetricValue: "$size"},
			[]string{"metricValue: $size is not a field of the pattern [ip, bytes]"}},
		{"A delimited position must exist when there is no ...", `[ip, bytes]`, Transformation{MetricValue: "$3"},
			[]string{"metricValue: $3 is not a field position of the pattern (1 to 2)"}},
		{"$0 is not a position.", `[ip, ...]`, Transformation{MetricValue: "$0"},
			[]string{"metricValue: $0 is not a field position: positions start at $1"}},
		{"A text pattern has no fields.", `ERROR`, Transformation{MetricValue: "$.latency"},
			[]string{"metricValue: a text pattern has no fields to take $.latency from: use a JSON or space-delimited pattern, or a number"}},
		{"A metric value is a number or a field.", `ERROR`, Transformation{MetricValue: "one"},
			[]string{`metricValue: must be a number or a field such as $.latency or $size, got "one"`}},
		{"A metric value is at most 100 characters.", `ERROR`, Transformation{MetricValue: strings.Repeat("1", 101)},
			[]string{"metricValue: must be at most 100 characters, got 101"}},
		{"A dimension must be a field, not a literal.", `[ip, bytes]`, Transformation{MetricValue: "$bytes", Dimensions: map[string]string{"Env": "prod"}},
			[]string{`dimensions.Env: must be a field of the pattern such as $.service or $server, got "prod"`}},
		{"Dimensions and a default value are mutually exclusive (PutMetricFilter's own words).", `[ip, bytes]`, Transformation{MetricValue: "$bytes", DefaultValue: ptr(0), Dimensions: map[string]string{"Client": "$ip"}},
			[]string{"dimensions: dimensions and a default value are mutually exclusive: drop one"}},
		{"A text pattern does not support dimensions.", `?ERROR ?WARN`, Transformation{MetricValue: "1", Dimensions: map[string]string{"Cluster": "$cluster"}},
			[]string{"dimensions: a text pattern does not support dimensions: use a JSON or space-delimited pattern"}},
		{"A dimension needs a name.", `[ip, bytes]`, Transformation{MetricValue: "$bytes", Dimensions: map[string]string{"": "$ip"}},
			[]string{`dimensions.: dimension names are 1 to 255 characters, got 0`}},
		{"A dimension name of 256 characters is too long.", `[ip, bytes]`, Transformation{MetricValue: "$bytes", Dimensions: map[string]string{strings.Repeat("d", 256): "$ip"}},
			[]string{`dimensions.` + strings.Repeat("d", 256) + `: dimension names are 1 to 255 characters, got 256`}},
		{"At most three dimensions, and each is checked.", `[a, b, c, d]`, Transformation{Dimensions: map[string]string{"A": "$a", "B": "$b", "C": "$c", "D": "$e"}},
			[]string{"dimensions: at most 3 are allowed, got 4", "dimensions.D: $e is not a field of the pattern [a, b, c, d]"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p, err := Parse(tc.pattern)
			if err != nil {
				t.Fatal(err)
			}
			_, err = NewMetricFilter(p, tc.t)
			if err == nil {
				t.Fatal("accepted a transformation CloudWatch Logs could not apply")
			}
			want := "metric transformation of pattern " + quote(tc.pattern) + ": " + strings.Join(tc.want, "; ")
			if err.Error() != want {
				t.Fatalf("\n got %s\nwant %s", err, want)
			}
		})
	}
	// Both sides of the limits: 3 dimensions and 100 characters are fine.
	p, _ := Parse(`[a, b, c, d]`)
	if _, err := NewMetricFilter(p, Transformation{MetricValue: "1" + strings.Repeat("0", 99), Dimensions: map[string]string{"A": "$a", "B": "$b", "C": "$c"}}); err != nil {
		t.Fatalf("3 dimensions and a 100-character value are within the limits: %v", err)
	}
	if _, err := NewMetricFilter(p, Transformation{MetricValue: "$a", Dimensions: map[string]string{strings.Repeat("d", 255): "$b"}}); err != nil {
		t.Fatalf("a dimension name of 255 characters is within the limit: %v", err)
	}
	if _, err := NewMetricFilter(p, Transformation{MetricValue: "$a", DefaultValue: ptr(0)}); err != nil {
		t.Fatalf("a default value without dimensions is fine: %v", err)
	}
}

func quote(s string) string { return `"` + strings.ReplaceAll(s, `"`, `\"`) + `"` }

// A Pattern and a MetricFilter are shared by the goroutines of a log tester; run
// with -race to check that matching writes nothing shared.
func TestMatchIsSafeForConcurrentUse(t *testing.T) {
	p, err := Parse(`[ip, id, user, timestamp, request, status_code = 4*, size]`)
	if err != nil {
		t.Fatal(err)
	}
	f, err := NewMetricFilter(p, Transformation{MetricValue: "$size"})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan float64)
	for i := 0; i < 8; i++ {
		go func() {
			var sum float64
			for j := 0; j < 200; j++ {
				if r := f.Match(apacheFavicon); r.Value != nil {
					sum += *r.Value
				}
			}
			done <- sum
		}()
	}
	for i := 0; i < 8; i++ {
		if got := <-done; got != 200*308 {
			t.Fatalf("a goroutine summed %v, want %v", got, 200*308)
		}
	}
}
