package catalog

import (
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/vigilops/vigil/internal/promtest"
)

// The series below are written one value a minute from t=0 (promtool's interval), and
// rules are evaluated every minute. A gauge lists (minutes, value) steps; a counter
// lists (minutes, increase per minute) steps after a first sample of 0.

type step struct {
	minutes int
	value   float64
}

func gauge(steps ...step) string {
	var vals []string
	for _, s := range steps {
		for range s.minutes {
			vals = append(vals, strconv.FormatFloat(s.value, 'g', -1, 64))
		}
	}
	return strings.Join(vals, " ")
}

func counter(steps ...step) string {
	v, vals := 0.0, []string{"0"}
	for _, s := range steps {
		for range s.minutes {
			v += s.value
			vals = append(vals, strconv.FormatFloat(v, 'g', -1, 64))
		}
	}
	return strings.Join(vals, " ")
}

func series(name, values string) promtest.Series {
	return promtest.Series{Series: name, Values: values}
}

func minutes(n int) time.Duration { return time.Duration(n) * time.Minute }

// firing returns the labels and annotations of a firing alert of the estate: every
// alert carries environment=prod (Options.Labels) and its runbook.
func firing(alert, summary, description string, labels ...string) promtest.ExpectedAlert {
	l := map[string]string{"environment": "prod"}
	for i := 0; i+1 < len(labels); i += 2 {
		l[labels[i]] = labels[i+1]
	}
	return promtest.ExpectedAlert{Labels: l, Annotations: map[string]string{
		"summary":     summary,
		"description": description,
		"runbook_url": runbooks + "#" + strings.ToLower(alert),
	}}
}

// pendingSample is the ALERTS series Prometheus writes for a pending alert: proof that
// the condition already holds while the alert waits out its for duration.
func pendingSample(alert string, want promtest.ExpectedAlert) promtest.ExpectedSample {
	l := map[string]string{"alertname": alert, "alertstate": "pending"}
	for k, v := range want.Labels {
		l[k] = v
	}
	keys := make([]string, 0, len(l))
	for k := range l {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + "=" + strconv.Quote(l[k])
	}
	return promtest.ExpectedSample{Labels: "ALERTS{" + strings.Join(parts, ", ") + "}", Value: 1}
}

// fireCase is one alert's life: its condition holds, it is pending (not firing) at
// pendingAt, firing at firingAt, and gone at resolvedAt once the series are normal
// again.
type fireCase struct {
	alert      string
	input      []promtest.Series
	pendingAt  time.Duration
	firingAt   time.Duration
	resolvedAt time.Duration
	want       promtest.ExpectedAlert
	// quiet lists other alerts that must not fire at firingAt, to show that the
	// threshold tells them apart.
	quiet []string
}

func (c fireCase) test(name string) promtest.Test {
	tests := []promtest.AlertTest{
		{EvalTime: promtest.D(c.pendingAt), AlertName: c.alert},
		{EvalTime: promtest.D(c.firingAt), AlertName: c.alert, Expected: []promtest.ExpectedAlert{c.want}},
		{EvalTime: promtest.D(c.resolvedAt), AlertName: c.alert},
	}
	for _, q := range c.quiet {
		tests = append(tests, promtest.AlertTest{EvalTime: promtest.D(c.firingAt), AlertName: q})
	}
	return promtest.Test{
		Name:        name,
		Interval:    promtest.D(time.Minute),
		InputSeries: c.input,
		AlertTests:  tests,
		ExprTests: []promtest.ExprTest{{
			Expr:     `ALERTS{alertname="` + c.alert + `",alertstate="pending"}`,
			EvalTime: promtest.D(c.pendingAt),
			Expected: []promtest.ExpectedSample{pendingSample(c.alert, c.want)},
		}},
	}
}

func TestEachAlertFiresAfterItsForDurationAndResolves(t *testing.T) {
	rules := buildEstate(t).YAML()
	const (
		apiTarget   = `instance="10.0.0.1:8080",job="api"`
		billing     = `instance="10.0.1.1:8080",service="billing"`
		frontend    = `instance="10.0.2.1:3000",service="frontend"`
		primary     = `database="orders-db",instance="db-1:9187"`
		redis       = `cache="sessions",instance="redis-1:9121"`
		node        = `instance="host-1:9100",job="node"`
		rootFS      = node + `,device="/dev/nvme0n1p1",fstype="ext4",mountpoint="/"`
		certificate = `instance="https://api.example.com",job="blackbox"`
	)
	// Most conditions hold from minute 11 to minute 25.
	normalHighNormal := func(normal, high float64) string {
		return gauge(step{11, normal}, step{15, high}, step{15, normal})
	}
	latencyBuckets := func(metric, labels string, bounds []string, slowFrom int) []promtest.Series {
		var out []promtest.Series
		for i, le := range bounds {
			slow := 0.0
			if i >= slowFrom {
				slow = 60
			}
			out = append(out, series(metric+`{`+labels+`,le="`+le+`"}`, counter(step{10, 60}, step{15, slow}, step{15, 60})))
		}
		return out
	}
	httpBuckets := []string{"0.5", "1", "2", "2.5", "+Inf"}

	cases := map[string]fireCase{
		"ServiceDown fires when every target of the main API has failed its scrapes for 2m, and clears when one answers.": {
			alert: "ServiceDown",
			input: []promtest.Series{
				series(`up{`+apiTarget+`}`, gauge(step{5, 1}, step{11, 0}, step{11, 1})),
				series(`up{`+billing+`}`, gauge(step{27, 1})),
				series(`up{`+frontend+`}`, gauge(step{27, 1})),
			},
			pendingAt: minutes(6), firingAt: minutes(7), resolvedAt: minutes(16),
			want: firing("ServiceDown", "api is down", "No target of api has answered a scrape for 2m, or none is being scraped.",
				"service", "api", "severity", "critical"),
		},
		"ServiceDown fires when a service's targets vanish from discovery for 5m, and clears when they are back.": {
			alert: "ServiceDown",
			input: []promtest.Series{
				series(`up{`+billing+`}`, gauge(step{5, 1})+" "+strings.Repeat("_ ", 15)+gauge(step{11, 1})),
				series(`up{`+apiTarget+`}`, gauge(step{31, 1})),
				series(`up{`+frontend+`}`, gauge(step{31, 1})),
			},
			pendingAt: minutes(13), firingAt: minutes(15), resolvedAt: minutes(21),
			want: firing("ServiceDown", "billing is down", "No target of billing has answered a scrape for 5m, or none is being scraped.",
				"service", "billing", "severity", "critical"),
		},
		"HighErrorRate fires when 10% of the API's requests fail for 3m, and clears when they succeed again.": {
			alert: "HighErrorRate",
			input: []promtest.Series{
				series(`http_requests_total{`+apiTarget+`,code="200"}`, counter(step{40, 54})),
				series(`http_requests_total{`+apiTarget+`,code="500"}`, counter(step{10, 0}, step{15, 6}, step{15, 0})),
			},
			pendingAt: minutes(15), firingAt: minutes(16), resolvedAt: minutes(31),
			want: firing("HighErrorRate", "api fails more than 5% of its requests",
				"10% of the requests to api failed over the last 5m (at least 20 requests); the share has been above 5% for 3m.",
				"service", "api", "severity", "high"),
		},
		"HighLatencyP99 fires when the API's slowest requests take over 2.5s for 5m, and clears when they are fast again.": {
			alert:     "HighLatencyP99",
			input:     latencyBuckets("http_request_duration_seconds_bucket", apiTarget, httpBuckets, 4),
			pendingAt: minutes(15), firingAt: minutes(16), resolvedAt: minutes(31),
			want: firing("HighLatencyP99", "api answers slowly: p99 latency above 2s",
				"The 99th percentile of api's response time is 2.5s; it has been above 2s for 5m.",
				"service", "api", "severity", "high"),
		},
		"HighLatencyP95 fires when a tenth of the API's requests take 1 to 2s for 5m, while p99 stays under 2s.": {
			alert: "HighLatencyP95",
			input: func() []promtest.Series {
				var out []promtest.Series
				for i, le := range httpBuckets {
					slow := 54.0 // 54 of 60 requests a minute stay under 0.5s
					if i >= 2 {
						slow = 60 // the other 6 take between 1s and 2s
					}
					out = append(out, series(`http_request_duration_seconds_bucket{`+apiTarget+`,le="`+le+`"}`,
						counter(step{10, 60}, step{15, slow}, step{15, 60})))
				}
				return out
			}(),
			// p95 crosses 1s at minute 13, when 3 of the 5 minutes of the window are slow.
			pendingAt: minutes(17), firingAt: minutes(18), resolvedAt: minutes(31),
			want: firing("HighLatencyP95", "api answers slowly: p95 latency above 1s",
				"The 95th percentile of api's response time is 1.5s; it has been above 1s for 5m.",
				"service", "api", "severity", "medium"),
			quiet: []string{"HighLatencyP99"},
		},
		"HighProcessMemory fires when a Go process uses 93% of its 1GiB limit for 10m, and clears when it shrinks.": {
			alert:     "HighProcessMemory",
			input:     []promtest.Series{series(`process_resident_memory_bytes{`+apiTarget+`}`, normalHighNormal(4e8, 1e9))},
			pendingAt: minutes(20), firingAt: minutes(21), resolvedAt: minutes(27),
			want: firing("HighProcessMemory", "api on 10.0.0.1:8080 uses more than 90% of its memory limit",
				"api on 10.0.0.1:8080 has used 93.13% of its 1GiB memory limit for 10m. It risks being killed for running out of memory.",
				"instance", "10.0.0.1:8080", "service", "api", "severity", "medium"),
		},
		"HighProcessMemory fires when a Node.js process uses 97% of the default 512MiB limit for 10m, and clears when it shrinks.": {
			alert:     "HighProcessMemory",
			input:     []promtest.Series{series(`process_resident_memory_bytes{`+frontend+`}`, normalHighNormal(3e8, 5.2e8))},
			pendingAt: minutes(20), firingAt: minutes(21), resolvedAt: minutes(27),
			want: firing("HighProcessMemory", "frontend on 10.0.2.1:3000 uses more than 90% of its memory limit",
				"frontend on 10.0.2.1:3000 has used 96.86% of its 512MiB memory limit for 10m. It risks being killed for running out of memory.",
				"instance", "10.0.2.1:3000", "service", "frontend", "severity", "medium"),
		},
		"LongGCPauses fires when Go's GC pauses average 200ms for 10m, and clears when they are short again.": {
			alert: "LongGCPauses",
			input: []promtest.Series{
				series(`go_gc_duration_seconds_sum{`+apiTarget+`}`, counter(step{10, 0.0625}, step{15, 12}, step{15, 0.0625})),
				series(`go_gc_duration_seconds_count{`+apiTarget+`}`, counter(step{40, 60})),
			},
			pendingAt: minutes(22), firingAt: minutes(23), resolvedAt: minutes(31),
			want: firing("LongGCPauses", "api on 10.0.0.1:8080 pauses for garbage collection longer than 100ms",
				"Garbage-collection pauses of api on 10.0.0.1:8080 have lasted 200ms on average for 10m; requests wait while they last.",
				"instance", "10.0.0.1:8080", "service", "api", "severity", "medium"),
		},
		"LongGCPauses fires when the JVM's GC pauses average 1s for 10m, and clears when they are short again.": {
			alert: "LongGCPauses",
			input: []promtest.Series{
				series(`jvm_gc_pause_seconds_sum{`+billing+`,action="end of minor GC",gc="G1 Young Generation"}`, counter(step{10, 3}, step{15, 60}, step{15, 3})),
				series(`jvm_gc_pause_seconds_count{`+billing+`,action="end of minor GC",gc="G1 Young Generation"}`, counter(step{40, 60})),
			},
			pendingAt: minutes(22), firingAt: minutes(23), resolvedAt: minutes(31),
			want: firing("LongGCPauses", "billing on 10.0.1.1:8080 pauses for garbage collection longer than 500ms",
				"Garbage-collection pauses of billing on 10.0.1.1:8080 have lasted 1s on average for 10m; requests wait while they last.",
				"instance", "10.0.1.1:8080", "service", "billing", "severity", "medium"),
		},
		"HighJVMHeapUsage fires when the heap is 95% full for 10m, ignoring pools without a maximum, and clears when it empties.": {
			alert: "HighJVMHeapUsage",
			input: []promtest.Series{
				series(`jvm_memory_used_bytes{`+billing+`,area="heap",id="G1 Old Gen"}`, normalHighNormal(6e8, 9e8)),
				series(`jvm_memory_used_bytes{`+billing+`,area="heap",id="G1 Eden Space"}`, gauge(step{41, 5e7})),
				series(`jvm_memory_max_bytes{`+billing+`,area="heap",id="G1 Old Gen"}`, gauge(step{41, 1e9})),
				series(`jvm_memory_max_bytes{`+billing+`,area="heap",id="G1 Eden Space"}`, gauge(step{41, -1})),
				series(`jvm_memory_used_bytes{`+billing+`,area="nonheap",id="Metaspace"}`, gauge(step{41, 9e8})),
			},
			pendingAt: minutes(20), firingAt: minutes(21), resolvedAt: minutes(27),
			want: firing("HighJVMHeapUsage", "billing on 10.0.1.1:8080 uses more than 90% of its heap",
				"billing on 10.0.1.1:8080 has used 95% of its maximum heap for 10m. Expect long garbage collections, then an OutOfMemoryError.",
				"instance", "10.0.1.1:8080", "service", "billing", "severity", "medium"),
		},
		"HighEventLoopLag fires when Node.js's p99 event-loop lag is 500ms for 5m, and clears when the loop is free.": {
			alert:     "HighEventLoopLag",
			input:     []promtest.Series{series(`nodejs_eventloop_lag_p99_seconds{`+frontend+`}`, normalHighNormal(0.01, 0.5))},
			pendingAt: minutes(15), firingAt: minutes(16), resolvedAt: minutes(27),
			want: firing("HighEventLoopLag", "frontend on 10.0.2.1:3000 has an event-loop lag above 200ms",
				"The 99th percentile of frontend's event-loop lag on 10.0.2.1:3000 is 500ms and has been above 200ms for 5m: something blocks the loop, and every request waits.",
				"instance", "10.0.2.1:3000", "service", "frontend", "severity", "medium"),
		},
		"HighDatabaseConnections fires when 85 of 100 connections are open for 5m, and clears when they close.": {
			alert: "HighDatabaseConnections",
			input: []promtest.Series{
				series(`pg_stat_activity_count{`+primary+`,datname="orders",state="active"}`, normalHighNormal(20, 70)),
				series(`pg_stat_activity_count{`+primary+`,datname="orders",state="idle"}`, gauge(step{41, 15})),
				series(`pg_settings_max_connections{`+primary+`}`, gauge(step{41, 100})),
			},
			pendingAt: minutes(15), firingAt: minutes(16), resolvedAt: minutes(27),
			want: firing("HighDatabaseConnections", "orders-db has used more than 80% of its connections for 5m",
				"db-1:9187 of orders-db has 85% of max_connections open. When none is left, new connections are refused.",
				"instance", "db-1:9187", "database", "orders-db", "service", "orders", "severity", "high"),
		},
		"HighReplicationLag fires when a replica is 30s behind for 2m, and clears when it catches up.": {
			alert:     "HighReplicationLag",
			input:     []promtest.Series{series(`pg_replication_lag_seconds{database="orders-db",instance="db-2:9187"}`, normalHighNormal(0, 30))},
			pendingAt: minutes(12), firingAt: minutes(13), resolvedAt: minutes(27),
			want: firing("HighReplicationLag", "A replica of orders-db lags more than 10s behind",
				"db-2:9187 of orders-db replays changes 30s late; reads from it are stale, and a failover would lose the difference.",
				"instance", "db-2:9187", "database", "orders-db", "service", "orders", "severity", "high"),
		},
		"LongRunningTransaction fires a minute after a transaction passes 5m, and clears when it ends.": {
			alert: "LongRunningTransaction",
			input: []promtest.Series{series(`pg_stat_activity_max_tx_duration{`+primary+`,datname="orders",state="active"}`,
				// A transaction opens at minute 2 and ends at minute 15: above 300s from minute 8.
				gauge(step{3, 0})+" "+counter(step{12, 60})[2:]+" "+gauge(step{15, 0}))},
			pendingAt: minutes(8), firingAt: minutes(9), resolvedAt: minutes(16),
			want: firing("LongRunningTransaction", "A transaction on orders-db has run for more than 5m",
				"The oldest transaction on db-1:9187 of orders-db has been open for 7m 0s. It holds locks and keeps vacuum from reclaiming rows.",
				"instance", "db-1:9187", "database", "orders-db", "service", "orders", "severity", "medium"),
		},
		"HighDatabaseSize fires when the databases hold 6GB for 30m, and clears when they shrink.": {
			alert:     "HighDatabaseSize",
			input:     []promtest.Series{series(`pg_database_size_bytes{`+primary+`,datname="orders"}`, gauge(step{11, 4e9}, step{40, 6e9}, step{10, 4e9}))},
			pendingAt: minutes(40), firingAt: minutes(41), resolvedAt: minutes(52),
			want: firing("HighDatabaseSize", "orders-db holds more than 5GiB",
				"The databases of db-1:9187 of orders-db take 5.588GiB, above 5GiB: plan storage, backups and retention.",
				"instance", "db-1:9187", "database", "orders-db", "service", "orders", "severity", "low"),
		},
		"HighCacheMemory fires when Redis uses 90% of maxmemory for 5m, ignores a node without maxmemory, and clears when it frees memory.": {
			alert: "HighCacheMemory",
			input: []promtest.Series{
				series(`redis_memory_used_bytes{`+redis+`}`, normalHighNormal(8e8, 9e8)),
				series(`redis_memory_max_bytes{`+redis+`}`, gauge(step{41, 1e9})),
				series(`redis_memory_used_bytes{cache="sessions",instance="redis-2:9121"}`, gauge(step{41, 9e8})),
				series(`redis_memory_max_bytes{cache="sessions",instance="redis-2:9121"}`, gauge(step{41, 0})),
			},
			pendingAt: minutes(15), firingAt: minutes(16), resolvedAt: minutes(27),
			want: firing("HighCacheMemory", "sessions uses more than 85% of its maxmemory",
				"redis-1:9121 of sessions has used 90% of its maxmemory for 5m; next it evicts keys or refuses writes, as its policy says.",
				"instance", "redis-1:9121", "cache", "sessions", "service", "api", "severity", "medium"),
		},
		"HighCacheConnections fires when 1500 clients are connected for 5m, and clears when they leave.": {
			alert:     "HighCacheConnections",
			input:     []promtest.Series{series(`redis_connected_clients{`+redis+`}`, normalHighNormal(200, 1500))},
			pendingAt: minutes(15), firingAt: minutes(16), resolvedAt: minutes(27),
			want: firing("HighCacheConnections", "sessions has more than 1000 client connections",
				"redis-1:9121 of sessions has had 1500 clients connected for 5m: look for a connection leak or a pool sized too large.",
				"instance", "redis-1:9121", "cache", "sessions", "service", "api", "severity", "medium"),
		},
		"CacheEvictions fires when Redis evicts keys for 15m, and clears when evictions stop.": {
			alert:     "CacheEvictions",
			input:     []promtest.Series{series(`redis_evicted_keys_total{`+redis+`}`, counter(step{10, 0}, step{25, 30}, step{10, 0}))},
			pendingAt: minutes(25), firingAt: minutes(26), resolvedAt: minutes(41),
			want: firing("CacheEvictions", "sessions evicts keys",
				"redis-1:9121 of sessions has evicted 0.50 keys per second for 15m, above 0: it is full, and the hit rate suffers.",
				"instance", "redis-1:9121", "cache", "sessions", "service", "api", "severity", "low"),
		},
		"HighCacheLatencyP99 fires when Redis commands take up to a second for 5m, and clears when they are fast again.": {
			alert:     "HighCacheLatencyP99",
			input:     latencyBuckets("redis_commands_latencies_usec_bucket", redis+`,cmd="get"`, []string{"1000", "10000", "100000", "1e+06", "+Inf"}, 3),
			pendingAt: minutes(15), firingAt: minutes(16), resolvedAt: minutes(31),
			want: firing("HighCacheLatencyP99", "sessions answers commands slowly: p99 above 100ms",
				"The 99th percentile of command latency on redis-1:9121 of sessions is 991ms; it has been above 100ms for 5m.",
				"instance", "redis-1:9121", "cache", "sessions", "service", "api", "severity", "medium"),
		},
		"HighQueueBacklog fires when 5000 messages wait for 10m, whichever worker reports it, and clears when they are drained.": {
			alert: "HighQueueBacklog",
			input: []promtest.Series{
				series(`queue_messages_waiting{queue="emails",instance="worker-1:9000"}`, normalHighNormal(10, 5000)),
				series(`queue_messages_waiting{queue="emails",instance="worker-2:9000"}`, normalHighNormal(10, 5000)),
			},
			pendingAt: minutes(20), firingAt: minutes(21), resolvedAt: minutes(27),
			want: firing("HighQueueBacklog", "emails has more than 1000 messages waiting",
				"5000 messages have been waiting in emails, above 1000 for 10m: its workers do not keep up, or are stuck.",
				"queue", "emails", "service", "emails", "severity", "high"),
		},
		"HighQueueFailureRate fires when a fifth of the messages fail for 5m, and clears when they succeed again.": {
			alert: "HighQueueFailureRate",
			input: []promtest.Series{
				series(`queue_messages_processed_total{queue="emails",instance="worker-1:9000"}`, counter(step{40, 60})),
				series(`queue_messages_failed_total{queue="emails",instance="worker-1:9000"}`, counter(step{10, 0}, step{15, 12}, step{15, 0})),
			},
			pendingAt: minutes(17), firingAt: minutes(18), resolvedAt: minutes(31),
			want: firing("HighQueueFailureRate", "More than 10% of the messages of emails fail",
				"20% of the messages processed from emails over the last 5m (at least 20) failed; the share has been above 10% for 5m.",
				"queue", "emails", "service", "emails", "severity", "high"),
		},
		"HighHostCPU fires when a host's CPUs are 90% busy for 5m, and clears when they idle.": {
			alert: "HighHostCPU",
			input: []promtest.Series{
				series(`node_cpu_seconds_total{`+node+`,cpu="0",mode="idle"}`, counter(step{10, 60}, step{15, 6}, step{15, 60})),
				series(`node_cpu_seconds_total{`+node+`,cpu="1",mode="idle"}`, counter(step{10, 60}, step{15, 6}, step{15, 60})),
				series(`node_cpu_seconds_total{`+node+`,cpu="0",mode="user"}`, counter(step{10, 0}, step{15, 54}, step{15, 0})),
			},
			pendingAt: minutes(19), firingAt: minutes(20), resolvedAt: minutes(31),
			want: firing("HighHostCPU", "host-1:9100 uses more than 80% of its CPU",
				"host-1:9100 (nodes) has been 90% busy over the last 5m, above 80% for 5m.",
				"instance", "host-1:9100", "host_group", "nodes", "severity", "medium"),
		},
		"HighHostMemory fires when a host uses 90% of its memory for 5m, and clears when it frees memory.": {
			alert: "HighHostMemory",
			input: []promtest.Series{
				series(`node_memory_MemAvailable_bytes{`+node+`}`, normalHighNormal(4e9, 8e8)),
				series(`node_memory_MemTotal_bytes{`+node+`}`, gauge(step{41, 8e9})),
			},
			pendingAt: minutes(15), firingAt: minutes(16), resolvedAt: minutes(27),
			want: firing("HighHostMemory", "host-1:9100 uses more than 85% of its memory",
				"host-1:9100 (nodes) has used 90% of its memory for 5m, above 85%.",
				"instance", "host-1:9100", "host_group", "nodes", "severity", "medium"),
			quiet: []string{"HostOutOfMemory"},
		},
		"HostOutOfMemory fires when a host has 2.5% of its memory available for 2m, and clears when it frees memory.": {
			alert: "HostOutOfMemory",
			input: []promtest.Series{
				series(`node_memory_MemAvailable_bytes{`+node+`}`, normalHighNormal(4e9, 2e8)),
				series(`node_memory_MemTotal_bytes{`+node+`}`, gauge(step{41, 8e9})),
			},
			pendingAt: minutes(12), firingAt: minutes(13), resolvedAt: minutes(27),
			want: firing("HostOutOfMemory", "host-1:9100 is out of memory: less than 5% available",
				"Only 2.5% of the memory of host-1:9100 (nodes) has been available for 2m; the kernel is about to kill processes.",
				"instance", "host-1:9100", "host_group", "nodes", "severity", "critical"),
		},
		"HighHostDiskUsage fires when a disk is 90% full for 10m, ignores a full tmpfs, and clears when space is freed.": {
			alert: "HighHostDiskUsage",
			input: []promtest.Series{
				series(`node_filesystem_avail_bytes{`+rootFS+`}`, normalHighNormal(5e10, 1e10)),
				series(`node_filesystem_size_bytes{`+rootFS+`}`, gauge(step{41, 1e11})),
				series(`node_filesystem_avail_bytes{`+node+`,device="tmpfs",fstype="tmpfs",mountpoint="/run"}`, gauge(step{41, 1e6})),
				series(`node_filesystem_size_bytes{`+node+`,device="tmpfs",fstype="tmpfs",mountpoint="/run"}`, gauge(step{41, 1e9})),
			},
			pendingAt: minutes(20), firingAt: minutes(21), resolvedAt: minutes(27),
			want: firing("HighHostDiskUsage", "/ on host-1:9100 is more than 85% full",
				"/ on host-1:9100 (nodes) has been 90% full for 10m; writes fail when it is full.",
				"instance", "host-1:9100", "host_group", "nodes", "mountpoint", "/", "severity", "high"),
		},
		"CertificateExpiringSoon fires once a certificate has had less than 30 days left for 10m, and clears when it is renewed.": {
			alert: "CertificateExpiringSoon",
			input: []promtest.Series{series(`probe_ssl_earliest_cert_expiry{`+certificate+`}`,
				// Expires 30 days and 10 minutes after t=0; renewed for 90 more days at minute 31.
				gauge(step{31, 30*86400 + 600}, step{10, 120*86400 + 600}))},
			pendingAt: minutes(20), firingAt: minutes(21), resolvedAt: minutes(32),
			want: firing("CertificateExpiringSoon", "The TLS certificate of https://api.example.com expires in less than 30 days",
				"The TLS certificate of https://api.example.com expires in 29.99 days. Renew it, and find out why automatic renewal did not.",
				"instance", "https://api.example.com", "certificate", "api.example.com", "severity", "medium"),
		},
	}

	for name, c := range measuredCases() {
		cases[name] = c
	}
	covered := map[string]bool{}
	for name, c := range cases {
		covered[c.alert] = true
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			out, err := promtest.Run(t, rules, promtest.File{Tests: []promtest.Test{c.test(name)}})
			require.NoError(t, err, "promtool test rules:\n%s", out)
		})
	}
	for _, a := range buildEstate(t).Alerts() {
		if a.Alert != WatchdogAlert && !covered[a.Alert] {
			t.Errorf("alert %s has no promtool case", a.Alert)
		}
	}
}

func TestWatchdogFiresFromTheFirstEvaluationAndNeverStops(t *testing.T) {
	rules := buildEstate(t).YAML()
	want := firing(WatchdogAlert, "The alerting pipeline is alive",
		"This alert always fires, so that a dead man's switch outside the monitoring stack notices when Prometheus, Alertmanager or the way between them stops working.",
		"severity", "low", WatchdogLabel, "true")
	var checks []promtest.AlertTest
	for _, at := range []time.Duration{0, time.Minute, time.Hour, 24 * time.Hour} {
		checks = append(checks, promtest.AlertTest{EvalTime: promtest.D(at), AlertName: WatchdogAlert, Expected: []promtest.ExpectedAlert{want}})
	}
	out, err := promtest.Run(t, rules, promtest.File{
		EvaluationInterval: promtest.D(time.Minute),
		Tests: []promtest.Test{{
			Name:        "The Watchdog fires with no input at all, at once and a day later.",
			Interval:    promtest.D(time.Minute),
			InputSeries: []promtest.Series{series(`up{job="unrelated"}`, "1")},
			AlertTests:  checks,
		}},
	})
	require.NoError(t, err, "promtool test rules:\n%s", out)
}
