package dashboards

import (
	"fmt"
	"strings"
	"testing"

	"github.com/vigilops/vigil/alerts/cloudwatch"
)

// manyServices is an estate of n ECS services behind load balancers.
func manyServices(t testing.TB, n int) CloudWatch {
	e := cloudwatch.Estate{Options: cloudwatch.Options{NamePrefix: "big", RunbookBaseURL: runbooks, Region: "eu-west-1"}}
	for i := 0; i < n; i++ {
		name := fmt.Sprintf("svc%04d", i)
		e.Services = append(e.Services, cloudwatch.Service{Name: name, ECS: &cloudwatch.ECSService{Cluster: "prod", Service: name},
			LoadBalancer: fmt.Sprintf("app/%s/%016x", name, i), TargetGroup: fmt.Sprintf("targetgroup/%s/%016x", name, i)})
	}
	set, err := cloudwatch.Build(e)
	if err != nil {
		t.Fatal(err)
	}
	return CloudWatch{NamePrefix: "big", Region: "eu-west-1", Estate: e, Alarms: set}
}

func overviews(ds []CloudWatchDashboard) []CloudWatchDashboard {
	var out []CloudWatchDashboard
	for _, d := range ds {
		if strings.HasPrefix(d.Name, "big-overview") {
			out = append(out, d)
		}
	}
	return out
}

func TestTheOverviewSplitsAtTheWidgetLimitAndNotBefore(t *testing.T) {
	c := manyServices(t, 10)
	one, err := BuildCloudWatch(c)
	if err != nil {
		t.Fatal(err)
	}
	ov := overviews(one)
	if len(ov) != 1 {
		t.Fatalf("at the default limits, %d overview dashboards", len(ov))
	}
	n := len(ov[0].Body.Widgets)

	c.Limits = Limits{Widgets: n}
	exact, err := BuildCloudWatch(c)
	if err != nil {
		t.Fatal(err)
	}
	if got := len(overviews(exact)); got != 1 {
		t.Errorf("with exactly %d widgets allowed, %d overview dashboards, want 1", n, got)
	}

	c.Limits = Limits{Widgets: n - 1}
	split, err := BuildCloudWatch(c)
	if err != nil {
		t.Fatal(err)
	}
	parts := overviews(split)
	if len(parts) != 2 || parts[0].Name != "big-overview" || parts[1].Name != "big-overview-2" {
		t.Fatalf("with %d widgets allowed, overviews %v", n-1, names(parts))
	}
	if !strings.Contains(parts[1].JSON, "part 2 of 2") {
		t.Errorf("the second part does not say which part it is")
	}
	// Every service row is on exactly one part, in order.
	var rows []string
	for _, p := range parts {
		if len(p.Body.Widgets) > n-1 {
			t.Errorf("%s has %d widgets", p.Name, len(p.Body.Widgets))
		}
		for _, w := range p.Body.Widgets {
			if s, ok := strings.CutPrefix(w.Props.Markdown, "## Service "); ok {
				rows = append(rows, s)
			}
		}
	}
	if len(rows) != 10 || rows[0] != "svc0000" || rows[9] != "svc0009" {
		t.Errorf("service rows %v", rows)
	}
	if got := Uncovered(c.Alarms, split...); len(got) != 0 {
		t.Errorf("after the split, uncovered: %v", got)
	}
}

func TestTheOverviewSplitsAtTheMetricAndSizeLimits(t *testing.T) {
	c := manyServices(t, 10)
	one, _ := BuildCloudWatch(c)
	ov := overviews(one)[0]
	for _, lim := range []Limits{{Metrics: ov.Body.MetricCount() - 1}, {BodyBytes: len(ov.JSON) - 1}} {
		c.Limits = lim
		ds, err := BuildCloudWatch(c)
		if err != nil {
			t.Fatal(err)
		}
		parts := overviews(ds)
		if len(parts) < 2 {
			t.Errorf("with limits %+v, %d overview dashboards", lim, len(parts))
		}
		for _, p := range parts {
			if lim.Metrics > 0 && p.Body.MetricCount() > lim.Metrics || lim.BodyBytes > 0 && len(p.JSON) > lim.BodyBytes {
				t.Errorf("%s passes %+v", p.Name, lim)
			}
		}
	}
}

func TestTheSplitIsTheSameFromOneRunToTheNext(t *testing.T) {
	c := manyServices(t, 300)
	a, err := BuildCloudWatch(c)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := BuildCloudWatch(manyServices(t, 300))
	if len(a) != len(b) {
		t.Fatalf("%d then %d dashboards", len(a), len(b))
	}
	for i := range a {
		if a[i].Name != b[i].Name || a[i].JSON != b[i].JSON {
			t.Fatalf("dashboard %d differs between runs: %s, %s", i, a[i].Name, b[i].Name)
		}
	}
	// 300 services take more than 2,500 metrics: the real limits split them.
	if got := len(overviews(a)); got < 2 {
		t.Errorf("300 services fit one overview? %d", got)
	}
	for _, d := range a {
		if len(d.Body.Widgets) > DefaultLimits.Widgets || d.Body.MetricCount() > DefaultLimits.Metrics {
			t.Errorf("%s is over CloudWatch's limits", d.Name)
		}
	}
}

func names(ds []CloudWatchDashboard) []string {
	var out []string
	for _, d := range ds {
		out = append(out, d.Name)
	}
	return out
}

func TestAResourceWithMoreAlarmsThanADashboardHoldsSplitsBetweenLinesOfGraphs(t *testing.T) {
	c := manyServices(t, 1)
	for i := 0; i < 40; i++ {
		c.Alarms.Alarms = append(c.Alarms.Alarms, cloudwatch.Alarm{Name: fmt.Sprintf("big-svc0000-custom-%02d", i), Resource: "svc0000", Slug: "custom",
			Namespace: "team", MetricName: fmt.Sprintf("m%02d", i), Statistic: "Sum", Period: 60, Threshold: 1})
	}
	c.Limits = Limits{Widgets: 20}
	ds, err := BuildCloudWatch(c)
	if err != nil {
		t.Fatal(err)
	}
	graphs := 0
	var parts []string
	for _, d := range ds {
		if strings.HasPrefix(d.Name, "big-svc0000") {
			parts = append(parts, d.Name)
			for _, w := range d.Body.Widgets {
				if w.Type == "metric" {
					graphs++
				}
			}
		}
	}
	if len(parts) < 3 || parts[1] != "big-svc0000-2" {
		t.Errorf("detail dashboards %v", parts)
	}
	if want := len(c.Alarms.Alarms); graphs != want {
		t.Errorf("%d graphs over the parts, want one per alarm, %d", graphs, want)
	}
}
