package catalog

import (
	"fmt"
	"time"

	"github.com/vigilops/vigil/alerts"
	"github.com/vigilops/vigil/validate"
)

// Cache is a Redis or Valkey node seen through redis_exporter. Its group, cache:<Name>,
// has CacheDown (high), HighCacheMemory, HighCacheConnections and HighCacheLatencyP99
// (medium) and CacheEvictions (low), per exporter instance, labelled cache=<Name> and
// service=<Service>.
type Cache struct {
	// Name is the cache label of the alerts and names the group: lower-case letters,
	// digits and hyphens. Required and unique.
	Name string
	// Service is the service label of the alerts, so that Alertmanager groups them with
	// the service that uses the cache. Defaults to Name.
	Service string
	// Selector picks the cache's series: label matchers without braces. Defaults to
	// cache="<Name>".
	Selector string
	// Metrics are the names of the cache's metrics; each empty field takes its default.
	Metrics CacheMetrics
	// MemoryPercent is the share of maxmemory in use above which HighCacheMemory fires
	// after 5 minutes. Between 1 and 100; defaults to 85.
	MemoryPercent float64
	// Connections is the number of connected clients above which HighCacheConnections
	// fires after 5 minutes. Between 1 and 65000; defaults to 1000.
	Connections int
	// EvictionsPerSecond is the rate of evicted keys above which CacheEvictions fires
	// after 15 minutes. At least 0; defaults to 0, so any sustained eviction is
	// reported.
	EvictionsPerSecond float64
	// CommandLatencyP99 is the 99th percentile of command latency above which
	// HighCacheLatencyP99 fires after 5 minutes. Between 1µs and 10s; defaults to 100ms.
	CommandLatencyP99 time.Duration
}

// CacheMetrics name a cache's metrics. The defaults are redis_exporter's.
type CacheMetrics struct {
	// Up is the gauge the exporter sets to 1 when it reached the node and 0 when not:
	// CacheDown fires on it, and when no series of it is scraped at all. Defaults to
	// redis_up.
	Up string
	// MemoryUsed is the gauge of memory in use in bytes. Defaults to
	// redis_memory_used_bytes.
	MemoryUsed string
	// MemoryMax is the gauge of maxmemory in bytes; a node without a limit (0) is left
	// out, as its share would be infinite. Defaults to redis_memory_max_bytes.
	MemoryMax string
	// Clients is the gauge of connected clients. Defaults to redis_connected_clients.
	Clients string
	// EvictedKeys is the counter of evicted keys. Defaults to redis_evicted_keys_total.
	EvictedKeys string
	// CommandLatencyBucket is the bucket series of the command-latency histogram
	// (Redis 7 LATENCY HISTOGRAM). Defaults to redis_commands_latencies_usec_bucket.
	CommandLatencyBucket string
	// CommandLatencyUnit is the unit of CommandLatencyBucket's le boundaries. Defaults
	// to time.Microsecond, redis_exporter's.
	CommandLatencyUnit time.Duration
}

func (m CacheMetrics) withDefaults() CacheMetrics {
	m.Up = or(m.Up, "redis_up")
	m.MemoryUsed = or(m.MemoryUsed, "redis_memory_used_bytes")
	m.MemoryMax = or(m.MemoryMax, "redis_memory_max_bytes")
	m.Clients = or(m.Clients, "redis_connected_clients")
	m.EvictedKeys = or(m.EvictedKeys, "redis_evicted_keys_total")
	m.CommandLatencyBucket = or(m.CommandLatencyBucket, "redis_commands_latencies_usec_bucket")
	m.CommandLatencyUnit = or(m.CommandLatencyUnit, time.Microsecond)
	return m
}

func (c Cache) withDefaults() Cache {
	c.Service = or(c.Service, c.Name)
	c.Selector = or(c.Selector, eq("cache", c.Name))
	c.Metrics = c.Metrics.withDefaults()
	c.MemoryPercent = or(c.MemoryPercent, 85)
	c.Connections = or(c.Connections, 1000)
	c.CommandLatencyP99 = or(c.CommandLatencyP99, 100*time.Millisecond)
	return c
}

func (c Cache) check(ps *validate.Problems, path string) {
	checkName(ps, path+".Name", c.Name)
	checkOptionalName(ps, path+".Service", c.Service)
	checkSelector(ps, path+".Selector", c.Selector)
	checkMetric(ps, path+".Metrics.Up", c.Metrics.Up)
	checkMetric(ps, path+".Metrics.MemoryUsed", c.Metrics.MemoryUsed)
	checkMetric(ps, path+".Metrics.MemoryMax", c.Metrics.MemoryMax)
	checkMetric(ps, path+".Metrics.Clients", c.Metrics.Clients)
	checkMetric(ps, path+".Metrics.EvictedKeys", c.Metrics.EvictedKeys)
	checkMetric(ps, path+".Metrics.CommandLatencyBucket", c.Metrics.CommandLatencyBucket)
	checkUnit(ps, path+".Metrics.CommandLatencyUnit", c.Metrics.CommandLatencyUnit)
	checkPercent(ps, path+".MemoryPercent", c.MemoryPercent, 1, "a percentage of maxmemory, such as 85")
	checkInt(ps, path+".Connections", c.Connections, 1, 65000, "a number of clients, such as 1000")
	if c.EvictionsPerSecond != 0 {
		validate.FloatRange(ps, path+".EvictionsPerSecond", c.EvictionsPerSecond, 0, 1e9, "keys evicted per second; 0 reports any eviction")
	}
	checkDuration(ps, path+".CommandLatencyP99", c.CommandLatencyP99, time.Microsecond, 10*time.Second, "a latency such as 100ms")
}

func cacheGroup(o Options, c Cache) alerts.Group {
	sel, m := mustSelector(c.Selector), c.Metrics
	p99 := inSeconds(fmt.Sprintf("histogram_quantile(0.99, sum by (instance, le) (%s))", o.rate(m.CommandLatencyBucket, sel)), m.CommandLatencyUnit)
	return o.group("cache:"+c.Name, []string{"service", c.Service, "cache", c.Name},
		alert{
			name: "CacheDown", severity: alerts.High, forDuration: notMeasuredFor,
			expr: downOrAbsent(sel.metric(m.Up)),
			summary: instanceOrAll(fmt.Sprintf("The exporter of %s cannot reach {{ $labels.instance }}", c.Name),
				fmt.Sprintf("%s is not measured: no %s series", c.Name, m.Up)),
			description: instanceOrAll(
				fmt.Sprintf("redis_exporter at {{ $labels.instance }} has not reached %s for 5m: the node is down, "+
					"refuses the exporter (AUTH, TLS), or is out of reach.", c.Name),
				fmt.Sprintf("No series of %s matches the selector of %s for 5m: redis_exporter is down or no longer "+
					"scraped, and the other alerts of %s cannot fire.", m.Up, c.Name, c.Name)),
		},
		alert{
			name: "HighCacheMemory", severity: alerts.Medium, forDuration: 5 * time.Minute,
			expr: fmt.Sprintf("100 * max by (instance) (%s) / max by (instance) (%s > 0) > %s",
				sel.metric(m.MemoryUsed), sel.metric(m.MemoryMax), num(c.MemoryPercent)),
			summary: fmt.Sprintf("%s uses more than %s%% of its maxmemory", c.Name, num(c.MemoryPercent)),
			description: fmt.Sprintf("{{ $labels.instance }} of %s has used {{ $value | humanize }}%% of its maxmemory for 5m; "+
				"next it evicts keys or refuses writes, as its policy says.", c.Name),
		},
		alert{
			name: "HighCacheConnections", severity: alerts.Medium, forDuration: 5 * time.Minute,
			expr:    fmt.Sprintf("max by (instance) (%s) > %d", sel.metric(m.Clients), c.Connections),
			summary: fmt.Sprintf("%s has more than %d client connections", c.Name, c.Connections),
			description: fmt.Sprintf("{{ $labels.instance }} of %s has had {{ $value }} clients connected for 5m: "+
				"look for a connection leak or a pool sized too large.", c.Name),
		},
		alert{
			name: "CacheEvictions", severity: alerts.Low, forDuration: 15 * time.Minute,
			expr:    fmt.Sprintf("sum by (instance) (%s) > %s", o.rate(m.EvictedKeys, sel), num(c.EvictionsPerSecond)),
			summary: fmt.Sprintf("%s evicts keys", c.Name),
			description: fmt.Sprintf("{{ $labels.instance }} of %s has evicted {{ printf \"%%.2f\" $value }} keys per second for 15m, above %s: "+
				"it is full, and the hit rate suffers.", c.Name, num(c.EvictionsPerSecond)),
		},
		alert{
			name: "HighCacheLatencyP99", severity: alerts.Medium, forDuration: 5 * time.Minute,
			expr:    p99 + " > " + seconds(c.CommandLatencyP99),
			summary: fmt.Sprintf("%s answers commands slowly: p99 above %s", c.Name, durText(c.CommandLatencyP99)),
			description: fmt.Sprintf("The 99th percentile of command latency on {{ $labels.instance }} of %s is {{ $value | humanizeDuration }}; "+
				"it has been above %s for 5m.", c.Name, durText(c.CommandLatencyP99)),
		},
	)
}
