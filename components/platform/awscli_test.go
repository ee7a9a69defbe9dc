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
	cloud, _, _, _ := mustRun(t, validArgs(t))
	for _, app := range Apps() {
		t.Run(app, func(t *testing.T) {
			td := named(t, cloud, "aws:ecs/taskDefinition:TaskDefinition", "platform-"+app+"-taskdef").Plain()
			var defs []any
			require.NoError(t, json.Unmarshal([]byte(td["containerDefinitions"].(string)), &defs))
			// The task definition's inputs as the provider sends them to
			// RegisterTaskDefinition: these keys are the API's own.
			input := map[string]any{"containerDefinitions": defs}
			for _, k := range []string{"family", "cpu", "memory", "networkMode", "requiresCompatibilities", "runtimePlatform",
				"executionRoleArn", "taskRoleArn", "volumes"} {
				require.Contains(t, td, k)
				input[k] = td[k]
			}
			checkAPIInput(t, "ecs", "register-task-definition", input)
		})
	}
}

func TestTheAPIModelCheckRefusesAMisspelledField(t *testing.T) {
	// The check above could pass by never looking: show that it does look.
	out := awsCLI(t, "ecs", "register-task-definition",
		[]byte(`{"family":"x","containerDefinitions":[{"name":"a","image":"b","readOnlyRootFilesystem":true}]}`))
	require.True(t, strings.Contains(out, `Unknown parameter in containerDefinitions[0]: "readOnlyRootFilesystem"`), "%s", out)
}
