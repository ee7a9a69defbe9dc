// Package cloudwatch defines vigil's CloudWatch alarms as plain data: metric alarms
// (on one metric, on metric math or on an anomaly-detection band), composite alarms
// and Route 53 health checks, the builders of the estate's alarm sets, the checks that
// catch what CloudWatch would refuse halfway through `pulumi up`, and an evaluator of
// CloudWatch's alarm semantics that tells how long an alarm takes to fire. It is pure
// Go: no Pulumi, no I/O; components/alarms turns its values into resources.
package cloudwatch

import (
	"time"

	"github.com/vigilops/vigil/alerts"
)

// Comparison is how a datapoint is compared with the threshold.
type Comparison string

// The comparisons CloudWatch accepts. The last three are for anomaly-detection alarms
// only: they compare with the band of the alarm's ThresholdMetricID.
const (
	GreaterThan        Comparison = "GreaterThanThreshold"
	GreaterThanOrEqual Comparison = "GreaterThanOrEqualToThreshold"
	LessThan           Comparison = "LessThanThreshold"
	LessThanOrEqual    Comparison = "LessThanOrEqualToThreshold"
	OutsideBand        Comparison = "LessThanLowerOrGreaterThanUpperThreshold"
	AboveBand          Comparison = "GreaterThanUpperThreshold"
	BelowBand          Comparison = "LessThanLowerThreshold"
)

func (c Comparison) isBand() bool { return c == OutsideBand || c == AboveBand || c == BelowBand }

// TreatMissing says how an alarm treats missing datapoints (see Evaluate).
type TreatMissing string

// The four treatments of missing data. The zero value means Missing, CloudWatch's
// default.
const (
	Missing      TreatMissing = "missing"
	NotBreaching TreatMissing = "notBreaching"
	Breaching    TreatMissing = "breaching"
	Ignore       TreatMissing = "ignore"
)

// OrDefault returns t, or Missing when t is empty.
func (t TreatMissing) OrDefault() TreatMissing {
	if t == "" {
		return Missing
	}
	return t
}

// MetricStat is one CloudWatch metric and how to aggregate it.
type MetricStat struct {
	Namespace  string            // e.g. AWS/ApplicationELB
	MetricName string            // e.g. TargetResponseTime
	Dimensions map[string]string // every dimension the metric is published with
	// Stat is a statistic (Average, Sum, Minimum, Maximum, SampleCount) or an extended
	// statistic (p95, tm99, ...).
	Stat string
	// Period in seconds: 10, 20, 30 or a multiple of 60.
	Period int
	// Unit, when set, selects the datapoints published with that unit. Usually empty.
	Unit string
}

// MetricQuery is one line of a metric-math alarm: a metric (Metric) or an
// expression over other lines' IDs (Expression), never both.
type MetricQuery struct {
	// ID names the line in expressions: a lower-case letter, then letters, digits and
	// underscores. Unique within the alarm.
	ID string
	// Metric is the metric of a metric line.
	Metric *MetricStat
	// Expression is the math of an expression line, e.g. "100*m1/m2" or
	// "ANOMALY_DETECTION_BAND(m1, 2)".
	Expression string
	// Label names the line on graphs.
	Label string
	// ReturnData marks the line the alarm compares (and, for an anomaly alarm, the
	// metric compared with the band). Exactly one line returns data, two for an
	// anomaly alarm.
	ReturnData bool
	// Period of an expression line in seconds; 0 takes the metrics' period.
	Period int
}

// Alarm is one CloudWatch metric alarm as vigil defines it. It watches either one
// metric (Namespace, MetricName, Dimensions and Statistic or ExtendedStatistic) or
// metric math (Metrics); an anomaly-detection alarm also names the band's line in
// ThresholdMetricID.
type Alarm struct {
	// Slug is the kind of alarm, e.g. "ecs-cpu-high": it names the runbook section
	// (RunbookBaseURL#<slug>) and the override key of the kind. Required.
	Slug string
	// Name is the physical alarm name, stable and derived from inputs: 1-255 ASCII
	// characters, unique in the account and region. Required.
	Name string
	// Resource names the watched thing in child resource names ("api", "orders-db").
	Resource string
	// Service groups the alarm with its service's composite alarm; "" for none.
	Service string
	// Path is the config path the alarm comes from, e.g. "services[0]"; problems are
	// reported under it.
	Path string
	// Severity picks the SNS topic of the ALARM and OK actions. Required.
	Severity alerts.Severity
	// Summary is one sentence saying what is wrong when the alarm fires.
	Summary string
	// Description is the summary, the threshold in words and the runbook link (see
	// Describe); at most 1024 characters.
	Description string
	// RunbookURL is the runbook base URL plus "#" and the slug.
	RunbookURL string

	// The single metric watched; unset when Metrics is used.
	Namespace         string
	MetricName        string
	Dimensions        map[string]string
	Statistic         string // Average, Sum, Minimum, Maximum or SampleCount
	ExtendedStatistic string // p95, tm99, ...; exclusive with Statistic
	Unit              string

	// Metrics are the lines of a metric-math or anomaly-detection alarm.
	Metrics []MetricQuery
	// ThresholdMetricID is the ID of the ANOMALY_DETECTION_BAND line of an anomaly
	// alarm; Threshold is then unused.
	ThresholdMetricID string

	// Period in seconds of each datapoint: 10, 20, 30 or a multiple of 60. For a
	// metric-math alarm it is the period of its metrics.
	Period int
	// EvaluationPeriods (N) is how many recent datapoints are evaluated, >= 1;
	// Period x EvaluationPeriods is at most one day.
	EvaluationPeriods int
	// DatapointsToAlarm (M) of the N must breach, 1 to N; 0 means N.
	DatapointsToAlarm int
	Threshold         float64
	Comparison        Comparison
	// TreatMissingData: missing (the default), notBreaching, breaching or ignore.
	TreatMissingData TreatMissing
	// Unit of Threshold in words for the description ("%", "seconds", ...).
	ThresholdUnit string

	// Region is where the alarm must live: "" for the stack's region, "us-east-1"
	// for metrics that exist only there (Route 53 health checks, CloudFront
	// certificates). Its actions go to topics of that region.
	Region string
	// Quiet alarms have no actions: a composite alarm notifies for them.
	Quiet bool
	// ExtraActions are ARNs notified on ALARM besides the severity's topic (at most 4,
	// since CloudWatch takes 5 actions a state).
	ExtraActions []string
	// SilentWhenBroken says that the metric stops, rather than breaching, when the
	// watched thing fails (ECS reports nothing for a service without a running task).
	// Such an alarm must treat missing data as breaching, and its detection time
	// counts the periods CloudWatch goes on evaluating the last datapoints it has.
	SilentWhenBroken bool
	// SourceDelay is how long the source takes to show a breach in the metric (a
	// Route 53 health check needs FailureThreshold failed probes); it counts in the
	// detection time.
	SourceDelay time.Duration
	// Tags are set on the alarm.
	Tags map[string]string
}

// Datapoints returns M, DatapointsToAlarm or, when it is 0, EvaluationPeriods.
func (a Alarm) Datapoints() int {
	if a.DatapointsToAlarm == 0 {
		return a.EvaluationPeriods
	}
	return a.DatapointsToAlarm
}

// CompositeAlarm is an alarm over other alarms' states. vigil uses one per service,
// "service health", ALARM when any of the service's critical alarms is, so that an
// outage notifies once instead of once per symptom.
type CompositeAlarm struct {
	// Slug names the runbook section. Required.
	Slug string
	// Name is the physical name, 1-255 ASCII characters. Required.
	Name string
	// Resource names the service in child resource names.
	Resource string
	// Path is the config path of the service.
	Path     string
	Severity alerts.Severity
	Summary  string
	// Description is at most 1024 characters.
	Description string
	RunbookURL  string
	// Children are the names of the alarms the rule covers (at most 100); the rule is
	// ALARM when any of them is in ALARM. They must be in the composite's region.
	Children []string
	// Rule is the alarm rule, built from Children by Rule(); at most 10240 characters.
	Rule string
	// Tags are set on the alarm.
	Tags map[string]string
}

// HealthCheck is a Route 53 HTTPS health check of a service's health URL. Route 53
// counts 2xx and 3xx answers as healthy: it has no "exactly 200" mode without a string
// match, so a health endpoint should answer 200 when healthy and 5xx otherwise.
type HealthCheck struct {
	// Slug is stable and unique; the alarm on the check refers to it through
	// HealthCheckRef(Slug) until the check's ID is known.
	Slug string
	// Resource is the service's name.
	Resource string
	Path     string // config path
	// FQDN, Port and ResourcePath locate the endpoint (https://FQDN:Port/ResourcePath).
	FQDN         string
	Port         int
	ResourcePath string
	// RequestInterval is 10 or 30 seconds between probes of each checker.
	RequestInterval int
	// FailureThreshold is how many consecutive failed probes make the check unhealthy,
	// 1 to 10.
	FailureThreshold int
	// Name is the check's Name tag.
	Name string
	Tags map[string]string
}

// DetectionDelay is how long the check takes to turn unhealthy once the endpoint fails.
func (h HealthCheck) DetectionDelay() time.Duration {
	return time.Duration(h.RequestInterval*h.FailureThreshold) * time.Second
}

// HealthCheckRef is the placeholder an alarm carries as its HealthCheckId dimension
// until the component knows the check's ID; the component replaces it.
func HealthCheckRef(slug string) string { return "${healthcheck:" + slug + "}" }

// Set is everything the alarm component creates for one stack.
type Set struct {
	Alarms       []Alarm
	Composites   []CompositeAlarm
	HealthChecks []HealthCheck
	// AgentConfigs are CloudWatch agent configurations to store as SSM parameters.
	AgentConfigs []AgentConfig
}

// AgentConfig is a CloudWatch agent configuration, stored as an SSM parameter that the
// agent reads with `amazon-cloudwatch-agent-ctl -a fetch-config -c ssm:<Parameter>`.
type AgentConfig struct {
	// Resource is the host group's name.
	Resource string
	// Parameter is the SSM parameter name; it starts with AmazonCloudWatch- so that
	// the CloudWatchAgentServerPolicy managed policy lets the agent read it.
	Parameter string
	// JSON is the agent's configuration.
	JSON string
}
