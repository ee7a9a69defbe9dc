package managed

import (
	"testing"
)

// BenchmarkManaged measures one NewManaged with a Grafana workspace and a dashboard
// under Pulumi's mock engine: validation, the definition's conversion and every
// registration. Run: go test ./components/managed -run '^$' -bench Managed -benchmem
func BenchmarkManaged(b *testing.B) {
	args := validArgs(b)
	model := overviewModel(b)
	args.Grafana = &GrafanaArgs{Dashboards: map[string][]byte{"overview": model}}
	b.ReportAllocs()
	var resources int
	for b.Loop() {
		c, _, err := deploy(b, args)
		if err != nil {
			b.Fatal(err)
		}
		resources = len(c.Resources())
	}
	b.ReportMetric(float64(resources), "resources/op")
}
