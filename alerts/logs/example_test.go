package logs_test

import (
	"fmt"

	"github.com/vigilops/vigil/alerts/logs"
)

// The filters of one service that logs JSON with its own field names, tried on two
// lines as `vigil logs test` would.
func ExampleBuild() {
	set, err := logs.Build(logs.Config{
		Options: logs.Options{NamePrefix: "vigil-prod"},
		Services: []logs.Service{{
			Name: "api", LogGroup: "/ecs/prod/api",
			Format: logs.Format{Fields: logs.JSONFields{Status: "http.status"}},
		}},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	f, _ := set.Find("api-http-5xx")
	fmt.Println(f.Name, "on", f.LogGroup)
	fmt.Println(f.Pattern)
	mf, _ := f.Compile()
	for _, line := range []string{`{"http":{"status":503}}`, `{"http":{"status":200}}`} {
		r := mf.Match(line)
		fmt.Println(r.Matched, *r.Value)
	}
	fmt.Println(len(set.Filters), "filters,", len(set.Queries), "saved queries")
	// Output:
	// vigil-prod-api-http-5xx on /ecs/prod/api
	// { ($.http.status >= 500 && $.http.status <= 599) || $.http.status = "5*" }
	// true 1
	// false 0
	// 4 filters, 4 saved queries
}
