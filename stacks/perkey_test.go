package stacks

import (
	"fmt"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vigilops/vigil/internal/mockcloud"
)

// fullConfig sets every key of the schema at least once, with values that are valid
// together, so that each key can be changed alone.
func fullConfig() map[string]any {
	return map[string]any{
		"vigil:namePrefix":       "team-prod",
		"vigil:tags":             map[string]any{"team": "reservations"},
		"vigil:logRetentionDays": "90",
		"vigil:notifications": map[string]any{
			"critical": map[string]any{"emails": []string{"oncall@example.com"}, "sms": []string{"+4915112345678"},
				"pagerduty": "https://events.pagerduty.com/integration/k1/enqueue"},
			"high":   map[string]any{"emails": []string{"oncall@example.com"}, "webhooks": []string{"https://chat.example.com/hook/1"}},
			"medium": map[string]any{"emails": []string{"team@example.com"}},
			"low":    map[string]any{"emails": []string{"team@example.com"}},
		},
		"vigil:publisherRoles": []string{"arn:aws:iam::123456789012:role/batch"},
		"vigil:taskSize":       map[string]any{"cpu": 512, "memoryMiB": 1024},
		"vigil:platform": map[string]any{
			"mode": "ecs", "vpcId": "vpc-0a1b2c3d4e5f60718",
			"subnetIds":  []string{"subnet-0a1b2c3d4e5f60718", "subnet-0f1e2d3c4b5a69788"},
			"clusterArn": "arn:aws:ecs:eu-west-1:123456789012:cluster/monitoring", "namespace": "monitoring.internal",
			"retentionDays": 30,
			"scrapeEgress":  []map[string]any{{"cidr": "10.20.0.0/16", "fromPort": 8080, "toPort": 8081, "description": "the services metrics"}},
			"probeEgress":   []map[string]any{{"cidr": "10.20.0.0/16", "fromPort": 8080, "toPort": 8081, "description": "the services health"}},
			"grafana": map[string]any{"adminPassword": "correct-horse-battery-staple", "allowedCidrs": []string{"10.20.0.0/16"},
				"certificateArn":        "arn:aws:acm:eu-west-1:123456789012:certificate/0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d",
				"loadBalancerSubnetIds": []string{"subnet-0a1b2c3d4e5f60718", "subnet-0f1e2d3c4b5a69788"}},
			"images": map[string]any{"prometheus": "quay.io/prometheus/prometheus:v3.10.0", "alertmanager": "quay.io/prometheus/alertmanager:v0.34.2",
				"grafana": "docker.io/grafana/grafana:12.3.0", "blackbox": "quay.io/prometheus/blackbox-exporter:v0.27.0"},
		},
		"vigil:thresholds": map[string]any{
			"service":     map[string]any{"cpuPercent": 80, "memoryPercent": 85, "errorRatePercent": 5, "latencyP95Ms": 1000, "latencyP99Ms": 2000, "downMinutes": 5, "minRequests": 20},
			"database":    map[string]any{"cpuPercent": 80, "connectionsPercent": 80, "replicaLagSeconds": 10, "ioLatencyMs": 200, "freeStorageGiB": 5, "longQuerySeconds": 300},
			"cache":       map[string]any{"cpuPercent": 80, "memoryPercent": 85, "connections": 1000, "evictionsPer5Minutes": 100, "commandLatencyMs": 100},
			"queue":       map[string]any{"backlog": 1000, "oldestMessageMinutes": 15, "failureRatePercent": 10, "minProcessed": 20},
			"certificate": map[string]any{"daysToExpiry": 30},
		},
		"vigil:alarmOverrides": map[string]any{},
		"vigil:notifier": map[string]any{
			"channels":    []map[string]any{{"name": "team-chat", "target": "googlechat", "severities": []string{"critical", "high"}, "webhook": "https://chat.example.com/v1/spaces/A/messages?token=t1"}},
			"alarmEmails": []string{"team@example.com"}, "dailySummaryAt": "09:00", "timeZone": "Europe/Berlin",
			"alertmanagerUrl": "https://alertmanager.example.com", "grafanaUrl": "https://grafana.example.com"},
		"vigil:dashboards": map[string]any{
			"grafanaFiles": []string{"stacks/testdata/dashboards/payments.json"}, "cloudwatchFiles": []string{"stacks/testdata/dashboards/payments-cloudwatch.json"},
			"environmentLabel": "environment", "endpointLabel": "handler", "externalGrafanaFolder": "vigil prod"},
		"vigil:cloudTrail":     map[string]any{"logGroup": "/aws/cloudtrail/org", "severity": "high"},
		"vigil:sloFiles":       []string{"slos/reservations.yaml"},
		"vigil:runbookBaseUrl": "https://runbooks.example.com/vigil",
		"vigil:hosts": []map[string]any{{"name": "bastion", "selector": `job="node"`,
			"instanceIds": []string{"i-0123456789abcdef0"}, "mountPaths": []string{"/"}}},
		"vigil:alertmanager": map[string]any{"heartbeatUrl": "https://hb.example.com/ping", "heartbeatCredentialsFile": "/run/secrets/hb"},
		"vigil:services": []map[string]any{{
			"name": "api", "ecs": map[string]any{"cluster": "prod-main", "service": "api"},
			"logGroup": "/ecs/prod/api", "loadBalancer": "app/prod-public/50dc6c495c0c9188",
			"targetGroup": "targetgroup/prod-api/943f017f100becff", "healthCheckUrl": "https://api.example.com/health",
			"runtime": "go",
			"logFormat": map[string]any{"type": "json", "errorLevels": []string{"ERROR"},
				"fields": map[string]any{"status": "status", "path": "path", "duration": "latency_ms", "level": "level", "message": "msg", "requestId": "request_id"}},
			"logFilters": []map[string]any{{"name": "payment-declined", "pattern": `{ $.event = "payment.declined" && $.amount >= 0 }`,
				"value": "1", "unit": "Count", "threshold": 3, "defaultValue": 0, "statistic": "Sum", "period": 300,
				"severity": "high", "summary": "Payments are declined.",
				"samples": map[string]any{"match": []string{`{"event":"payment.declined","amount":3}`}, "noMatch": []string{`{"event":"payment.ok","amount":1}`}}}},
			"metrics": map[string]any{"selector": `job="api"`, "up": "up", "requests": "http_requests_total",
				"statusLabel": "code", "errorStatus": "5..", "durationBucket": "http_request_duration_seconds_bucket",
				"targets": []string{"api.internal:8080"}, "path": "/metrics"},
		}},
		"vigil:databases": []map[string]any{{
			"name": "reservations-db", "engine": "postgres", "instanceId": "prod-reservations", "maxConnections": 400,
			"selector": `database="reservations"`, "replica": false, "memoryGiB": 16,
		}},
		"vigil:caches": []map[string]any{{
			"name": "sessions", "engine": "redis", "clusterId": "prod-sessions-001", "selector": `cache="sessions"`,
		}},
		"vigil:queues": []map[string]any{{
			"name": "events", "deadLetterQueue": "events-dlq", "selector": `queue="events"`,
		}},
		"vigil:certificates": []map[string]any{{
			"domain": "api.example.com", "arn": "arn:aws:acm:eu-west-1:123456789012:certificate/9f8e7d6c-5b4a-4c3d-9e2f-1a0b9c8d7e6f",
			"probeTargets": []string{"https://api.example.com"},
		}},
	}
}

// changes gives, for every leaf key of the schema, another valid value. The key is a
// path in fullConfig: top-level key, then map keys and [0] for list items.
var changes = map[string]any{
	"vigil:tier": "dev",
	"vigil:accountId": also{
		"vigil:accountId":                       "210987654321",
		"vigil:certificates[0].arn":             "arn:aws:acm:eu-west-1:210987654321:certificate/9f8e7d6c-5b4a-4c3d-9e2f-1a0b9c8d7e6f",
		"vigil:platform.clusterArn":             "arn:aws:ecs:eu-west-1:210987654321:cluster/monitoring",
		"vigil:platform.grafana.certificateArn": "arn:aws:acm:eu-west-1:210987654321:certificate/0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d",
	},
	"vigil:namePrefix":                             "team-prod2",
	"vigil:tags":                                   map[string]any{"team": "payments"},
	"vigil:logRetentionDays":                       "30",
	"vigil:taskSize.cpu":                           256,
	"vigil:taskSize.memoryMiB":                     2048,
	"vigil:notifications.critical.emails[0]":       "pager@example.com",
	"vigil:notifications.critical.sms[0]":          "+4915112345679",
	"vigil:notifications.critical.pagerduty":       "https://events.pagerduty.com/integration/k2/enqueue",
	"vigil:notifications.high.webhooks[0]":         "https://chat.example.com/hook/2",
	"vigil:publisherRoles[0]":                      "arn:aws:iam::123456789012:role/batch2",
	"vigil:sloFiles":                               []string{},
	"vigil:runbookBaseUrl":                         "https://runbooks.example.com/other",
	"vigil:hosts[0].name":                          "workers",
	"vigil:hosts[0].selector":                      `job="node",group="bastion"`,
	"vigil:hosts[0].instanceIds[0]":                "i-0123456789abcdef1",
	"vigil:hosts[0].mountPaths[0]":                 "/data",
	"vigil:hosts[0].alarmOverrides":                map[string]any{"host-disk-used": map[string]any{"threshold": 80}},
	"vigil:alarmOverrides.service":                 map[string]any{"ecs-cpu-high": map[string]any{"threshold": 70}},
	"vigil:alarmOverrides.database":                map[string]any{"rds-cpu-high": map[string]any{"period": 300}},
	"vigil:alarmOverrides.cache":                   map[string]any{"cache-cpu-high": map[string]any{"evaluationPeriods": 10}},
	"vigil:alarmOverrides.queue":                   map[string]any{"sqs-backlog": map[string]any{"datapointsToAlarm": 3}},
	"vigil:alarmOverrides.host":                    map[string]any{"host-memory-used": map[string]any{"severity": "low"}},
	"vigil:alarmOverrides.certificate":             map[string]any{"acm-expiry-high": map[string]any{"disabled": true}},
	"vigil:services[0].alarmOverrides":             map[string]any{"ecs-cpu-high": map[string]any{"threshold": 70}},
	"vigil:databases[0].alarmOverrides":            map[string]any{"rds-cpu-high": map[string]any{"threshold": 70}},
	"vigil:databases[0].replica":                   true,
	"vigil:databases[0].memoryGiB":                 32,
	"vigil:caches[0].alarmOverrides":               map[string]any{"cache-cpu-high": map[string]any{"threshold": 70}},
	"vigil:queues[0].alarmOverrides":               map[string]any{"sqs-backlog": map[string]any{"threshold": 70}},
	"vigil:certificates[0].alarmOverrides":         map[string]any{"acm-expiry-high": map[string]any{"threshold": 20}},
	"vigil:alertmanager.heartbeatUrl":              "https://hb.example.com/ping2",
	"vigil:alertmanager.heartbeatCredentialsFile":  "/run/secrets/hb2",
	"vigil:services[0].name":                       "apis",
	"vigil:services[0].ecs.cluster":                "prod-other",
	"vigil:services[0].ecs.service":                "api2",
	"vigil:services[0].logGroup":                   "/ecs/prod/api2",
	"vigil:services[0].loadBalancer":               "app/prod-public/60dc6c495c0c9188",
	"vigil:services[0].targetGroup":                "targetgroup/prod-api/a43f017f100becff",
	"vigil:services[0].healthCheckUrl":             "https://api.example.com/healthz",
	"vigil:services[0].runtime":                    "jvm",
	"vigil:services[0].logFormat.type":             "access",
	"vigil:services[0].logFormat.fields.status":    "http.status",
	"vigil:services[0].logFormat.fields.path":      "http.path",
	"vigil:services[0].logFormat.fields.duration":  "took_ms",
	"vigil:services[0].logFormat.fields.level":     "severity",
	"vigil:services[0].logFormat.fields.message":   "text",
	"vigil:services[0].logFormat.fields.requestId": "trace_id",
	"vigil:services[0].logFormat.errorLevels[0]":   "FATAL",
	"vigil:services[0].logFormat.statusKey":        "code=",
	"vigil:services[0].logFilters[0].name":         "payment-refused",
	"vigil:services[0].logFilters[0].pattern":      `{ $.event = "payment.declined" && $.amount > 0 }`,
	"vigil:services[0].logFilters[0].value":        "$.amount",
	"vigil:services[0].logFilters[0].unit":         "None",
	"vigil:services[0].logFilters[0].threshold":    4,
	"vigil:services[0].logFilters[0].defaultValue": 1,
	"vigil:services[0].logFilters[0].statistic":    "Maximum",
	"vigil:services[0].logFilters[0].period":       600,
	"vigil:services[0].logFilters[0].severity":     "medium",
	"vigil:services[0].logFilters[0].summary":      "Payments are refused.",
	// Sample lines change nothing deployed: they are checked (see checkOnly).
	"vigil:services[0].logFilters[0].samples.match[0]":   `{"event":"payment.declined","amount":4}`,
	"vigil:services[0].logFilters[0].samples.noMatch[0]": `{"event":"refund","amount":1}`,
	"vigil:services[0].logAlarms":                        map[string]any{"http-5xx": map[string]any{"threshold": 50}},
	"vigil:dashboards.grafanaFiles[0]":                   "stacks/testdata/dashboards/orders.json",
	"vigil:dashboards.cloudwatchFiles[0]":                "stacks/testdata/dashboards/orders-cloudwatch.json",
	"vigil:dashboards.environmentLabel":                  "env",
	"vigil:dashboards.endpointLabel":                     "uri",
	"vigil:dashboards.externalGrafanaFolder":             "vigil production",
	"vigil:notifier.channels[0].name":                    "team-room",
	"vigil:notifier.channels[0].target":                  "slack",
	"vigil:notifier.channels[0].severities[0]":           "medium",
	"vigil:notifier.channels[0].webhook":                 "https://chat.example.com/v1/spaces/A/messages?token=t2",
	"vigil:notifier.alarmEmails[0]":                      "ops@example.com",
	"vigil:notifier.dailySummaryAt":                      "08:30",
	"vigil:notifier.timeZone":                            "Europe/Paris",
	"vigil:notifier.alertmanagerUrl":                     "https://am.example.com",
	"vigil:notifier.grafanaUrl":                          "https://g.example.com",
	"vigil:cloudTrail.logGroup":                          "/aws/cloudtrail/other",
	"vigil:cloudTrail.create":                            also{"vigil:cloudTrail": map[string]any{"create": true}},
	"vigil:cloudTrail.retentionDays":                     400,
	"vigil:cloudTrail.severity":                          "critical",
	"vigil:services[0].metrics.selector":                 `job="api2"`,
	"vigil:services[0].metrics.up":                       "up2",
	"vigil:services[0].metrics.requests":                 "requests_total",
	"vigil:services[0].metrics.statusLabel":              "status",
	"vigil:services[0].metrics.errorStatus":              "5..|429",
	"vigil:services[0].metrics.durationBucket":           "request_seconds_bucket",
	"vigil:services[0].metrics.targets[0]":               "api.internal:9090",
	"vigil:services[0].metrics.path":                     "/internal/metrics",
	"vigil:platform.mode":                                also{"vigil:platform": map[string]any{"mode": "managed"}, "vigil:taskSize": map[string]any{}, "vigil:services[0].metrics": map[string]any{}, "vigil:alertmanager": map[string]any{}},
	"vigil:platform.vpcId":                               "vpc-0fedcba9876543210",
	"vigil:platform.subnetIds[0]":                        "subnet-0123456789abcdef0",
	"vigil:platform.clusterArn":                          "arn:aws:ecs:eu-west-1:123456789012:cluster/shared",
	"vigil:platform.namespace":                           "monitoring.prod.internal",
	"vigil:platform.retentionDays":                       60,
	"vigil:platform.scrapeEgress[0].cidr":                "10.30.0.0/16",
	"vigil:platform.scrapeEgress[0].fromPort":            8079,
	"vigil:platform.scrapeEgress[0].toPort":              8082,
	"vigil:platform.scrapeEgress[0].description":         "the workers metrics",
	"vigil:platform.probeEgress[0].cidr":                 "10.30.0.0/16",
	"vigil:platform.probeEgress[0].fromPort":             8079,
	"vigil:platform.probeEgress[0].toPort":               8082,
	"vigil:platform.probeEgress[0].description":          "the workers health",
	"vigil:platform.grafana.adminPassword":               "tr0ub4dor-and-3",
	"vigil:platform.grafana.allowedCidrs[0]":             "10.30.0.0/16",
	"vigil:platform.grafana.certificateArn":              "arn:aws:acm:eu-west-1:123456789012:certificate/1a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d",
	"vigil:platform.grafana.loadBalancerSubnetIds[0]":    "subnet-0123456789abcdef0",
	"vigil:platform.grafana.workspace":                   false,
	"vigil:platform.grafana.authenticationProviders[0]":  "SAML",
	"vigil:platform.images.prometheus":                   "quay.io/prometheus/prometheus:v3.9.1",
	"vigil:platform.images.alertmanager":                 "quay.io/prometheus/alertmanager:v0.34.1",
	"vigil:platform.images.grafana":                      "docker.io/grafana/grafana:12.2.0",
	"vigil:platform.images.blackbox":                     "quay.io/prometheus/blackbox-exporter:v0.26.0",
	"vigil:databases[0].name":                            "orders-db",
	"vigil:databases[0].engine":                          "mysql",
	"vigil:databases[0].instanceId":                      "prod-orders",
	"vigil:databases[0].maxConnections":                  500,
	"vigil:databases[0].selector":                        `database="orders"`,
	"vigil:caches[0].name":                               "tokens",
	"vigil:caches[0].engine":                             "memcached",
	"vigil:caches[0].clusterId":                          "prod-sessions-002",
	"vigil:caches[0].selector":                           `cache="tokens"`,
	"vigil:queues[0].name":                               "events2",
	"vigil:queues[0].deadLetterQueue":                    "events2-dlq",
	"vigil:queues[0].selector":                           `queue="events2"`,
	"vigil:certificates[0].domain":                       "*.example.com",
	"vigil:certificates[0].probeTargets[0]":              "https://api.example.com:8443",
	"vigil:certificates[0].arn":                          "arn:aws:acm:eu-west-1:123456789012:certificate/0f8e7d6c-5b4a-4c3d-9e2f-1a0b9c8d7e6f",
}

// baselines adjust the full config before a key is changed, where the change alone
// would make it invalid; both plans compared start from the adjusted config.
var baselines = map[string]also{
	// The sample SLOs are about api and reservations-db: a renamed item would fail
	// their check.
	"vigil:services[0].name":  {"vigil:sloFiles": []string{}},
	"vigil:databases[0].name": {"vigil:sloFiles": []string{}},
	// The status key is read in plain-text logs only, and a trail's retention only for
	// a trail vigil creates.
	"vigil:services[0].logFormat.statusKey": {"vigil:services[0].logFormat": map[string]any{"type": "text", "statusKey": "status="}},
	"vigil:cloudTrail.retentionDays":        {"vigil:cloudTrail": map[string]any{"create": true, "retentionDays": 365}},
	// The managed mode's own keys, from a managed platform.
	"vigil:platform.grafana.workspace":                  {"vigil:platform": map[string]any{"mode": "managed"}, "vigil:taskSize": map[string]any{}, "vigil:services[0].metrics": map[string]any{}, "vigil:alertmanager": map[string]any{}},
	"vigil:platform.grafana.authenticationProviders[0]": {"vigil:platform": map[string]any{"mode": "managed", "grafana": map[string]any{"authenticationProviders": []string{"AWS_SSO"}}}, "vigil:taskSize": map[string]any{}, "vigil:services[0].metrics": map[string]any{}, "vigil:alertmanager": map[string]any{}},
	// dev never pages: compare the tiers without paging endpoints.
	"vigil:tier": {"vigil:notifications": map[string]any{
		"critical": map[string]any{"emails": []string{"oncall@example.com"}},
		"high":     map[string]any{"emails": []string{"oncall@example.com"}},
	}},
}

// checkOnly are keys that deploy nothing but are checked before deploy: each comes with
// a value that must be refused.
var checkOnly = map[string]any{
	"vigil:services[0].logFilters[0].samples.match[0]":   `{"event":"payment.ok","amount":1}`,
	"vigil:services[0].logFilters[0].samples.noMatch[0]": `{"event":"payment.declined","amount":2}`,
}

// also changes several keys at once, where one alone would be invalid: the account
// of the stack and that of its certificate go together.
type also map[string]any

// thresholdChange is a valid other value for a threshold field.
func thresholdChange(field string, v any) any {
	switch field {
	case "latencyP95Ms":
		return 900
	case "latencyP99Ms":
		return 2100
	}
	switch x := v.(type) {
	case int:
		return x + 1
	case float64:
		return x + 1
	}
	panic(fmt.Sprintf("threshold %s has value %v of type %T", field, v, v))
}

// schemaLeaves lists every leaf key of the Config schema in the path form of changes,
// expanding the `any` threshold mappings through the threshold structs.
func schemaLeaves() []string {
	alarmsOf := map[string]reflect.Type{
		"services": reflect.TypeOf(ServiceAlarms{}), "databases": reflect.TypeOf(DatabaseAlarms{}),
		"caches": reflect.TypeOf(CacheAlarms{}), "queues": reflect.TypeOf(QueueAlarms{}),
		"certificates": reflect.TypeOf(CertificateAlarms{}),
	}
	thresholdsOf := map[string]reflect.Type{
		"service": alarmsOf["services"], "database": alarmsOf["databases"], "cache": alarmsOf["caches"],
		"queue": alarmsOf["queues"], "certificate": alarmsOf["certificates"],
	}
	var out []string
	var walk func(prefix string, t reflect.Type)
	walk = func(prefix string, t reflect.Type) {
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			name := strings.Split(f.Tag.Get("json"), ",")[0]
			if name == "" || name == "-" {
				continue
			}
			path := prefix + "." + name
			if prefix == Namespace {
				path = prefix + ":" + name
			}
			ft := f.Type
			for ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			switch {
			case name == "alarms":
				kind := strings.TrimPrefix(strings.TrimSuffix(prefix, "[0]"), Namespace+":")
				walk(path, alarmsOf[kind])
			case prefix == Namespace+":thresholds":
				walk(path, thresholdsOf[name])
			case ft == reflect.TypeOf(Notifications{}):
				// Every severity has the same endpoints: the sample sets them under
				// critical and high.
				out = append(out, path+".critical.emails[0]", path+".critical.sms[0]", path+".critical.pagerduty", path+".high.webhooks[0]")
			case ft.Kind() == reflect.Struct:
				walk(path, ft)
			case ft.Kind() == reflect.Slice && ft.Elem().Kind() == reflect.Struct:
				walk(path+"[0]", ft.Elem())
			case ft.Kind() == reflect.Slice && name != "sloFiles":
				out = append(out, path+"[0]")
			default:
				out = append(out, path)
			}
		}
	}
	walk(Namespace, reflect.TypeOf(Config{}))
	sort.Strings(out)
	return out
}

// cutTop splits a path into its top-level key and the rest: vigil:caches[0].name is
// vigil:caches and [0].name.
func cutTop(path string) (top, rest string) {
	i := strings.IndexAny(path, ".[")
	if i < 0 {
		return path, ""
	}
	return path[:i], path[i:]
}

// set replaces the value at path (as in changes) in a copy of cfg.
func set(cfg map[string]any, path string, v any) map[string]any {
	if several, ok := v.(also); ok {
		for p, x := range several {
			cfg = set(cfg, p, x)
		}
		return cfg
	}
	out := deepCopy(cfg).(map[string]any)
	top, rest := cutTop(path)
	if rest == "" {
		out[top] = v
		return out
	}
	if out[top] == nil && strings.HasPrefix(rest, ".") {
		out[top] = map[string]any{} // a key the full config leaves unset
	}
	var cur any = out[top]
	parts := splitPath(rest)
	for i, p := range parts {
		last := i == len(parts)-1
		switch c := cur.(type) {
		case map[string]any:
			if last {
				c[p] = v
				return out
			}
			if c[p] == nil {
				c[p] = map[string]any{} // an item's own alarms: written when changed
			}
			cur = c[p]
		case []any:
			var idx int
			fmt.Sscanf(p, "[%d]", &idx)
			if last {
				c[idx] = v
				return out
			}
			cur = c[idx]
		default:
			panic(fmt.Sprintf("path %s: cannot descend into %T at %q", path, cur, p))
		}
	}
	return out
}

func splitPath(s string) []string {
	var out []string
	for _, dotted := range strings.Split(strings.TrimPrefix(s, "."), ".") {
		for dotted != "" {
			if i := strings.Index(dotted, "["); i > 0 {
				out = append(out, dotted[:i])
				dotted = dotted[i:]
				continue
			}
			if strings.HasPrefix(dotted, "[") {
				j := strings.Index(dotted, "]")
				out = append(out, dotted[:j+1])
				dotted = dotted[j+1:]
				continue
			}
			out = append(out, dotted)
			dotted = ""
		}
	}
	return out
}

// deepCopy copies through a JSON-like value, turning typed slices and maps into
// []any and map[string]any so that set can walk them.
func deepCopy(v any) any {
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Map:
		out := map[string]any{}
		for _, k := range rv.MapKeys() {
			out[k.String()] = deepCopy(rv.MapIndex(k).Interface())
		}
		return out
	case reflect.Slice:
		out := make([]any, rv.Len())
		for i := range out {
			out[i] = deepCopy(rv.Index(i).Interface())
		}
		return out
	}
	return v
}

// plan is what a config makes: the stack's warnings, and a fingerprint of every
// generated file and every registered resource with its inputs.
func plan(t *testing.T, cfg map[string]any) (fingerprint string, warnings []string) {
	t.Helper()
	values := prodValues(cfg)
	env, err := FromValues("vigil", "prod", values, []string{"vigil:notifications", "vigil:notifier", "vigil:platform"}, InDir(projectDir))
	require.NoError(t, err)
	cloud := mockcloud.New("vigil", "prod", env.AccountID, env.Region)
	require.NoError(t, pulumi.RunErr(func(ctx *pulumi.Context) error {
		_, err := Deploy(ctx, env)
		return err
	}, pulumi.WithMocks("vigil", "prod", cloud)))
	var b strings.Builder
	paths := make([]string, 0, len(env.Artifacts))
	for p := range env.Artifacts {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	for _, p := range paths {
		fmt.Fprintf(&b, "%s\n%s\n", p, env.Artifacts[p])
	}
	for _, r := range cloud.Resources() {
		fmt.Fprintf(&b, "%s %s %v\n", r.Type, r.Name, r.Inputs)
	}
	return b.String(), env.Warnings
}

// Every key of the config drives the plan: changing it alone changes what is
// generated or registered. A key that drives nothing yet must say so in a warning
// naming it, so that nobody believes it watches something.
func TestEveryConfigKeyChangesThePlanOrIsReportedAsNotUsedYet(t *testing.T) {
	full := fullConfig()
	fullPlan, fullWarnings := plan(t, full)
	require.False(t, listedAsNotUsedYet(fullWarnings, "vigil:services[0].alarms.cpuPercent"), "no key that is not set is listed")
	leaves := schemaLeaves()
	for _, leaf := range leaves {
		t.Run(leaf, func(t *testing.T) {
			base, basePlan := full, fullPlan
			if adjust, ok := baselines[leaf]; ok {
				base = set(full, "", adjust)
				basePlan, _ = plan(t, base)
			}
			v, ok := changes[leaf]
			if !ok {
				field := leaf[strings.LastIndex(leaf, ".")+1:]
				v = thresholdChange(field, lookup(t, base, thresholdKey(leaf)))
			}
			if _, err := FromValues("vigil", "prod", prodValues(set(base, leaf, v)), []string{"vigil:notifications", "vigil:notifier", "vigil:platform"}, InDir(projectDir)); err != nil {
				// A key that drives nothing yet may be refused as such, at its path.
				top, _ := cutTop(leaf)
				require.Contains(t, err.Error(), top+": is not used yet", "changing %s alone makes the config invalid", leaf)
				return
			}
			if bad, ok := checkOnly[leaf]; ok {
				_, err := FromValues("vigil", "prod", prodValues(set(base, leaf, bad)), []string{"vigil:notifications", "vigil:notifier", "vigil:platform"}, InDir(projectDir))
				require.Error(t, err, "%s is checked before deploy: a wrong value is refused", leaf)
				assert.Contains(t, err.Error(), leaf)
				return
			}
			got, warnings := plan(t, set(base, leaf, v))
			if got != basePlan {
				return
			}
			if listedAsNotUsedYet(warnings, leaf) {
				return
			}
			t.Errorf("changing %s changes nothing in the plan, and no warning says that it is not used yet", leaf)
		})
	}
	for key := range changes {
		found := false
		for _, l := range leaves {
			found = found || l == key
		}
		if !found {
			t.Errorf("changes names %s, which is no key of the schema", key)
		}
	}
}

// thresholdKey is where fullConfig sets the value an item's own threshold overrides:
// vigil:services[0].alarms.cpuPercent falls back to vigil:thresholds.service.cpuPercent.
func thresholdKey(leaf string) string {
	top, rest := cutTop(leaf)
	if i := strings.Index(rest, ".alarms."); i >= 0 {
		kind := strings.TrimSuffix(strings.TrimPrefix(top, Namespace+":"), "s")
		return Namespace + ":thresholds." + kind + "." + rest[i+len(".alarms."):]
	}
	return leaf
}

func lookup(t *testing.T, cfg map[string]any, path string) any {
	t.Helper()
	top, rest := cutTop(path)
	var cur any = deepCopy(cfg[top])
	for _, p := range splitPath(rest) {
		switch c := cur.(type) {
		case map[string]any:
			cur = c[p]
		case []any:
			var idx int
			fmt.Sscanf(p, "[%d]", &idx)
			cur = c[idx]
		}
	}
	require.NotNil(t, cur, "fullConfig sets no value at %s", path)
	return cur
}

// listedAsNotUsedYet reports whether the not-used-yet warning names leaf or a key
// that holds it (vigil:services[0].ecs holds vigil:services[0].ecs.cluster).
func listedAsNotUsedYet(warnings []string, leaf string) bool {
	for _, w := range warnings {
		_, list, ok := strings.Cut(w, "): ")
		if !ok || !strings.HasPrefix(w, NotUsedYetPrefix) {
			continue
		}
		for _, key := range strings.Split(list, ", ") {
			if key == leaf || strings.HasPrefix(leaf, key+".") {
				return true
			}
		}
	}
	return false
}
