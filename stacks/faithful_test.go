package stacks

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vigilops/vigil/validate"
)

// prodValues is a small valid prod stack, as Pulumi hands config to a program.
func prodValues(extra map[string]any) map[string]string {
	v := map[string]string{
		"aws:region": "eu-west-1", "vigil:tier": "prod", "vigil:accountId": "123456789012",
	}
	for k, x := range extra {
		if s, ok := x.(string); ok {
			v[k] = s
			continue
		}
		b, err := json.Marshal(x)
		if err != nil {
			panic(err)
		}
		v[k] = string(b)
	}
	return v
}

func problemPaths(t *testing.T, err error) map[string]string {
	t.Helper()
	var invalid *validate.Error
	require.ErrorAs(t, err, &invalid)
	out := map[string]string{}
	for _, p := range invalid.Problems {
		out[p.Path] = p.Message
	}
	return out
}

func TestValidConfigsThatOnceCollidedInTheCatalogPass(t *testing.T) {
	env, err := FromValues("vigil", "prod", prodValues(map[string]any{
		"vigil:queues": []map[string]any{{"name": "orders"}, {"name": "orders.fifo"}, {"name": "orders_fifo"}},
		"vigil:certificates": []map[string]any{
			{"domain": "example.com", "arn": "arn:aws:acm:eu-west-1:123456789012:certificate/9f8e7d6c-5b4a-4c3d-9e2f-1a0b9c8d7e6f"},
			{"domain": "*.example.com", "arn": "arn:aws:acm:eu-west-1:123456789012:certificate/0f8e7d6c-5b4a-4c3d-9e2f-1a0b9c8d7e6f",
				"probeTargets": []string{"https://www.example.com", "https://shop.example.com"}},
		},
	}), nil)
	require.NoError(t, err)
	c, _ := catalogOf(env)
	require.Len(t, c.Queues, 3)
	assert.Equal(t, "orders", c.Queues[0].Name)
	assert.Equal(t, "orders-fifo", c.Queues[1].Name)
	assert.NotEqual(t, c.Queues[1].Name, c.Queues[2].Name, "orders.fifo and orders_fifo are two queues")
	assert.Regexp(t, `^orders-fifo-[0-9a-f]{6}$`, c.Queues[2].Name)
	require.Len(t, c.Certificates, 2)
	assert.Equal(t, "example-com", c.Certificates[0].Name)
	assert.Equal(t, "wildcard-example-com", c.Certificates[1].Name)
	assert.Equal(t, "*.example.com", c.Certificates[1].Domain)
	assert.Equal(t, []string{"https://www.example.com", "https://shop.example.com"}, c.Certificates[1].ProbeTargets)
	assert.Contains(t, string(env.Artifacts[CatalogRulesPath]), `https://www\\.example\\.com`, "the probe target reaches the rules")
}

// A wildcard names no host a probe can reach: its expiry alert could never match, so
// the stack refuses it until it says which endpoints to probe (issue 7, item 5).
func TestAWildcardCertificateWithoutProbeTargetsIsRefusedAtItsKey(t *testing.T) {
	_, err := FromValues("vigil", "prod", prodValues(map[string]any{
		"vigil:certificates": []map[string]any{
			{"domain": "*.example.com", "arn": "arn:aws:acm:eu-west-1:123456789012:certificate/0f8e7d6c-5b4a-4c3d-9e2f-1a0b9c8d7e6f"},
			{"domain": "*.example.org", "arn": "arn:aws:acm:eu-west-1:123456789012:certificate/1f8e7d6c-5b4a-4c3d-9e2f-1a0b9c8d7e6f",
				"probeTargets": []string{"https://a.b.example.org"}},
		},
	}), nil)
	require.Error(t, err)
	got := problemPaths(t, err)
	assert.Contains(t, got, "vigil:certificates[0].probeTargets")
	assert.Contains(t, got["vigil:certificates[1].probeTargets"], "a.b.example.org is not covered", "a wildcard covers one label only")
	assert.Len(t, got, 2, "%v", got)
}

func TestPlainNamesAreValidUniqueAndDependOnTheInputOnly(t *testing.T) {
	long := strings.Repeat("a", 80)
	in := []string{"Orders", "orders", "1st-queue", long, long + "b", "--"}
	got := plainNames("queue", in)
	again := plainNames("queue", in)
	assert.Equal(t, got, again)
	seen := map[string]bool{}
	for i, n := range got {
		var ps validate.Problems
		validate.Name(&ps, "n", n, 63)
		assert.Empty(t, ps.List(), "name %d %q of %q must be a valid catalog name", i, n, in[i])
		assert.False(t, seen[n], "name %q given twice", n)
		seen[n] = true
	}
	assert.Equal(t, "orders", got[0])
	assert.Equal(t, "queue-1st-queue", got[2])
	assert.Equal(t, "queue", got[5])
}

func TestProblemsTheGeneratorsFindAreReportedAtTheirConfigKeys(t *testing.T) {
	_, err := FromValues("vigil", "prod", prodValues(map[string]any{
		"vigil:services": []map[string]any{
			{"name": "api", "healthCheckUrl": "https://api.example.com/health"},
			{"name": "web", "healthCheckUrl": "https://www.example.com/health", "metrics": map[string]any{
				"errorStatus": "5..(", "requests": "http-requests", "statusLabel": "1code",
			}},
		},
		"vigil:alertmanager": map[string]any{
			"heartbeatUrl":             "https://hb.example.com/ping/a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6",
			"heartbeatCredentialsFile": "/run/secrets/hb",
		},
	}), nil)
	require.Error(t, err)
	got := problemPaths(t, err)
	for _, key := range []string{
		"vigil:services[1].metrics.errorStatus",
		"vigil:services[1].metrics.requests",
		"vigil:services[1].metrics.statusLabel",
		"vigil:alertmanager.heartbeatUrl",
	} {
		assert.Contains(t, got, key)
	}
	for path := range got {
		assert.True(t, strings.HasPrefix(path, "vigil:"), "problem reported at %q, not at a config key", path)
		assert.NotRegexp(t, `[A-Z][a-z]+\[|\.[A-Z]`, path, "Go field names in %q", path)
	}
	assert.NotContains(t, err.Error(), "a1b2c3d4e5f6", "the heartbeat token is never repeated")
}

func TestGeneratorPathsFollowTheItemsTheyCameFrom(t *testing.T) {
	from := origins{"Databases[0]": "vigil:databases[2]", "Services[0]": "vigil:services[0]"}
	for in, want := range map[string]string{
		"Databases[0].ReplicationLag":        "vigil:databases[2].alarms.replicaLagSeconds",
		"Databases[0]":                       "vigil:databases[2]",
		"Services[0].Runtime.Kind":           "vigil:services[0].runtime",
		"Services[0].Metrics.ErrorStatus":    "vigil:services[0].metrics.errorStatus",
		"Services[0].SomethingNew":           "vigil:services[0]",
		"Options.RunbookBaseURL":             "vigil:runbookBaseUrl",
		"Watchdog.Heartbeat.URL":             "vigil:alertmanager.heartbeatUrl",
		"Watchdog.Heartbeat.CredentialsFile": "vigil:alertmanager.heartbeatCredentialsFile",
	} {
		got, ok := from.configPath(in)
		assert.True(t, ok, in)
		assert.Equal(t, want, got, in)
	}
	for _, in := range []string{"Databases[1].Name", "Groups[0]", "Targets.low.TopicARN"} {
		_, ok := from.configPath(in)
		assert.False(t, ok, "%s is no config key", in)
	}
}

// An OpenSLO file's own environment label must not override the stack's: its alerts
// would fall to the catch-all receiver of another environment (issue 7, item 6).
func TestTheStacksLabelsWinOverTheFiles(t *testing.T) {
	file := map[string]string{"environment": "staging", "team": "reservations"}
	got := with(file, "environment", "prod")
	assert.Equal(t, map[string]string{"environment": "prod", "team": "reservations"}, got)
	assert.Equal(t, "staging", file["environment"], "the caller's map is left alone")
}
