package validate

import (
	"os/exec"
	"strings"
	"testing"
)

// The pure packages must stay pure: no Pulumi anywhere in what they import, so that
// other modules can use them without the Pulumi and AWS SDKs, and their tests stay
// quick to build (DESIGN.md).
func TestPurePackagesDoNotImportPulumi(t *testing.T) {
	pure := []string{"./alerts/...", "./dashboards/...", "./validate/...", "./components/iampolicy/..."}
	cmd := exec.Command("go", append([]string{"list", "-deps", "-f", "{{.ImportPath}}"}, pure...)...)
	cmd.Dir = ".."
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	deps := strings.Fields(string(out))
	if len(deps) < 10 {
		t.Fatalf("go list found only %d packages; is the module layout what this test expects?", len(deps))
	}
	for _, dep := range deps {
		if strings.HasPrefix(dep, "github.com/pulumi/") {
			t.Errorf("a pure package depends on %s", dep)
		}
	}
}
