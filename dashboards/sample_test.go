package dashboards

import (
	"testing"
	"time"

	"github.com/vigilops/vigil/alerts/catalog"
	"github.com/vigilops/vigil/alerts/cloudwatch"
	"github.com/vigilops/vigil/alerts/slo"
)

const runbooks = "https://github.com/vigilops/vigil/blob/main/docs/runbooks.md"

// sampleEstate is a prod-like stack: an API on ECS behind a load balancer with a
// health URL, a worker without load balancer, a database, a cache and a queue.
func sampleEstate() cloudwatch.Estate {
	return cloudwatch.Estate{
		Options: cloudwatch.Options{NamePrefix: "vigil-prod", RunbookBaseURL: runbooks, Region: "eu-west-1"},
		Services: []cloudwatch.Service{
			{Name: "api", ECS: &cloudwatch.ECSService{Cluster: "prod", Service: "api"},
				LoadBalancer: "app/prod-api/50dc6c495c0c9188", TargetGroup: "targetgroup/prod-api/6d0ecf831eec9f09",
				HealthCheckURL: "https://api.example.com/health", Thresholds: cloudwatch.ServiceThresholds{DownMinutes: 2, ErrorRatePercent: 2}},
			{Name: "worker", ECS: &cloudwatch.ECSService{Cluster: "prod", Service: "worker"}},
		},
		Databases: []cloudwatch.Database{{Name: "orders-db", InstanceID: "prod-orders", MaxConnections: 200, MemoryGiB: 8}},
		Caches:    []cloudwatch.Cache{{Name: "sessions", ClusterID: "prod-sessions-001"}},
		Queues:    []cloudwatch.Queue{{Name: "orders", DeadLetterQueue: "orders-dlq"}},
	}
}

func sampleSet(t testing.TB) cloudwatch.Set {
	t.Helper()
	set, err := cloudwatch.Build(sampleEstate())
	if err != nil {
		t.Fatal(err)
	}
	return set
}

func sampleSLOs() []slo.SLO {
	return []slo.SLO{
		{Service: "api", Name: "availability", Objective: 99.9,
			SLI:      slo.RatioSLI(`http_requests_total{service="api",code=~"5.."}`, `http_requests_total{service="api"}`, false),
			Alerting: slo.Alerting{RunbookURL: runbooks + "#errorbudgetburn"}},
		{Service: "api", Name: "latency", Objective: 99,
			SLI:      slo.LatencySLI("http_request_duration_seconds_bucket", `service="api"`, 500*time.Millisecond),
			Alerting: slo.Alerting{RunbookURL: runbooks + "#errorbudgetburn"}},
	}
}

func sampleGrafana(t testing.TB) Grafana {
	return Grafana{
		Environment: "prod", RunbookBaseURL: runbooks, Region: "eu-west-1",
		Services: []catalog.Service{
			{Name: "api", ErrorRatePercent: 2, LatencyP99: 1500 * time.Millisecond, Runtime: &catalog.Runtime{Kind: catalog.Go}},
			{Name: "checkout", Runtime: &catalog.Runtime{Kind: catalog.JVM}},
			{Name: "web", Runtime: &catalog.Runtime{Kind: catalog.NodeJS}},
		},
		Estate: sampleEstate(), Alarms: sampleSet(t), SLOs: sampleSLOs(),
	}
}

func TestSampleBuilds(t *testing.T) {
	ds, err := BuildGrafana(sampleGrafana(t))
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range ds {
		t.Log(d.Name, len(d.JSON))
	}
}

func sampleCloudWatch(t testing.TB) CloudWatch {
	return CloudWatch{NamePrefix: "vigil-prod", Region: "eu-west-1", Estate: sampleEstate(), Alarms: sampleSet(t),
		LogMetrics: []LogMetric{{Service: "api", Namespace: "vigil/prod/logs", MetricName: "api-errors"}}}
}

func TestSampleCloudWatchBuilds(t *testing.T) {
	ds, err := BuildCloudWatch(sampleCloudWatch(t))
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range ds {
		t.Log(d.Name, len(d.JSON), len(d.Body.Widgets), d.Body.MetricCount())
	}
	t.Log(Uncovered(sampleSet(t), ds...))
}
