package stacks

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/common/workspace"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vigilops/vigil/alerts"
	"github.com/vigilops/vigil/internal/mockcloud"
	"github.com/vigilops/vigil/internal/projectfs"
	"github.com/vigilops/vigil/validate"
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
	assert.Contains(t, err.Error(), "stacks here: dev, managed, prod")
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

// plantedSecret is a recognisable secret: no output may ever hold it, or any part of
// it of 12 characters or more.
const plantedSecret = "https://hooks.example.com/services/PLANTED-SECRET-7f3a9c"

// assertNoPlantedSecret fails if text holds the planted secret or a piece of it.
func assertNoPlantedSecret(t *testing.T, text string) {
	t.Helper()
	for i := 0; i+12 <= len(plantedSecret); i++ {
		if piece := plantedSecret[i : i+12]; strings.Contains(text, piece) {
			t.Fatalf("output holds %q, a piece of the planted secret:\n%s", piece, text)
		}
	}
}

// testProject writes a project folder: the real Pulumi.yaml, Pulumi.<stack>.yaml with
// the given config lines under `config:`, and extra files.
func testProject(t *testing.T, stack, config string, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	project, err := os.ReadFile(filepath.Join(projectDir, "Pulumi.yaml"))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "Pulumi.yaml"), project, 0o644))
	head := "config:\n  aws:region: eu-west-1\n  vigil:tier: prod\n  vigil:accountId: \"123456789012\"\n"
	require.NoError(t, os.WriteFile(filepath.Join(dir, "Pulumi."+stack+".yaml"), []byte(head+config), 0o644))
	for name, data := range files {
		require.NoError(t, os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755))
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644))
	}
	return dir
}

// loadAsPulumiUp runs Load as `pulumi up` would in dir: the engine hands over the
// decrypted values and names the keys it holds as secrets.
func loadAsPulumiUp(t *testing.T, dir string, decrypted map[string]string, secretKeys []string) (*Environment, error) {
	t.Helper()
	values := map[string]string{"aws:region": "eu-west-1", "vigil:tier": "prod", "vigil:accountId": "123456789012"}
	for k, v := range decrypted {
		values[k] = v
	}
	setEngineConfig(t, values, secretKeys)
	var env *Environment
	err := pulumi.RunErr(func(ctx *pulumi.Context) error {
		var err error
		env, err = Load(ctx)
		return err
	}, pulumi.WithMocks("vigil", "prod", mockcloud.New("vigil", "prod", "123456789012", "eu-west-1")),
		func(info *pulumi.RunInfo) {
			info.RootDirectory, info.Config, info.ConfigSecretKeys = dir, values, secretKeys
		})
	return env, err
}

// loadAsVigilPlan reads the stack file as `vigil plan` does.
func loadAsVigilPlan(t *testing.T, dir string) (*Environment, error) {
	t.Helper()
	file, err := ReadStackFile(dir, "prod")
	if err != nil {
		return nil, err
	}
	return file.Environment()
}

// Both paths must judge each value alike: Pulumi marks vigil:notifications secret as
// a whole once one value is encrypted, so pulumi up alone would let the clear webhook
// through.
func TestBothPathsJudgeEverySecretByItsOwnValue(t *testing.T) {
	for _, tc := range []struct {
		name, config, decrypted string
		secretKeys              []string
		want                    []string
	}{
		{
			name: "A webhook in clear beside an encrypted one is refused",
			config: `  vigil:notifications:
    critical:
      pagerduty:
        secure: v1:AAAA:CCCC
      webhooks:
        - secure: v1:AAAA:DDDD
        - ` + plantedSecret + "\n",
			decrypted:  `{"critical":{"pagerduty":"https://events.pagerduty.com/integration/k/enqueue","webhooks":["https://hooks.example.com/ok","` + plantedSecret + `"]}}`,
			secretKeys: []string{"vigil:notifications"},
			want:       []string{"vigil:notifications.critical.webhooks[1]: is stored in plain text"},
		},
		{
			name: "A literal [secret] written in clear is not a secret",
			config: `  vigil:notifications:
    critical:
      pagerduty: "[secret]"
`,
			decrypted: `{"critical":{"pagerduty":"[secret]"}}`,
			want:      []string{"vigil:notifications.critical.pagerduty: is stored in plain text"},
		},
		{
			name: "A whole vigil:notifications encrypted as one string is refused without showing it",
			config: `  vigil:notifications:
    secure: v1:AAAA:EEEE
`,
			decrypted:  `{"critical":{"webhooks":["` + plantedSecret + `"]}}`,
			secretKeys: []string{"vigil:notifications"},
			want:       []string{"vigil:notifications: is encrypted as one value, but holds a structure"},
		},
		{
			name: "A webhook list given as one encrypted string is refused without showing it",
			config: `  vigil:notifications:
    critical:
      webhooks:
        secure: v1:AAAA:FFFF
`,
			decrypted:  `{"critical":{"webhooks":"` + plantedSecret + `"}}`,
			secretKeys: []string{"vigil:notifications"},
			want:       []string{"vigil:notifications.critical.webhooks: must be a list, got a string (not shown: it may be a secret)"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := testProject(t, "prod", tc.config, nil)
			_, planErr := loadAsVigilPlan(t, dir)
			_, upErr := loadAsPulumiUp(t, dir, map[string]string{"vigil:notifications": tc.decrypted}, tc.secretKeys)
			for what, err := range map[string]error{"vigil plan": planErr, "pulumi up": upErr} {
				require.Error(t, err, what)
				for _, w := range tc.want {
					assert.Contains(t, err.Error(), w, what)
				}
				assertNoPlantedSecret(t, err.Error())
			}
		})
	}
}

func TestEncryptedValuesPassOnBothPaths(t *testing.T) {
	dir := testProject(t, "prod", `  vigil:notifications:
    critical:
      emails: [oncall@example.com]
      pagerduty:
        secure: v1:AAAA:CCCC
`, nil)
	planEnv, err := loadAsVigilPlan(t, dir)
	require.NoError(t, err)
	assert.True(t, planEnv.Notifications[alerts.Critical].PagerDuty.Placeholder())
	upEnv, err := loadAsPulumiUp(t, dir, map[string]string{
		"vigil:notifications": `{"critical":{"emails":["oncall@example.com"],"pagerduty":"https://events.pagerduty.com/integration/k/enqueue"}}`,
	}, []string{"vigil:notifications"})
	require.NoError(t, err)
	assert.Equal(t, "https://events.pagerduty.com/integration/k/enqueue", upEnv.Notifications[alerts.Critical].PagerDuty.Reveal())
}

func TestNoErrorOrWarningRepeatsAValueOfAKeyPulumiHoldsSecret(t *testing.T) {
	// Without a stack file, secrets are judged by key; what the key holds is hidden
	// wherever a check would have quoted it.
	_, err := FromValues("vigil", "prod", map[string]string{
		"aws:region": "eu-west-1", "vigil:tier": "prod", "vigil:accountId": "123456789012",
		"vigil:notifications":    `{"critical":{"emails":["` + plantedSecret + `"]}}`,
		"vigil:namePrefix":       plantedSecret,
		"vigil:logRetentionDays": plantedSecret,
	}, []string{"vigil:notifications", "vigil:namePrefix", "vigil:logRetentionDays"})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "vigil:notifications.critical.emails[0]: must be an e-mail address")
	assert.Contains(t, err.Error(), "vigil:logRetentionDays: must be a number, got a string (not shown: the key holds a secret)")
	assert.Contains(t, err.Error(), "vigil:namePrefix: must be 1 to 40")
	assertNoPlantedSecret(t, err.Error())
}

func TestANumberThatIsNotFiniteIsRefused(t *testing.T) {
	for _, v := range []string{"NaN", "Inf", "-Inf"} {
		_, err := FromValues("vigil", "prod", map[string]string{
			"aws:region": "eu-west-1", "vigil:tier": "prod", "vigil:accountId": "123456789012",
			"vigil:logRetentionDays": v,
		}, nil)
		require.Error(t, err, v)
		assert.Contains(t, err.Error(), `vigil:logRetentionDays: must be a number, got string "`+v+`"`)
	}
}

// shadow is what an SLO file must never let through: a file outside the project, or
// one that is not OpenSLO.
const shadow = "root:$6$PLANTEDHASH$abcdefgh:19000:0:99999:7:::\ndaemon:*:19000:0:99999:7:::\n"

func TestUntrustedSLOFilesGiveOneClearErrorEachAndRepeatNothing(t *testing.T) {
	okSLO, err := os.ReadFile(filepath.Join(projectDir, "slos", "reservations.yaml"))
	require.NoError(t, err)
	// /etc/shadow reads as a YAML mapping whose keys are its lines: an error that
	// quoted its keys would print it line by line.
	for _, tc := range []struct {
		name, file, want string
		setup            func(t *testing.T, dir string)
	}{
		{"A path that climbs out of the project", "../shadow", "vigil:sloFiles[0]: is outside the project folder (after following links)", nil},
		{"A symlink out of the project", "slos/link.yaml", "vigil:sloFiles[0]: is outside the project folder (after following links)", func(t *testing.T, dir string) {
			require.NoError(t, os.Symlink(filepath.Join(filepath.Dir(dir), "shadow"), filepath.Join(dir, "slos", "link.yaml")))
		}},
		{"An absolute path", "/etc/passwd", "vigil:sloFiles[0]: is an absolute path", nil},
		{"A FIFO", "slos/fifo.yaml", "vigil:sloFiles[0]: is a named pipe, not a regular file", func(t *testing.T, dir string) {
			require.NoError(t, syscall.Mkfifo(filepath.Join(dir, "slos", "fifo.yaml"), 0o644))
		}},
		{"A file over the size limit", "slos/big.yaml", "vigil:sloFiles[0]: is 4194305 bytes, over the limit of 4 MiB", func(t *testing.T, dir string) {
			require.NoError(t, os.WriteFile(filepath.Join(dir, "slos", "big.yaml"), make([]byte, projectfs.MaxFileBytes+1), 0o644))
		}},
		{"A file inside the project that is not OpenSLO", "slos/copied-shadow.yaml", "vigil:sloFiles[0]: is not an OpenSLO v1 file: document 1 has no apiVersion: openslo/v1", func(t *testing.T, dir string) {
			require.NoError(t, os.WriteFile(filepath.Join(dir, "slos", "copied-shadow.yaml"), []byte(shadow), 0o644))
		}},
		{"A YAML mapping that is not OpenSLO", "slos/other.yaml", "vigil:sloFiles[0]: is not an OpenSLO v1 file: document 5 has no apiVersion: openslo/v1", func(t *testing.T, dir string) {
			require.NoError(t, os.WriteFile(filepath.Join(dir, "slos", "other.yaml"), append(append([]byte{}, okSLO...), []byte("\n---\npassword: PLANTEDHASH\n")...), 0o644))
		}},
		{"A file that is not YAML", "slos/broken.yaml", "vigil:sloFiles[0]: is not valid YAML (line 2)", func(t *testing.T, dir string) {
			require.NoError(t, os.WriteFile(filepath.Join(dir, "slos", "broken.yaml"), []byte("a: b\n\tPLANTEDHASH: [\n"), 0o644))
		}},
		{"A missing file", "slos/none.yaml", "vigil:sloFiles[0]: does not exist", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := testProject(t, "prod", "  vigil:sloFiles:\n    - "+tc.file+"\n", map[string]string{"slos/.keep": ""})
			require.NoError(t, os.WriteFile(filepath.Join(filepath.Dir(dir), "shadow"), []byte(shadow), 0o600))
			if tc.setup != nil {
				tc.setup(t, dir)
			}
			done := make(chan error, 1)
			go func() { _, err := loadAsVigilPlan(t, dir); done <- err }()
			select {
			case err := <-done:
				require.Error(t, err)
				var invalid *validate.Error
				require.ErrorAs(t, err, &invalid)
				assert.Len(t, invalid.Problems, 1, err.Error())
				assert.Contains(t, err.Error(), tc.want)
				assert.NotContains(t, err.Error(), "PLANTEDHASH")
				assert.NotContains(t, err.Error(), "daemon")
			case <-time.After(20 * time.Second):
				t.Fatal("reading the stack hung")
			}
		})
	}
}

func TestUntrustedStackFilesAreRefusedWithoutRepeatingThem(t *testing.T) {
	for _, tc := range []struct {
		name, want string
		setup      func(t *testing.T, dir string)
	}{
		{"A stack file that is a FIFO", "Pulumi.prod.yaml is a named pipe, not a regular file", func(t *testing.T, dir string) {
			require.NoError(t, os.Remove(filepath.Join(dir, "Pulumi.prod.yaml")))
			require.NoError(t, syscall.Mkfifo(filepath.Join(dir, "Pulumi.prod.yaml"), 0o644))
		}},
		{"A stack file linked to /dev/zero", "Pulumi.prod.yaml is outside the project folder", func(t *testing.T, dir string) {
			require.NoError(t, os.Remove(filepath.Join(dir, "Pulumi.prod.yaml")))
			require.NoError(t, os.Symlink("/dev/zero", filepath.Join(dir, "Pulumi.prod.yaml")))
		}},
		{"A stack file that is not a mapping", "Pulumi.prod.yaml is not a Pulumi stack file: it holds text, not a mapping of keys to values", func(t *testing.T, dir string) {
			require.NoError(t, os.WriteFile(filepath.Join(dir, "Pulumi.prod.yaml"), []byte("PLANTEDHASH-abcdefgh is text\n"), 0o644))
		}},
		{"A stack file whose config is the wrong shape", "Pulumi.prod.yaml is not a valid Pulumi stack file", func(t *testing.T, dir string) {
			require.NoError(t, os.WriteFile(filepath.Join(dir, "Pulumi.prod.yaml"), []byte("config: PLANTEDHASH-abcdefgh\n"), 0o644))
		}},
		{"A project file that is not a mapping", "Pulumi.yaml is not a Pulumi project file: it holds a list", func(t *testing.T, dir string) {
			require.NoError(t, os.WriteFile(filepath.Join(dir, "Pulumi.yaml"), []byte("- PLANTEDHASH\n"), 0o644))
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := testProject(t, "prod", "", nil)
			tc.setup(t, dir)
			done := make(chan error, 1)
			go func() { _, err := ReadStackFile(dir, "prod"); done <- err }()
			select {
			case err := <-done:
				require.Error(t, err)
				assert.Contains(t, err.Error(), tc.want)
				assert.NotContains(t, err.Error(), "PLANTEDHASH")
				assert.NotContains(t, err.Error(), "\n", "one line")
			case <-time.After(20 * time.Second):
				t.Fatal("reading the stack file hung")
			}
		})
	}
}

func TestStackNamesAreReadAsPulumiReadsThem(t *testing.T) {
	for _, tc := range []struct{ name, want, err string }{
		{"dev", "dev", ""},
		{"myorg/dev", "dev", ""},
		{"myorg/vigil/dev", "dev", ""},
		{"myorg/other/dev", "", `stack "myorg/other/dev" belongs to project "other", but Pulumi.yaml is project "vigil"`},
		{"a/b/c/dev", "", "a stack name is STACK, ORG/STACK or ORG/PROJECT/STACK"},
		{"../../etc/dev", "", "a stack name is STACK"},
		{"myorg//dev", "", "holds only letters"},
		{"de v", "", "holds only letters"},
		{"", "", "holds only letters"},
	} {
		got, err := ParseStackName(tc.name, "vigil")
		if tc.err != "" {
			require.Error(t, err, tc.name)
			assert.Contains(t, err.Error(), tc.err, tc.name)
			continue
		}
		require.NoError(t, err, tc.name)
		assert.Equal(t, tc.want, got)
	}
	_, err := ReadStackFile(projectDir, "../Pulumi")
	require.Error(t, err, "a stack name never names a file elsewhere")
	assert.Contains(t, err.Error(), "holds only letters")
}

func TestTheProjectFolderIsFoundUpwards(t *testing.T) {
	dir := testProject(t, "prod", "", map[string]string{"slos/deep/.keep": ""})
	found, err := FindProjectDir(filepath.Join(dir, "slos", "deep"))
	require.NoError(t, err)
	real, _ := filepath.EvalSymlinks(dir)
	foundReal, _ := filepath.EvalSymlinks(found)
	assert.Equal(t, real, foundReal)
	_, err = FindProjectDir(t.TempDir())
	require.Error(t, err)
	assert.Contains(t, err.Error(), "pass --dir")
}

func TestListStacksNamesOnlyStackFilesEvenInAFolderWithGlobCharacters(t *testing.T) {
	parent := filepath.Join(t.TempDir(), "team [a]*")
	require.NoError(t, os.MkdirAll(parent, 0o755))
	dir := testProject(t, "prod", "", nil)
	project := filepath.Join(parent, "p")
	require.NoError(t, os.Rename(dir, project))
	require.NoError(t, os.WriteFile(filepath.Join(project, "Pulumi.de v.yaml"), nil, 0o644))
	require.NoError(t, os.Mkdir(filepath.Join(project, "Pulumi.folder.yaml"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(project, "Pulumi.dev.yaml.bak"), nil, 0o644))
	got, err := ListStacks(project)
	require.NoError(t, err)
	assert.Equal(t, []string{"prod"}, got)
}

func TestStackFilesAreReadFromTheProjectsStackConfigDir(t *testing.T) {
	dir := testProject(t, "prod", "", nil)
	project, err := os.ReadFile(filepath.Join(dir, "Pulumi.yaml"))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "Pulumi.yaml"), append([]byte("stackConfigDir: config\n"), project...), 0o644))
	require.NoError(t, os.Mkdir(filepath.Join(dir, "config"), 0o755))
	require.NoError(t, os.Rename(filepath.Join(dir, "Pulumi.prod.yaml"), filepath.Join(dir, "config", "Pulumi.prod.yaml")))
	file, err := ReadStackFile(dir, "prod")
	require.NoError(t, err)
	assert.Equal(t, "prod", file.Values["vigil:tier"])
	stacks, err := ListStacks(dir)
	require.NoError(t, err)
	assert.Equal(t, []string{"prod"}, stacks)
	_, err = ReadStackFile(dir, "dev")
	var noStack *NoStackError
	require.ErrorAs(t, err, &noStack)
	assert.Equal(t, filepath.Join(dir, "config", "Pulumi.dev.yaml"), noStack.Path)
}
