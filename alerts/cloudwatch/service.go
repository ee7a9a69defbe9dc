package cloudwatch

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/vigilops/vigil/alerts"
	"github.com/vigilops/vigil/validate"
)

// Service is one of the team's services: its ECS service (Container Insights), its
// load balancer and target group, and its health URL, each optional. Its critical
// alarms are covered by one composite "service health" alarm.
type Service struct {
	// Name is the service's vigil name, in alarm names: lower-case letters, digits
	// and hyphens. Required.
	Name string
	// Path is the config path, e.g. "services[0]"; problems are reported under it.
	Path string
	// ECS locates the ECS service; nil for none. Container Insights must be on for the
	// cluster (ECS/ContainerInsights metrics).
	ECS *ECSService
	// LoadBalancer is the ALB's ARN suffix (app/<name>/<id>), the LoadBalancer
	// dimension. Optional.
	LoadBalancer string
	// TargetGroup is the target group's ARN suffix (targetgroup/<name>/<id>). Needs
	// LoadBalancer; adds the healthy-host alarms. Optional.
	TargetGroup string
	// HealthCheckURL is an https:// URL that answers 200 when the service is healthy;
	// it gets a Route 53 health check and an uptime alarm. Optional.
	HealthCheckURL string
	// Thresholds of the service's alarms; zero fields take their defaults.
	Thresholds ServiceThresholds
	// Overrides change any alarm of the service by slug: threshold, period,
	// evaluation periods, datapoints to alarm, severity, or leave it out.
	Overrides Overrides
}

// ECSService names an ECS service, as the ClusterName and ServiceName dimensions.
type ECSService struct{ Cluster, Service string }

// ServiceThresholds are a service's thresholds (REQUIREMENTS.md, seeds 001 and 004).
type ServiceThresholds struct {
	// CPUPercent: tasks' CPU used as a share of what they reserve, for 5 minutes
	// (ecs-cpu-high, medium). 1-100; defaults to 80.
	CPUPercent float64
	// CPUCriticalPercent: the same, critical (ecs-cpu-critical). Defaults to 90.
	CPUCriticalPercent float64
	// MemoryPercent: memory used as a share of the reservation, for 5 minutes
	// (ecs-memory-high, medium). Defaults to 85.
	MemoryPercent float64
	// MemoryCriticalPercent: the same, critical (ecs-memory-critical). Defaults to 95.
	MemoryCriticalPercent float64
	// DownMinutes: how long no task may run, or no target be healthy, or the health
	// check fail, before the critical alarms fire. 1-60; defaults to 5 (the main API
	// of a team typically uses 2).
	DownMinutes int
	// ErrorRatePercent: target 5xx as a share of requests, for 3 minutes
	// (lb-target-5xx-rate, high). Defaults to 5.
	ErrorRatePercent float64
	// MinRequestsPerMinute: below this traffic the error rate counts as 0, so that one
	// failed request of two does not page. Defaults to 10.
	MinRequestsPerMinute float64
	// ELB5xxPerMinute and ELB502PerMinute: errors the load balancer itself answers,
	// for 3 minutes (lb-elb-5xx, lb-elb-502, high). Default to 10 and 5.
	ELB5xxPerMinute, ELB502PerMinute float64
	// LatencyP95 and LatencyP99: target response time percentiles, for 5 minutes
	// (lb-latency-p95 medium, lb-latency-p99 high). Default to 1s and 2s.
	LatencyP95, LatencyP99 time.Duration
	// NetworkBandWidth: width in standard deviations of the anomaly band on the
	// tasks' received bytes (ecs-network-anomaly, low). Defaults to 2.
	NetworkBandWidth float64
}

func (t ServiceThresholds) withDefaults() ServiceThresholds {
	def := func(v *float64, d float64) {
		if *v == 0 {
			*v = d
		}
	}
	def(&t.CPUPercent, 80)
	def(&t.CPUCriticalPercent, 90)
	def(&t.MemoryPercent, 85)
	def(&t.MemoryCriticalPercent, 95)
	def(&t.ErrorRatePercent, 5)
	def(&t.MinRequestsPerMinute, 10)
	def(&t.ELB5xxPerMinute, 10)
	def(&t.ELB502PerMinute, 5)
	def(&t.NetworkBandWidth, 2)
	if t.DownMinutes == 0 {
		t.DownMinutes = 5
	}
	if t.LatencyP95 == 0 {
		t.LatencyP95 = time.Second
	}
	if t.LatencyP99 == 0 {
		t.LatencyP99 = 2 * time.Second
	}
	return t
}

func (t ServiceThresholds) check(ps *validate.Problems, path string) {
	p := path + ".Thresholds."
	validate.FloatRange(ps, p+"CPUPercent", t.CPUPercent, 1, 100, "a share of the tasks' reserved CPU")
	validate.FloatRange(ps, p+"CPUCriticalPercent", t.CPUCriticalPercent, 1, 100, "a share of the tasks' reserved CPU")
	validate.FloatRange(ps, p+"MemoryPercent", t.MemoryPercent, 1, 100, "a share of the tasks' reserved memory")
	validate.FloatRange(ps, p+"MemoryCriticalPercent", t.MemoryCriticalPercent, 1, 100, "a share of the tasks' reserved memory")
	validate.FloatRange(ps, p+"ErrorRatePercent", t.ErrorRatePercent, 0.01, 100, "a share of requests")
	if t.CPUPercent > t.CPUCriticalPercent {
		ps.Addf(p+"CPUPercent", "the critical level is the higher one", "must not be above CPUCriticalPercent (%g), got %g", t.CPUCriticalPercent, t.CPUPercent)
	}
	if t.MemoryPercent > t.MemoryCriticalPercent {
		ps.Addf(p+"MemoryPercent", "the critical level is the higher one", "must not be above MemoryCriticalPercent (%g), got %g", t.MemoryCriticalPercent, t.MemoryPercent)
	}
	validate.IntRange(ps, p+"DownMinutes", t.DownMinutes, 1, 60, "minutes before an outage pages")
	if t.LatencyP95 < time.Millisecond || t.LatencyP99 < time.Millisecond {
		ps.Add(p+"LatencyP95", "latency thresholds must be at least 1ms", "")
	}
	if t.NetworkBandWidth < 0 {
		ps.Addf(p+"NetworkBandWidth", "a positive number of standard deviations, such as 2", "must be positive, got %g", t.NetworkBandWidth)
	}
}

func buildService(ps *validate.Problems, o Options, s Service) ([]Alarm, *HealthCheck) {
	validate.Name(ps, s.Path+".Name", s.Name, 63)
	t := s.Thresholds.withDefaults()
	t.check(ps, s.Path)
	down := t.DownMinutes
	var out []Alarm

	if s.ECS != nil {
		validate.ECSName(ps, s.Path+".ECS.Cluster", s.ECS.Cluster)
		validate.ECSName(ps, s.Path+".ECS.Service", s.ECS.Service)
		dims := map[string]string{"ClusterName": s.ECS.Cluster, "ServiceName": s.ECS.Service}
		ci := func(metric, stat string) *MetricStat {
			return &MetricStat{Namespace: "ECS/ContainerInsights", MetricName: metric, Dimensions: dims, Stat: stat, Period: 60}
		}
		share := func(slug, used, reserved, label, summary string, threshold float64, sev alerts.Severity) Alarm {
			return Alarm{
				Slug: slug, Severity: sev, Summary: fmt.Sprintf(summary, s.Name),
				Metrics: []MetricQuery{
					{ID: "used", Metric: ci(used, "Sum")},
					{ID: "reserved", Metric: ci(reserved, "Sum")},
					{ID: "share", Expression: "100*used/reserved", Label: label, ReturnData: true},
				},
				Period: 60, EvaluationPeriods: 5, DatapointsToAlarm: 5, Threshold: threshold, Comparison: GreaterThan,
				ThresholdUnit: "%", TreatMissingData: Missing,
			}
		}
		out = append(out,
			share("ecs-cpu-high", "CpuUtilized", "CpuReserved", "CPU used, % of reserved", "Service %s uses most of its reserved CPU.", t.CPUPercent, alerts.Medium),
			share("ecs-cpu-critical", "CpuUtilized", "CpuReserved", "CPU used, % of reserved", "Service %s is out of CPU.", t.CPUCriticalPercent, alerts.Critical),
			share("ecs-memory-high", "MemoryUtilized", "MemoryReserved", "memory used, % of reserved", "Service %s uses most of its reserved memory.", t.MemoryPercent, alerts.Medium),
			share("ecs-memory-critical", "MemoryUtilized", "MemoryReserved", "memory used, % of reserved", "Service %s is about to run out of memory.", t.MemoryCriticalPercent, alerts.Critical),
			Alarm{
				Slug: "ecs-tasks-below-desired", Severity: alerts.High,
				Summary: fmt.Sprintf("Service %s runs fewer tasks than it wants.", s.Name),
				Metrics: []MetricQuery{
					{ID: "running", Metric: ci("RunningTaskCount", "Minimum")},
					{ID: "desired", Metric: ci("DesiredTaskCount", "Maximum")},
					{ID: "missing_tasks", Expression: "desired - running", Label: "tasks missing", ReturnData: true},
				},
				Period: 60, EvaluationPeriods: down, DatapointsToAlarm: down, Threshold: 0, Comparison: GreaterThan,
				ThresholdUnit: "tasks", TreatMissingData: Missing,
			},
			Alarm{
				Slug: "ecs-no-running-tasks", Severity: alerts.Critical,
				Summary:   fmt.Sprintf("Service %s runs no task: it is down.", s.Name),
				Namespace: "ECS/ContainerInsights", MetricName: "RunningTaskCount", Dimensions: dims, Statistic: "Maximum",
				Period: 60, EvaluationPeriods: down, DatapointsToAlarm: down, Threshold: 1, Comparison: LessThan,
				ThresholdUnit: "tasks", TreatMissingData: Breaching, SilentWhenBroken: true,
			},
			Anomaly(AnomalyInput{
				Slug: "ecs-network-anomaly", Severity: alerts.Low, BandWidth: t.NetworkBandWidth,
				Summary: fmt.Sprintf("Service %s receives unusual network traffic.", s.Name),
				Metric:  *ci("NetworkRxBytes", "Sum"),
			}, ""),
		)
		// The network anomaly is judged on 5-minute sums, smoother than minutes.
		last := &out[len(out)-1]
		last.Period, last.Metrics[0].Metric.Period = 300, 300
	}

	if s.LoadBalancer != "" {
		validate.LoadBalancerDimension(ps, s.Path+".LoadBalancer", s.LoadBalancer)
		out = append(out, loadBalancerAlarms(s, t)...)
	} else if s.TargetGroup != "" {
		ps.Add(s.Path+".TargetGroup", "needs LoadBalancer", "target group metrics are published with both dimensions")
	}

	var hc *HealthCheck
	if s.HealthCheckURL != "" {
		var a Alarm
		hc, a = uptime(ps, o, s)
		if hc != nil {
			out = append(out, a)
		}
	}
	return finish(ps, o, s.Path, s.Name, s.Name, s.Overrides, out), hc
}

func loadBalancerAlarms(s Service, t ServiceThresholds) []Alarm {
	lbDims := map[string]string{"LoadBalancer": s.LoadBalancer}
	targetDims := lbDims
	if s.TargetGroup != "" {
		targetDims = map[string]string{"LoadBalancer": s.LoadBalancer, "TargetGroup": s.TargetGroup}
	}
	elb := func(metric, stat string, dims map[string]string) *MetricStat {
		return &MetricStat{Namespace: "AWS/ApplicationELB", MetricName: metric, Dimensions: dims, Stat: stat, Period: 60}
	}
	count := func(slug, metric string, threshold float64, summary string) Alarm {
		return Alarm{
			Slug: slug, Severity: alerts.High, Summary: fmt.Sprintf(summary, s.Name),
			Namespace: "AWS/ApplicationELB", MetricName: metric, Dimensions: lbDims, Statistic: "Sum",
			Period: 60, EvaluationPeriods: 3, DatapointsToAlarm: 3, Threshold: threshold, Comparison: GreaterThan,
			ThresholdUnit: "a minute", TreatMissingData: NotBreaching,
		}
	}
	latency := func(slug, pct string, d time.Duration, sev alerts.Severity) Alarm {
		return Alarm{
			Slug: slug, Severity: sev, Summary: fmt.Sprintf("Service %s answers slowly: its %s response time is high.", s.Name, pct),
			Namespace: "AWS/ApplicationELB", MetricName: "TargetResponseTime", Dimensions: targetDims, ExtendedStatistic: pct,
			Period: 60, EvaluationPeriods: 5, DatapointsToAlarm: 5, Threshold: d.Seconds(), Comparison: GreaterThan,
			ThresholdUnit: "seconds", TreatMissingData: NotBreaching,
		}
	}
	guard := strconv.FormatFloat(t.MinRequestsPerMinute, 'f', -1, 64)
	out := []Alarm{
		{
			Slug: "lb-target-5xx-rate", Severity: alerts.High,
			Summary: fmt.Sprintf("Service %s fails too many requests with 5xx.", s.Name),
			Metrics: []MetricQuery{
				{ID: "errors", Metric: elb("HTTPCode_Target_5XX_Count", "Sum", targetDims)},
				{ID: "requests", Metric: elb("RequestCount", "Sum", targetDims)},
				{ID: "error_rate", Expression: "IF(requests >= " + guard + ", 100*FILL(errors, 0)/requests, 0)",
					Label: "5xx, % of requests (0 under " + guard + " requests a minute)", ReturnData: true},
			},
			Period: 60, EvaluationPeriods: 3, DatapointsToAlarm: 3, Threshold: t.ErrorRatePercent, Comparison: GreaterThan,
			ThresholdUnit: "%", TreatMissingData: NotBreaching,
		},
		count("lb-elb-5xx", "HTTPCode_ELB_5XX_Count", t.ELB5xxPerMinute, "The load balancer of %s answers 5xx itself."),
		count("lb-elb-502", "HTTPCode_ELB_502_Count", t.ELB502PerMinute, "The load balancer of %s gets bad answers from its targets (502)."),
		latency("lb-latency-p95", "p95", t.LatencyP95, alerts.Medium),
		latency("lb-latency-p99", "p99", t.LatencyP99, alerts.High),
	}
	if s.TargetGroup != "" {
		out = append(out,
			Alarm{
				Slug: "lb-unhealthy-hosts", Severity: alerts.Medium,
				Summary:   fmt.Sprintf("Some targets of %s fail their health checks.", s.Name),
				Namespace: "AWS/ApplicationELB", MetricName: "UnHealthyHostCount", Dimensions: targetDims, Statistic: "Maximum",
				Period: 60, EvaluationPeriods: 5, DatapointsToAlarm: 5, Threshold: 0, Comparison: GreaterThan,
				ThresholdUnit: "hosts", TreatMissingData: NotBreaching,
			},
			Alarm{
				Slug: "lb-no-healthy-host", Severity: alerts.Critical,
				Summary:   fmt.Sprintf("Service %s has no healthy target: it is down.", s.Name),
				Namespace: "AWS/ApplicationELB", MetricName: "HealthyHostCount", Dimensions: targetDims, Statistic: "Minimum",
				Period: 60, EvaluationPeriods: t.DownMinutes, DatapointsToAlarm: t.DownMinutes, Threshold: 1, Comparison: LessThan,
				ThresholdUnit: "hosts", TreatMissingData: Breaching,
			})
	}
	return out
}

// Route 53 health checks: probes every 10 seconds, 3 failures make the check
// unhealthy (30 s), and the alarm fires on the first minute whose Minimum status is
// 0, so an outage is notified within about a minute and a half.
const (
	UptimeRequestInterval  = 10
	UptimeFailureThreshold = 3
)

// uptime returns the health check of the service's URL and the alarm on its status.
// The alarm lives in us-east-1, where Route 53 publishes its metrics.
func uptime(ps *validate.Problems, o Options, s Service) (*HealthCheck, Alarm) {
	path := s.Path + ".HealthCheckURL"
	u, err := url.Parse(s.HealthCheckURL)
	if err != nil || u.Scheme != "https" || u.Hostname() == "" {
		ps.Addf(path, "Route 53 probes the URL over HTTPS, for example https://api.example.com/health", "must be an absolute https:// URL, got %q", s.HealthCheckURL)
		return nil, Alarm{}
	}
	port := 443
	if p := u.Port(); p != "" {
		port, _ = strconv.Atoi(p)
	}
	resource := u.EscapedPath()
	if resource == "" {
		resource = "/"
	}
	if u.RawQuery != "" {
		resource += "?" + u.RawQuery
	}
	slug := s.Name + "-uptime"
	hc := &HealthCheck{
		Slug: slug, Resource: s.Name, Path: s.Path, FQDN: strings.ToLower(u.Hostname()), Port: port, ResourcePath: resource,
		RequestInterval: UptimeRequestInterval, FailureThreshold: UptimeFailureThreshold,
		Name: AlarmName(o.NamePrefix, s.Name, "uptime"),
		Tags: mergeTags(o.Tags, map[string]string{"Name": AlarmName(o.NamePrefix, s.Name, "uptime"), "vigil:resource": s.Name}),
	}
	a := Alarm{
		Slug: "uptime-check-failed", Severity: alerts.Critical,
		Summary:   fmt.Sprintf("The health check of %s (https://%s%s) fails from Route 53's checkers.", s.Name, u.Host, u.EscapedPath()),
		Namespace: "AWS/Route53", MetricName: "HealthCheckStatus", Dimensions: map[string]string{"HealthCheckId": HealthCheckRef(slug)},
		Statistic: "Minimum", Period: 60, EvaluationPeriods: 1, DatapointsToAlarm: 1, Threshold: 1, Comparison: LessThan,
		ThresholdUnit: "(1 is healthy)", TreatMissingData: Breaching,
		Region: "us-east-1", SourceDelay: hc.DetectionDelay(),
	}
	return hc, a
}

// UptimeMetric is the share of Route 53's checkers that find the service healthy,
// the uptime percentage for dashboards (in us-east-1; Average over the dashboard's
// period).
func UptimeMetric(healthCheckID string) MetricStat {
	return MetricStat{Namespace: "AWS/Route53", MetricName: "HealthCheckPercentageHealthy",
		Dimensions: map[string]string{"HealthCheckId": healthCheckID}, Stat: "Average", Period: 300}
}
