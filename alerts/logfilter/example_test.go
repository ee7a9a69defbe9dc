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
	zero := 0.0
	f, err := logfilter.NewMetricFilter(p, logfilter.Transformation{
		MetricValue:  "$.latency",
		DefaultValue: &zero,
		Dimensions:   map[string]string{"Route": "$.route"},
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
		fmt.Printf("matched=%v value=%v dimensions=%v\n", r.Matched, *r.Value, r.Dimensions)
	}
	_, err = logfilter.Parse(`{ $.latency > fast }`)
	fmt.Println(err)
	// Output:
	// matched=true value=1800 dimensions=map[Route:/orders]
	// matched=false value=0 dimensions=map[]
	// matched=false value=0 dimensions=map[]
	// column 15: expected a number after >, got "fast"
}
