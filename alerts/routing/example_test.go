package routing_test

import (
	"fmt"
	"strings"

	"github.com/vigilops/vigil/alerts"
	"github.com/vigilops/vigil/alerts/routing"
)

// The Alertmanager of prod: critical and high page, medium and low do not, and the
// Watchdog pings an external heartbeat with a token read from a mounted file.
func ExampleBuild() {
	topic := func(sev string) string { return "arn:aws:sns:eu-west-1:123456789012:payments-prod-" + sev }
	f, err := routing.Build(routing.Config{
		Environment:      "prod",
		PagingSeverities: []alerts.Severity{alerts.Critical, alerts.High},
		Targets: map[alerts.Severity]routing.Target{
			alerts.Critical: {TopicARN: topic("critical"), Pages: true},
			alerts.High:     {TopicARN: topic("high"), Pages: true},
			alerts.Medium:   {TopicARN: topic("medium")},
			alerts.Low:      {TopicARN: topic("low")},
		},
		Watchdog: routing.Watchdog{Heartbeat: &routing.Webhook{
			URL:             "https://api.opsgenie.com/v2/heartbeats/payments-prod/ping",
			CredentialsFile: "/run/secrets/opsgenie-heartbeat-key",
			AuthScheme:      "GenieKey",
		}},
	})
	if err != nil {
		fmt.Println(err) // one error listing every problem of the config
		return
	}
	fmt.Println("otherwise:", f.Route.Receiver)
	for _, r := range f.Route.Routes {
		fmt.Printf("%s -> %s\n", strings.Join(r.Matchers, ","), r.Receiver)
	}
	// The YAML goes to Alertmanager's config file: f.YAML().

	// Output:
	// otherwise: sns-low
	// alertname="Watchdog",environment="prod" -> watchdog
	// environment="prod",severity="critical" -> sns-critical
	// environment="prod",severity="high" -> sns-high
	// environment="prod",severity="medium" -> sns-medium
	// environment="prod",severity="low" -> sns-low
}

// A dev config that would page is refused before anything is written.
func ExampleBuild_devNeverPages() {
	_, err := routing.Build(routing.Config{
		Environment: "dev",
		Targets: map[alerts.Severity]routing.Target{
			alerts.Critical: {TopicARN: "arn:aws:sns:eu-west-1:123456789012:payments-dev-critical", Pages: true},
			alerts.High:     {TopicARN: "arn:aws:sns:eu-west-1:123456789012:payments-dev-high"},
			alerts.Medium:   {TopicARN: "arn:aws:sns:eu-west-1:123456789012:payments-dev-medium"},
			alerts.Low:      {TopicARN: "arn:aws:sns:eu-west-1:123456789012:payments-dev-low"},
		},
	})
	fmt.Println(err)
	// Output:
	// invalid routing.Config of environment "dev" (1 problem):
	//   Targets.critical.Pages: environment "dev" never pages, but the critical target pages
	//     hint: give this severity a target that notifies without paging (e-mail, chat), or list it in PagingSeverities (prod only)
}
