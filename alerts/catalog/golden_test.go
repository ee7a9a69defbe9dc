package catalog

import (
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vigilops/vigil/alerts"
	"github.com/vigilops/vigil/internal/promtest"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

const runbooks = "https://runbooks.example.com/alerts"

// estate is one representative catalog: a team's main API in Go with its own job
// label and a 2-minute down time, a JVM and a Node.js service on defaults, one of
// every other group, and a wildcard certificate probed at the two hosts it serves. The golden file and the promtool tests read it.
func estate() Catalog {
	return Catalog{
		Options: Options{RunbookBaseURL: runbooks, Labels: map[string]string{"environment": "prod"}},
		Services: []Service{
			{Name: "api", Selector: `job="api"`, DownFor: 2 * time.Minute, Runtime: &Runtime{Kind: Go, MemoryLimitBytes: gib}},
			{Name: "billing", Runtime: &Runtime{Kind: JVM}},
			{Name: "frontend", Runtime: &Runtime{Kind: NodeJS}},
		},
		Databases: []Database{{Name: "orders-db", Service: "orders"}},
		Caches:    []Cache{{Name: "sessions", Service: "api"}},
		Queues:    []Queue{{Name: "emails"}},
		Hosts:     []HostGroup{{Name: "nodes"}},
		Certificates: []Certificate{
			{Name: "public", Domain: "api.example.com"},
			{Name: "shop", Domain: "*.shop.example.com", ProbeTargets: []string{"https://www.shop.example.com", "https://eu.shop.example.com"}},
		},
	}
}

func buildEstate(t testing.TB) alerts.RuleFile {
	t.Helper()
	f, err := Build(estate())
	require.NoError(t, err)
	return f
}

func TestTheRepresentativeCatalogMatchesItsGoldenFile(t *testing.T) {
	got := buildEstate(t).YAML()
	golden := filepath.Join("testdata", "catalog.yaml")
	if *update {
		require.NoError(t, os.MkdirAll("testdata", 0o755))
		require.NoError(t, os.WriteFile(golden, got, 0o644))
	}
	want, err := os.ReadFile(golden)
	require.NoError(t, err, "run `go test ./alerts/catalog -update` to create it")
	assert.Equal(t, string(want), string(got), "the catalog changed: rerun with -update and review the diff")
}

func TestTheRepresentativeCatalogPassesVigilsAndPromtoolsChecks(t *testing.T) {
	f := buildEstate(t)
	require.NoError(t, f.Validate())
	out, err := promtest.Check(t, f.YAML())
	require.NoError(t, err, "promtool check rules:\n%s", out)
	assert.Contains(t, out, "SUCCESS: 41 rules found")
}
