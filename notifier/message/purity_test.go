package message_test

import (
	"os/exec"
	"strings"
	"testing"
)

// The notifier's packages import no Pulumi (DESIGN.md: pure packages), and all but
// the Lambda's main package stay free of the AWS SDK, so that they are tested
// without a cloud and the preview command needs no credentials.
func TestTheNotifierPackagesImportNoPulumiAndOnlyMainTheAWSSDK(t *testing.T) {
	pkgs := map[string]bool{ // package → may it import the AWS SDK?
		"./notifier/message": false, "./notifier/format": false, "./notifier/deliver": false,
		"./notifier/config": false, "./notifier/summary": false, "./notifier/handler": false,
		"./notifier/preview": false, "./notifier/build": false, "./notifier/cmd/notifier": true,
	}
	for pkg, sdk := range pkgs {
		cmd := exec.Command("go", "list", "-deps", "-f", "{{.ImportPath}}", pkg)
		cmd.Dir = "../.."
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("go list %s: %v\n%s", pkg, err, out)
		}
		deps := strings.Fields(string(out))
		if len(deps) < 5 {
			t.Fatalf("go list %s found only %d packages", pkg, len(deps))
		}
		sawSDK := false
		for _, dep := range deps {
			if strings.HasPrefix(dep, "github.com/pulumi/") {
				t.Errorf("%s depends on %s", pkg, dep)
			}
			if strings.HasPrefix(dep, "github.com/aws/aws-sdk-go-v2") {
				sawSDK = true
				if !sdk {
					t.Errorf("%s depends on %s", pkg, dep)
				}
			}
			if strings.HasPrefix(dep, "github.com/prometheus/") {
				t.Errorf("%s depends on %s: the Lambda must not link Prometheus", pkg, dep)
			}
		}
		if sdk && !sawSDK {
			t.Errorf("%s should read Secrets Manager with the AWS SDK, but does not import it", pkg)
		}
	}
}
