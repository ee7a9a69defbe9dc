package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vigilops/vigil/internal/mockcloud"
	"github.com/vigilops/vigil/stacks"
)

// The planted secrets: recognisable, each a valid value of its place, so that only a
// leak (never a failed check) keeps them from the outputs.
const (
	plantedPagerDuty = "https://events.pagerduty.com/integration/PLANTEDPAGERDUTYKEY0001/enqueue"
	plantedWebhook   = "https://chat.example.com/v1/spaces/AAAA/messages?key=PLANTEDWEBHOOKTOKEN0002"
)

// assertNoSecret fails if any output holds a planted secret, or any 20 characters of
// one (a message that cut a value short would still leak its start).
func assertNoSecret(t *testing.T, what, text string) {
	t.Helper()
	for _, s := range []string{plantedPagerDuty, plantedWebhook} {
		for i := 0; i+20 <= len(s); i++ {
			if strings.Contains(text, s[i:i+20]) {
				t.Errorf("%s holds %q of a planted secret:\n%s", what, s[i:i+20], text)
				return
			}
		}
	}
}

// secretProject is the dev sample project with the given notifications.
func secretProject(t *testing.T, notifications string) string {
	t.Helper()
	return brokenProject(t, func(s string) string {
		start := strings.Index(s, "  vigil:notifications:\n")
		end := strings.Index(s, "  vigil:sloFiles:")
		require.True(t, start > 0 && end > start)
		return s[:start] + notifications + s[end:]
	})
}

const encryptedNotifications = `  vigil:notifications:
    critical:
      emails: [oncall@example.com]
      webhooks:
        - secure: v1:AAAA:CCCC
    high:
      emails: [oncall@example.com]
      webhooks:
        - secure: v1:AAAA:DDDD
`

// Through `vigil plan`: a secret in clear, beside encrypted ones or at the wrong
// shape, is refused, and neither its error (text or JSON) nor any file repeats it.
func TestPlantedSecretsNeverReachAnyOutputOfVigilPlan(t *testing.T) {
	for name, notifications := range map[string]string{
		"in clear beside an encrypted one": encryptedNotifications + "        - " + plantedWebhook + "\n",
		"a webhook list given as a string": "  vigil:notifications:\n    high:\n      webhooks: " + plantedWebhook + "\n",
		"a PagerDuty URL given as a list":  "  vigil:notifications:\n    high:\n      pagerduty: [" + plantedPagerDuty + "]\n",
		"a malformed webhook in clear":     "  vigil:notifications:\n    high:\n      webhooks: [\"" + strings.Replace(plantedWebhook, "https", "http", 1) + "\"]\n",
	} {
		t.Run(name, func(t *testing.T) {
			dir := secretProject(t, notifications)
			out := filepath.Join(t.TempDir(), "plan")
			for _, args := range [][]string{
				{"plan", "--stack", "dev", "--dir", dir, "--out", out},
				{"plan", "--stack", "dev", "--dir", dir, "--json"},
				{"slo", "report", "--stack", "dev", "--dir", dir},
			} {
				code, stdout, stderr := vigil(args...)
				assert.Equal(t, 1, code, "%v: %s", args, stderr)
				assertNoSecret(t, "stdout", stdout)
				assertNoSecret(t, "stderr", stderr)
				assert.Contains(t, stdout+stderr, "vigil:notifications.", "the error names the value's path")
			}
			_, err := os.Stat(out)
			assert.True(t, os.IsNotExist(err), "a refused plan writes nothing")
		})
	}
}

// Through `pulumi up`: stacks.Load gets the decrypted secrets from the engine and the
// stack file tells which values are encrypted. Every output of the program (resource
// inputs, stack outputs, warnings, the summary, every file) is free of them.
func TestPlantedSecretsNeverReachAnyOutputOfThePulumiUpPath(t *testing.T) {
	dir := secretProject(t, encryptedNotifications)
	file, err := stacks.ReadStackFile(dir, "dev")
	require.NoError(t, err)
	decrypted := map[string]string{}
	for k, v := range file.Values {
		decrypted[k] = v
	}
	decrypted["vigil:notifications"] = `{"critical":{"emails":["oncall@example.com"],"webhooks":["` + plantedWebhook + `"]},` +
		`"high":{"emails":["oncall@example.com"],"webhooks":["` + plantedWebhook + `"]}}`
	env, err := loadAsPulumiUp(t, dir, decrypted, []string{"vigil:notifications"})
	require.NoError(t, err)
	require.Equal(t, stacks.Secret(plantedWebhook), env.Notifications["high"].Webhooks[0], "the secret reaches the program")

	p, err := MakePlan(env, decrypted)
	require.NoError(t, err)
	summary := p.Summarize()
	files, err := p.Files(summary.Text())
	require.NoError(t, err)
	for name, data := range files {
		assertNoSecret(t, name, string(data))
	}
	asJSON, err := json.Marshal(summary)
	require.NoError(t, err)
	assertNoSecret(t, "summary JSON", string(asJSON))
	assertNoSecret(t, "warnings", strings.Join(env.Warnings, "\n"))
	envJSON, err := json.Marshal(env)
	require.NoError(t, err)
	assertNoSecret(t, "the environment as JSON", string(envJSON))

	// A webhook written in clear beside the encrypted one: refused, as vigil plan
	// refuses it, and not repeated.
	clear := secretProject(t, encryptedNotifications+"        - "+plantedWebhook+"\n")
	decrypted["vigil:notifications"] = `{"critical":{"webhooks":["https://ok.example.com/a"]},"high":{"webhooks":["https://ok.example.com/b","` + plantedWebhook + `"]}}`
	_, err = loadAsPulumiUp(t, clear, decrypted, []string{"vigil:notifications"})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "vigil:notifications.high.webhooks[1]: is stored in plain text")
	assertNoSecret(t, "the pulumi up error", err.Error())

	// The whole key encrypted as one string: refused on both paths, not repeated.
	whole := secretProject(t, "  vigil:notifications:\n    secure: v1:AAAA:EEEE\n")
	_, err = loadAsPulumiUp(t, whole, decrypted, []string{"vigil:notifications"})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "vigil:notifications: is encrypted as one value, but holds a structure")
	assertNoSecret(t, "the pulumi up error", err.Error())
	code, stdout, stderr := vigil("plan", "--stack", "dev", "--dir", whole)
	assert.Equal(t, 1, code)
	assert.Contains(t, stderr, "vigil:notifications: is encrypted as one value, but holds a structure")
	assertNoSecret(t, "vigil plan", stdout+stderr)
}

// loadAsPulumiUp runs stacks.Load as the engine runs the program in dir, with the
// decrypted config and the keys Pulumi holds as secrets.
func loadAsPulumiUp(t *testing.T, dir string, values map[string]string, secretKeys []string) (*stacks.Environment, error) {
	t.Helper()
	b, err := json.Marshal(values)
	require.NoError(t, err)
	t.Setenv(pulumi.EnvConfig, string(b))
	k, err := json.Marshal(secretKeys)
	require.NoError(t, err)
	t.Setenv(pulumi.EnvConfigSecretKeys, string(k))
	var env *stacks.Environment
	err = pulumi.RunErr(func(ctx *pulumi.Context) error {
		var err error
		env, err = stacks.Load(ctx)
		return err
	}, pulumi.WithMocks("vigil", "dev", mockcloud.New("vigil", "dev", "210987654321", "eu-west-1")),
		func(info *pulumi.RunInfo) {
			info.RootDirectory, info.Config, info.ConfigSecretKeys = dir, values, secretKeys
		})
	return env, err
}
