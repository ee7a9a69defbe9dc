package vigiltest_test

import (
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/vigilops/vigil/alerts"
	"github.com/vigilops/vigil/components/notify"
	"github.com/vigilops/vigil/vigiltest"
)

// A team's program creates vigil's severity topics; the test runs it under the mock
// cloud and reads what it registered. The PagerDuty URL comes from secret config and
// is only ever shown masked.
func Example() {
	program := func(ctx *pulumi.Context) error {
		_, err := notify.NewTopics(ctx, "alerts", &notify.TopicsArgs{
			NamePrefix: "payments-prod",
			AccountID:  vigiltest.DefaultAccount,
			Region:     vigiltest.DefaultRegion,
			Subscribers: map[alerts.Severity]notify.Subscribers{
				alerts.Critical: {PagerDuty: []pulumi.StringInput{pulumi.String("https://events.pagerduty.com/integration/0123/enqueue")}},
			},
		})
		return err
	}
	cloud, err := vigiltest.Run(program, vigiltest.WithStack("prod"))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("topics:", len(cloud.ByType("aws:sns/topic:Topic")))
	topic, _ := cloud.Named("aws:sns/topic:Topic", "alerts-critical")
	name, _ := topic.String("name")
	fmt.Println("critical topic:", name)
	sub, _ := cloud.Named("aws:sns/topicSubscription:TopicSubscription", "alerts-critical-pagerduty-0")
	endpoint, _ := sub.Input("endpoint")
	fmt.Println("pagerduty endpoint:", endpoint, sub.IsSecret("endpoint"))
	// Output:
	// topics: 4
	// critical topic: payments-prod-critical
	// pagerduty endpoint: [secret] true
}
