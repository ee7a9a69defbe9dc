package dashboards

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

func golden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./dashboards -update, then read the file)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from what the builders make now; run with -update and review the diff:\n%s", path, firstDifference(want, got))
	}
}

func TestGrafanaDashboardsOfTheSampleStackMatchTheirGoldenFiles(t *testing.T) {
	ds, err := BuildGrafana(sampleGrafana(t))
	if err != nil {
		t.Fatal(err)
	}
	if err := ValidateGrafana(Datasources{}, sampleSet(t), ds...); err != nil {
		t.Fatalf("the built dashboards fail the strict checks: %v", err)
	}
	var names []string
	for _, d := range ds {
		names = append(names, d.Name)
		golden(t, filepath.Join("testdata", "grafana", d.File), d.JSON)
	}
	want := []string{"overview", "http", "runtime-go", "runtime-jvm", "runtime-nodejs", "infrastructure", "slo", "alerts"}
	if !equalStrings(names, want) {
		t.Errorf("dashboards %v, want %v", names, want)
	}
}

func TestCloudWatchDashboardsOfTheSampleStackMatchTheirGoldenFiles(t *testing.T) {
	ds, err := BuildCloudWatch(sampleCloudWatch(t))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, d := range ds {
		names = append(names, d.Name)
		var pretty bytes.Buffer
		if err := json.Indent(&pretty, []byte(d.JSON), "", "  "); err != nil {
			t.Fatal(err)
		}
		pretty.WriteByte('\n')
		golden(t, filepath.Join("testdata", "cloudwatch", d.Name+".json"), pretty.Bytes())
	}
	want := []string{"vigil-prod-overview", "vigil-prod-api", "vigil-prod-worker", "vigil-prod-web", "vigil-prod-reservations-db", "vigil-prod-sessions",
		"vigil-prod-prod-reservation-events", "vigil-prod-api-example-com"}
	if !equalStrings(names, want) {
		t.Errorf("dashboards %v, want %v", names, want)
	}
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
