package cloudwatch

import (
	"fmt"

	"github.com/vigilops/vigil/alerts"
	"github.com/vigilops/vigil/validate"
)

const gib = 1 << 30

// Database is an RDS DB instance (AWS/RDS, dimension DBInstanceIdentifier).
type Database struct {
	// Name is the database's vigil name, in alarm names. Required.
	Name string
	Path string
	// InstanceID is the DB instance identifier. Required.
	InstanceID string
	// MaxConnections is the engine's max_connections: the connection alarm is a share
	// of it. Required, at least 1.
	MaxConnections int
	// Replica adds the replica-lag alarm (rds-replica-lag).
	Replica bool
	// MemoryGiB is the instance class's memory; the freeable-memory alarm fires below
	// FreeMemoryPercent of it. 0 leaves that alarm out.
	MemoryGiB  float64
	Thresholds DatabaseThresholds
	Overrides  Overrides
}

// DatabaseThresholds are a database's thresholds (REQUIREMENTS.md).
type DatabaseThresholds struct {
	// CPUPercent: CPUUtilization for 5 minutes (rds-cpu-high, high). Defaults to 80.
	CPUPercent float64
	// FreeMemoryPercent: FreeableMemory below this share of MemoryGiB for 5 minutes
	// (rds-freeable-memory-low, high). Defaults to 5.
	FreeMemoryPercent float64
	// FreeStorageGiB: FreeStorageSpace below this (rds-free-storage-low, high).
	// Defaults to 5.
	FreeStorageGiB float64
	// ConnectionsPercent: DatabaseConnections above this share of MaxConnections for 5
	// minutes (rds-connections-high, high). Defaults to 80.
	ConnectionsPercent float64
	// ReplicaLagSeconds: ReplicaLag for 5 minutes (rds-replica-lag, high). Defaults to 10.
	ReplicaLagSeconds float64
	// IOLatencyMs: ReadLatency or WriteLatency for 5 minutes (rds-read-latency,
	// rds-write-latency, medium). Defaults to 200.
	IOLatencyMs float64
}

func orDefault(v *float64, d float64) {
	if *v == 0 {
		*v = d
	}
}

func buildDatabase(ps *validate.Problems, o Options, d Database) []Alarm {
	validate.Name(ps, d.Path+".Name", d.Name, 63)
	validate.RDSInstanceID(ps, d.Path+".InstanceID", d.InstanceID)
	if d.MaxConnections < 1 {
		ps.Addf(d.Path+".MaxConnections", "the engine's max_connections parameter, e.g. 100", "must be at least 1, got %d", d.MaxConnections)
	}
	t := d.Thresholds
	orDefault(&t.CPUPercent, 80)
	orDefault(&t.FreeMemoryPercent, 5)
	orDefault(&t.FreeStorageGiB, 5)
	orDefault(&t.ConnectionsPercent, 80)
	orDefault(&t.ReplicaLagSeconds, 10)
	orDefault(&t.IOLatencyMs, 200)
	p := d.Path + ".Thresholds."
	validate.FloatRange(ps, p+"CPUPercent", t.CPUPercent, 1, 100, "")
	validate.FloatRange(ps, p+"FreeMemoryPercent", t.FreeMemoryPercent, 0.1, 100, "")
	validate.FloatRange(ps, p+"ConnectionsPercent", t.ConnectionsPercent, 1, 100, "a share of max_connections")
	validate.FloatRange(ps, p+"FreeStorageGiB", t.FreeStorageGiB, 0.1, 65536, "")

	dims := map[string]string{"DBInstanceIdentifier": d.InstanceID}
	rds := func(slug, metric, stat string, cmp Comparison, threshold float64, unit string, sev alerts.Severity, summary string) Alarm {
		return Alarm{
			Slug: slug, Severity: sev, Summary: fmt.Sprintf(summary, d.Name),
			Namespace: "AWS/RDS", MetricName: metric, Dimensions: dims, Statistic: stat,
			Period: 60, EvaluationPeriods: 5, DatapointsToAlarm: 5, Threshold: threshold, Comparison: cmp,
			ThresholdUnit: unit, TreatMissingData: Missing,
		}
	}
	out := []Alarm{
		rds("rds-cpu-high", "CPUUtilization", "Average", GreaterThan, t.CPUPercent, "%", alerts.High, "Database %s is short of CPU."),
		rds("rds-free-storage-low", "FreeStorageSpace", "Minimum", LessThan, t.FreeStorageGiB*gib, "bytes", alerts.High, "Database %s is running out of storage."),
		rds("rds-connections-high", "DatabaseConnections", "Maximum", GreaterThan, t.ConnectionsPercent/100*float64(d.MaxConnections), "connections", alerts.High,
			fmt.Sprintf("Database %%s uses over %g%%%% of its %d connections.", t.ConnectionsPercent, d.MaxConnections)),
		rds("rds-read-latency", "ReadLatency", "Average", GreaterThan, t.IOLatencyMs/1000, "seconds", alerts.Medium, "Reads of database %s's storage are slow."),
		rds("rds-write-latency", "WriteLatency", "Average", GreaterThan, t.IOLatencyMs/1000, "seconds", alerts.Medium, "Writes to database %s's storage are slow."),
	}
	if d.MemoryGiB > 0 {
		out = append(out, rds("rds-freeable-memory-low", "FreeableMemory", "Average", LessThan, t.FreeMemoryPercent/100*d.MemoryGiB*gib, "bytes", alerts.High, "Database %s is nearly out of memory."))
	}
	if d.Replica {
		out = append(out, rds("rds-replica-lag", "ReplicaLag", "Maximum", GreaterThan, t.ReplicaLagSeconds, "seconds", alerts.High, "Replica %s lags behind its primary."))
	}
	return finish(ps, o, d.Path, d.Name, "", d.Overrides, out)
}

// Cache is an ElastiCache (Redis or Valkey) node, as its CacheClusterId dimension.
type Cache struct {
	Name string
	Path string
	// ClusterID is the node's cache cluster ID, such as prod-sessions-001. Required.
	ClusterID  string
	Thresholds CacheThresholds
	Overrides  Overrides
}

// CacheThresholds are a cache node's thresholds (REQUIREMENTS.md).
type CacheThresholds struct {
	// CPUPercent: host CPUUtilization and EngineCPUUtilization (the Redis thread), for 5
	// minutes (cache-cpu-high, cache-engine-cpu-high, medium). Defaults to 80.
	CPUPercent float64
	// MemoryPercent: DatabaseMemoryUsagePercentage for 5 minutes (cache-memory-high,
	// high). Defaults to 85.
	MemoryPercent float64
	// EvictionsPer5Minutes: Evictions summed over 5 minutes (cache-evictions, low).
	// Defaults to 100.
	EvictionsPer5Minutes float64
	// Connections: CurrConnections for 5 minutes (cache-connections-high, medium).
	// Defaults to 1000.
	Connections float64
}

func buildCache(ps *validate.Problems, o Options, c Cache) []Alarm {
	validate.Name(ps, c.Path+".Name", c.Name, 63)
	validate.ElastiCacheClusterID(ps, c.Path+".ClusterID", c.ClusterID)
	t := c.Thresholds
	orDefault(&t.CPUPercent, 80)
	orDefault(&t.MemoryPercent, 85)
	orDefault(&t.EvictionsPer5Minutes, 100)
	orDefault(&t.Connections, 1000)
	validate.FloatRange(ps, c.Path+".Thresholds.CPUPercent", t.CPUPercent, 1, 100, "")
	validate.FloatRange(ps, c.Path+".Thresholds.MemoryPercent", t.MemoryPercent, 1, 100, "")

	dims := map[string]string{"CacheClusterId": c.ClusterID}
	cache := func(slug, metric, stat string, threshold float64, unit string, sev alerts.Severity, summary string) Alarm {
		return Alarm{
			Slug: slug, Severity: sev, Summary: fmt.Sprintf(summary, c.Name),
			Namespace: "AWS/ElastiCache", MetricName: metric, Dimensions: dims, Statistic: stat,
			Period: 60, EvaluationPeriods: 5, DatapointsToAlarm: 5, Threshold: threshold, Comparison: GreaterThan,
			ThresholdUnit: unit, TreatMissingData: Missing,
		}
	}
	evictions := cache("cache-evictions", "Evictions", "Sum", t.EvictionsPer5Minutes, "keys", alerts.Low, "Cache %s evicts keys: it is full.")
	evictions.Period, evictions.EvaluationPeriods, evictions.DatapointsToAlarm, evictions.TreatMissingData = 300, 1, 1, NotBreaching
	out := []Alarm{
		cache("cache-cpu-high", "CPUUtilization", "Average", t.CPUPercent, "%", alerts.Medium, "The host of cache %s is short of CPU."),
		cache("cache-engine-cpu-high", "EngineCPUUtilization", "Average", t.CPUPercent, "%", alerts.Medium, "The engine thread of cache %s is short of CPU."),
		cache("cache-memory-high", "DatabaseMemoryUsagePercentage", "Maximum", t.MemoryPercent, "%", alerts.High, "Cache %s is nearly full."),
		evictions,
		cache("cache-connections-high", "CurrConnections", "Maximum", t.Connections, "connections", alerts.Medium, "Cache %s has too many client connections."),
	}
	return finish(ps, o, c.Path, c.Name, "", c.Overrides, out)
}

// Queue is an SQS queue (AWS/SQS, dimension QueueName), with its dead-letter queue.
type Queue struct {
	// Name is the SQS queue name. Required.
	Name string
	Path string
	// DeadLetterQueue is the name of its dead-letter queue; adds sqs-dlq-not-empty.
	DeadLetterQueue string
	Thresholds      QueueThresholds
	Overrides       Overrides
}

// QueueThresholds are a queue's thresholds (REQUIREMENTS.md).
type QueueThresholds struct {
	// OldestMessageMinutes: ApproximateAgeOfOldestMessage for 5 minutes
	// (sqs-oldest-message, high). Defaults to 15.
	OldestMessageMinutes float64
	// Backlog: ApproximateNumberOfMessagesVisible for 5 minutes (sqs-backlog, high).
	// Defaults to 1000.
	Backlog float64
}

func buildQueue(ps *validate.Problems, o Options, q Queue) []Alarm {
	validate.SQSQueueName(ps, q.Path+".Name", q.Name)
	t := q.Thresholds
	orDefault(&t.OldestMessageMinutes, 15)
	orDefault(&t.Backlog, 1000)
	sqs := func(slug, queue, metric string, threshold float64, unit string, summary string) Alarm {
		return Alarm{
			Slug: slug, Severity: alerts.High, Summary: fmt.Sprintf(summary, queue),
			Namespace: "AWS/SQS", MetricName: metric, Dimensions: map[string]string{"QueueName": queue}, Statistic: "Maximum",
			Period: 60, EvaluationPeriods: 5, DatapointsToAlarm: 5, Threshold: threshold, Comparison: GreaterThan,
			ThresholdUnit: unit, TreatMissingData: NotBreaching,
		}
	}
	out := []Alarm{
		sqs("sqs-oldest-message", q.Name, "ApproximateAgeOfOldestMessage", t.OldestMessageMinutes*60, "seconds", "Messages wait too long in queue %s."),
		sqs("sqs-backlog", q.Name, "ApproximateNumberOfMessagesVisible", t.Backlog, "messages", "Queue %s has a backlog."),
	}
	if q.DeadLetterQueue != "" {
		validate.SQSQueueName(ps, q.Path+".DeadLetterQueue", q.DeadLetterQueue)
		dlq := sqs("sqs-dlq-not-empty", q.DeadLetterQueue, "ApproximateNumberOfMessagesVisible", 0, "messages", "Dead-letter queue %s holds messages that failed.")
		dlq.EvaluationPeriods, dlq.DatapointsToAlarm = 1, 1
		out = append(out, dlq)
	}
	return finish(ps, o, q.Path, q.Name, "", q.Overrides, out)
}
