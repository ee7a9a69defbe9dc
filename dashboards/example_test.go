package dashboards_test

import (
	"fmt"

	"github.com/vigilops/vigil/alerts/cloudwatch"
	"github.com/vigilops/vigil/dashboards"
)

// A queue's alarms, and the CloudWatch dashboards that show them: the overview and
// the queue's own, every alarm on one of them.
func ExampleBuildCloudWatch() {
	e := cloudwatch.Estate{
		Options: cloudwatch.Options{NamePrefix: "shop-prod", RunbookBaseURL: "https://runbooks.example.com/alarms"},
		Queues:  []cloudwatch.Queue{{Name: "orders", DeadLetterQueue: "orders-dlq"}},
	}
	set, err := cloudwatch.Build(e)
	if err != nil {
		fmt.Println(err)
		return
	}
	ds, err := dashboards.BuildCloudWatch(dashboards.CloudWatch{NamePrefix: "shop-prod", Region: "eu-west-1", Estate: e, Alarms: set})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, d := range ds {
		fmt.Printf("%s: %d widgets, %d metrics\n", d.Name, len(d.Body.Widgets), d.Body.MetricCount())
	}
	fmt.Println("not on any dashboard:", dashboards.Uncovered(set, ds...))
	// Output:
	// shop-prod-overview: 3 widgets, 0 metrics
	// shop-prod-orders: 6 widgets, 3 metrics
	// not on any dashboard: []
}
