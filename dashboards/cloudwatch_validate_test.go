package dashboards

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/vigilops/vigil/alerts/cloudwatch"
)

func metricWidget(x, y, w int, lines ...MetricLine) Widget {
	return Widget{Type: "metric", X: x, Y: y, Width: w, Height: 6, Props: Properties{Region: "eu-west-1", Metrics: lines, Period: 60}}
}

func body(ws ...Widget) string {
	raw, err := json.Marshal(Body{Widgets: ws})
	if err != nil {
		panic(err)
	}
	return string(raw)
}

func line(ns, name string, dims ...string) MetricLine {
	m := MetricLine{Namespace: ns, MetricName: name, Dimensions: map[string]string{}, Stat: "Average"}
	for i := 0; i+1 < len(dims); i += 2 {
		m.Dimensions[dims[i]] = dims[i+1]
	}
	return m
}

func lines(n int) []MetricLine {
	out := make([]MetricLine, n)
	for i := range out {
		out[i] = line("custom", fmt.Sprintf("m%d", i))
	}
	return out
}

func TestValidateCloudWatchFindsEachProblem(t *testing.T) {
	set := sampleSet(t)
	cpu := line("AWS/RDS", "CPUUtilization", "DBInstanceIdentifier", "prod-reservations")
	small := Limits{Widgets: 3, Metrics: 4, MetricsPerWidget: 3, AlarmsPerWidget: 2, BodyBytes: 2000}
	tests := []struct {
		name   string
		dname  string
		body   string
		limits Limits
		want   string
	}{
		{"A metric drawn as its alarm watches it passes.", "d", body(metricWidget(0, 0, 24, cpu)), Limits{}, ""},
		{"A widget that ends at column 24 passes; one past is refused.", "d", body(metricWidget(12, 0, 13, cpu)), Limits{},
			"d.widgets[0]: does not fit the 24 columns: x=12 width=13"},
		{"Widgets that overlap are refused.", "d", body(metricWidget(0, 0, 12, cpu), metricWidget(11, 5, 12, cpu)), Limits{},
			"d.widgets[1].gridPos: overlaps d.widgets[0]"},
		{"A metric in another namespace than its alarm's is refused.", "d",
			body(metricWidget(0, 0, 24, line("ECS/ContainerInsights", "CpuUtilized", "ClusterName", "prod-main", "ServiceName", "reservations-api"),
				line("AWS/ECS", "CpuUtilized", "ClusterName", "prod-main", "ServiceName", "reservations-api"))), Limits{},
			"d.widgets[0].properties.metrics[1]: CpuUtilized of \"prod-main\" is in namespace AWS/ECS here, but alarm vigil-prod-api-ecs-cpu-high watches it in ECS/ContainerInsights"},
		{"A metric missing one of its alarm's dimensions is refused.", "d",
			body(metricWidget(0, 0, 24, line("AWS/ApplicationELB", "TargetResponseTime", "LoadBalancer", "app/prod-public/50dc6c495c0c9188"))), Limits{},
			"TargetResponseTime has dimensions {LoadBalancer=app/prod-public/50dc6c495c0c9188}, but alarm vigil-prod-api-lb-latency-p95 watches it with {LoadBalancer=app/prod-public/50dc6c495c0c9188, TargetGroup=targetgroup/prod-api/943f017f100becff}"},
		{"A period CloudWatch does not take is refused.", "d", body(Widget{Type: "metric", Width: 24, Height: 6,
			Props: Properties{Region: "eu-west-1", Period: 90, Metrics: []MetricLine{cpu}}}), Limits{},
			"d.widgets[0].properties.period: is 90"},
		{"A name PutDashboard refuses is refused.", "my dashboard", body(), Limits{}, `my dashboard: is not a dashboard name PutDashboard accepts`},
		{"As many widgets as the limit pass.", "d", body(metricWidget(0, 0, 8, lines(1)...), metricWidget(8, 0, 8, lines(1)...), metricWidget(16, 0, 8, lines(1)...)), small, ""},
		{"One widget more than the limit is refused.", "d", body(metricWidget(0, 0, 6, lines(1)...), metricWidget(6, 0, 6, lines(1)...), metricWidget(12, 0, 6, lines(1)...), metricWidget(18, 0, 6, lines(1)...)), small,
			"d.widgets: has 4 widgets, more than the 3 CloudWatch allows"},
		{"As many metrics in a widget as the limit pass.", "d", body(metricWidget(0, 0, 24, lines(3)...)), small, ""},
		{"One metric more than a widget takes is refused.", "d", body(metricWidget(0, 0, 24, lines(4)...)), small,
			"has 4 metrics, more than the 3 CloudWatch allows in a widget"},
		{"One metric more than a dashboard takes is refused.", "d", body(metricWidget(0, 0, 12, lines(3)...), metricWidget(12, 0, 12, lines(2)...)), small,
			"d.widgets: has 5 metrics, more than the 4 CloudWatch allows on a dashboard"},
		{"One alarm more than an alarm widget takes is refused.", "d", body(Widget{Type: "alarm", Width: 24, Height: 3,
			Props: Properties{Alarms: []string{AlarmRef("a"), AlarmRef("b"), AlarmRef("c")}}}), small, "d.widgets[0].properties.alarms: has 3 alarms"},
		{"An alarm that is neither an ARN nor a reference is refused.", "d", body(Widget{Type: "alarm", Width: 24, Height: 3,
			Props: Properties{Alarms: []string{"vigil-prod-api-ecs-cpu-high"}}}), Limits{}, `is not an alarm ARN: "vigil-prod-api-ecs-cpu-high"`},
		{"An ARN passes.", "d", body(Widget{Type: "alarm", Width: 24, Height: 3,
			Props: Properties{Alarms: []string{"arn:aws:cloudwatch:eu-west-1:123456789012:alarm:vigil-prod-api-ecs-cpu-high"}}}), Limits{}, ""},
		{"A body over the size limit is refused.", "d", body(metricWidget(0, 0, 24, line("custom", strings.Repeat("x", 2000)))), small,
			"body is 2"},
		{"An unknown widget property is refused.", "d", `{"widgets":[{"type":"text","x":0,"y":0,"width":3,"height":3,"properties":{"markdown":"hi","colour":"red"}}]}`, Limits{},
			`unknown field "colour"`},
		{"An expression line without an id is refused.", "d", body(metricWidget(0, 0, 24, cpu, MetricLine{Expression: "m1*2"})), Limits{},
			"d.widgets[0].properties.metrics[1].id: is missing"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := ValidateCloudWatch(tt.limits, set, CloudWatchDashboard{Name: tt.dname, JSON: tt.body})
			switch {
			case tt.want == "" && err != nil:
				t.Fatalf("want no problem, got %v", err)
			case tt.want != "" && err == nil:
				t.Fatalf("want %q, got no problem", tt.want)
			case tt.want != "" && !strings.Contains(err.Error(), tt.want):
				t.Fatalf("want %q in\n%v", tt.want, err)
			}
		})
	}
}

func TestAMetricLineReadsBackAsItWasWritten(t *testing.T) {
	in := MetricLine{Namespace: "AWS/ApplicationELB", MetricName: "RequestCount", Dimensions: map[string]string{"TargetGroup": "tg", "LoadBalancer": "lb"},
		ID: "requests", Stat: "Sum", Period: 60, Hidden: true}
	raw, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	if want := `["AWS/ApplicationELB","RequestCount","LoadBalancer","lb","TargetGroup","tg",{"id":"requests","stat":"Sum","period":60,"visible":false}]`; string(raw) != want {
		t.Fatalf("got %s, want %s", raw, want)
	}
	var out MetricLine
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatal(err)
	}
	if out.Namespace != in.Namespace || out.ID != in.ID || !out.Hidden || !sameDims(out.Dimensions, in.Dimensions) || out.Period != 60 {
		t.Fatalf("read back %+v", out)
	}
	for _, bad := range []string{`["AWS/EC2"]`, `["AWS/EC2","CPUUtilization","InstanceId"]`, `[".","CPUUtilization"]`, `[{"id":"e1"}]`} {
		if err := json.Unmarshal([]byte(bad), &out); err == nil {
			t.Errorf("%s was accepted", bad)
		}
	}
}

func TestEveryAlarmOfTheSampleStackIsOnADashboard(t *testing.T) {
	ds, err := BuildCloudWatch(sampleCloudWatch(t))
	if err != nil {
		t.Fatal(err)
	}
	if got := Uncovered(sampleSet(t), ds...); len(got) != 0 {
		t.Fatalf("uncovered: %v", got)
	}
}

func TestAnAlarmNoDashboardShowsIsListed(t *testing.T) {
	set := sampleSet(t)
	c := sampleCloudWatch(t)
	// Dashboards built before the team added an anomaly alarm by hand.
	ds, err := BuildCloudWatch(c)
	if err != nil {
		t.Fatal(err)
	}
	set.Alarms = append(set.Alarms, cloudwatch.Alarm{Name: "vigil-prod-checkout-latency-anomaly", Resource: "checkout"})
	got := Uncovered(set, ds...)
	if len(got) != 1 || got[0] != "vigil-prod-checkout-latency-anomaly" {
		t.Fatalf("got %v", got)
	}
}
