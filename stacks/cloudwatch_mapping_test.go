package stacks

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	cw "github.com/vigilops/vigil/alerts/cloudwatch"
)

// Each threshold key reaches the alarm it names, in the alarm's own unit: a swapped
// or dropped mapping changes one of these numbers.
func TestEveryThresholdKeyReachesItsAlarmInTheAlarmsUnit(t *testing.T) {
	env, err := FromValues("vigil", "prod", prodValues(map[string]any{
		"vigil:services": []map[string]any{{
			"name": "api", "ecs": map[string]any{"cluster": "prod-main", "service": "api"},
			"loadBalancer": "app/prod-public/50dc6c495c0c9188", "targetGroup": "targetgroup/prod-api/943f017f100becff",
			"alarms": map[string]any{"cpuPercent": 71, "memoryPercent": 72, "errorRatePercent": 3,
				"latencyP95Ms": 750, "latencyP99Ms": 1750, "downMinutes": 4},
		}},
		"vigil:databases": []map[string]any{{"name": "db", "engine": "postgres", "instanceId": "prod-db", "maxConnections": 500,
			"replica": true, "memoryGiB": 8,
			"alarms": map[string]any{"cpuPercent": 61, "connectionsPercent": 70, "replicaLagSeconds": 20, "ioLatencyMs": 150, "freeStorageGiB": 3}}},
		"vigil:caches": []map[string]any{{"name": "c", "engine": "redis", "clusterId": "prod-c-001",
			"alarms": map[string]any{"cpuPercent": 62, "memoryPercent": 73, "connections": 900, "evictionsPer5Minutes": 50}}},
		"vigil:queues": []map[string]any{{"name": "q", "deadLetterQueue": "q-dlq",
			"alarms": map[string]any{"backlog": 400, "oldestMessageMinutes": 7}}},
		"vigil:certificates": []map[string]any{{"domain": "api.example.com",
			"arn": "arn:aws:acm:eu-west-1:123456789012:certificate/9f8e7d6c-5b4a-4c3d-9e2f-1a0b9c8d7e6f", "alarms": map[string]any{"daysToExpiry": 21}}},
	}), nil)
	require.NoError(t, err)
	got := map[string]cw.Alarm{}
	for _, a := range env.Alarms.Alarms {
		got[a.Resource+"/"+a.Slug] = a
	}
	const gib = 1 << 30
	for key, want := range map[string]float64{
		"api/ecs-cpu-high": 71, "api/ecs-cpu-critical": 90, "api/ecs-memory-high": 72, "api/ecs-memory-critical": 95,
		"api/lb-target-5xx-rate": 3, "api/lb-latency-p95": 0.75, "api/lb-latency-p99": 1.75,
		"db/rds-cpu-high": 61, "db/rds-connections-high": 350, "db/rds-replica-lag": 20,
		"db/rds-read-latency": 0.15, "db/rds-write-latency": 0.15, "db/rds-free-storage-low": 3 * gib,
		"c/cache-cpu-high": 62, "c/cache-engine-cpu-high": 62, "c/cache-memory-high": 73, "c/cache-connections-high": 900,
		"c/cache-evictions": 50,
		"q/sqs-backlog":     400, "q/sqs-oldest-message": 7 * 60,
		"api-example-com/acm-expiry-high": 21, "api-example-com/acm-expiry-critical": 7,
	} {
		a, ok := got[key]
		if assert.True(t, ok, "no alarm %s", key) {
			assert.InDelta(t, want, a.Threshold, 1e-9, key)
		}
	}
	for _, slug := range []string{"ecs-no-running-tasks", "lb-no-healthy-host"} {
		a := got["api/"+slug]
		assert.Equal(t, 4, a.EvaluationPeriods, "%s waits downMinutes", slug)
		assert.Equal(t, 4, a.DatapointsToAlarm, slug)
	}
}
