package config

import (
	"testing"

	promconfig "github.com/prometheus/prometheus/config"
	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/promql/parser"
	"github.com/stretchr/testify/require"

	"github.com/vigilops/vigil/alerts/catalog"
)

// identifying are the labels that say which thing a series is about; the catalog's
// selectors pick by these, and this package's jobs set them. The others (code, le,
// mountpoint, ...) come from the exporters' own series.
var identifying = []string{"job", "service", "database", "cache", "host_group", "instance", "certificate"}

// targetsOf lists the label sets of every target of cfg, with an address standing in
// for what DNS SRV would find.
func targetsOf(t *testing.T, cfg *promconfig.Config) []map[string]string {
	t.Helper()
	var out []map[string]string
	for _, sc := range cfg.ScrapeConfigs {
		groups := staticGroups(t, sc)
		if len(groups) == 0 {
			out = append(out, target(t, sc, "10.9.9.9:9999", nil))
		}
		for _, g := range groups {
			extra := map[string]string{}
			for k, v := range g.Labels {
				extra[string(k)] = string(v)
			}
			for _, tg := range g.Targets {
				out = append(out, target(t, sc, string(tg["__address__"]), extra))
			}
		}
	}
	return out
}

func matches(target map[string]string, ms []*labels.Matcher) bool {
	for _, m := range ms {
		for _, name := range identifying {
			if m.Name == name && !m.Matches(target[name]) {
				return false
			}
		}
	}
	return true
}

func TestEveryCatalogSelectorFindsTheSeriesOfTheTargetsItIsAbout(t *testing.T) {
	cat, err := catalog.Build(catalog.Catalog{
		Options:      catalog.Options{RunbookBaseURL: "https://runbooks.example.com/alerts", Labels: map[string]string{"environment": "prod"}},
		Services:     []catalog.Service{{Name: "api"}, {Name: "worker"}},
		Databases:    []catalog.Database{{Name: "orders", Service: "api"}},
		Caches:       []catalog.Cache{{Name: "sessions", Service: "api"}},
		Hosts:        []catalog.HostGroup{{Name: "bastion"}},
		Certificates: []catalog.Certificate{{Name: "api-tls", Domain: "api.example.com", ProbeTargets: []string{"api.example.com:443"}}},
	})
	require.NoError(t, err)
	targets := targetsOf(t, load(t, build(t, sample())))
	checked := 0
	for _, g := range cat.Groups {
		for _, r := range g.Rules {
			expr, err := parser.ParseExpr(r.Expr)
			require.NoError(t, err)
			for _, sel := range parser.ExtractSelectors(expr) {
				found := false
				for _, tg := range targets {
					found = found || matches(tg, sel)
				}
				require.True(t, found, "%s/%s selects %v, which no target of prometheus.yml carries", g.Name, r.Alert, sel)
				checked++
			}
		}
	}
	require.Greater(t, checked, 30)

	// And the other side: ServiceDown of api sums exactly the api job's targets, never
	// an exporter's or a probe's.
	var serviceDown []*labels.Matcher
	for _, g := range cat.Groups {
		for _, r := range g.Rules {
			if g.Name == "service:api" && r.Alert == "ServiceDown" {
				expr, err := parser.ParseExpr(r.Expr)
				require.NoError(t, err)
				serviceDown = parser.ExtractSelectors(expr)[0]
			}
		}
	}
	require.NotNil(t, serviceDown)
	for _, tg := range targets {
		require.Equal(t, tg["job"] == "api", matches(tg, serviceDown), "target %v", tg)
	}
}
