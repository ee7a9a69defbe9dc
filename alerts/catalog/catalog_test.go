package catalog

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vigilops/vigil/alerts"
	"github.com/vigilops/vigil/internal/promtest"
)

// wantRule is what a test expects of one alert of one group.
type wantRule struct {
	group, alert, expr string
	forDuration        time.Duration
	severity           alerts.Severity
}

func findRule(t *testing.T, f alerts.RuleFile, group, alert string) alerts.Rule {
	t.Helper()
	for _, g := range f.Groups {
		if g.Name != group {
			continue
		}
		for _, r := range g.Rules {
			if r.Alert == alert {
				return r
			}
		}
	}
	t.Fatalf("no alert %s in group %s", alert, group)
	return alerts.Rule{}
}

// minimal names one item of each kind and nothing else: every default applies.
func minimal() Catalog {
	return Catalog{
		Options:      Options{RunbookBaseURL: runbooks, Labels: map[string]string{"environment": "prod"}},
		Services:     []Service{{Name: "api", Runtime: &Runtime{Kind: Go}}, {Name: "billing", Runtime: &Runtime{Kind: JVM}}, {Name: "web", Runtime: &Runtime{Kind: NodeJS}}},
		Databases:    []Database{{Name: "orders-db"}},
		Caches:       []Cache{{Name: "sessions"}},
		Queues:       []Queue{{Name: "emails"}},
		Hosts:        []HostGroup{{Name: "nodes"}},
		Certificates: []Certificate{{Name: "public"}},
	}
}

// custom sets every metric name, selector, unit and threshold to a value of its own.
func custom() Catalog {
	return Catalog{
		Options: Options{RunbookBaseURL: "https://wiki.example.com/runbooks/", RateWindow: 2 * time.Minute, Labels: map[string]string{"environment": "staging"}},
		Services: []Service{{
			Name: "api", Selector: `job="api", env=~"prod|staging"`,
			Metrics: ServiceMetrics{
				Up: "probe_success", Requests: "api_requests_total", StatusLabel: "status", ErrorStatus: "5..|429",
				DurationBucket: "api_latency_ms_bucket", DurationUnit: time.Millisecond,
			},
			DownFor: 10 * time.Minute, ErrorRatePercent: 1.5, MinRequests: 500, LatencyP99: 750 * time.Millisecond, LatencyP95: 300 * time.Millisecond,
			Runtime: &Runtime{Kind: Go, MemoryLimitBytes: 2 * gib, MemoryPercent: 75, GCPause: 20 * time.Millisecond,
				Metrics: RuntimeMetrics{ResidentMemory: "app_rss_bytes", GCPause: "app_gc_pause_seconds"}},
		}, {
			Name: "billing", Selector: `app="billing"`,
			Runtime: &Runtime{Kind: JVM, MemoryPercent: 80, GCPause: time.Second,
				Metrics: RuntimeMetrics{HeapUsed: "jvm_memory_bytes_used", HeapMax: "jvm_memory_bytes_max", GCPause: "jvm_gc_collection_seconds"}},
		}, {
			Name: "web", Selector: `app="web"`,
			Runtime: &Runtime{Kind: NodeJS, EventLoopLag: 50 * time.Millisecond, Metrics: RuntimeMetrics{EventLoopLag: "web_loop_lag_seconds"}},
		}},
		Databases: []Database{{
			Name: "orders-db", Service: "orders", Selector: `instance="orders.db:9187"`,
			Metrics: DatabaseMetrics{Up: "db_up", Connections: "db_connections", MaxConnections: "db_max_connections", ReplicationLag: "db_lag_seconds",
				TransactionDuration: "db_oldest_tx_seconds", Size: "db_size_bytes"},
			ConnectionsPercent: 90, ReplicationLag: time.Minute, LongQuery: 30 * time.Second, MaxSizeBytes: 100 * gib,
		}},
		Caches: []Cache{{
			Name: "sessions", Service: "api", Selector: `cluster="sessions"`,
			Metrics: CacheMetrics{Up: "kv_up", MemoryUsed: "kv_used_bytes", MemoryMax: "kv_max_bytes", Clients: "kv_clients", EvictedKeys: "kv_evictions_total",
				CommandLatencyBucket: "kv_latency_seconds_bucket", CommandLatencyUnit: time.Second},
			MemoryPercent: 95, Connections: 5000, EvictionsPerSecond: 10, CommandLatencyP99: 5 * time.Millisecond,
		}},
		Queues: []Queue{{
			Name: "emails", Service: "notifier", Selector: `celery_queue="emails"`,
			Metrics: QueueMetrics{Waiting: "celery_queue_length", Processed: "celery_tasks_total", Failed: "celery_tasks_failed_total"},
			Backlog: 50, FailureRatePercent: 2.5, MinProcessed: 10,
		}},
		Hosts: []HostGroup{{
			Name: "bastions", Service: "platform", Selector: `role="bastion"`, FilesystemSelector: `mountpoint="/data"`,
			Metrics: HostMetrics{Up: "host_exporter_up", CPU: "host_cpu_seconds_total", MemoryAvailable: "host_mem_available_bytes", MemoryTotal: "host_mem_total_bytes",
				FilesystemAvailable: "host_fs_free_bytes", FilesystemSize: "host_fs_size_bytes"},
			CPUPercent: 95, MemoryPercent: 90, MemoryAvailablePercent: 2, DiskPercent: 70,
		}},
		Certificates: []Certificate{{
			Name: "partners", Service: "api", Selector: `module="https_partner"`,
			Domain: "*.partners.example.com", ProbeTargets: []string{"https://a.partners.example.com", "b.partners.example.com:8443"},
			Metrics: CertificateMetrics{Expiry: "cert_not_after_seconds", ProbeSuccess: "cert_probe_ok"}, ExpiresWithin: 14 * 24 * time.Hour,
		}},
		OmitWatchdog: true,
	}
}

func TestExpressionsUseDefaultsOrTheTeamsOwnMetrics(t *testing.T) {
	tests := map[string]struct {
		catalog Catalog
		want    []wantRule
	}{
		"A catalog of bare names watches the exporters' default metrics with the documented thresholds.": {
			catalog: minimal(),
			want: []wantRule{
				{"service:api", "ServiceDown", `(sum(up{service="api"}) or vector(0)) == 0`, 5 * time.Minute, alerts.Critical},
				{"service:api", "HighErrorRate", `100 * sum(rate(http_requests_total{service="api",code=~"5.."}[5m])) / sum(rate(http_requests_total{service="api"}[5m])) > 5 and sum(increase(http_requests_total{service="api"}[5m])) >= 20`, 3 * time.Minute, alerts.High},
				{"service:api", "HighLatencyP99", `histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket{service="api"}[5m]))) > 2`, 5 * time.Minute, alerts.High},
				{"service:api", "HighLatencyP95", `histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket{service="api"}[5m]))) > 1`, 5 * time.Minute, alerts.Medium},
				{"runtime:api", "HighProcessMemory", `100 * max by (instance) (process_resident_memory_bytes{service="api"}) / 536870912 > 90`, 10 * time.Minute, alerts.Medium},
				{"runtime:api", "LongGCPauses", `sum by (instance) (rate(go_gc_duration_seconds_sum{service="api"}[5m])) / sum by (instance) (rate(go_gc_duration_seconds_count{service="api"}[5m])) > 0.1`, 10 * time.Minute, alerts.Medium},
				{"runtime:billing", "HighJVMHeapUsage", `100 * sum by (instance) (jvm_memory_used_bytes{service="billing",area="heap"}) / sum by (instance) (jvm_memory_max_bytes{service="billing",area="heap"} > 0) > 90`, 10 * time.Minute, alerts.Medium},
				{"runtime:billing", "LongGCPauses", `sum by (instance) (rate(jvm_gc_pause_seconds_sum{service="billing"}[5m])) / sum by (instance) (rate(jvm_gc_pause_seconds_count{service="billing"}[5m])) > 0.5`, 10 * time.Minute, alerts.Medium},
				{"runtime:web", "HighProcessMemory", `100 * max by (instance) (process_resident_memory_bytes{service="web"}) / 536870912 > 90`, 10 * time.Minute, alerts.Medium},
				{"runtime:web", "HighEventLoopLag", `max by (instance) (nodejs_eventloop_lag_p99_seconds{service="web"}) > 0.2`, 5 * time.Minute, alerts.Medium},
				{"database:orders-db", "DatabaseDown", `min by (instance) (pg_up{database="orders-db"}) == 0 or (count(pg_up{database="orders-db"}) or vector(0)) == 0`, 5 * time.Minute, alerts.High},
				{"database:orders-db", "HighDatabaseConnections", `100 * sum by (instance) (pg_stat_activity_count{database="orders-db"}) / max by (instance) (pg_settings_max_connections{database="orders-db"}) > 80`, 5 * time.Minute, alerts.High},
				{"database:orders-db", "HighReplicationLag", `max by (instance) (pg_replication_lag_seconds{database="orders-db"}) > 10`, 2 * time.Minute, alerts.High},
				{"database:orders-db", "LongRunningTransaction", `max by (instance) (pg_stat_activity_max_tx_duration{database="orders-db"}) > 300`, time.Minute, alerts.Medium},
				{"database:orders-db", "HighDatabaseSize", `sum by (instance) (pg_database_size_bytes{database="orders-db"}) > 5368709120`, 30 * time.Minute, alerts.Low},
				{"cache:sessions", "CacheDown", `min by (instance) (redis_up{cache="sessions"}) == 0 or (count(redis_up{cache="sessions"}) or vector(0)) == 0`, 5 * time.Minute, alerts.High},
				{"cache:sessions", "HighCacheMemory", `100 * max by (instance) (redis_memory_used_bytes{cache="sessions"}) / max by (instance) (redis_memory_max_bytes{cache="sessions"} > 0) > 85`, 5 * time.Minute, alerts.Medium},
				{"cache:sessions", "HighCacheConnections", `max by (instance) (redis_connected_clients{cache="sessions"}) > 1000`, 5 * time.Minute, alerts.Medium},
				{"cache:sessions", "CacheEvictions", `sum by (instance) (rate(redis_evicted_keys_total{cache="sessions"}[5m])) > 0`, 15 * time.Minute, alerts.Low},
				{"cache:sessions", "HighCacheLatencyP99", `histogram_quantile(0.99, sum by (instance, le) (rate(redis_commands_latencies_usec_bucket{cache="sessions"}[5m]))) / 1000000 > 0.1`, 5 * time.Minute, alerts.Medium},
				{"queue:emails", "HighQueueBacklog", `max(queue_messages_waiting{queue="emails"}) > 1000`, 10 * time.Minute, alerts.High},
				{"queue:emails", "HighQueueFailureRate", `100 * sum(rate(queue_messages_failed_total{queue="emails"}[5m])) / sum(rate(queue_messages_processed_total{queue="emails"}[5m])) > 10 and sum(increase(queue_messages_processed_total{queue="emails"}[5m])) >= 20`, 5 * time.Minute, alerts.High},
				{"queue:emails", "QueueMetricsAbsent", `(count(queue_messages_waiting{queue="emails"}) or vector(0)) == 0`, 10 * time.Minute, alerts.Medium},
				{"host:nodes", "HostDown", `min by (instance) (up{job="node"}) == 0 or (count(up{job="node"}) or vector(0)) == 0`, 5 * time.Minute, alerts.High},
				{"host:nodes", "HighHostCPU", `100 * (1 - avg by (instance) (rate(node_cpu_seconds_total{job="node",mode="idle"}[5m]))) > 80`, 5 * time.Minute, alerts.Medium},
				{"host:nodes", "HighHostMemory", `100 - 100 * max by (instance) (node_memory_MemAvailable_bytes{job="node"}) / max by (instance) (node_memory_MemTotal_bytes{job="node"}) > 85`, 5 * time.Minute, alerts.Medium},
				{"host:nodes", "HostOutOfMemory", `100 * max by (instance) (node_memory_MemAvailable_bytes{job="node"}) / max by (instance) (node_memory_MemTotal_bytes{job="node"}) < 5`, 2 * time.Minute, alerts.Critical},
				{"host:nodes", "HighHostDiskUsage", `100 - 100 * max by (instance, mountpoint) (node_filesystem_avail_bytes{job="node",fstype!~"tmpfs|ramfs|overlay|squashfs|nsfs|fuse.lxcfs"}) / max by (instance, mountpoint) (node_filesystem_size_bytes{job="node",fstype!~"tmpfs|ramfs|overlay|squashfs|nsfs|fuse.lxcfs"}) > 85`, 10 * time.Minute, alerts.High},
				{"tls:public", "CertificateProbeFailing", `min by (instance) (probe_success{job="blackbox"}) == 0 or (count(probe_success{job="blackbox"}) or vector(0)) == 0`, 5 * time.Minute, alerts.High},
				{"tls:public", "CertificateExpiringSoon", `(min by (instance) (probe_ssl_earliest_cert_expiry{job="blackbox"}) - time()) / 86400 < 30`, 10 * time.Minute, alerts.Medium},
				{"watchdog", "Watchdog", `vector(1)`, 0, alerts.Low},
			},
		},
		"A team's own metric names, selectors, units and thresholds replace every default.": {
			catalog: custom(),
			want: []wantRule{
				{"service:api", "ServiceDown", `(sum(probe_success{job="api",env=~"prod|staging"}) or vector(0)) == 0`, 10 * time.Minute, alerts.Critical},
				{"service:api", "HighErrorRate", `100 * sum(rate(api_requests_total{job="api",env=~"prod|staging",status=~"5..|429"}[2m])) / sum(rate(api_requests_total{job="api",env=~"prod|staging"}[2m])) > 1.5 and sum(increase(api_requests_total{job="api",env=~"prod|staging"}[2m])) >= 500`, 3 * time.Minute, alerts.High},
				{"service:api", "HighLatencyP99", `histogram_quantile(0.99, sum by (le) (rate(api_latency_ms_bucket{job="api",env=~"prod|staging"}[2m]))) / 1000 > 0.75`, 5 * time.Minute, alerts.High},
				{"service:api", "HighLatencyP95", `histogram_quantile(0.95, sum by (le) (rate(api_latency_ms_bucket{job="api",env=~"prod|staging"}[2m]))) / 1000 > 0.3`, 5 * time.Minute, alerts.Medium},
				{"runtime:api", "HighProcessMemory", `100 * max by (instance) (app_rss_bytes{job="api",env=~"prod|staging"}) / 2147483648 > 75`, 10 * time.Minute, alerts.Medium},
				{"runtime:api", "LongGCPauses", `sum by (instance) (rate(app_gc_pause_seconds_sum{job="api",env=~"prod|staging"}[2m])) / sum by (instance) (rate(app_gc_pause_seconds_count{job="api",env=~"prod|staging"}[2m])) > 0.02`, 10 * time.Minute, alerts.Medium},
				{"runtime:billing", "HighJVMHeapUsage", `100 * sum by (instance) (jvm_memory_bytes_used{app="billing",area="heap"}) / sum by (instance) (jvm_memory_bytes_max{app="billing",area="heap"} > 0) > 80`, 10 * time.Minute, alerts.Medium},
				{"runtime:billing", "LongGCPauses", `sum by (instance) (rate(jvm_gc_collection_seconds_sum{app="billing"}[2m])) / sum by (instance) (rate(jvm_gc_collection_seconds_count{app="billing"}[2m])) > 1`, 10 * time.Minute, alerts.Medium},
				{"runtime:web", "HighProcessMemory", `100 * max by (instance) (process_resident_memory_bytes{app="web"}) / 536870912 > 90`, 10 * time.Minute, alerts.Medium},
				{"runtime:web", "HighEventLoopLag", `max by (instance) (web_loop_lag_seconds{app="web"}) > 0.05`, 5 * time.Minute, alerts.Medium},
				{"database:orders-db", "DatabaseDown", `min by (instance) (db_up{instance="orders.db:9187"}) == 0 or (count(db_up{instance="orders.db:9187"}) or vector(0)) == 0`, 5 * time.Minute, alerts.High},
				{"database:orders-db", "HighDatabaseConnections", `100 * sum by (instance) (db_connections{instance="orders.db:9187"}) / max by (instance) (db_max_connections{instance="orders.db:9187"}) > 90`, 5 * time.Minute, alerts.High},
				{"database:orders-db", "HighReplicationLag", `max by (instance) (db_lag_seconds{instance="orders.db:9187"}) > 60`, 2 * time.Minute, alerts.High},
				{"database:orders-db", "LongRunningTransaction", `max by (instance) (db_oldest_tx_seconds{instance="orders.db:9187"}) > 30`, time.Minute, alerts.Medium},
				{"database:orders-db", "HighDatabaseSize", `sum by (instance) (db_size_bytes{instance="orders.db:9187"}) > 107374182400`, 30 * time.Minute, alerts.Low},
				{"cache:sessions", "CacheDown", `min by (instance) (kv_up{cluster="sessions"}) == 0 or (count(kv_up{cluster="sessions"}) or vector(0)) == 0`, 5 * time.Minute, alerts.High},
				{"cache:sessions", "HighCacheMemory", `100 * max by (instance) (kv_used_bytes{cluster="sessions"}) / max by (instance) (kv_max_bytes{cluster="sessions"} > 0) > 95`, 5 * time.Minute, alerts.Medium},
				{"cache:sessions", "HighCacheConnections", `max by (instance) (kv_clients{cluster="sessions"}) > 5000`, 5 * time.Minute, alerts.Medium},
				{"cache:sessions", "CacheEvictions", `sum by (instance) (rate(kv_evictions_total{cluster="sessions"}[2m])) > 10`, 15 * time.Minute, alerts.Low},
				{"cache:sessions", "HighCacheLatencyP99", `histogram_quantile(0.99, sum by (instance, le) (rate(kv_latency_seconds_bucket{cluster="sessions"}[2m]))) > 0.005`, 5 * time.Minute, alerts.Medium},
				{"queue:emails", "HighQueueBacklog", `max(celery_queue_length{celery_queue="emails"}) > 50`, 10 * time.Minute, alerts.High},
				{"queue:emails", "HighQueueFailureRate", `100 * sum(rate(celery_tasks_failed_total{celery_queue="emails"}[2m])) / sum(rate(celery_tasks_total{celery_queue="emails"}[2m])) > 2.5 and sum(increase(celery_tasks_total{celery_queue="emails"}[2m])) >= 10`, 5 * time.Minute, alerts.High},
				{"queue:emails", "QueueMetricsAbsent", `(count(celery_queue_length{celery_queue="emails"}) or vector(0)) == 0`, 10 * time.Minute, alerts.Medium},
				{"host:bastions", "HostDown", `min by (instance) (host_exporter_up{role="bastion"}) == 0 or (count(host_exporter_up{role="bastion"}) or vector(0)) == 0`, 5 * time.Minute, alerts.High},
				{"host:bastions", "HighHostCPU", `100 * (1 - avg by (instance) (rate(host_cpu_seconds_total{role="bastion",mode="idle"}[2m]))) > 95`, 5 * time.Minute, alerts.Medium},
				{"host:bastions", "HighHostMemory", `100 - 100 * max by (instance) (host_mem_available_bytes{role="bastion"}) / max by (instance) (host_mem_total_bytes{role="bastion"}) > 90`, 5 * time.Minute, alerts.Medium},
				{"host:bastions", "HostOutOfMemory", `100 * max by (instance) (host_mem_available_bytes{role="bastion"}) / max by (instance) (host_mem_total_bytes{role="bastion"}) < 2`, 2 * time.Minute, alerts.Critical},
				{"host:bastions", "HighHostDiskUsage", `100 - 100 * max by (instance, mountpoint) (host_fs_free_bytes{role="bastion",mountpoint="/data"}) / max by (instance, mountpoint) (host_fs_size_bytes{role="bastion",mountpoint="/data"}) > 70`, 10 * time.Minute, alerts.High},
				{"tls:partners", "CertificateProbeFailing", `min by (instance) (cert_probe_ok{module="https_partner",instance=~"https://a\\.partners\\.example\\.com|b\\.partners\\.example\\.com:8443"}) == 0` +
					` or max by (instance) (absent(cert_probe_ok{module="https_partner",instance="https://a.partners.example.com"}))` +
					` or max by (instance) (absent(cert_probe_ok{module="https_partner",instance="b.partners.example.com:8443"}))`, 5 * time.Minute, alerts.High},
				{"tls:partners", "CertificateExpiringSoon", `(min by (instance) (cert_not_after_seconds{module="https_partner",instance=~"https://a\\.partners\\.example\\.com|b\\.partners\\.example\\.com:8443"}) - time()) / 86400 < 14`, 10 * time.Minute, alerts.Medium},
			},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			f, err := Build(tc.catalog)
			require.NoError(t, err)
			listed, alertsInListedGroups := map[string]bool{}, 0
			for _, w := range tc.want {
				listed[w.group] = true
			}
			for _, g := range f.Groups {
				if listed[g.Name] {
					alertsInListedGroups += len(g.Rules)
				}
			}
			require.Equal(t, len(tc.want), alertsInListedGroups, "every alert of the groups listed here is checked")
			for _, w := range tc.want {
				r := findRule(t, f, w.group, w.alert)
				assert.Equal(t, w.expr, r.Expr, "%s/%s", w.group, w.alert)
				assert.Equal(t, alerts.Duration(w.forDuration), r.For, "%s/%s", w.group, w.alert)
				assert.Equal(t, string(w.severity), r.Labels["severity"], "%s/%s", w.group, w.alert)
			}
			require.NoError(t, f.Validate())
			out, err := promtest.Check(t, f.YAML())
			require.NoError(t, err, "promtool check rules:\n%s", out)
		})
	}
}

func TestEveryAlertSaysWhatItIsAboutAndWhereItsRunbookIs(t *testing.T) {
	tests := map[string]struct {
		catalog Catalog
		// service and the kind label expected on each group's alerts; absent when empty.
		service, kind map[string][2]string
	}{
		"Items that belong to a service default the service label to their own name.": {
			catalog: minimal(),
			service: map[string][2]string{"service:api": {"service", "api"}, "runtime:api": {"service", "api"},
				"service:billing": {"service", "billing"}, "runtime:billing": {"service", "billing"},
				"service:web": {"service", "web"}, "runtime:web": {"service", "web"},
				"database:orders-db": {"service", "orders-db"}, "cache:sessions": {"service", "sessions"}, "queue:emails": {"service", "emails"}},
			kind: map[string][2]string{"database:orders-db": {"database", "orders-db"}, "cache:sessions": {"cache", "sessions"}, "queue:emails": {"queue", "emails"},
				"host:nodes": {"host_group", "nodes"}, "tls:public": {"certificate", "public"}, "watchdog": {"watchdog", "true"}},
		},
		"An item's Service groups its alerts with that service, and hosts and certificates get one only when asked.": {
			catalog: custom(),
			service: map[string][2]string{"service:api": {"service", "api"}, "runtime:api": {"service", "api"},
				"service:billing": {"service", "billing"}, "runtime:billing": {"service", "billing"},
				"service:web": {"service", "web"}, "runtime:web": {"service", "web"},
				"database:orders-db": {"service", "orders"}, "cache:sessions": {"service", "api"},
				"queue:emails": {"service", "notifier"}, "host:bastions": {"service", "platform"}, "tls:partners": {"service", "api"}},
			kind: map[string][2]string{"database:orders-db": {"database", "orders-db"}, "cache:sessions": {"cache", "sessions"}, "queue:emails": {"queue", "emails"},
				"host:bastions": {"host_group", "bastions"}, "tls:partners": {"certificate", "*.partners.example.com"}},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			f, err := Build(tc.catalog)
			require.NoError(t, err)
			base := tc.catalog.Options.RunbookBaseURL
			for _, g := range f.Groups {
				for _, r := range g.Rules {
					assert.Equal(t, base+"#"+strings.ToLower(r.Alert), r.Annotations["runbook_url"], r.Alert)
					assert.True(t, alerts.Severity(r.Labels["severity"]).Valid(), r.Alert)
					for _, want := range []map[string][2]string{tc.service, tc.kind} {
						if kv, ok := want[g.Name]; ok {
							assert.Equal(t, kv[1], r.Labels[kv[0]], "%s/%s label %s", g.Name, r.Alert, kv[0])
						}
					}
					if _, ok := tc.service[g.Name]; !ok {
						assert.NotContains(t, r.Labels, "service", "%s/%s", g.Name, r.Alert)
					}
				}
			}
		})
	}
}

func TestOptionsLabelsGoOnEveryAlertAndTheWatchdogIsRoutable(t *testing.T) {
	c := minimal()
	c.Options.Labels = map[string]string{"environment": "prod", "team": "payments"}
	f, err := Build(c)
	require.NoError(t, err)
	for _, r := range f.Alerts() {
		assert.Equal(t, "prod", r.Labels["environment"], r.Alert)
		assert.Equal(t, "payments", r.Labels["team"], r.Alert)
	}
	last := f.Groups[len(f.Groups)-1]
	require.Equal(t, "watchdog", last.Name, "the Watchdog comes last")
	require.Len(t, last.Rules, 1)
	assert.Equal(t, WatchdogAlert, last.Rules[0].Alert)
	assert.Equal(t, "true", last.Rules[0].Labels[WatchdogLabel])
	for _, r := range f.Alerts()[:len(f.Alerts())-1] {
		assert.NotContains(t, r.Labels, WatchdogLabel, "only the Watchdog goes to the dead man's switch")
	}

	c.OmitWatchdog = true
	f, err = Build(c)
	require.NoError(t, err)
	for _, r := range f.Alerts() {
		assert.NotEqual(t, WatchdogAlert, r.Alert)
	}
}

// The order of the groups is the catalog's, whatever the names. (Byte-for-byte
// stability is the golden file's business: rule files are marshalled with sorted
// keys, so a loop comparing two builds could not fail.)
func TestGroupsFollowTheCatalogsOrder(t *testing.T) {
	c := estate()
	// Names out of alphabetical order in every list, so that a sort would show.
	c.Services[0].Name, c.Services[2].Name = "zeta", "alpha"
	c.Queues = append(c.Queues, Queue{Name: "audit"})
	f, err := Build(c)
	require.NoError(t, err)
	var names []string
	for _, g := range f.Groups {
		names = append(names, g.Name)
	}
	assert.Equal(t, []string{
		"service:zeta", "runtime:zeta", "service:billing", "runtime:billing", "service:alpha", "runtime:alpha",
		"database:orders-db", "cache:sessions", "queue:emails", "queue:audit", "host:nodes", "tls:public", "tls:shop", "watchdog",
	}, names)
}

func TestBuildDoesNotChangeItsInput(t *testing.T) {
	c := minimal()
	_, err := Build(c)
	require.NoError(t, err)
	assert.Equal(t, minimal(), c, "defaults are applied to copies")
	assert.Equal(t, Runtime{Kind: Go}, *c.Services[0].Runtime, "the runtime behind the pointer keeps its zero values")
}
