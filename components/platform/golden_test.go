package platform

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// TestContainerDefinitionsGolden keeps each task's container definitions, as ECS gets
// them, under testdata/<app>.containers.json for review in the diff.
func TestContainerDefinitionsGolden(t *testing.T) {
	for _, app := range Apps() {
		t.Run(app, func(t *testing.T) {
			defs, err := ContainerDefinitions(spec(app))
			require.NoError(t, err)
			got, err := json.MarshalIndent(defs, "", "  ")
			require.NoError(t, err)
			got = append(got, '\n')
			path := filepath.Join("testdata", app+".containers.json")
			if *update {
				require.NoError(t, os.MkdirAll("testdata", 0o755))
				require.NoError(t, os.WriteFile(path, got, 0o644))
			}
			want, err := os.ReadFile(path)
			require.NoError(t, err, "run go test ./components/platform -run Golden -update")
			require.Equal(t, string(want), string(got))
		})
	}
}
