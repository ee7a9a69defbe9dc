package managed

import (
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vigilops/vigil/alerts"
	"github.com/vigilops/vigil/internal/promtest"
)

// What AMP is given passes the real tools: the unwrapped alertmanager_config
// amtool check-config, and each namespace's data promtool check rules.
func TestWhatAMPIsGivenPassesAmtoolAndPromtool(t *testing.T) {
	args := validArgs(t)
	c, _, err := deploy(t, args)
	require.NoError(t, err)

	def, err := ParseDefinition([]byte(str(t, one(t, c, amToken), "definition")))
	require.NoError(t, err)
	path := filepath.Join(t.TempDir(), "alertmanager.yml")
	require.NoError(t, os.WriteFile(path, []byte(def.AlertmanagerConfig), 0o644))
	out, errOut, err := promtest.Amtool(t, "check-config", path)
	require.NoError(t, err, "amtool refuses what AMP gets:\n%s%s", out, errOut)
	assert.Contains(t, out, " - 5 receivers", "amtool read the whole file")

	for sev, want := range map[alerts.Severity]string{alerts.Critical: "sns-critical", alerts.Low: "sns-low"} {
		out, errOut, err := promtest.Amtool(t, "config", "routes", "test", "--config.file="+path, "environment=prod", "severity="+string(sev))
		require.NoError(t, err, "%s%s", out, errOut)
		assert.Equal(t, want, strings.TrimSpace(out))
	}

	for _, ns := range c.ByType(nsToken) {
		out, err := promtest.Check(t, []byte(str(t, ns, "data")))
		assert.NoError(t, err, "promtool refuses namespace %s:\n%s", str(t, ns, "name"), out)
	}
}

// The conversion and the policies are pure: the files that hold them import no
// Pulumi package, so they could move to a pure package as they are.
func TestTheConversionAndPolicyFilesImportNoPulumi(t *testing.T) {
	for _, file := range []string{"definition.go", "rules.go", "policies.go"} {
		f, err := parser.ParseFile(token.NewFileSet(), file, nil, parser.ImportsOnly)
		require.NoError(t, err)
		require.NotEmpty(t, f.Imports, file)
		for _, imp := range f.Imports {
			p, _ := strconv.Unquote(imp.Path.Value)
			assert.NotContains(t, p, "pulumi", "%s imports %s", file, p)
		}
	}
}
