package dashboards

import (
	"encoding/json"
	"strings"
	"testing"
)

// overviewJSON is the sample overview as a generic JSON tree, to mutate.
func overviewJSON(t *testing.T) map[string]any {
	t.Helper()
	ds, err := BuildGrafana(sampleGrafana(t))
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(ds[0].JSON, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func panelAt(m map[string]any, i int) map[string]any { return m["panels"].([]any)[i].(map[string]any) }

func TestValidateGrafanaFindsEachProblem(t *testing.T) {
	// Panels of the overview: 0 row Traffic, 1 Request rate (x0 w8), 2 Error rate
	// (x8 w8), 3 Latency (x16 w8), 4 row Health, 5 Targets up, 6 Top endpoints.
	tests := []struct {
		name   string
		mutate func(m map[string]any)
		want   string // "" when the dashboard must pass
	}{
		{"An untouched dashboard passes.", func(map[string]any) {}, ""},
		{"A panel that ends exactly at column 24 passes.", func(m map[string]any) {
			panelAt(m, 3)["gridPos"].(map[string]any)["w"] = 8.0
		}, ""},
		{"A panel one column past the 24th is refused.", func(m map[string]any) {
			panelAt(m, 3)["gridPos"].(map[string]any)["w"] = 9.0
		}, "overview.panels[3].gridPos: does not fit the 24 columns: x=16 w=9"},
		{"Two panels with one id are refused.", func(m map[string]any) {
			panelAt(m, 2)["id"] = panelAt(m, 1)["id"]
		}, "overview.panels[2].id: 2 is also the id of overview.panels[1]"},
		{"A panel over another is refused.", func(m map[string]any) {
			panelAt(m, 2)["gridPos"].(map[string]any)["x"] = 7.0
		}, "overview.panels[2].gridPos: overlaps overview.panels[1]"},
		{"Panels side by side, touching, do not overlap.", func(m map[string]any) {
			panelAt(m, 2)["gridPos"].(map[string]any)["x"] = 8.0
		}, ""},
		{"A data source the stack does not provision is refused.", func(m map[string]any) {
			panelAt(m, 1)["datasource"].(map[string]any)["uid"] = "thanos"
		}, `overview.panels[1].datasource.uid: names data source "thanos", which the stack does not provision`},
		{"A data source variable the dashboard does not define is refused.", func(m map[string]any) {
			panelAt(m, 1)["targets"].([]any)[0].(map[string]any)["datasource"].(map[string]any)["uid"] = "${ds}"
		}, "overview.panels[1].targets[0].datasource.uid: refers to ${ds}, which is not a datasource variable"},
		{"A query of the wrong type for its data source is refused.", func(m map[string]any) {
			panelAt(m, 1)["datasource"].(map[string]any)["type"] = "cloudwatch"
		}, `overview.panels[1].datasource.type: data source "prometheus" is of type prometheus, not cloudwatch`},
		{"PromQL that does not parse is refused.", func(m map[string]any) {
			panelAt(m, 1)["targets"].([]any)[0].(map[string]any)["expr"] = `sum(rate(http_requests_total{service=~"$service"}[$__rate_interval])`
		}, "overview.panels[1].targets[0].expr: does not parse"},
		{"A field the SDK does not know is refused by its strict unmarshalling.", func(m map[string]any) {
			panelAt(m, 1)["colour"] = "red"
		}, "overview: is not a valid dashboard model: panels[1].Panel: unexpected field 'colour'"},
		{"A panel without a position is refused.", func(m map[string]any) {
			delete(panelAt(m, 5), "gridPos")
		}, "overview.panels[5].gridPos: is missing"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := overviewJSON(t)
			tt.mutate(m)
			raw, err := json.Marshal(m)
			if err != nil {
				t.Fatal(err)
			}
			err = ValidateGrafana(Datasources{}, sampleSet(t), GrafanaDashboard{UID: "prod-overview", Name: "overview", JSON: raw})
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

func TestTwoDashboardsWithOneUIDAreRefused(t *testing.T) {
	ds, err := BuildGrafana(sampleGrafana(t))
	if err != nil {
		t.Fatal(err)
	}
	b := ds[1]
	b.UID = ds[0].UID
	err = ValidateGrafana(Datasources{}, sampleSet(t), ds[0], b)
	if err == nil || !strings.Contains(err.Error(), `http.uid: "prod-overview" is also the uid of overview`) {
		t.Fatalf("got %v", err)
	}
}

func TestAVariableInPromQLIsReplacedBeforeParsing(t *testing.T) {
	for expr, want := range map[string]string{
		`rate(x{a=~"$service"}[$__rate_interval])`:   `rate(x{a=~"var"}[5m])`,
		`rate(x{a="${service:regex}"}[${__range}])`:  `rate(x{a="var"}[5m])`,
		`sum by ([[group]]) (x)`:                     `sum by (var) (x)`,
		`x{job="$job", env="$environment"} > $limit`: `x{job="var", env="var"} > var`,
	} {
		if got := substituteVariables(expr); got != want {
			t.Errorf("substituteVariables(%q) = %q, want %q", expr, got, want)
		}
	}
}

func TestAGrafanaCloudWatchQueryMustMatchItsAlarmsNamespaceAndDimensions(t *testing.T) {
	ds, err := BuildGrafana(sampleGrafana(t))
	if err != nil {
		t.Fatal(err)
	}
	var infra GrafanaDashboard
	for _, d := range ds {
		if d.Name == "infrastructure" {
			infra = d
		}
	}
	if err := ValidateGrafana(Datasources{}, sampleSet(t), infra); err != nil {
		t.Fatalf("the built infrastructure dashboard disagrees with its alarms: %v", err)
	}
	wrongNS := infra
	wrongNS.JSON = []byte(strings.Replace(string(infra.JSON), `"namespace": "AWS/RDS"`, `"namespace": "AWS/Aurora"`, 1))
	err = ValidateGrafana(Datasources{}, sampleSet(t), wrongNS)
	if err == nil || !strings.Contains(err.Error(), "CPUUtilization of \"prod-reservations\" is in namespace AWS/Aurora here, but alarm vigil-prod-reservations-db-rds-cpu-high watches it in AWS/RDS") {
		t.Fatalf("got %v", err)
	}
	noTG := infra
	noTG.JSON = []byte(strings.Replace(string(infra.JSON), `"TargetGroup": "targetgroup/prod-api/943f017f100becff"`, `"Zone": "a"`, 1))
	err = ValidateGrafana(Datasources{}, sampleSet(t), noTG)
	if err == nil || !strings.Contains(err.Error(), "but alarm vigil-prod-api-lb-target-5xx-rate watches it with {LoadBalancer=app/prod-public/50dc6c495c0c9188, TargetGroup=targetgroup/prod-api/943f017f100becff}") {
		t.Fatalf("got %v", err)
	}
}
