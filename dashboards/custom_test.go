package dashboards

import (
	"os"
	"strings"
	"testing"

	"github.com/grafana/grafana-foundation-sdk/go/dashboard"
	"github.com/grafana/grafana-foundation-sdk/go/prometheus"
	"github.com/grafana/grafana-foundation-sdk/go/timeseries"
)

// A team's business dashboard in Go, with the same builders vigil uses.
func reservations() *dashboard.DashboardBuilder {
	return dashboard.NewDashboardBuilder("Reservations").Uid(UID("prod", "reservations")).
		WithPanel(timeseries.NewPanelBuilder().Id(1).Title("Reservations a minute").Span(24).Height(8).
			WithTarget(prometheus.NewDataqueryBuilder().RefId("A").Expr(`sum(rate(reservations_created_total[5m])) * 60`)))
}

func TestTeamsDashboardsInGoAndInJSONAreCheckedAsVigilsAre(t *testing.T) {
	inGo, err := FromBuilder("reservations", reservations())
	if err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile("testdata/custom/payments.json")
	if err != nil {
		t.Fatal(err)
	}
	inJSON, err := ParseGrafana("payments", raw)
	if err != nil {
		t.Fatal(err)
	}
	built, err := BuildGrafana(sampleGrafana(t))
	if err != nil {
		t.Fatal(err)
	}
	if err := ValidateGrafana(Datasources{}, sampleSet(t), append(built, inGo, inJSON)...); err != nil {
		t.Fatalf("good team dashboards refused: %v", err)
	}
	if inJSON.UID != "prod-payments" || len(inJSON.Dashboard.Panels) != 2 {
		t.Errorf("payments.json read as uid %q with %d panels", inJSON.UID, len(inJSON.Dashboard.Panels))
	}
}

func TestATeamsBadJSONDashboardIsRefusedWithEveryProblem(t *testing.T) {
	raw, err := os.ReadFile("testdata/custom/payments.bad.json")
	if err != nil {
		t.Fatal(err)
	}
	d, err := ParseGrafana("payments", raw)
	if err != nil {
		t.Fatal(err)
	}
	err = ValidateGrafana(Datasources{}, sampleSet(t), d)
	for _, want := range []string{
		"payments.panels[1].id: 1 is also the id of payments.panels[0]",
		"payments.panels[1].gridPos: does not fit the 24 columns: x=12 w=16",
		`payments.panels[1].targets[0].expr: does not parse`,
		`payments.panels[0].datasource.uid: names data source "mimir"`,
	} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("want %q in\n%v", want, err)
		}
	}
	if _, err := ParseGrafana("unknown", []byte(`{"uid":"x","title":"t","schemaVersion":42,"templating":{"list":[]},"annotations":{},"panels":[],"colour":"red"}`)); err == nil ||
		!strings.Contains(err.Error(), "unexpected field 'colour'") {
		t.Errorf("an unknown field passed the strict unmarshalling: %v", err)
	}
	if _, err := ParseGrafana("nouid", []byte(`{"title":"t","schemaVersion":42,"templating":{"list":[]},"annotations":{},"panels":[]}`)); err == nil || !strings.Contains(err.Error(), "nouid.uid: is missing") {
		t.Errorf("a dashboard without uid passed: %v", err)
	}
}

func TestATeamsCloudWatchBodyIsReadStrictlyAndCheckedWithTheAlarms(t *testing.T) {
	good := `{"widgets":[{"type":"metric","x":0,"y":0,"width":12,"height":6,"properties":{"title":"Bookings","region":"eu-west-1","period":300,` +
		`"metrics":[["reservations","BookingsCreated",{"stat":"Sum"}],["AWS/SQS","ApproximateNumberOfMessagesVisible","QueueName","prod-reservation-events"]]}}]}`
	d, err := ParseCloudWatch("vigil-prod-bookings", good)
	if err != nil {
		t.Fatal(err)
	}
	if d.Body.MetricCount() != 2 || d.Body.Widgets[0].Props.Metrics[1].Dimensions["QueueName"] != "prod-reservation-events" {
		t.Fatalf("read %+v", d.Body)
	}
	if err := ValidateCloudWatch(Limits{}, sampleSet(t), d); err != nil {
		t.Fatalf("a good team body was refused: %v", err)
	}
	if _, err := ParseCloudWatch("x", `{"widgets":[],"theme":"dark"}`); err == nil || !strings.Contains(err.Error(), `unknown field "theme"`) {
		t.Errorf("an unknown field passed: %v", err)
	}
	bad := strings.Replace(good, `"AWS/SQS"`, `"AWS/SNS"`, 1)
	d, err = ParseCloudWatch("vigil-prod-bookings", bad)
	if err != nil {
		t.Fatal(err)
	}
	if err := ValidateCloudWatch(Limits{}, sampleSet(t), d); err == nil || !strings.Contains(err.Error(), "is in namespace AWS/SNS here, but alarm vigil-prod-prod-reservation-events-sqs-backlog watches it in AWS/SQS") {
		t.Errorf("got %v", err)
	}
}
