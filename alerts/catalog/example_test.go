package catalog_test

import (
	"fmt"
	"time"

	"github.com/vigilops/vigil/alerts/catalog"
)

// A team's main API, scraped under job="api", is down after 2 minutes rather than 5;
// everything else keeps its defaults. The Watchdog is left to another file.
func ExampleBuild() {
	file, err := catalog.Build(catalog.Catalog{
		Options:      catalog.Options{RunbookBaseURL: "https://runbooks.example.com/alerts", Labels: map[string]string{"environment": "prod"}},
		Services:     []catalog.Service{{Name: "api", Selector: `job="api"`, DownFor: 2 * time.Minute}},
		OmitWatchdog: true,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, g := range file.Groups {
		for _, r := range g.Rules {
			fmt.Printf("%s/%s (%s, for %s): %s\n", g.Name, r.Alert, r.Labels["severity"], r.For, r.Expr)
		}
	}
	// Output:
	// service:api/ServiceDown (critical, for 2m): (sum(up{job="api"}) or vector(0)) == 0
	// service:api/HighErrorRate (high, for 3m): 100 * sum(rate(http_requests_total{job="api",code=~"5.."}[5m])) / sum(rate(http_requests_total{job="api"}[5m])) > 5 and sum(increase(http_requests_total{job="api"}[5m])) >= 20
	// service:api/HighLatencyP99 (high, for 5m): histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket{job="api"}[5m]))) > 2
	// service:api/HighLatencyP95 (medium, for 5m): histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket{job="api"}[5m]))) > 1
}
