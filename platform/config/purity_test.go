package config

import (
	"os/exec"
	"strings"
	"testing"
)

// The package is pure (doc.go): nothing it imports, at any depth, is Pulumi, so a
// repository can build these files without the Pulumi and AWS SDKs. Only the package
// itself is listed, not its tests (which import Prometheus's config loader).
func TestThePackageImportsNoPulumiAtAnyDepth(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "-f", "{{.ImportPath}}", ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	deps := strings.Fields(string(out))
	found := false
	for _, dep := range deps {
		if strings.HasPrefix(dep, "github.com/pulumi/") || strings.Contains(dep, "aws-sdk") {
			t.Errorf("platform/config depends on %s", dep)
		}
		found = found || dep == "github.com/vigilops/vigil/validate"
	}
	if !found {
		t.Fatalf("go list did not list the validate package among %d dependencies: is this the package it thinks?", len(deps))
	}
}
