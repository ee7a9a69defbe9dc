package platform

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// checkAPIInput validates input against the AWS API model of service's operation, as
// the AWS CLI (botocore) does before it sends anything: unknown fields, wrong types
// and missing required members are refused with "Parameter validation failed". The
// CLI runs without any credentials, so a valid input stops at "Unable to locate
// credentials" and nothing ever leaves the machine. The CLI is on the machines this
// project runs on (awscli from pip); the test fails, never skips, without it.
func checkAPIInput(t *testing.T, service, operation string, input any) {
	t.Helper()
	b, err := json.Marshal(input)
	require.NoError(t, err)
	out := awsCLI(t, service, operation, b)
	require.NotContains(t, out, "Parameter validation failed", "%s %s refuses the input", service, operation)
	require.Contains(t, out, "Unable to locate credentials", "the CLI stopped before validating: %s", out)
}

// awsCLI runs `aws <service> <operation> --cli-input-json` with input, no
// credentials and no configuration, and returns what it printed.
func awsCLI(t *testing.T, service, operation string, input []byte) string {
	t.Helper()
	aws, err := exec.LookPath("aws")
	require.NoError(t, err, "the AWS CLI checks the inputs against AWS's API model: install it (pip install awscli)")
	dir := t.TempDir()
	file := filepath.Join(dir, "input.json")
	require.NoError(t, os.WriteFile(file, input, 0o600))
	cmd := exec.Command(aws, service, operation, "--region", region, "--cli-input-json", "file://"+file)
	cmd.Env = []string{
		"PATH=" + os.Getenv("PATH"), "HOME=" + dir, "PYENV_ROOT=" + os.Getenv("PYENV_ROOT"),
		"AWS_CONFIG_FILE=" + filepath.Join(dir, "none"), "AWS_SHARED_CREDENTIALS_FILE=" + filepath.Join(dir, "none"),
		"AWS_EC2_METADATA_DISABLED=true",
	}
	out, _ := cmd.CombinedOutput()
	return string(out)
}

func TestEveryTaskDefinitionPassesTheECSAPIModel(t *testing.T) {
	for _, app := range Apps() {
		t.Run(app, func(t *testing.T) {
			defs, err := ContainerDefinitions(spec(app))
			require.NoError(t, err)
			var generic []map[string]any
			b, err := json.Marshal(defs)
			require.NoError(t, err)
			require.NoError(t, json.Unmarshal(b, &generic))
			volumes := []map[string]any{{"name": configVolume}, {"name": initHomeVolume}}
			switch app {
			case Prometheus, Grafana:
				volumes = append(volumes, map[string]any{"name": dataVolume, "efsVolumeConfiguration": map[string]any{
					"fileSystemId": "fs-0123456789abcdef0", "transitEncryption": "ENABLED",
					"authorizationConfig": map[string]any{"accessPointId": "fsap-0123456789abcdef0", "iam": "ENABLED"},
				}})
			case Alertmanager:
				volumes = append(volumes, map[string]any{"name": dataVolume})
			}
			checkAPIInput(t, "ecs", "register-task-definition", map[string]any{
				"family": Family("vigil-prod", app), "containerDefinitions": generic, "volumes": volumes,
				"networkMode": "awsvpc", "requiresCompatibilities": []string{"FARGATE"}, "cpu": "256", "memory": "512",
				"runtimePlatform":  map[string]any{"operatingSystemFamily": "LINUX", "cpuArchitecture": "X86_64"},
				"executionRoleArn": "arn:aws:iam::123456789012:role/vigil-prod-" + app + "-exec",
				"taskRoleArn":      "arn:aws:iam::123456789012:role/vigil-prod-" + app + "-task",
			})
		})
	}
}

func TestTheAPIModelCheckRefusesAMisspelledField(t *testing.T) {
	// The check above could pass by never looking: show that it does look.
	out := awsCLI(t, "ecs", "register-task-definition",
		[]byte(`{"family":"x","containerDefinitions":[{"name":"a","image":"b","readOnlyRootFilesystem":true}]}`))
	require.True(t, strings.Contains(out, `Unknown parameter in containerDefinitions[0]: "readOnlyRootFilesystem"`), "%s", out)
}
