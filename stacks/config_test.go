package stacks

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vigilops/vigil/alerts"
	"github.com/vigilops/vigil/internal/fixtures"
	"github.com/vigilops/vigil/validate"
)

// projectDir is the repository root: Pulumi.yaml and the sample stacks live there.
const projectDir = ".."

// stackFromFixture reads a fixture as the stack file of a stack of the real project.
func stackFromFixture(t *testing.T, fixture string) (*Environment, error) {
	t.Helper()
	dir := t.TempDir()
	project, err := os.ReadFile(filepath.Join(projectDir, "Pulumi.yaml"))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "Pulumi.yaml"), project, 0o644))
	stack, err := os.ReadFile(fixture)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "Pulumi.fixture.yaml"), stack, 0o644))
	file, err := ReadStackFile(dir, "fixture")
	require.NoError(t, err)
	return file.Environment()
}

func TestEachBadFixtureFailsWithExactlyItsProblems(t *testing.T) {
	paths, err := filepath.Glob("testdata/config/*.bad.yaml")
	require.NoError(t, err)
	require.NotEmpty(t, paths)
	for _, fixture := range paths {
		t.Run(filepath.Base(fixture), func(t *testing.T) {
			_, want := fixtures.Want(t, fixture)
			env, err := stackFromFixture(t, fixture)
			require.Error(t, err)
			assert.Nil(t, env)
			var invalid *validate.Error
			require.ErrorAs(t, err, &invalid)
			var got []string
			for _, p := range invalid.Problems {
				got = append(got, strings.Split(p.String(), "\n")...)
			}
			assert.Equal(t, want, got)
			assert.True(t, strings.HasPrefix(err.Error(), `invalid config of stack "fixture"`), err.Error())
		})
	}
}

func TestPlaintextSecretsAreNeverRepeatedInErrors(t *testing.T) {
	_, err := stackFromFixture(t, "testdata/config/plaintext-secret.bad.yaml")
	require.Error(t, err)
	assert.NotContains(t, err.Error(), "pager.example.com")
	assert.NotContains(t, err.Error(), "secret-token")
}

func TestSampleStacksAreValid(t *testing.T) {
	for _, stack := range []string{"dev", "prod"} {
		file, err := ReadStackFile(projectDir, stack)
		require.NoError(t, err)
		env, err := file.Environment()
		require.NoError(t, err, stack)
		assert.Equal(t, Tier(stack), env.Tier)
		assert.Len(t, env.Services, 3)
		assert.Len(t, env.Databases, 1)
		assert.Len(t, env.Caches, 1)
		assert.Len(t, env.Queues, 1)
		assert.Len(t, env.Certificates, 1)
	}
}

func TestThresholdsResolveTierThenStackThenItem(t *testing.T) {
	file, err := ReadStackFile(projectDir, "prod")
	require.NoError(t, err)
	env, err := file.Environment()
	require.NoError(t, err)
	prod := DefaultsFor(Prod)
	api, worker, web := env.Services[0].Alarms, env.Services[1].Alarms, env.Services[2].Alarms

	assert.Equal(t, 2, api.DownMinutes, "the service's own override wins")
	assert.Equal(t, prod.Service.DownMinutes, web.DownMinutes, "no override: tier default")
	assert.Equal(t, 90.0, worker.CPUPercent)
	assert.Equal(t, prod.Service.CPUPercent, api.CPUPercent)
	for _, s := range []ServiceAlarms{api, worker, web} {
		assert.Equal(t, 800, s.LatencyP95Ms, "vigil:thresholds.service applies to every service")
		assert.Equal(t, prod.Service.LatencyP99Ms, s.LatencyP99Ms)
	}
	assert.Equal(t, prod.Database, env.Databases[0].Alarms)
}

func TestTierDefaults(t *testing.T) {
	dev, prod := DefaultsFor(Dev), DefaultsFor(Prod)

	assert.Empty(t, dev.Paging, "dev never pages")
	assert.Equal(t, []alerts.Severity{alerts.Critical, alerts.High}, prod.Paging)
	assert.Less(t, dev.LogRetentionDays, prod.LogRetentionDays)
	assert.Less(t, dev.TaskSize.CPU, prod.TaskSize.CPU)
	assert.Less(t, dev.TaskSize.MemoryMiB, prod.TaskSize.MemoryMiB)

	// The prod numbers are those of REQUIREMENTS.md.
	assert.Equal(t, ServiceAlarms{CPUPercent: 80, MemoryPercent: 85, ErrorRatePercent: 5, LatencyP95Ms: 1000, LatencyP99Ms: 2000, DownMinutes: 5}, prod.Service)
	assert.Equal(t, 10, prod.Database.ReplicaLagSeconds)
	assert.Equal(t, 80.0, prod.Database.ConnectionsPercent)
	assert.Equal(t, 85.0, prod.Cache.MemoryPercent)
	assert.Equal(t, 1000, prod.Cache.Connections)
	assert.Equal(t, 100.0, prod.Cache.CommandLatencyMs)
	assert.Equal(t, 1000, prod.Queue.Backlog)
	assert.Equal(t, 10.0, prod.Queue.FailureRatePercent)
	assert.Equal(t, 30, prod.Certificate.DaysToExpiry)

	// dev is looser than prod on every threshold that fires when exceeded.
	assert.Greater(t, dev.Service.CPUPercent, prod.Service.CPUPercent)
	assert.Greater(t, dev.Service.ErrorRatePercent, prod.Service.ErrorRatePercent)
	assert.Greater(t, dev.Service.LatencyP99Ms, prod.Service.LatencyP99Ms)
	assert.Greater(t, dev.Service.DownMinutes, prod.Service.DownMinutes)

	// The defaults obey the limits users are held to.
	for _, d := range []TierDefaults{dev, prod} {
		var ps validate.Problems
		validate.LogRetentionDays(&ps, "retention", d.LogRetentionDays)
		validate.FargateSize(&ps, "taskSize", d.TaskSize.CPU, d.TaskSize.MemoryMiB)
		validate.IntRange(&ps, "keyDeletion", d.KeyDeletionWindowDays, 7, 30, "")
		assert.Zero(t, ps.Len(), ps.List())
		for _, v := range []any{&d.Service, &d.Database, &d.Cache, &d.Queue, &d.Certificate} {
			assert.Empty(t, validate.InRange(v))
		}
		assert.LessOrEqual(t, d.Service.LatencyP95Ms, d.Service.LatencyP99Ms)
	}
}

func TestTierChangesWhoIsWokenUp(t *testing.T) {
	base := map[string]string{"aws:region": "eu-west-1", "vigil:accountId": "123456789012"}
	with := func(tier string) map[string]string {
		v := map[string]string{"vigil:tier": tier}
		for k, x := range base {
			v[k] = x
		}
		return v
	}
	dev, err := FromValues("vigil", "dev", with("dev"), nil)
	require.NoError(t, err)
	prod, err := FromValues("vigil", "prod", with("prod"), nil)
	require.NoError(t, err)
	for _, s := range alerts.Severities() {
		assert.False(t, dev.Pages(s), "dev pages for %s", s)
	}
	assert.True(t, prod.Pages(alerts.Critical))
	assert.True(t, prod.Pages(alerts.High))
	assert.False(t, prod.Pages(alerts.Medium))
	assert.Equal(t, "vigil-prod", prod.NamePrefix)
	assert.Equal(t, 14, dev.LogRetentionDays)
	assert.Equal(t, 90, prod.LogRetentionDays)
	assert.Contains(t, prod.Warnings, "vigil:notifications.critical: critical alerts page nobody (no pagerduty or sms endpoint)")
	assert.NotContains(t, strings.Join(dev.Warnings, "\n"), "page nobody", "dev is not expected to page")
}

func TestSecretKeysAcceptValuesPulumiDecrypted(t *testing.T) {
	values := map[string]string{
		"aws:region": "eu-west-1", "vigil:tier": "prod", "vigil:accountId": "123456789012",
		"vigil:notifications": `{"critical":{"pagerduty":"https://events.pagerduty.com/integration/abc/enqueue"}}`,
	}
	_, err := FromValues("vigil", "prod", values, nil)
	require.Error(t, err, "in clear, the key is refused")
	assert.Contains(t, err.Error(), "vigil:notifications.critical.pagerduty: is stored in plain text")

	env, err := FromValues("vigil", "prod", values, []string{"vigil:notifications"})
	require.NoError(t, err, "decrypted by Pulumi from a secure value, the key is accepted")
	pd := env.Notifications[alerts.Critical].PagerDuty
	assert.Equal(t, "https://events.pagerduty.com/integration/abc/enqueue", pd.Reveal())
	assert.Equal(t, "[secret]", pd.String())
}
