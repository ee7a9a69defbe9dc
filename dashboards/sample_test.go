package dashboards

import (
	"os"
	"testing"
	"time"

	"github.com/vigilops/vigil/alerts/catalog"
	"github.com/vigilops/vigil/alerts/cloudwatch"
	"github.com/vigilops/vigil/alerts/slo"
)

const runbooks = "https://github.com/vigilops/vigil/blob/main/docs/runbooks.md"

// sampleEstate is the estate of the prod sample stack (Pulumi.prod.yaml): an API and
// a web front on ECS behind the public load balancer with health URLs, a worker, the
// reservations database, the sessions cache, the events queue and the API's
// certificate.
func sampleEstate() cloudwatch.Estate {
	lb := "app/prod-public/50dc6c495c0c9188"
	p95 := 800 * time.Millisecond
	return cloudwatch.Estate{
		Options: cloudwatch.Options{NamePrefix: "vigil-prod", RunbookBaseURL: runbooks, Region: "eu-west-1",
			Tags: map[string]string{"team": "reservations", "cost-center": "4711"}},
		Services: []cloudwatch.Service{
			{Name: "api", ECS: &cloudwatch.ECSService{Cluster: "prod-main", Service: "reservations-api"},
				LoadBalancer: lb, TargetGroup: "targetgroup/prod-api/943f017f100becff", HealthCheckURL: "https://api.example.com/health",
				Thresholds: cloudwatch.ServiceThresholds{DownMinutes: 2, LatencyP95: p95}},
			{Name: "worker", ECS: &cloudwatch.ECSService{Cluster: "prod-main", Service: "reservations-worker"},
				Thresholds: cloudwatch.ServiceThresholds{CPUPercent: 90, CPUCriticalPercent: 95, LatencyP95: p95}},
			{Name: "web", ECS: &cloudwatch.ECSService{Cluster: "prod-main", Service: "reservations-web"},
				LoadBalancer: lb, TargetGroup: "targetgroup/prod-web/7b6a5c4d3e2f1a09", HealthCheckURL: "https://www.example.com/health",
				Thresholds: cloudwatch.ServiceThresholds{LatencyP95: p95}},
		},
		Databases: []cloudwatch.Database{{Name: "reservations-db", InstanceID: "prod-reservations", MaxConnections: 400}},
		Caches:    []cloudwatch.Cache{{Name: "sessions", ClusterID: "prod-sessions-001"}},
		Queues:    []cloudwatch.Queue{{Name: "prod-reservation-events", DeadLetterQueue: "prod-reservation-events-dlq"}},
		Certificates: []cloudwatch.Certificate{{Name: "api-example-com",
			ARN: "arn:aws:acm:eu-west-1:123456789012:certificate/9f8e7d6c-5b4a-4c3d-9e2f-1a0b9c8d7e6f"}},
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

// sampleSLOs are the reservations team's SLOs, read from slos/reservations.yaml as
// the sample stacks read them.
func sampleSLOs(t testing.TB) []slo.SLO {
	t.Helper()
	raw, err := os.ReadFile("../slos/reservations.yaml")
	if err != nil {
		t.Fatal(err)
	}
	slos, err := slo.ParseOpenSLO("slos/reservations.yaml", raw)
	if err != nil {
		t.Fatal(err)
	}
	return slos
}

func sampleGrafana(t testing.TB) Grafana {
	return Grafana{
		Environment: "prod", RunbookBaseURL: runbooks, Region: "eu-west-1",
		Services: []catalog.Service{
			{Name: "api", ErrorRatePercent: 2, LatencyP95: 800 * time.Millisecond, LatencyP99: 1500 * time.Millisecond, Runtime: &catalog.Runtime{Kind: catalog.Go}},
			{Name: "worker", LatencyP95: 800 * time.Millisecond, Runtime: &catalog.Runtime{Kind: catalog.JVM, GCPause: 300 * time.Millisecond}},
			{Name: "web", LatencyP95: 800 * time.Millisecond, Runtime: &catalog.Runtime{Kind: catalog.NodeJS}},
		},
		Estate: sampleEstate(), Alarms: sampleSet(t), SLOs: sampleSLOs(t),
	}
}

func sampleCloudWatch(t testing.TB) CloudWatch {
	return CloudWatch{NamePrefix: "vigil-prod", Region: "eu-west-1", Estate: sampleEstate(), Alarms: sampleSet(t),
		LogMetrics: []LogMetric{{Service: "api", Namespace: "vigil/prod/logs", MetricName: "api-errors"}, {Service: "worker", Namespace: "vigil/prod/logs", MetricName: "worker-panics"}}}
}
