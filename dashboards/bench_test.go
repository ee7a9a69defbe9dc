package dashboards

import (
	"fmt"
	"testing"

	"github.com/vigilops/vigil/alerts/catalog"
)

// BenchmarkBuild builds both kinds of dashboards for 500 services, as vigil plan
// does for a large estate.
func BenchmarkBuild(b *testing.B) {
	c := manyServices(b, 500)
	g := Grafana{Environment: "prod", RunbookBaseURL: runbooks, Region: "eu-west-1", Estate: c.Estate, Alarms: c.Alarms}
	for i := 0; i < 500; i++ {
		g.Services = append(g.Services, catalog.Service{Name: fmt.Sprintf("svc%04d", i), Runtime: &catalog.Runtime{Kind: catalog.Go}})
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := BuildCloudWatch(c); err != nil {
			b.Fatal(err)
		}
		if _, err := BuildGrafana(g); err != nil {
			b.Fatal(err)
		}
	}
}
