package logfilters_test

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/vigilops/vigil/alerts"
	"github.com/vigilops/vigil/alerts/logs"
	"github.com/vigilops/vigil/components/logfilters"
)

// A program of another repository watches its API's JSON logs and the account's
// CloudTrail, creating the trail, and routes the alarms to its own topics.
func ExampleNewLogFilters() {
	pulumi.Run(func(ctx *pulumi.Context) error {
		set, err := logs.Build(logs.Config{
			Options: logs.Options{NamePrefix: "payments-prod", AccountID: "123456789012",
				Subscribed: map[alerts.Severity]bool{alerts.High: true}},
			Services: []logs.Service{{
				Name: "payments", LogGroup: "/ecs/prod/payments",
				Format: logs.Format{Fields: logs.JSONFields{Status: "http.status", RequestID: "traceId"}},
				Filters: []logs.CustomFilter{{
					Name: "card-declined", Pattern: `{ $.event = "card.declined" }`,
					Samples: logs.Samples{Match: []string{`{"event":"card.declined"}`}, NoMatch: []string{`{"event":"card.accepted"}`}},
				}},
			}},
			CloudTrail: &logs.CloudTrail{Create: true},
		})
		if err != nil {
			return err // every problem, at its path; nothing was created
		}
		topics := map[alerts.Severity]pulumi.StringInput{}
		for _, sev := range alerts.Severities() {
			topics[sev] = pulumi.String("arn:aws:sns:eu-west-1:123456789012:payments-prod-" + string(sev))
		}
		_, err = logfilters.NewLogFilters(ctx, "logs", &logfilters.LogFiltersArgs{
			Region: "eu-west-1", AccountID: "123456789012", Set: set, Topics: topics,
		})
		return err
	})
}
