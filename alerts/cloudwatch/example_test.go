package cloudwatch_test

import (
	"fmt"
	"time"

	"github.com/vigilops/vigil/alerts/cloudwatch"
)

// A team's queue, with its dead-letter queue, and how soon each alarm notifies.
func ExampleBuild() {
	set, err := cloudwatch.Build(cloudwatch.Estate{
		Options: cloudwatch.Options{NamePrefix: "shop-prod", RunbookBaseURL: "https://runbooks.example.com/alarms"},
		Queues: []cloudwatch.Queue{{
			Name: "orders", DeadLetterQueue: "orders-dlq",
			Overrides: cloudwatch.Overrides{"sqs-backlog": {Threshold: cloudwatch.Float(5000)}},
		}},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, a := range set.Alarms {
		fmt.Printf("%s (%s, within %s): %s\n", a.Name, a.Severity, cloudwatch.Duration(cloudwatch.DetectionTime(a)), cloudwatch.Condition(a))
	}
	// Output:
	// shop-prod-orders-sqs-oldest-message (high, within 5m): Maximum ApproximateAgeOfOldestMessage is above 900 seconds in 5 of 5 periods of 1m (no data counts as fine)
	// shop-prod-orders-sqs-backlog (high, within 5m): Maximum ApproximateNumberOfMessagesVisible is above 5000 messages in 5 of 5 periods of 1m (no data counts as fine)
	// shop-prod-orders-sqs-dlq-not-empty (high, within 1m): Maximum ApproximateNumberOfMessagesVisible is above 0 messages in 1 of 1 periods of 1m (no data counts as fine)
}

// Replaying a series: a 2 of 3 alarm fires on the second breach and recovers when
// fewer than 2 of the last 3 datapoints breach.
func ExampleEvaluate() {
	a := cloudwatch.Alarm{Threshold: 80, Comparison: cloudwatch.GreaterThan, Period: 60, EvaluationPeriods: 3, DatapointsToAlarm: 2}
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, tr := range cloudwatch.Evaluate(a, cloudwatch.Values(start, 50, 90, 60, 95, 70, 60)) {
		fmt.Println(tr.At.Format("15:04"), tr.From, "->", tr.To)
	}
	// Output:
	// 00:01 INSUFFICIENT_DATA -> OK
	// 00:04 OK -> ALARM
	// 00:05 ALARM -> OK
}
