package cloudwatch

import (
	"flag"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vigilops/vigil/alerts"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

const runbooks = "https://github.com/vigilops/vigil/blob/main/docs/runbooks.md"

// sampleEstate has one item of every kind, the way a prod stack would.
func sampleEstate() Estate {
	return Estate{
		Options: Options{NamePrefix: "vigil-prod", RunbookBaseURL: runbooks, Tags: map[string]string{"team": "reservations"}},
		Services: []Service{{
			Name: "api", Path: "services[0]",
			ECS:            &ECSService{Cluster: "prod", Service: "api"},
			LoadBalancer:   "app/prod-public/50dc6c495c0c9188",
			TargetGroup:    "targetgroup/api/943f017f100becff",
			HealthCheckURL: "https://api.example.com/health",
		}},
		Databases:    []Database{{Name: "orders-db", Path: "databases[0]", InstanceID: "prod-orders", MaxConnections: 200, Replica: true, MemoryGiB: 8}},
		Caches:       []Cache{{Name: "sessions", Path: "caches[0]", ClusterID: "prod-sessions-001"}},
		Queues:       []Queue{{Name: "orders", Path: "queues[0]", DeadLetterQueue: "orders-dlq"}},
		Hosts:        []HostGroup{{Name: "bastion", Path: "hosts[0]", InstanceIDs: []string{"i-0123456789abcdef0"}}},
		Certificates: []Certificate{{Name: "api-example-com", Path: "certificates[0]", ARN: "arn:aws:acm:eu-west-1:123456789012:certificate/0f1e2d3c-4b5a-4978-8796-a5b4c3d2e1f0"}},
	}
}

func buildSample(t *testing.T) Set {
	t.Helper()
	s, err := Build(sampleEstate())
	require.NoError(t, err)
	return s
}

func bySlug(s Set) map[string]Alarm {
	out := map[string]Alarm{}
	for _, a := range s.Alarms {
		out[a.Slug] = a
	}
	return out
}

// returned is the metric (or metric-math line) the alarm compares.
func returned(a Alarm) (namespace, metric, stat string, dims map[string]string) {
	if len(a.Metrics) == 0 {
		return a.Namespace, a.MetricName, a.Statistic + a.ExtendedStatistic, a.Dimensions
	}
	for _, q := range a.Metrics {
		if q.ReturnData && q.ID != a.ThresholdMetricID {
			if q.Metric != nil {
				return q.Metric.Namespace, q.Metric.MetricName, q.Metric.Stat, q.Metric.Dimensions
			}
			return "", q.Expression, "", nil
		}
	}
	return "", "", "", nil
}

func TestBuildWatchesEachKindWithAWSsOwnMetrics(t *testing.T) {
	s := buildSample(t)
	alarms := bySlug(s)
	ecs := map[string]string{"ClusterName": "prod", "ServiceName": "api"}
	tg := map[string]string{"LoadBalancer": "app/prod-public/50dc6c495c0c9188", "TargetGroup": "targetgroup/api/943f017f100becff"}
	lb := map[string]string{"LoadBalancer": "app/prod-public/50dc6c495c0c9188"}
	rds := map[string]string{"DBInstanceIdentifier": "prod-orders"}
	cache := map[string]string{"CacheClusterId": "prod-sessions-001"}
	tests := []struct {
		slug, namespace, metric, stat string
		dims                          map[string]string
		cmp                           Comparison
		threshold                     float64
		period, n, m                  int
		sev                           alerts.Severity
		missing                       TreatMissing
	}{
		{"ecs-cpu-high", "", "100*used/reserved", "", nil, GreaterThan, 80, 60, 5, 5, alerts.Medium, Missing},
		{"ecs-cpu-critical", "", "100*used/reserved", "", nil, GreaterThan, 90, 60, 5, 5, alerts.Critical, Missing},
		{"ecs-memory-high", "", "100*used/reserved", "", nil, GreaterThan, 85, 60, 5, 5, alerts.Medium, Missing},
		{"ecs-memory-critical", "", "100*used/reserved", "", nil, GreaterThan, 95, 60, 5, 5, alerts.Critical, Missing},
		{"ecs-tasks-below-desired", "", "desired - running", "", nil, GreaterThan, 0, 60, 5, 5, alerts.High, Missing},
		{"ecs-no-running-tasks", "ECS/ContainerInsights", "RunningTaskCount", "Maximum", ecs, LessThan, 1, 60, 5, 5, alerts.Critical, Breaching},
		{"ecs-network-anomaly", "ECS/ContainerInsights", "NetworkRxBytes", "Sum", ecs, AboveBand, 0, 300, 3, 3, alerts.Low, NotBreaching},
		{"lb-target-5xx-rate", "", "IF(requests >= 10, 100*FILL(errors, 0)/requests, 0)", "", nil, GreaterThan, 5, 60, 3, 3, alerts.High, NotBreaching},
		{"lb-elb-5xx", "AWS/ApplicationELB", "HTTPCode_ELB_5XX_Count", "Sum", lb, GreaterThan, 10, 60, 3, 3, alerts.High, NotBreaching},
		{"lb-elb-502", "AWS/ApplicationELB", "HTTPCode_ELB_502_Count", "Sum", lb, GreaterThan, 5, 60, 3, 3, alerts.High, NotBreaching},
		{"lb-latency-p95", "AWS/ApplicationELB", "TargetResponseTime", "p95", tg, GreaterThan, 1, 60, 5, 5, alerts.Medium, NotBreaching},
		{"lb-latency-p99", "AWS/ApplicationELB", "TargetResponseTime", "p99", tg, GreaterThan, 2, 60, 5, 5, alerts.High, NotBreaching},
		{"lb-unhealthy-hosts", "AWS/ApplicationELB", "UnHealthyHostCount", "Maximum", tg, GreaterThan, 0, 60, 5, 5, alerts.Medium, NotBreaching},
		{"lb-no-healthy-host", "AWS/ApplicationELB", "HealthyHostCount", "Minimum", tg, LessThan, 1, 60, 5, 5, alerts.Critical, Breaching},
		{"uptime-check-failed", "AWS/Route53", "HealthCheckStatus", "Minimum", map[string]string{"HealthCheckId": "${healthcheck:api-uptime}"}, LessThan, 1, 60, 1, 1, alerts.Critical, Breaching},
		{"rds-cpu-high", "AWS/RDS", "CPUUtilization", "Average", rds, GreaterThan, 80, 60, 5, 5, alerts.High, Missing},
		{"rds-free-storage-low", "AWS/RDS", "FreeStorageSpace", "Minimum", rds, LessThan, 5 * gib, 60, 5, 5, alerts.High, Missing},
		{"rds-connections-high", "AWS/RDS", "DatabaseConnections", "Maximum", rds, GreaterThan, 160, 60, 5, 5, alerts.High, Missing},
		{"rds-read-latency", "AWS/RDS", "ReadLatency", "Average", rds, GreaterThan, 0.2, 60, 5, 5, alerts.Medium, Missing},
		{"rds-write-latency", "AWS/RDS", "WriteLatency", "Average", rds, GreaterThan, 0.2, 60, 5, 5, alerts.Medium, Missing},
		{"rds-freeable-memory-low", "AWS/RDS", "FreeableMemory", "Average", rds, LessThan, 0.05 * 8 * gib, 60, 5, 5, alerts.High, Missing},
		{"rds-replica-lag", "AWS/RDS", "ReplicaLag", "Maximum", rds, GreaterThan, 10, 60, 5, 5, alerts.High, Missing},
		{"cache-cpu-high", "AWS/ElastiCache", "CPUUtilization", "Average", cache, GreaterThan, 80, 60, 5, 5, alerts.Medium, Missing},
		{"cache-engine-cpu-high", "AWS/ElastiCache", "EngineCPUUtilization", "Average", cache, GreaterThan, 80, 60, 5, 5, alerts.Medium, Missing},
		{"cache-memory-high", "AWS/ElastiCache", "DatabaseMemoryUsagePercentage", "Maximum", cache, GreaterThan, 85, 60, 5, 5, alerts.High, Missing},
		{"cache-evictions", "AWS/ElastiCache", "Evictions", "Sum", cache, GreaterThan, 100, 300, 1, 1, alerts.Low, NotBreaching},
		{"cache-connections-high", "AWS/ElastiCache", "CurrConnections", "Maximum", cache, GreaterThan, 1000, 60, 5, 5, alerts.Medium, Missing},
		{"sqs-oldest-message", "AWS/SQS", "ApproximateAgeOfOldestMessage", "Maximum", map[string]string{"QueueName": "orders"}, GreaterThan, 900, 60, 5, 5, alerts.High, NotBreaching},
		{"sqs-backlog", "AWS/SQS", "ApproximateNumberOfMessagesVisible", "Maximum", map[string]string{"QueueName": "orders"}, GreaterThan, 1000, 60, 5, 5, alerts.High, NotBreaching},
		{"sqs-dlq-not-empty", "AWS/SQS", "ApproximateNumberOfMessagesVisible", "Maximum", map[string]string{"QueueName": "orders-dlq"}, GreaterThan, 0, 60, 1, 1, alerts.High, NotBreaching},
		{"host-disk-used", "CWAgent", "disk_used_percent", "Maximum", map[string]string{"InstanceId": "i-0123456789abcdef0", "path": "/"}, GreaterThan, 90, 60, 5, 5, alerts.High, Missing},
		{"host-memory-used", "CWAgent", "mem_used_percent", "Average", map[string]string{"InstanceId": "i-0123456789abcdef0"}, GreaterThan, 85, 60, 5, 5, alerts.Medium, Missing},
		{"acm-expiry-high", "AWS/CertificateManager", "DaysToExpiry", "Minimum", map[string]string{"CertificateArn": sampleEstate().Certificates[0].ARN}, LessThan, 30, 86400, 1, 1, alerts.High, Missing},
		{"acm-expiry-critical", "AWS/CertificateManager", "DaysToExpiry", "Minimum", map[string]string{"CertificateArn": sampleEstate().Certificates[0].ARN}, LessThan, 7, 86400, 1, 1, alerts.Critical, Missing},
	}
	require.Len(t, s.Alarms, len(tests), "one alarm of each slug in the sample")
	for _, tc := range tests {
		a, ok := alarms[tc.slug]
		if !assert.True(t, ok, "no alarm %s", tc.slug) {
			continue
		}
		ns, metric, stat, dims := returned(a)
		assert.Equal(t, tc.namespace, ns, tc.slug)
		assert.Equal(t, tc.metric, metric, tc.slug)
		assert.Equal(t, tc.stat, stat, tc.slug)
		assert.Equal(t, tc.dims, dims, tc.slug)
		assert.Equal(t, tc.cmp, a.Comparison, tc.slug)
		assert.InDelta(t, tc.threshold, a.Threshold, 1e-9, tc.slug)
		assert.Equal(t, []int{tc.period, tc.n, tc.m}, []int{a.Period, a.EvaluationPeriods, a.Datapoints()}, tc.slug)
		assert.Equal(t, tc.sev, a.Severity, tc.slug)
		assert.Equal(t, tc.missing, a.TreatMissingData, tc.slug)
		assert.Equal(t, runbooks+"#"+tc.slug, a.RunbookURL, tc.slug)
		assert.True(t, strings.HasSuffix(a.Description, "Runbook: "+runbooks+"#"+tc.slug), "%s: %s", tc.slug, a.Description)
		assert.Contains(t, a.Description, a.Summary+" Fires when ", tc.slug)
		assert.Equal(t, "reservations", a.Tags["team"], tc.slug)
		assert.Equal(t, tc.slug, a.Tags["vigil:alarm"], tc.slug)
	}
	// Metric-math lines read Container Insights and the target group's counters.
	cpu := alarms["ecs-cpu-high"]
	assert.Equal(t, "CpuUtilized", cpu.Metrics[0].Metric.MetricName)
	assert.Equal(t, "CpuReserved", cpu.Metrics[1].Metric.MetricName)
	assert.Equal(t, ecs, cpu.Metrics[0].Metric.Dimensions)
	rate := alarms["lb-target-5xx-rate"]
	assert.Equal(t, "HTTPCode_Target_5XX_Count", rate.Metrics[0].Metric.MetricName)
	assert.Equal(t, "RequestCount", rate.Metrics[1].Metric.MetricName)
	assert.Equal(t, tg, rate.Metrics[1].Metric.Dimensions)
	assert.Equal(t, "ANOMALY_DETECTION_BAND(m1, 2)", alarms["ecs-network-anomaly"].Metrics[1].Expression)
	assert.Equal(t, "us-east-1", alarms["uptime-check-failed"].Region, "Route 53 metrics exist only in us-east-1")
	assert.Equal(t, "vigil-prod-api-ecs-cpu-high", cpu.Name)
	// The prose, then the lines the notifier reads: service, and the runbook.
	assert.Equal(t, "Service api uses most of its reserved CPU. Fires when CPU used, % of reserved is above 80 % in 5 of 5 periods of 1m.\nservice: api\nRunbook: "+runbooks+"#ecs-cpu-high", cpu.Description)
}

// breachAndOK returns a datapoint that breaches the alarm and the nearest one that
// does not: the threshold itself for strict comparisons.
func breachAndOK(a Alarm) (bad, good Datapoint) {
	step := math.Max(1, math.Abs(a.Threshold)*0.01)
	switch a.Comparison {
	case GreaterThan:
		return Datapoint{Value: a.Threshold + step}, Datapoint{Value: a.Threshold}
	case GreaterThanOrEqual:
		return Datapoint{Value: a.Threshold}, Datapoint{Value: a.Threshold - step}
	case LessThan:
		return Datapoint{Value: a.Threshold - step}, Datapoint{Value: a.Threshold}
	case LessThanOrEqual:
		return Datapoint{Value: a.Threshold}, Datapoint{Value: a.Threshold + step}
	}
	band := Datapoint{Lower: 10, Upper: 20}
	bad, good = band, band
	good.Value = 20
	if a.Comparison == BelowBand {
		good.Value = 10
	}
	bad.Value = 30
	if a.Comparison == BelowBand {
		bad.Value = 5
	}
	return bad, good
}

func series(points ...[]Datapoint) Series {
	s := Series{Start: t0}
	for _, p := range points {
		s.Points = append(s.Points, p...)
	}
	return s
}

func repeat(d Datapoint, n int) []Datapoint { return slices.Repeat([]Datapoint{d}, n) }

func TestEveryShippedAlarmFiresOnABreachStaysOKJustBelowAndRecovers(t *testing.T) {
	s := buildSample(t)
	for _, a := range s.Alarms {
		t.Run(a.Name, func(t *testing.T) {
			bad, good := breachAndOK(a)
			n, m := a.EvaluationPeriods, a.Datapoints()
			calm := n + 2
			got := Evaluate(a, series(repeat(good, calm), repeat(bad, n), repeat(good, calm)))
			require.Len(t, got, 3, "OK, ALARM, OK: %v", got)
			assert.Equal(t, StateOK, got[0].To)
			assert.Equal(t, Transition{At: t0.Add(time.Duration(calm+m) * time.Duration(a.Period) * time.Second), Slot: calm + m - 1, From: StateOK, To: StateAlarm}, got[1],
				"ALARM when the M-th breaching period closes")
			assert.Equal(t, StateOK, got[2].To, "recovers")
			assert.Equal(t, calm+2*n-m, got[2].Slot, "OK once fewer than M of the last N breach")

			quiet := Evaluate(a, series(repeat(good, 3*calm)))
			assert.Equal(t, []Transition{{At: t0.Add(time.Duration(a.Period) * time.Second), Slot: 0, From: StateInsufficientData, To: StateOK}}, quiet,
				"stays OK at the threshold itself")
		})
	}
}

func TestDetectionTimeIsTheEvaluatorsWorstCase(t *testing.T) {
	s := buildSample(t)
	for _, a := range s.Alarms {
		t.Run(a.Name, func(t *testing.T) {
			bad, good := breachAndOK(a)
			m, calm := a.Datapoints(), a.EvaluationPeriods+2
			period := time.Duration(a.Period) * time.Second
			// The breach starts just after period `calm` begins; that period's datapoint
			// breaches only if one sample suffices (an extremal statistic).
			partial := good
			if extremal(a) {
				partial = bad
			}
			got := Evaluate(a, series(repeat(good, calm), []Datapoint{partial}, repeat(bad, m+1)))
			require.Len(t, got, 2)
			require.Equal(t, StateAlarm, got[1].To)
			breachStart := t0.Add(time.Duration(calm) * period)
			worst := a.SourceDelay + got[1].At.Sub(breachStart)

			// A breach that starts on a period boundary is caught sooner, never later.
			best := Evaluate(a, series(repeat(good, calm), repeat(bad, m+1)))
			assert.LessOrEqual(t, a.SourceDelay+best[1].At.Sub(breachStart), DetectionTime(a))

			if a.SilentWhenBroken {
				// The failure may show as silence, just after the last, good datapoint began.
				silent := Evaluate(a, series(repeat(good, calm), []Datapoint{good}, repeat(Gap, 3*calm)))
				require.Len(t, silent, 2, "%v", silent)
				require.Equal(t, StateAlarm, silent[1].To)
				worst = max(worst, a.SourceDelay+silent[1].At.Sub(breachStart))
			}
			assert.Equal(t, DetectionTime(a), worst)
		})
	}
	alarms := bySlug(s)
	assert.Equal(t, 8*time.Minute, DetectionTime(alarms["ecs-no-running-tasks"]), "ECS goes silent: the last datapoints leave the 7-minute range first")
	assert.Equal(t, 6*time.Minute, DetectionTime(alarms["ecs-cpu-high"]), "5 of 5 minutes of an average, and the partial minute")
	assert.Equal(t, 5*time.Minute, DetectionTime(alarms["lb-no-healthy-host"]), "a Minimum below 1 breaches with its first sample")
	assert.Equal(t, 90*time.Second, DetectionTime(alarms["uptime-check-failed"]), "3 probes 10 s apart, then one minute: about a minute and a half")
	assert.Equal(t, 24*time.Hour, DetectionTime(alarms["acm-expiry-high"]), "DaysToExpiry is published daily")
}

func TestServiceHealthCoversTheServicesCriticalAlarmsWhichStayQuiet(t *testing.T) {
	s := buildSample(t)
	require.Len(t, s.Composites, 1)
	c := s.Composites[0]
	assert.Equal(t, "vigil-prod-api-service-health", c.Name)
	assert.Equal(t, alerts.Critical, c.Severity)
	want := []string{"vigil-prod-api-ecs-cpu-critical", "vigil-prod-api-ecs-memory-critical", "vigil-prod-api-ecs-no-running-tasks", "vigil-prod-api-lb-no-healthy-host"}
	assert.Equal(t, want, c.Children)
	assert.Equal(t, `ALARM("vigil-prod-api-ecs-cpu-critical") OR ALARM("vigil-prod-api-ecs-memory-critical") OR ALARM("vigil-prod-api-ecs-no-running-tasks") OR ALARM("vigil-prod-api-lb-no-healthy-host")`, c.Rule)
	for _, a := range s.Alarms {
		assert.Equal(t, slices.Contains(want, a.Name), a.Quiet, "%s is quiet exactly when the composite covers it", a.Name)
	}
	assert.False(t, bySlug(s)["uptime-check-failed"].Quiet, "the us-east-1 uptime alarm cannot be a child; it notifies itself")
	assert.Equal(t, 8*time.Minute, CompositeDetectionTime(c, s.Alarms), "as its slowest child, ecs-no-running-tasks when ECS goes silent")
}

func TestOverridesChangeOneKindOfOneItem(t *testing.T) {
	e := sampleEstate()
	kind := Overrides{"rds-cpu-high": {Threshold: Float(70), Severity: alerts.Medium}}
	item := Overrides{
		"rds-cpu-high":     {Threshold: Float(90), Period: Int(300), EvaluationPeriods: Int(3), DatapointsToAlarm: Int(2)},
		"rds-replica-lag":  {Disabled: true},
		"rds-read-latency": {Severity: alerts.Low},
	}
	e.Databases[0].Overrides = MergeOverrides(kind, item)
	e.Services[0].Overrides = Overrides{"ecs-cpu-high": {Period: Int(120)}}
	s, err := Build(e)
	require.NoError(t, err)
	alarms := bySlug(s)
	cpu := alarms["rds-cpu-high"]
	assert.Equal(t, 90.0, cpu.Threshold, "the item's threshold wins over the kind's")
	assert.Equal(t, alerts.Medium, cpu.Severity, "the kind's severity stays where the item says nothing")
	assert.Equal(t, []int{300, 3, 2}, []int{cpu.Period, cpu.EvaluationPeriods, cpu.DatapointsToAlarm})
	assert.Contains(t, cpu.Description, "above 90 % in 2 of 3 periods of 5m", "the description follows the override")
	assert.NotContains(t, alarms, "rds-replica-lag")
	assert.Equal(t, alerts.Low, alarms["rds-read-latency"].Severity)
	ecsCPU := alarms["ecs-cpu-high"]
	assert.Equal(t, 120, ecsCPU.Period)
	for _, q := range ecsCPU.Metrics {
		if q.Metric != nil {
			assert.Equal(t, 120, q.Metric.Period, "a math alarm's metrics follow its period")
		}
	}
	assert.Equal(t, 60, alarms["ecs-cpu-critical"].Period, "the other kinds keep theirs")
}

func TestBuildRefusesBadInputAndBadOverridesAtTheirConfigPaths(t *testing.T) {
	e := sampleEstate()
	e.Options.RunbookBaseURL = "docs/runbooks.md"
	e.Services[0].HealthCheckURL = "http://api.example.com/health"
	e.Services[0].Overrides = Overrides{"ecs-cpu-hgh": {Threshold: Float(1)}, "ecs-memory-high": {Period: Int(45), Severity: "urgent"}}
	e.Databases[0].MaxConnections = 0
	e.Queues[0].Name = "orders queue"
	e.Certificates[0].DaysToExpiry = 400
	_, err := Build(e)
	require.Error(t, err)
	assert.Equal(t, strings.Join([]string{
		"invalid CloudWatch estate (7 problems):",
		`  Options.RunbookBaseURL: must be an absolute http:// or https:// URL, got "docs/runbooks.md"`,
		"    hint: for example https://github.com/vigilops/vigil/blob/main/docs/runbooks.md",
		"  certificates[0].DaysToExpiry: must be between 1 and 365, got 400",
		"    hint: ACM renews 60 days before expiry",
		"  databases[0].MaxConnections: must be at least 1, got 0",
		"    hint: the engine's max_connections parameter, e.g. 100",
		`  queues[0].Name: must be an SQS queue name, got "orders queue"`,
		"    hint: queue names are 1-80 letters, digits, hyphens and underscores, with .fifo at the end of FIFO queues",
		`  services[0].HealthCheckURL: must be an absolute https:// URL, got "http://api.example.com/health"`,
		"    hint: Route 53 probes the URL over HTTPS, for example https://api.example.com/health",
		"  services[0].alarms.ecs-cpu-hgh: is not an alarm of this item",
		"    hint: did you mean ecs-cpu-high?",
		`  services[0].alarms.ecs-memory-high.severity: must be one of critical, high, medium, low, got "urgent"`,
		"    hint: expected one of critical, high, low, medium",
	}, "\n"), err.Error())

	// A period override that CloudWatch would refuse is caught by Validate, at the
	// alarm's path.
	e = sampleEstate()
	e.Services[0].Overrides = Overrides{"ecs-memory-high": {Period: Int(45)}}
	_, err = Build(e)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "services[0].alarms.ecs-memory-high.Period: must be 10, 20, 30 or a multiple of 60 seconds, got 45")
	assert.Contains(t, err.Error(), "services[0].alarms.ecs-memory-high.Metrics[0].Metric.Period: must be 10, 20, 30 or a multiple of 60 seconds, got 45")
}

func TestUptimeHealthCheckDetectsAnOutageWithinAboutAMinute(t *testing.T) {
	s := buildSample(t)
	require.Len(t, s.HealthChecks, 1)
	h := s.HealthChecks[0]
	assert.Equal(t, HealthCheck{
		Slug: "api-uptime", Resource: "api", Path: "services[0]", FQDN: "api.example.com", Port: 443, ResourcePath: "/health",
		RequestInterval: 10, FailureThreshold: 3, Name: "vigil-prod-api-uptime",
		Tags: map[string]string{"Name": "vigil-prod-api-uptime", "team": "reservations", "vigil:resource": "api"},
	}, h)
	assert.Equal(t, 30*time.Second, h.DetectionDelay())
	assert.Equal(t, MetricStat{Namespace: "AWS/Route53", MetricName: "HealthCheckPercentageHealthy", Dimensions: map[string]string{"HealthCheckId": "abc"}, Stat: "Average", Period: 300}, UptimeMetric("abc"))
}

func TestHostAgentConfigurationPublishesWhatTheAlarmsWatch(t *testing.T) {
	s := buildSample(t)
	require.Len(t, s.AgentConfigs, 1)
	cfg := s.AgentConfigs[0]
	assert.Equal(t, "AmazonCloudWatch-vigil-prod-bastion", cfg.Parameter)
	assert.JSONEq(t, `{
		"agent": {"metrics_collection_interval": 60, "omit_hostname": true},
		"metrics": {
			"namespace": "CWAgent",
			"append_dimensions": {"InstanceId": "${aws:InstanceId}"},
			"aggregation_dimensions": [["InstanceId"], ["InstanceId", "path"]],
			"metrics_collected": {
				"mem": {"measurement": ["mem_used_percent"]},
				"disk": {"measurement": ["used_percent"], "resources": ["/"], "drop_device": true}
			}
		}
	}`, cfg.JSON)

	e := sampleEstate()
	e.Hosts[0].MountPaths = []string{"/", "/data"}
	two, err := Build(e)
	require.NoError(t, err)
	var disks []string
	for _, a := range two.Alarms {
		if a.Slug == "host-disk-used" {
			disks = append(disks, a.Name)
		}
	}
	assert.Equal(t, []string{"vigil-prod-bastion-i-0123456789abcdef0-host-disk-used-root", "vigil-prod-bastion-i-0123456789abcdef0-host-disk-used-data"}, disks)
}

func TestDetectionReportListsEveryAlarm(t *testing.T) {
	s := buildSample(t)
	got := DetectionReport(s)
	for _, a := range s.Alarms {
		assert.Contains(t, got, a.Name)
	}
	golden := filepath.Join("testdata", "detection-report.txt")
	if *update {
		require.NoError(t, os.MkdirAll("testdata", 0o755))
		require.NoError(t, os.WriteFile(golden, []byte(got), 0o644))
	}
	want, err := os.ReadFile(golden)
	require.NoError(t, err)
	assert.Equal(t, string(want), got, "run go test ./alerts/cloudwatch -update and read the diff")
}

func TestTheCompositeFollowsSeverityOverridesAndTheStacksRegion(t *testing.T) {
	e := sampleEstate()
	e.Services[0].Overrides = Overrides{
		"ecs-cpu-critical":        {Severity: alerts.High},     // no longer covered: notifies alone
		"ecs-tasks-below-desired": {Severity: alerts.Critical}, // now covered
	}
	s, err := Build(e)
	require.NoError(t, err)
	require.Len(t, s.Composites, 1)
	assert.Equal(t, []string{"vigil-prod-api-ecs-memory-critical", "vigil-prod-api-ecs-tasks-below-desired", "vigil-prod-api-ecs-no-running-tasks", "vigil-prod-api-lb-no-healthy-host"}, s.Composites[0].Children)
	assert.False(t, bySlug(s)["ecs-cpu-critical"].Quiet)
	assert.True(t, bySlug(s)["ecs-tasks-below-desired"].Quiet)

	// In a us-east-1 stack the uptime alarm is local and joins the composite.
	e = sampleEstate()
	e.Options.Region = "us-east-1"
	s, err = Build(e)
	require.NoError(t, err)
	assert.Contains(t, s.Composites[0].Children, "vigil-prod-api-uptime-check-failed")
	assert.True(t, bySlug(s)["uptime-check-failed"].Quiet)

	// Without critical alarms there is no composite.
	e = sampleEstate()
	e.Services[0].HealthCheckURL = ""
	e.Services[0].Overrides = Overrides{}
	for _, slug := range []string{"ecs-cpu-critical", "ecs-memory-critical", "ecs-no-running-tasks", "lb-no-healthy-host"} {
		e.Services[0].Overrides[slug] = Override{Disabled: true}
	}
	s, err = Build(e)
	require.NoError(t, err)
	assert.Empty(t, s.Composites)
}

func TestAHostGroupsOverridesApplyToEveryInstanceAndAreCheckedOnce(t *testing.T) {
	e := sampleEstate()
	e.Hosts[0].InstanceIDs = []string{"i-0123456789abcdef0", "i-0fedcba9876543210"}
	e.Hosts[0].Overrides = Overrides{"host-memory-used": {Threshold: Float(95)}}
	s, err := Build(e)
	require.NoError(t, err)
	n := 0
	for _, a := range s.Alarms {
		if a.Slug == "host-memory-used" {
			n++
			assert.Equal(t, 95.0, a.Threshold, a.Name)
		}
	}
	assert.Equal(t, 2, n)

	e.Hosts[0].Overrides = Overrides{"host-mem-used": {Threshold: Float(95)}}
	_, err = Build(e)
	require.Error(t, err)
	assert.Equal(t, 1, strings.Count(err.Error(), "hosts[0].alarms.host-mem-used: is not an alarm of this item"), err.Error())
}

func TestTheUptimeDescriptionLeavesTheQueryOut(t *testing.T) {
	e := sampleEstate()
	e.Services[0].HealthCheckURL = "https://api.example.com:8443/health?token=abc"
	s, err := Build(e)
	require.NoError(t, err)
	up := bySlug(s)["uptime-check-failed"]
	assert.NotContains(t, up.Description, "token")
	assert.Contains(t, up.Description, "https://api.example.com:8443/health")
	assert.Equal(t, 8443, s.HealthChecks[0].Port)
	assert.Equal(t, "/health?token=abc", s.HealthChecks[0].ResourcePath, "Route 53 must still request the whole path")
}

func TestWarningLevelsMayNotPassTheirCriticalLevels(t *testing.T) {
	e := sampleEstate()
	e.Services[0].Thresholds = ServiceThresholds{CPUPercent: 90, MemoryPercent: 95} // equal is allowed
	e.Certificates[0].DaysToExpiry, e.Certificates[0].CriticalDaysToExpiry = 7, 7
	_, err := Build(e)
	require.NoError(t, err)

	e.Services[0].Thresholds = ServiceThresholds{CPUPercent: 91, MemoryPercent: 96}
	e.Certificates[0].DaysToExpiry, e.Certificates[0].CriticalDaysToExpiry = 14, 15
	_, err = Build(e)
	require.Error(t, err)
	for _, want := range []string{
		"services[0].Thresholds.CPUPercent: must not be above CPUCriticalPercent (90), got 91",
		"services[0].Thresholds.MemoryPercent: must not be above MemoryCriticalPercent (95), got 96",
		"certificates[0].CriticalDaysToExpiry: must not be above DaysToExpiry (14), got 15",
	} {
		assert.Contains(t, err.Error(), want)
	}
}

func TestTheNamePrefixKeepsCompositeRulesParseable(t *testing.T) {
	for prefix, ok := range map[string]bool{"vigil-prod": true, "Team_A.prod": true, `bad"prefix`: false, "-lead": false, strings.Repeat("a", 64): true, strings.Repeat("a", 65): false} {
		e := sampleEstate()
		e.Options.NamePrefix = prefix
		_, err := Build(e)
		if ok {
			assert.NoError(t, err, prefix)
		} else if assert.Error(t, err, prefix) {
			assert.Contains(t, err.Error(), "Options.NamePrefix: must be 1-64 letters, digits, '.', '-' or '_'", prefix)
		}
	}
}
