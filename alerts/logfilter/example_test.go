package logfilter_test

import (
	"fmt"

	"github.com/vigilops/vigil/alerts/logfilter"
)

// A metric filter that publishes the latency of the API's slow JSON requests, with
// the route as a dimension, tried on three log events as `vigil logs test` would.
func ExampleNewMetricFilter() {
	p, err := logfilter.Parse(`{ $.latency > 1000 && $.route = * }`)
	if err != nil {
		fmt.Println(err)
		return
	}
	// No default value: CloudWatch Logs refuses one together with dimensions.
	f, err := logfilter.NewMetricFilter(p, logfilter.Transformation{
		MetricValue: "$.latency",
		Dimensions:  map[string]string{"Route": "$.route"},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, event := range []string{
		`{"route": "/orders", "latency": 1800}`,
		`{"route": "/orders", "latency": 20}`,
		`not JSON at all`,
	} {
		r := f.Match(event)
		if r.Value == nil {
			fmt.Printf("matched=%v, nothing published\n", r.Matched)
			continue
		}
		fmt.Printf("matched=%v value=%v dimensions=%v\n", r.Matched, *r.Value, r.Dimensions)
	}
	_, err = logfilter.Parse(`{ $.latency > fast }`)
	fmt.Println(err)
	// Output:
	// matched=true value=1800 dimensions=map[Route:/orders]
	// matched=false, nothing published
	// matched=false, nothing published
	// column 15: expected a number after >, got "fast"
}
