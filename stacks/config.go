package stacks

import "github.com/vigilops/vigil/alerts/logs"

// This file is the schema of the stack configuration: one Go field per key under the
// vigil: namespace of Pulumi.<stack>.yaml, with its `json` name. Unknown keys are
// errors, so a typo is never silently ignored. Pulumi.yaml declares the same keys for
// Pulumi (a test keeps the two in step) and README.md documents every one of them.

// Config is the stack configuration as written, before defaults are applied.
type Config struct {
	// Tier is dev or prod. It picks the defaults (dev never pages). Required.
	Tier string `json:"tier"`
	// AccountID is the 12-digit AWS account the stack deploys to. Required: it scopes
	// every policy to this account.
	AccountID string `json:"accountId"`
	// NamePrefix starts every physical name. Empty means "vigil-<stack>".
	NamePrefix string `json:"namePrefix"`
	// Tags are added to every resource, after vigil's own (managed-by, stack, tier).
	Tags map[string]string `json:"tags"`
	// LogRetentionDays is how long vigil's own log groups keep logs. 0 means the tier
	// default (dev 14, prod 90).
	LogRetentionDays int `json:"logRetentionDays"`
	// TaskSize is the Fargate size of vigil's own tasks. Empty means the tier default.
	TaskSize TaskSize `json:"taskSize"`
	// Notifications are the endpoints of each severity.
	Notifications Notifications `json:"notifications"`
	// PublisherRoles are IAM role ARNs that may publish to the severity topics.
	PublisherRoles []string `json:"publisherRoles"`
	// Thresholds override the tier's alarm thresholds for every resource of a kind.
	Thresholds Thresholds `json:"thresholds"`
	// AlarmOverrides change CloudWatch alarms of every resource of a kind, by the
	// alarm's slug (ecs-cpu-high, ...): threshold, period, evaluation periods,
	// datapoints to alarm, severity, or leave it out. An item's own alarmOverrides
	// apply on top, field by field.
	AlarmOverrides AlarmOverridesByKind `json:"alarmOverrides"`
	// SLOFiles are OpenSLO v1 files, relative to the project folder, whose SLOs the
	// stack's Prometheus evaluates.
	SLOFiles []string `json:"sloFiles"`
	// RunbookBaseURL is where the runbooks of the Prometheus alerts live; each alert
	// links to RunbookBaseURL#<alert name in lower case>. Empty means vigil's own
	// docs/runbooks.md.
	RunbookBaseURL string `json:"runbookBaseUrl"`
	// Hosts are groups of machines watched through node_exporter. Fargate services
	// have none; EC2 instances do.
	Hosts []Host `json:"hosts"`
	// Alertmanager configures the routing beyond the severity topics.
	Alertmanager AlertmanagerConfig `json:"alertmanager"`
	// CloudTrail is the trail whose log group gets the CIS monitoring filters: an
	// existing log group by name, or one vigil creates with its trail. Optional.
	CloudTrail logs.CloudTrail `json:"cloudTrail"`
	// Dashboards configures the Grafana and CloudWatch dashboards vigil builds.
	Dashboards DashboardsConfig `json:"dashboards"`
	// Platform says where the stack's Prometheus, Alertmanager and Grafana run: none
	// (the default), ecs (ECS Fargate) or managed (Amazon Managed Prometheus and
	// Grafana).
	Platform PlatformConfig `json:"platform"`
	// Notifier delivers the severity topics' messages to chat (Google Chat, Slack,
	// Teams, webhooks) through vigil's Lambda. Optional: no channels, no function.
	Notifier NotifierConfig `json:"notifier"`
	// Services, Databases, Caches, Queues and Certificates are the monitored estate.
	Services     []Service     `json:"services"`
	Databases    []Database    `json:"databases"`
	Caches       []Cache       `json:"caches"`
	Queues       []Queue       `json:"queues"`
	Certificates []Certificate `json:"certificates"`
}

// TaskSize is a Fargate task size.
type TaskSize struct {
	// CPU in units (1024 = one vCPU): 256, 512, 1024, 2048, 4096, 8192 or 16384.
	CPU int `json:"cpu"`
	// MemoryMiB must be a size Fargate allows for the CPU.
	MemoryMiB int `json:"memoryMiB"`
}

// Notifications holds the endpoints of each severity. A missing severity has none.
type Notifications struct {
	Critical *Endpoints `json:"critical"`
	High     *Endpoints `json:"high"`
	Medium   *Endpoints `json:"medium"`
	Low      *Endpoints `json:"low"`
}

// Endpoints are where one severity's notifications go.
type Endpoints struct {
	// Emails receive every notification of the severity.
	Emails []string `json:"emails"`
	// SMS are E.164 phone numbers. Paging: prod critical and high only.
	SMS []string `json:"sms"`
	// PagerDuty is the integration URL of a PagerDuty "Amazon CloudWatch" integration.
	// Paging: prod critical and high only. Secret: set it with `pulumi config set
	// --secret --path`.
	PagerDuty Secret `json:"pagerduty"`
	// Webhooks are HTTPS endpoints that receive the SNS JSON. Secrets.
	Webhooks []Secret `json:"webhooks"`
}

// Thresholds override the tier defaults for every resource of a kind. Each is a
// mapping of threshold names (see ServiceAlarms, ...) to values; a resource's own
// `alarms` override these in turn.
type Thresholds struct {
	Service     any `json:"service"`
	Database    any `json:"database"`
	Cache       any `json:"cache"`
	Queue       any `json:"queue"`
	Certificate any `json:"certificate"`
}

// Service is a service of the team, usually an ECS service behind a load balancer.
type Service struct {
	// Name identifies the service in alarm names and labels: lower-case letters,
	// digits and hyphens. Required and unique.
	Name string `json:"name"`
	// ECS locates the service's ECS service. Optional.
	ECS *ECSService `json:"ecs"`
	// LogGroup is the CloudWatch Logs group the service writes to. Optional.
	LogGroup string `json:"logGroup"`
	// LoadBalancer is the ARN suffix of the service's ALB or NLB
	// (app/<name>/<id>), the LoadBalancer dimension of its metrics. Optional.
	LoadBalancer string `json:"loadBalancer"`
	// TargetGroup is the ARN suffix of the service's target group
	// (targetgroup/<name>/<id>). Needs LoadBalancer. Optional.
	TargetGroup string `json:"targetGroup"`
	// HealthCheckURL is checked from outside every minute. Optional.
	HealthCheckURL string `json:"healthCheckUrl"`
	// Metrics names the service's Prometheus metrics, for its catalog alerts.
	Metrics ServiceMetrics `json:"metrics"`
	// Runtime is go, jvm or nodejs: adds alerts on memory and GC pauses or event-loop
	// lag. Optional.
	Runtime string `json:"runtime"`
	// Overrides are the service's own thresholds as written (`alarms:`); Alarms holds
	// the resolved values.
	Overrides any `json:"alarms"`
	// Alarms are the thresholds in force: tier default, then vigil:thresholds.service,
	// then the service's own.
	Alarms ServiceAlarms `json:"-"`
	// AlarmOverrides change the service's own CloudWatch alarms by slug.
	AlarmOverrides map[string]AlarmOverride `json:"alarmOverrides"`
	// LogFormat says how the service's log lines look (json, access, text), so that
	// the HTTP 4xx, 5xx, 502 and application-error filters of LogGroup can read them.
	// Defaults to JSON with the field names status, path, duration, level, message.
	LogFormat logs.Format `json:"logFormat"`
	// LogFilters are the team's own metric filters on LogGroup, each with its alarm.
	LogFilters []logs.CustomFilter `json:"logFilters"`
	// LogAlarms change the shipped filters' alarms by slug (http-4xx, http-5xx,
	// http-502, app-errors): threshold, severity, or leave one out.
	LogAlarms map[string]logs.AlarmOverride `json:"logAlarms"`
}

// NotifierConfig configures the notifier Lambda.
type NotifierConfig struct {
	// Channels are the chat channels and which severities each gets.
	Channels []NotifierChannel `json:"channels"`
	// AlarmEmails receive the alarms on the notification path itself (the function's
	// errors and throttles, its dead-letter queue, failed SNS deliveries), by e-mail
	// only, so that a broken path is noticed. Required with channels.
	AlarmEmails []string `json:"alarmEmails"`
	// DailySummaryAt is the local time (HH:MM) of the daily summary each chat channel
	// gets. Defaults to none: no summary.
	DailySummaryAt string `json:"dailySummaryAt"`
	// TimeZone is the IANA time zone of the summary and of the times in messages.
	// Defaults to UTC.
	TimeZone string `json:"timeZone"`
	// AlertmanagerURL and GrafanaURL are linked from the messages. Optional.
	AlertmanagerURL string `json:"alertmanagerUrl"`
	GrafanaURL      string `json:"grafanaUrl"`
}

// NotifierChannel is one chat channel of the notifier.
type NotifierChannel struct {
	// Name identifies the channel: 1 to 64 letters, digits, - or _. Required.
	Name string `json:"name"`
	// Target is googlechat, slack, teams or webhook. Required.
	Target string `json:"target"`
	// Severities the channel gets, recoveries included. Required.
	Severities []string `json:"severities"`
	// Webhook is the channel's https webhook URL. Secret: set it with
	// `pulumi config set --secret --path 'notifier.channels[0].webhook'`.
	Webhook Secret `json:"webhook"`
}

// DashboardsConfig configures the dashboards beyond what the estate gives.
type DashboardsConfig struct {
	// GrafanaFiles are the team's own Grafana dashboard JSON files, relative to the
	// project folder; checked as vigil's are. Optional.
	GrafanaFiles []string `json:"grafanaFiles"`
	// CloudWatchFiles are the team's own CloudWatch dashboard bodies (JSON), relative
	// to the project folder; checked against CloudWatch's limits and the alarms.
	CloudWatchFiles []string `json:"cloudwatchFiles"`
	// EnvironmentLabel is the label that carries the environment on every series of
	// a Prometheus shared by environments. Empty (the default) when each environment
	// has its own Prometheus.
	EnvironmentLabel string `json:"environmentLabel"`
	// EndpointLabel names the endpoint on the request counter. Defaults to handler.
	EndpointLabel string `json:"endpointLabel"`
	// ExternalGrafanaFolder, when set, also deploys the Grafana dashboards to an
	// external Grafana (Grafana Cloud, Amazon Managed Grafana) into a folder of this
	// title, through the Grafana provider configured with grafana:url and
	// grafana:auth. Optional.
	ExternalGrafanaFolder string `json:"externalGrafanaFolder"`
}

// AlarmOverridesByKind holds the CloudWatch alarm overrides of each kind of item.
type AlarmOverridesByKind struct {
	Service     map[string]AlarmOverride `json:"service"`
	Database    map[string]AlarmOverride `json:"database"`
	Cache       map[string]AlarmOverride `json:"cache"`
	Queue       map[string]AlarmOverride `json:"queue"`
	Host        map[string]AlarmOverride `json:"host"`
	Certificate map[string]AlarmOverride `json:"certificate"`
}

// AlarmOverride changes one CloudWatch alarm. Unset fields keep the alarm's own.
type AlarmOverride struct {
	// Threshold in the alarm's unit (the README lists each alarm's).
	Threshold *float64 `json:"threshold"`
	// Period in seconds: 10, 20, 30 or a multiple of 60.
	Period *int `json:"period"`
	// EvaluationPeriods is how many periods the alarm looks at (N); at least 1.
	EvaluationPeriods *int `json:"evaluationPeriods"`
	// DatapointsToAlarm is how many of them must breach (M); 1 to EvaluationPeriods.
	DatapointsToAlarm *int `json:"datapointsToAlarm"`
	// Severity is critical, high, medium or low.
	Severity string `json:"severity"`
	// Disabled leaves the alarm out.
	Disabled bool `json:"disabled"`
}

// ServiceMetrics names a service's Prometheus metrics. Empty fields keep the
// catalog's defaults (Prometheus's HTTP conventions).
type ServiceMetrics struct {
	// Selector picks the service's series: label matchers without braces, such as
	// job="api". Defaults to service="<name>".
	Selector string `json:"selector"`
	// Up is the scrape health gauge. Defaults to up.
	Up string `json:"up"`
	// Requests counts requests by status. Defaults to http_requests_total.
	Requests string `json:"requests"`
	// StatusLabel holds the HTTP status of Requests. Defaults to code.
	StatusLabel string `json:"statusLabel"`
	// ErrorStatus is the regular expression of failed statuses. Defaults to 5..
	ErrorStatus string `json:"errorStatus"`
	// DurationBucket is the request-duration histogram's bucket series, in seconds.
	// Defaults to http_request_duration_seconds_bucket.
	DurationBucket string `json:"durationBucket"`
	// Targets are fixed host:port addresses the platform's Prometheus scrapes (ecs
	// mode). Defaults to none: the service is found by DNS SRV as
	// <name>.<platform.namespace>, where its tasks register in Cloud Map.
	Targets []string `json:"targets"`
	// Path is the path of the metrics endpoint (ecs mode). Defaults to /metrics.
	Path string `json:"path"`
}

// Host is a group of machines watched through node_exporter.
type Host struct {
	// Name identifies the group in alert groups. Required and unique.
	Name string `json:"name"`
	// Selector picks the group's node_exporter series. Defaults to job="node".
	Selector string `json:"selector"`
	// InstanceIDs are EC2 instances of the group that run the CloudWatch agent: adds
	// disk and memory alarms, and the agent's configuration as an SSM parameter.
	// Optional.
	InstanceIDs []string `json:"instanceIds"`
	// MountPaths are the file systems the disk alarm watches. Defaults to ["/"].
	MountPaths []string `json:"mountPaths"`
	// AlarmOverrides change the group's own CloudWatch alarms by slug.
	AlarmOverrides map[string]AlarmOverride `json:"alarmOverrides"`
}

// AlertmanagerConfig configures Alertmanager beyond the severity topics.
type AlertmanagerConfig struct {
	// HeartbeatURL receives the always-firing Watchdog every minute, so that an
	// outside service notices when alerting stops. Optional; a URL without secrets.
	HeartbeatURL string `json:"heartbeatUrl"`
	// HeartbeatCredentialsFile is where the heartbeat token is mounted in the
	// Alertmanager container. Required with HeartbeatURL.
	HeartbeatCredentialsFile string `json:"heartbeatCredentialsFile"`
}

// ECSService names an ECS service.
type ECSService struct {
	Cluster string `json:"cluster"`
	Service string `json:"service"`
}

// Database is an RDS DB instance.
type Database struct {
	// Name identifies the database in alarm names. Required and unique.
	Name string `json:"name"`
	// Engine is postgres, mysql, mariadb, aurora-postgresql or aurora-mysql. Required.
	Engine string `json:"engine"`
	// InstanceID is the DB instance identifier. Required.
	InstanceID string `json:"instanceId"`
	// MaxConnections is the engine's max_connections; the connection alarm is a share
	// of it. Required.
	MaxConnections int `json:"maxConnections"`
	// Selector picks the database's postgres_exporter series. Defaults to
	// database="<name>".
	Selector string `json:"selector"`
	// Replica says the instance is a read replica: adds the replica-lag alarm.
	Replica bool `json:"replica"`
	// MemoryGiB is the instance class's memory: adds the freeable-memory alarm.
	// Optional.
	MemoryGiB float64 `json:"memoryGiB"`
	// Overrides are the database's own thresholds as written; Alarms the resolved ones.
	Overrides any            `json:"alarms"`
	Alarms    DatabaseAlarms `json:"-"`
	// AlarmOverrides change the database's own CloudWatch alarms by slug.
	AlarmOverrides map[string]AlarmOverride `json:"alarmOverrides"`
}

// Cache is an ElastiCache node.
type Cache struct {
	// Name identifies the cache in alarm names. Required and unique.
	Name string `json:"name"`
	// Engine is redis, valkey or memcached. Required.
	Engine string `json:"engine"`
	// ClusterID is the cache cluster ID (a node, such as prod-sessions-001). Required.
	ClusterID string `json:"clusterId"`
	// Selector picks the node's redis_exporter series. Defaults to cache="<name>".
	Selector string `json:"selector"`
	// Overrides are the cache's own thresholds as written; Alarms the resolved ones.
	Overrides any         `json:"alarms"`
	Alarms    CacheAlarms `json:"-"`
	// AlarmOverrides change the cache's own CloudWatch alarms by slug.
	AlarmOverrides map[string]AlarmOverride `json:"alarmOverrides"`
}

// Queue is an SQS queue.
type Queue struct {
	// Name is the SQS queue name. Required and unique.
	Name string `json:"name"`
	// DeadLetterQueue is the name of its dead-letter queue. Optional.
	DeadLetterQueue string `json:"deadLetterQueue"`
	// Selector picks the queue's worker metrics. Defaults to queue="<name>".
	Selector string `json:"selector"`
	// Overrides are the queue's own thresholds as written; Alarms the resolved ones.
	Overrides any         `json:"alarms"`
	Alarms    QueueAlarms `json:"-"`
	// AlarmOverrides change the queue's own CloudWatch alarms by slug.
	AlarmOverrides map[string]AlarmOverride `json:"alarmOverrides"`
}

// Certificate is an ACM certificate.
type Certificate struct {
	// Domain is the certificate's main domain name. Required.
	Domain string `json:"domain"`
	// ARN is the ACM certificate ARN, in this stack's account. Required.
	ARN string `json:"arn"`
	// ProbeTargets are the endpoints blackbox_exporter probes for this certificate
	// (https://www.example.com): required for a wildcard domain, which names no host.
	// Defaults to https://<domain>.
	ProbeTargets []string `json:"probeTargets"`
	// Overrides are the certificate's own thresholds as written; Alarms the resolved ones.
	Overrides any               `json:"alarms"`
	Alarms    CertificateAlarms `json:"-"`
	// AlarmOverrides change the certificate's own CloudWatch alarms by slug.
	AlarmOverrides map[string]AlarmOverride `json:"alarmOverrides"`
}

// The alarm threshold sets. The `range` tag is the inclusive range a value must be
// in; the tier defaults are in defaults.go.

// ServiceAlarms are the thresholds of a service.
type ServiceAlarms struct {
	// CPUPercent: average CPU of the service's tasks, as a share of what they reserve.
	CPUPercent float64 `json:"cpuPercent" range:"1,100"`
	// MemoryPercent: average memory of the service's tasks, as a share of their reservation.
	MemoryPercent float64 `json:"memoryPercent" range:"1,100"`
	// ErrorRatePercent: share of requests answered with a 5xx, for 3 minutes.
	ErrorRatePercent float64 `json:"errorRatePercent" range:"0.01,100"`
	// LatencyP95Ms and LatencyP99Ms: response-time percentiles, in milliseconds.
	LatencyP95Ms int `json:"latencyP95Ms" range:"1,600000"`
	LatencyP99Ms int `json:"latencyP99Ms" range:"1,600000"`
	// DownMinutes: how long the service may be down (ServiceDown in Prometheus; no
	// running task, fewer tasks than desired or no healthy target in CloudWatch)
	// before the alarm fires. The uptime check's alarm fires after its first failed
	// minute whatever this says.
	DownMinutes int `json:"downMinutes" range:"1,60"`
	// MinRequests: the fewest requests in the rate window for the error-rate alert to
	// fire, so that one failed request out of one does not page. 0 derives it: the
	// smallest count at which one failure alone is not above errorRatePercent, and at
	// least 20.
	MinRequests int `json:"minRequests" range:"0,1000000000"`
}

// DatabaseAlarms are the thresholds of an RDS database.
type DatabaseAlarms struct {
	CPUPercent float64 `json:"cpuPercent" range:"1,100"`
	// ConnectionsPercent: open connections as a share of maxConnections.
	ConnectionsPercent float64 `json:"connectionsPercent" range:"1,100"`
	// ReplicaLagSeconds: replication lag of a replica.
	ReplicaLagSeconds int `json:"replicaLagSeconds" range:"1,86400"`
	// IOLatencyMs: average read or write latency of the storage.
	IOLatencyMs int `json:"ioLatencyMs" range:"1,10000"`
	// FreeStorageGiB: alarm when free storage falls below this.
	FreeStorageGiB float64 `json:"freeStorageGiB" range:"0.1,65536"`
	// LongQuerySeconds: a query running longer than this (Prometheus rules).
	LongQuerySeconds int `json:"longQuerySeconds" range:"1,86400"`
}

// CacheAlarms are the thresholds of an ElastiCache node.
type CacheAlarms struct {
	CPUPercent float64 `json:"cpuPercent" range:"1,100"`
	// MemoryPercent: memory used as a share of the node's maximum.
	MemoryPercent float64 `json:"memoryPercent" range:"1,100"`
	// Connections: current client connections.
	Connections int `json:"connections" range:"1,65000"`
	// EvictionsPer5Minutes: keys evicted in five minutes.
	EvictionsPer5Minutes int `json:"evictionsPer5Minutes" range:"0,100000000"`
	// CommandLatencyMs: command latency.
	CommandLatencyMs float64 `json:"commandLatencyMs" range:"0.1,10000"`
}

// QueueAlarms are the thresholds of an SQS queue.
type QueueAlarms struct {
	// Backlog: messages waiting to be received.
	Backlog int `json:"backlog" range:"1,100000000"`
	// OldestMessageMinutes: age of the oldest waiting message.
	OldestMessageMinutes int `json:"oldestMessageMinutes" range:"1,20160"`
	// FailureRatePercent: share of processed messages that fail, for 5 minutes.
	FailureRatePercent float64 `json:"failureRatePercent" range:"0.01,100"`
	// MinProcessed: the fewest processed messages in the rate window for the failure-
	// rate alert to fire. 0 derives it, as minRequests does for services.
	MinProcessed int `json:"minProcessed" range:"0,1000000000"`
}

// CertificateAlarms are the thresholds of an ACM certificate.
type CertificateAlarms struct {
	// DaysToExpiry: alarm when the certificate expires in fewer days than this.
	DaysToExpiry int `json:"daysToExpiry" range:"1,365"`
}
