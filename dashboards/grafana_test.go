package dashboards

import (
	"encoding/json"
	"sort"
	"strings"
	"testing"

	"github.com/prometheus/prometheus/promql/parser"

	"github.com/vigilops/vigil/alerts/cloudwatch"
	"github.com/vigilops/vigil/alerts/slo"
)

func TestUIDsAreStableShortAndDistinct(t *testing.T) {
	if got := UID("prod", "Runtime Go"); got != "prod-runtime-go" {
		t.Errorf("UID = %q", got)
	}
	long1 := UID("production-eu-west-1", "payments-reconciliation-overview")
	long2 := UID("production-eu-west-1", "payments-reconciliation-overview-2")
	if len(long1) > MaxUIDLength || len(long2) > MaxUIDLength {
		t.Errorf("UIDs longer than %d: %q, %q", MaxUIDLength, long1, long2)
	}
	if long1 == long2 {
		t.Errorf("two long names share UID %q", long1)
	}
	if long1 != UID("production-eu-west-1", "payments-reconciliation-overview") {
		t.Errorf("UID is not stable")
	}
	exact := strings.Repeat("a", MaxUIDLength)
	if UID(exact) != exact || UID(exact+"b") == exact+"b" {
		t.Errorf("the boundary of %d characters is wrong: %q, %q", MaxUIDLength, UID(exact), UID(exact+"b"))
	}
}

func TestBadInputIsRefusedWithEveryProblem(t *testing.T) {
	g := sampleGrafana(t)
	g.Environment, g.RunbookBaseURL, g.Region, g.EndpointLabel = "", "runbooks#x", "", "end point"
	g.Services = append(g.Services, g.Services[0])
	_, err := BuildGrafana(g)
	for _, want := range []string{"Environment:", "RunbookBaseURL: must be an absolute", "Region: required", "EndpointLabel: is not a label name",
		`Services[3].Name: is repeated: "api"`} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("want %q in\n%v", want, err)
		}
	}
	_, err = BuildCloudWatch(CloudWatch{NamePrefix: "bad name", LogMetrics: []LogMetric{{}}})
	for _, want := range []string{"NamePrefix: cannot start dashboard names", "Region: is required", "LogMetrics[0].Service", "LogMetrics[0].Namespace"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("want %q in\n%v", want, err)
		}
	}
}

// panelThreshold returns the red threshold of the panel titled title in the
// dashboard's rows (or at the top), and the panel's description.
func panelThreshold(t *testing.T, raw []byte, row, title string) (float64, string) {
	t.Helper()
	var m struct {
		Panels []struct {
			Title  string `json:"title"`
			Panels []struct {
				Title       string `json:"title"`
				Description string `json:"description"`
				FieldConfig struct {
					Defaults struct {
						Thresholds struct {
							Steps []struct {
								Value *float64 `json:"value"`
								Color string   `json:"color"`
							} `json:"steps"`
						} `json:"thresholds"`
					} `json:"defaults"`
				} `json:"fieldConfig"`
			} `json:"panels"`
		} `json:"panels"`
	}
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	for _, r := range m.Panels {
		if r.Title != row {
			continue
		}
		for _, p := range r.Panels {
			if p.Title == title {
				for _, s := range p.FieldConfig.Defaults.Thresholds.Steps {
					if s.Color == "red" && s.Value != nil {
						return *s.Value, p.Description
					}
				}
			}
		}
	}
	t.Fatalf("no red threshold on %s / %s", row, title)
	return 0, ""
}

func TestInfrastructureThresholdsAreTheAlarmsOwnAfterOverrides(t *testing.T) {
	g := sampleGrafana(t)
	e := sampleEstate()
	e.Services[0].Overrides = cloudwatch.Overrides{"ecs-cpu-high": {Threshold: cloudwatch.Float(70)}}
	e.Databases[0].Thresholds.FreeStorageGiB = 20
	set, err := cloudwatch.Build(e)
	if err != nil {
		t.Fatal(err)
	}
	g.Estate, g.Alarms = e, set
	ds, err := BuildGrafana(g)
	if err != nil {
		t.Fatal(err)
	}
	var infra []byte
	for _, d := range ds {
		if d.Name == "infrastructure" {
			infra = d.JSON
		}
	}
	if v, desc := panelThreshold(t, infra, "Service api", "CPU, % of reserved"); v != 70 || !strings.Contains(desc, "vigil-prod-api-ecs-cpu-high") {
		t.Errorf("api CPU threshold %g (%s), want the override's 70", v, desc)
	}
	if v, _ := panelThreshold(t, infra, "Service web", "CPU, % of reserved"); v != 80 {
		t.Errorf("web CPU threshold %g, want the default 80", v)
	}
	if v, _ := panelThreshold(t, infra, "Service worker", "CPU, % of reserved"); v != 90 {
		t.Errorf("worker CPU threshold %g, want its own 90", v)
	}
	if v, _ := panelThreshold(t, infra, "Database reservations-db", "Free storage"); v != 20*(1<<30) {
		t.Errorf("free storage threshold %g, want 20 GiB", v)
	}
}

func TestTheErrorRateLineIsTheStrictestServiceThreshold(t *testing.T) {
	g := sampleGrafana(t)
	tt := g.withDefaults().thresholds()
	if tt.errorRate != 2 || tt.p99.Seconds() != 1.5 || tt.p95.Seconds() != 0.8 {
		t.Errorf("thresholds %+v, want api's 2%% and 1.5s, and the stack's p95 of 800ms", tt)
	}
	g.Services[0].ErrorRatePercent = 9
	if got := g.withDefaults().thresholds().errorRate; got != 5 {
		t.Errorf("with api at 9%%, the line is at %g, want the others' default 5", got)
	}
}

// selectors returns the metric names and label names every vector selector of the
// dashboard's Prometheus queries uses.
func selectors(t *testing.T, raw []byte) (map[string]bool, map[string]bool) {
	t.Helper()
	var m struct {
		Panels []struct {
			Targets []struct {
				Expr string `json:"expr"`
			} `json:"targets"`
		} `json:"panels"`
	}
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	metrics, labels := map[string]bool{}, map[string]bool{}
	for _, p := range m.Panels {
		for _, tg := range p.Targets {
			addSelectors(t, tg.Expr, metrics, labels)
		}
	}
	return metrics, labels
}

func addSelectors(t *testing.T, expr string, metrics, labels map[string]bool) {
	t.Helper()
	e, err := parser.ParseExpr(substituteVariables(expr))
	if err != nil {
		t.Fatalf("%s: %v", expr, err)
	}
	parser.Inspect(e, func(n parser.Node, _ []parser.Node) error {
		if vs, ok := n.(*parser.VectorSelector); ok {
			for _, lm := range vs.LabelMatchers {
				if lm.Name == "__name__" {
					metrics[lm.Value] = true
				} else {
					labels[lm.Name] = true
				}
			}
		}
		return nil
	})
}

// The SLO dashboard and Sloth's own dashboard must find their series among what
// alerts/slo records, by name and by label.
func TestSLOQueriesUseOnlyTheSeriesAlertsSLORecords(t *testing.T) {
	rf, err := slo.Rules(sampleSLOs(t))
	if err != nil {
		t.Fatal(err)
	}
	recorded, recordedLabels := map[string]bool{}, map[string]bool{}
	for _, g := range rf.Groups {
		for _, r := range g.Rules {
			if r.Record != "" {
				recorded[r.Record] = true
				for k := range r.Labels {
					recordedLabels[k] = true
				}
			}
		}
	}
	ds, err := BuildGrafana(sampleGrafana(t))
	if err != nil {
		t.Fatal(err)
	}
	var sloJSON []byte
	for _, d := range ds {
		if d.Name == "slo" {
			sloJSON = d.JSON
		}
	}
	metrics, labels := selectors(t, sloJSON)
	// Queries of the shape Sloth's Grafana dashboard uses: by sloth_id, service and
	// slo, on the objective, the SLI windows, the burn rates and the info series.
	for _, q := range []string{
		`slo:sli_error:ratio_rate5m{sloth_service="${service}", sloth_slo="${slo}"}`,
		`1 - max(slo:sli_error:ratio_rate5m{sloth_id="${slo_id}"})`,
		`slo:period_error_budget_remaining:ratio{sloth_id="${slo_id}"}`,
		`slo:current_burn_rate:ratio{sloth_id="${slo_id}"}`,
		`slo:period_burn_rate:ratio{sloth_id="${slo_id}"}`,
		`slo:objective:ratio{sloth_id="${slo_id}"}`,
		`slo:error_budget:ratio{sloth_id="${slo_id}"}`,
		`slo:time_period:days{sloth_id="${slo_id}"}`,
		`max(sloth_slo_info{sloth_service="${service}"}) by (sloth_objective, sloth_slo)`,
		`slo:sli_error:ratio_rate1h{sloth_id="${slo_id}"} / on(sloth_id) group_left slo:error_budget:ratio{sloth_id="${slo_id}"}`,
	} {
		addSelectors(t, q, metrics, labels)
	}
	var missing []string
	for m := range metrics {
		if !recorded[m] {
			missing = append(missing, "series "+m)
		}
	}
	recordedLabels["sloth_objective"] = true // on sloth_slo_info only, checked below
	for l := range labels {
		if !recordedLabels[l] {
			missing = append(missing, "label "+l)
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Fatalf("queried but not recorded by alerts/slo: %v", missing)
	}
	if !metrics["slo:period_error_budget_remaining:ratio"] || !metrics[slo.SLIErrorMetric(fiveMinutes)] {
		t.Fatalf("the SLO dashboard does not show the remaining budget or the SLI: %v", metrics)
	}
}

func TestASharedPrometheusGetsAnEnvironmentMatcherAndAVisibleVariable(t *testing.T) {
	g := sampleGrafana(t)
	g.EnvironmentLabel, g.Environments = "environment", []string{"dev", "prod"}
	ds, err := BuildGrafana(g)
	if err != nil {
		t.Fatal(err)
	}
	ov := string(ds[0].JSON)
	if !strings.Contains(ov, `http_requests_total{environment=~\"$environment\", service=~\"$service\"}`) {
		t.Errorf("the overview's queries have no environment matcher")
	}
	if !strings.Contains(ov, `"query": "dev,prod"`) || strings.Contains(ov, "only names it") {
		t.Errorf("the environment variable does not offer dev and prod, or is hidden")
	}
	alone, err := BuildGrafana(sampleGrafana(t))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(alone[0].JSON), "environment=~") {
		t.Errorf("a Prometheus of its own environment got an environment matcher")
	}
	g.Environments = []string{"dev,prod"}
	if _, err := BuildGrafana(g); err == nil || !strings.Contains(err.Error(), "Environments[0]") {
		t.Errorf("an environment with a comma, which would split the variable's values, was accepted: %v", err)
	}
}
