package catalog

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vigilops/vigil/validate"
)

func TestBadInputIsRefusedWithEveryProblemAtOnce(t *testing.T) {
	ok := Options{RunbookBaseURL: runbooks, Labels: map[string]string{"environment": "prod"}}
	tests := map[string]struct {
		catalog Catalog
		want    []string // the lines of the error
	}{
		"An empty catalog is refused for its missing runbook base URL and environment label.": {
			catalog: Catalog{},
			want: []string{
				`invalid alert catalog (2 problems):`,
				`  Options.Labels: has no "environment" label`,
				`    hint: set Labels["environment"] to the stack, such as prod: Alertmanager routes by it, and an alert without it never pages`,
				`  Options.RunbookBaseURL: is required`,
				`    hint: for example https://runbooks.example.com/alerts`,
			},
		},
		"Options with a relative runbook URL, a short rate window and unusable extra labels name each problem.": {
			catalog: Catalog{Options: Options{RunbookBaseURL: "runbooks/alerts", RateWindow: 10 * time.Second,
				Labels: map[string]string{"environment": "prod", "severity": "page", "env-name": "prod", "team": " ", "__meta": "x", "owner": "{{ $labels.job }}"}}},
			want: []string{
				`invalid alert catalog (7 problems):`,
				`  Options.Labels["__meta"]: names starting with __ are reserved for Prometheus`,
				`    hint: choose another name, such as environment`,
				`  Options.Labels["env-name"]: is not a valid label name: "env-name"`,
				`    hint: label names are letters, digits and underscores, starting with a letter or underscore`,
				`  Options.Labels["owner"]: must not contain {{`,
				`    hint: Prometheus expands alert labels as templates`,
				`  Options.Labels["severity"]: must not be one of alertname, severity, service, database, cache, queue, instance, mountpoint, host_group, certificate, watchdog`,
				`    hint: the catalog sets or keeps this label itself`,
				`  Options.Labels["team"]: must not be empty`,
				`    hint: Prometheus drops a label whose value is empty`,
				`  Options.RateWindow: must be between 1m and 1h, got 10s`,
				`    hint: a range of at least four scrape intervals`,
				`  Options.RunbookBaseURL: must be an absolute http:// or https:// URL, got "runbooks/alerts"`,
				`    hint: for example https://runbooks.example.com/alerts`,
			},
		},
		"A runbook base URL with a fragment is refused, since the catalog appends its own.": {
			catalog: Catalog{Options: Options{RunbookBaseURL: "https://runbooks.example.com/alerts#top", Labels: map[string]string{"environment": "prod"}}},
			want: []string{
				`invalid alert catalog (1 problem):`,
				`  Options.RunbookBaseURL: must not contain a fragment, got "https://runbooks.example.com/alerts#top"`,
				`    hint: the catalog appends #<alert name> to the base URL`,
			},
		},
		"Services without a name, with thresholds out of range or with metric names Prometheus cannot hold are all reported at once.": {
			catalog: Catalog{Options: ok, Services: []Service{
				{Name: ""},
				{Name: "Checkout_API", ErrorRatePercent: 120, DownFor: -time.Minute, LatencyP99: 20 * time.Minute, LatencyP95: time.Microsecond},
				{Name: "api", Metrics: ServiceMetrics{Up: "up-status", Requests: "2xx_total", DurationBucket: "latency.seconds", StatusLabel: "status-code", ErrorStatus: "5(..", DurationUnit: -time.Millisecond}},
			}},
			want: []string{
				`invalid alert catalog (12 problems):`,
				`  Services[0].Name: is required`,
				`    hint: give it a short name such as api or orders-db`,
				`  Services[1].DownFor: must be between 1m and 1h, got -1m`,
				`    hint: how long the service may be down before someone is paged`,
				`  Services[1].ErrorRatePercent: must be between 0.01 and 100, got 120`,
				`    hint: a percentage of requests, such as 5`,
				`  Services[1].LatencyP95: must be between 1ms and 10m, got 1µs`,
				`    hint: a response time such as 1s`,
				`  Services[1].LatencyP99: must be between 1ms and 10m, got 20m`,
				`    hint: a response time such as 2s`,
				`  Services[1].Name: must be 1 to 63 lower-case letters, digits or hyphens, starting with a letter and not ending with a hyphen, got "Checkout_API"`,
				`    hint: for example orders-api`,
				`  Services[2].Metrics.DurationBucket: is not a valid Prometheus metric name: "latency.seconds"`,
				`    hint: metric names are letters, digits, underscores and colons, not starting with a digit, e.g. http_requests_total`,
				`  Services[2].Metrics.DurationUnit: must be positive, got -1ms`,
				`    hint: for example time.Millisecond for a histogram in milliseconds`,
				"  Services[2].Metrics.ErrorStatus: is not a regular expression: error parsing regexp: missing closing ): `5(..`",
				`    hint: for example 5.. or 5..|429`,
				`  Services[2].Metrics.Requests: is not a valid Prometheus metric name: "2xx_total"`,
				`    hint: metric names are letters, digits, underscores and colons, not starting with a digit, e.g. http_requests_total`,
				`  Services[2].Metrics.StatusLabel: is not a valid label name: "status-code"`,
				`    hint: for example code or status`,
				`  Services[2].Metrics.Up: is not a valid Prometheus metric name: "up-status"`,
				`    hint: metric names are letters, digits, underscores and colons, not starting with a digit, e.g. http_requests_total`,
			},
		},
		"A name used twice is refused in every list, each repeat named with the index of the first.": {
			catalog: Catalog{Options: ok, Services: []Service{{Name: "api"}, {Name: "web"}, {Name: "api"}, {Name: "api"}},
				Databases: []Database{{Name: "db"}, {Name: "db"}}, Caches: []Cache{{Name: "c"}, {Name: "c"}},
				Queues: []Queue{{Name: "q"}, {Name: "q"}}, Hosts: []HostGroup{{Name: "h"}, {Name: "h"}}, Certificates: []Certificate{{Name: "t"}, {Name: "t"}}},
			want: []string{
				`invalid alert catalog (7 problems):`,
				`  Caches[1].Name: duplicate name "c" (first used at index 0)`,
				`    hint: each cache needs its own name: it labels its alerts and names its rule group`,
				`  Certificates[1].Name: duplicate name "t" (first used at index 0)`,
				`    hint: each certificate probe group needs its own name: it names its rule group`,
				`  Databases[1].Name: duplicate name "db" (first used at index 0)`,
				`    hint: each database needs its own name: it labels its alerts and names its rule group`,
				`  Hosts[1].Name: duplicate name "h" (first used at index 0)`,
				`    hint: each host group needs its own name: it names its rule group`,
				`  Queues[1].Name: duplicate name "q" (first used at index 0)`,
				`    hint: each queue needs its own name: it labels its alerts and names its rule group`,
				`  Services[2].Name: duplicate name "api" (first used at index 0)`,
				`    hint: each service needs its own name: it is the service label of its alerts and names its rule groups`,
				`  Services[3].Name: duplicate name "api" (first used at index 0)`,
				`    hint: each service needs its own name: it is the service label of its alerts and names its rule groups`,
			},
		},
		"Selectors that Prometheus's parser refuses, or that match the metric name, are refused with the parser's reason and position.": {
			catalog: Catalog{Options: ok, Services: []Service{
				{Name: "a", Selector: `job=api`},
				{Name: "b", Selector: `{job="api"}`},
				{Name: "c", Selector: `__name__="up"`},
				{Name: "d", Selector: `job=~".*"`},
			}, Hosts: []HostGroup{{Name: "h", FilesystemSelector: `fstype=~"(tmpfs"`}}},
			want: []string{
				`invalid alert catalog (4 problems):`,
				"  Hosts[0].FilesystemSelector: does not parse as label matchers (at character 1): error parsing regexp: missing closing ): `(tmpfs`",
				`    hint: write label matchers without braces, e.g. job="api",env="prod"`,
				`  Services[0].Selector: does not parse as label matchers (at character 5): unexpected identifier "api" in label matching, expected string`,
				`    hint: write label matchers without braces, e.g. job="api",env="prod"`,
				`  Services[1].Selector: does not parse as label matchers (at character 1): unexpected left brace '{'`,
				`    hint: write label matchers without braces, e.g. job="api",env="prod"`,
				`  Services[2].Selector: must not match __name__: the metric names are set apart, in Metrics`,
				`    hint: write label matchers without braces, e.g. job="api",env="prod"`,
			},
		},
		"A runtime without a known kind, or with settings of another runtime, is refused.": {
			catalog: Catalog{Options: ok, Services: []Service{
				{Name: "a", Runtime: &Runtime{}},
				{Name: "b", Runtime: &Runtime{Kind: "python", GCPause: time.Second}},
				{Name: "c", Runtime: &Runtime{Kind: "jvm", MemoryLimitBytes: gib, EventLoopLag: time.Second, Metrics: RuntimeMetrics{ResidentMemory: "rss", EventLoopLag: "lag"}}},
				{Name: "d", Runtime: &Runtime{Kind: Go, MemoryLimitBytes: 1000, MemoryPercent: 150, GCPause: 2 * time.Minute, Metrics: RuntimeMetrics{HeapUsed: "h", HeapMax: "m", GCPause: "gc-pause"}}},
				{Name: "e", Runtime: &Runtime{Kind: "Go"}},
			}},
			want: []string{
				`invalid alert catalog (13 problems):`,
				`  Services[0].Runtime.Kind: is required`,
				`    hint: one of go, jvm, nodejs`,
				`  Services[1].Runtime.Kind: must be one of go, jvm, nodejs, got "python"`,
				`    hint: expected one of go, jvm, nodejs`,
				`  Services[2].Runtime.EventLoopLag: applies to nodejs only, not to jvm`,
				`    hint: remove it, or correct Kind`,
				`  Services[2].Runtime.MemoryLimitBytes: applies to go and nodejs only, not to jvm`,
				`    hint: remove it, or correct Kind`,
				`  Services[2].Runtime.Metrics.EventLoopLag: applies to nodejs only, not to jvm`,
				`    hint: remove it, or correct Kind`,
				`  Services[2].Runtime.Metrics.ResidentMemory: applies to go and nodejs only, not to jvm`,
				`    hint: remove it, or correct Kind`,
				`  Services[3].Runtime.GCPause: must be between 1ms and 1m, got 2m`,
				`    hint: an average pause such as 100ms`,
				`  Services[3].Runtime.MemoryLimitBytes: must be between 1MiB and 1TiB, got 1000 bytes`,
				`    hint: the process's memory limit, such as 536870912 for 512MiB`,
				`  Services[3].Runtime.MemoryPercent: must be between 1 and 100, got 150`,
				`    hint: a percentage of the memory limit, such as 90`,
				`  Services[3].Runtime.Metrics.GCPause: is not a valid Prometheus metric name: "gc-pause"`,
				`    hint: metric names are letters, digits, underscores and colons, not starting with a digit, e.g. http_requests_total`,
				`  Services[3].Runtime.Metrics.HeapMax: applies to jvm only, not to go`,
				`    hint: remove it, or correct Kind`,
				`  Services[3].Runtime.Metrics.HeapUsed: applies to jvm only, not to go`,
				`    hint: remove it, or correct Kind`,
				`  Services[4].Runtime.Kind: must be one of go, jvm, nodejs, got "Go"`,
				`    hint: did you mean go?`,
			},
		},
		"A database with a bad name, service, selector, thresholds and metric names reports all of them.": {
			catalog: Catalog{Options: ok, Databases: []Database{{Name: "orders_db", Service: "Orders", Selector: "instance=", ConnectionsPercent: 0.5,
				ReplicationLag: time.Millisecond, LongQuery: 48 * time.Hour, MaxSizeBytes: -1,
				Metrics: DatabaseMetrics{Connections: "pg-conn", MaxConnections: "9max", ReplicationLag: "lag.s", TransactionDuration: "tx duration", Size: "size{}"}}}},
			want: []string{
				`invalid alert catalog (12 problems):`,
				`  Databases[0].ConnectionsPercent: must be between 1 and 100, got 0.5`,
				`    hint: a percentage of max_connections, such as 80`,
				`  Databases[0].LongQuery: must be between 1s and 1d, got 2d`,
				`    hint: a duration such as 5m`,
				`  Databases[0].MaxSizeBytes: must be between 1MiB and 1PiB, got -1 bytes`,
				`    hint: a size in bytes, such as 5368709120 for 5GiB`,
				`  Databases[0].Metrics.Connections: is not a valid Prometheus metric name: "pg-conn"`,
				`    hint: metric names are letters, digits, underscores and colons, not starting with a digit, e.g. http_requests_total`,
				`  Databases[0].Metrics.MaxConnections: is not a valid Prometheus metric name: "9max"`,
				`    hint: metric names are letters, digits, underscores and colons, not starting with a digit, e.g. http_requests_total`,
				`  Databases[0].Metrics.ReplicationLag: is not a valid Prometheus metric name: "lag.s"`,
				`    hint: metric names are letters, digits, underscores and colons, not starting with a digit, e.g. http_requests_total`,
				`  Databases[0].Metrics.Size: is not a valid Prometheus metric name: "size{}"`,
				`    hint: metric names are letters, digits, underscores and colons, not starting with a digit, e.g. http_requests_total`,
				`  Databases[0].Metrics.TransactionDuration: is not a valid Prometheus metric name: "tx duration"`,
				`    hint: metric names are letters, digits, underscores and colons, not starting with a digit, e.g. http_requests_total`,
				`  Databases[0].Name: must be 1 to 63 lower-case letters, digits or hyphens, starting with a letter and not ending with a hyphen, got "orders_db"`,
				`    hint: for example orders-api`,
				`  Databases[0].ReplicationLag: must be between 1s and 1d, got 1ms`,
				`    hint: a lag such as 10s`,
				`  Databases[0].Selector: does not parse as label matchers (at its end): unexpected "}" in label matching, expected string`,
				`    hint: write label matchers without braces, e.g. job="api",env="prod"`,
				`  Databases[0].Service: must be 1 to 63 lower-case letters, digits or hyphens, starting with a letter and not ending with a hyphen, got "Orders"`,
				`    hint: for example orders-api`,
			},
		},
		"A cache with thresholds out of range, a negative unit and a bad metric name reports all of them.": {
			catalog: Catalog{Options: ok, Caches: []Cache{{Name: "sessions", Service: "-x", MemoryPercent: 101, Connections: 70000, EvictionsPerSecond: -1,
				CommandLatencyP99: 20 * time.Second, Metrics: CacheMetrics{MemoryUsed: "used-bytes", CommandLatencyUnit: -1}}}},
			want: []string{
				`invalid alert catalog (7 problems):`,
				`  Caches[0].CommandLatencyP99: must be between 1µs and 10s, got 20s`,
				`    hint: a latency such as 100ms`,
				`  Caches[0].Connections: must be between 1 and 65000, got 70000`,
				`    hint: a number of clients, such as 1000`,
				`  Caches[0].EvictionsPerSecond: must be between 0 and 1000000000, got -1`,
				`    hint: keys evicted per second; 0 reports any eviction`,
				`  Caches[0].MemoryPercent: must be between 1 and 100, got 101`,
				`    hint: a percentage of maxmemory, such as 85`,
				`  Caches[0].Metrics.CommandLatencyUnit: must be positive, got -1ns`,
				`    hint: for example time.Millisecond for a histogram in milliseconds`,
				`  Caches[0].Metrics.MemoryUsed: is not a valid Prometheus metric name: "used-bytes"`,
				`    hint: metric names are letters, digits, underscores and colons, not starting with a digit, e.g. http_requests_total`,
				`  Caches[0].Service: must be 1 to 63 lower-case letters, digits or hyphens, starting with a letter and not ending with a hyphen, got "-x"`,
				`    hint: for example orders-api`,
			},
		},
		"A queue with a negative backlog, a tiny failure rate and a dotted metric name reports all three.": {
			catalog: Catalog{Options: ok, Queues: []Queue{{Name: "emails", Backlog: -5, FailureRatePercent: 0.001, Metrics: QueueMetrics{Waiting: "emails.waiting"}}}},
			want: []string{
				`invalid alert catalog (3 problems):`,
				`  Queues[0].Backlog: must be between 1 and 1000000000, got -5`,
				`    hint: a number of messages, such as 1000`,
				`  Queues[0].FailureRatePercent: must be between 0.01 and 100, got 0.001`,
				`    hint: a percentage of processed messages, such as 10`,
				`  Queues[0].Metrics.Waiting: is not a valid Prometheus metric name: "emails.waiting"`,
				`    hint: metric names are letters, digits, underscores and colons, not starting with a digit, e.g. http_requests_total`,
			},
		},
		"A host group with percentages out of range and a bad metric name reports all of them.": {
			catalog: Catalog{Options: ok, Hosts: []HostGroup{{Name: "nodes", CPUPercent: 200, MemoryPercent: -1, MemoryAvailablePercent: 0.01, DiskPercent: 101,
				Metrics: HostMetrics{CPU: "cpu-seconds"}}}},
			want: []string{
				`invalid alert catalog (5 problems):`,
				`  Hosts[0].CPUPercent: must be between 1 and 100, got 200`,
				`    hint: a percentage of CPU time, such as 80`,
				`  Hosts[0].DiskPercent: must be between 1 and 100, got 101`,
				`    hint: a percentage of the filesystem in use, such as 85`,
				`  Hosts[0].MemoryAvailablePercent: must be between 0.1 and 100, got 0.01`,
				`    hint: a percentage of memory still available, such as 5`,
				`  Hosts[0].MemoryPercent: must be between 1 and 100, got -1`,
				`    hint: a percentage of memory in use, such as 85`,
				`  Hosts[0].Metrics.CPU: is not a valid Prometheus metric name: "cpu-seconds"`,
				`    hint: metric names are letters, digits, underscores and colons, not starting with a digit, e.g. http_requests_total`,
			},
		},
		"A certificate probe group without a name, with an hour's warning and an unterminated selector reports all of them.": {
			catalog: Catalog{Options: ok, Certificates: []Certificate{{Name: "", Selector: `job=~"blackbox`, ExpiresWithin: time.Hour,
				Metrics: CertificateMetrics{Expiry: "cert-expiry"}}}},
			want: []string{
				`invalid alert catalog (4 problems):`,
				`  Certificates[0].ExpiresWithin: must be between 1d and 1y, got 1h`,
				`    hint: a duration such as 720h (30 days)`,
				`  Certificates[0].Metrics.Expiry: is not a valid Prometheus metric name: "cert-expiry"`,
				`    hint: metric names are letters, digits, underscores and colons, not starting with a digit, e.g. http_requests_total`,
				`  Certificates[0].Name: is required`,
				`    hint: give it a short name such as api or orders-db`,
				`  Certificates[0].Selector: does not parse as label matchers (at character 6): unterminated quoted string`,
				`    hint: write label matchers without braces, e.g. job="api",env="prod"`,
			},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			f, err := Build(tc.catalog)
			require.Error(t, err)
			assert.Empty(t, f.Groups, "nothing is generated from a bad catalog")
			var invalid *validate.Error
			require.ErrorAs(t, err, &invalid)
			assert.Equal(t, strings.Join(tc.want, "\n"), err.Error())
		})
	}
}
