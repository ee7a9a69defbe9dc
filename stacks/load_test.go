package stacks

import (
	"encoding/json"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/workspace"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vigilops/vigil/alerts"
	"github.com/vigilops/vigil/internal/mockcloud"
)

// setEngineConfig sets the variables through which the Pulumi engine hands a program
// its whole configuration.
func setEngineConfig(t *testing.T, values map[string]string, secretKeys []string) {
	t.Helper()
	b, err := json.Marshal(values)
	require.NoError(t, err)
	t.Setenv(pulumi.EnvConfig, string(b))
	if secretKeys != nil {
		k, err := json.Marshal(secretKeys)
		require.NoError(t, err)
		t.Setenv(pulumi.EnvConfigSecretKeys, string(k))
	}
}

func loadUnderMocks(t *testing.T) (*Environment, error) {
	t.Helper()
	var env *Environment
	err := pulumi.RunErr(func(ctx *pulumi.Context) error {
		var err error
		env, err = Load(ctx)
		return err
	}, pulumi.WithMocks("vigil", "prod", mockcloud.New("vigil", "prod", "123456789012", "eu-west-1")))
	return env, err
}

func TestLoadReportsAMisspeltKeyTheEngineHandsOver(t *testing.T) {
	setEngineConfig(t, map[string]string{
		"aws:region": "eu-west-1", "vigil:tier": "prod", "vigil:accountId": "123456789012",
		"vigil:logRetentionDay": "30",
		"aws:profile":           "ignored: not vigil's namespace",
	}, nil)
	_, err := loadUnderMocks(t)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "vigil:logRetentionDay: unknown key\n    hint: did you mean logRetentionDays?")
	assert.NotContains(t, err.Error(), "aws:profile")
}

func TestLoadReadsTypedValuesAndSecretKeysFromTheEngine(t *testing.T) {
	setEngineConfig(t, map[string]string{
		"aws:region": "eu-west-1", "vigil:tier": "prod", "vigil:accountId": "123456789012",
		"vigil:logRetentionDays": "30",
		"vigil:notifications":    `{"critical":{"emails":["oncall@example.com"],"pagerduty":"https://events.pagerduty.com/integration/k/enqueue"}}`,
		"vigil:services":         `[{"name":"api","healthCheckUrl":"https://api.example.com/health","alarms":{"downMinutes":2}}]`,
	}, []string{"vigil:notifications"})
	env, err := loadUnderMocks(t)
	require.NoError(t, err)
	assert.Equal(t, "prod", env.Stack)
	assert.Equal(t, "vigil", env.Project)
	assert.Equal(t, 30, env.LogRetentionDays)
	assert.Equal(t, 2, env.Services[0].Alarms.DownMinutes)
	assert.Equal(t, []string{"oncall@example.com"}, env.Notifications[alerts.Critical].Emails)
	assert.Equal(t, "https://events.pagerduty.com/integration/k/enqueue", env.Notifications[alerts.Critical].PagerDuty.Reveal())
}

// The project file declares every key for Pulumi; the Go schema is what vigil reads.
// They must agree, and the defaults the project file declares must mean "unset".
func TestPulumiYAMLDeclaresExactlyTheKeysVigilReads(t *testing.T) {
	project, err := workspace.LoadProject(filepath.Join(projectDir, "Pulumi.yaml"))
	require.NoError(t, err, "Pulumi's own loader validates the project file against its schema")
	assert.Equal(t, "vigil", string(project.Name))
	assert.Equal(t, "go", project.Runtime.Name())

	ct := reflect.TypeOf(Config{})
	declared := map[string]bool{}
	for name := range project.Config {
		declared[name] = true
	}
	for i := 0; i < ct.NumField(); i++ {
		f := ct.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		decl, ok := project.Config[name]
		if !assert.True(t, ok, "Pulumi.yaml does not declare %s", name) {
			continue
		}
		delete(declared, name)
		assert.NotEmpty(t, decl.Description, name)
		assert.Equal(t, pulumiType(f.Type), decl.TypeName(), "type of %s", name)
		if f.Type.Kind() == reflect.Slice {
			require.NotNil(t, decl.Items, name)
			assert.Equal(t, pulumiType(f.Type.Elem()), decl.Items.Type, "item type of %s", name)
		}
	}
	assert.Empty(t, declared, "Pulumi.yaml declares keys vigil does not read")

	required := map[string]string{"aws:region": "eu-west-1", "vigil:tier": "prod", "vigil:accountId": "123456789012"}
	withDefaults := map[string]string{}
	for k, v := range required {
		withDefaults[k] = v
	}
	for name, decl := range project.Config {
		if decl.Default != nil {
			s, err := configString(decl.Default)
			require.NoError(t, err)
			withDefaults["vigil:"+name] = s
		} else {
			assert.Contains(t, required, "vigil:"+name, "%s has no default, so Pulumi requires it", name)
		}
	}
	bare, err := FromValues("vigil", "prod", required, nil)
	require.NoError(t, err)
	defaulted, err := FromValues("vigil", "prod", withDefaults, nil)
	require.NoError(t, err)
	assert.Equal(t, bare, defaulted, "a default in Pulumi.yaml must mean the same as leaving the key out")
}

func pulumiType(t reflect.Type) string {
	switch t.Kind() {
	case reflect.String:
		return "string"
	case reflect.Int:
		return "integer"
	case reflect.Bool:
		return "boolean"
	case reflect.Slice:
		return "array"
	}
	return "object"
}

func TestUnknownStackListsTheStacksThereAre(t *testing.T) {
	_, err := ReadStackFile(projectDir, "staging")
	require.Error(t, err)
	assert.Contains(t, err.Error(), `no stack "staging"`)
	assert.Contains(t, err.Error(), "stacks here: dev, prod")
}

func TestStackFileReplacesEncryptedValuesWithThePlaceholder(t *testing.T) {
	file, err := ReadStackFile(projectDir, "prod")
	require.NoError(t, err)
	var notifications map[string]map[string]any
	require.NoError(t, json.Unmarshal([]byte(file.Values["vigil:notifications"]), &notifications))
	assert.Equal(t, SecretPlaceholder, notifications["critical"]["pagerduty"])
	assert.Equal(t, []any{SecretPlaceholder}, notifications["high"]["webhooks"])
	assert.NotContains(t, file.Values["vigil:notifications"], "v1:", "no ciphertext reaches the program")
	assert.Equal(t, "", file.Values["vigil:namePrefix"], "defaults of Pulumi.yaml are applied as the engine applies them")
}
