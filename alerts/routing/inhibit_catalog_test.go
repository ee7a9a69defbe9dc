package routing

import (
	"strings"
	"testing"

	"github.com/prometheus/common/model"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vigilops/vigil/alerts"
	"github.com/vigilops/vigil/alerts/catalog"
	"github.com/vigilops/vigil/alerts/slo"
)

// firingAlerts turns the alerting rules of files into the label sets their alerts
// fire with: the rule's labels, its name, and the instance that the series of a
// per-instance alert carry (one per host, target or exporter given for its group).
func firingAlerts(t *testing.T, instances map[string][]string, files ...alerts.RuleFile) map[string]model.LabelSet {
	t.Helper()
	out := map[string]model.LabelSet{}
	for _, f := range files {
		for _, g := range f.Groups {
			for _, r := range g.Rules {
				if r.Alert == "" {
					continue
				}
				ls := model.LabelSet{"alertname": model.LabelValue(r.Alert)}
				for k, v := range r.Labels {
					ls[model.LabelName(k)] = model.LabelValue(v)
				}
				key := g.Name + "/" + r.Alert + "/" + r.Labels["vigil_tier"]
				perInstance := strings.Contains(r.Expr, "by (instance") && !strings.HasPrefix(g.Name, "service:")
				if !perInstance || len(instances[g.Name]) == 0 {
					out[strings.TrimSuffix(key, "/")] = ls
					continue
				}
				for _, inst := range instances[g.Name] {
					withInstance := ls.Clone()
					withInstance["instance"] = model.LabelValue(inst)
					out[strings.TrimSuffix(key, "/")+"@"+inst] = withInstance
				}
			}
		}
	}
	return out
}

// The alerts exactly as the catalog and the SLO rules generate them, muted by
// Alertmanager's own inhibitor with the generated rules: every pair follows the rule
// of the matrix, and the cases the issue names hold.
func TestTheCatalogsAndSLOsAlertsMuteOnlyAlertsAboutTheSameThing(t *testing.T) {
	env := map[string]string{"environment": "prod"}
	cat, err := catalog.Build(catalog.Catalog{
		Options:      catalog.Options{RunbookBaseURL: "https://runbooks.example.com/alerts", Labels: env},
		Services:     []catalog.Service{{Name: "api", Runtime: &catalog.Runtime{Kind: catalog.Go}}, {Name: "billing"}},
		Databases:    []catalog.Database{{Name: "orders-db", Service: "orders"}, {Name: "users-db"}},
		Caches:       []catalog.Cache{{Name: "sessions", Service: "api"}},
		Queues:       []catalog.Queue{{Name: "emails"}},
		Hosts:        []catalog.HostGroup{{Name: "nodes"}},
		Certificates: []catalog.Certificate{{Name: "api", Domain: "api.example.com"}, {Name: "shop", Domain: "*.shop.example.com", ProbeTargets: []string{"https://www.shop.example.com"}}},
	})
	require.NoError(t, err)
	sloRules, err := slo.Rules([]slo.SLO{
		{Service: "api", Name: "availability", Objective: 99.9, Labels: env, Alerting: slo.Alerting{RunbookURL: "https://runbooks.example.com/slo"},
			SLI: slo.RatioSLI(`http_requests_total{service="api",code=~"5.."}`, `http_requests_total{service="api"}`, false)},
		{Service: "api", Name: "latency", Objective: 99, Labels: env, Alerting: slo.Alerting{RunbookURL: "https://runbooks.example.com/slo"},
			SLI: slo.RatioSLI(`http_slow_requests_total{service="api"}`, `http_requests_total{service="api"}`, false)},
	})
	require.NoError(t, err)
	all := firingAlerts(t, map[string][]string{
		"runtime:api":        {"10.0.0.1:8080"},
		"database:orders-db": {"db-1:9187"},
		"database:users-db":  {"db-9:9187"},
		"cache:sessions":     {"redis-1:9121"},
		"host:nodes":         {"host-1:9100", "host-2:9100"},
		"tls:api":            {"https://api.example.com"},
		"tls:shop":           {"https://www.shop.example.com"},
	}, cat, sloRules)
	get := func(key string) model.LabelSet {
		ls, ok := all[key]
		require.True(t, ok, "no alert %s among %d", key, len(all))
		return ls
	}

	mutedPairs := 0
	mutesOf := map[string]func(model.LabelSet) bool{}
	for sk, source := range all {
		mutes := inhibitor(t, prodConfig(), source)
		mutesOf[sk] = mutes
		for tk, target := range all {
			if sk == tk {
				continue
			}
			want := shouldMute(source, target, "prod")
			if want {
				mutedPairs++
			}
			assert.Equal(t, want, mutes(target), "while %s fires, %s", sk, tk)
		}
	}
	t.Logf("%d alerts, %d muted pairs", len(all), mutedPairs)
	assert.Greater(t, mutedPairs, 20)

	cases := []struct {
		source, target string
		muted          bool
	}{
		{"host:nodes/HostOutOfMemory@host-1:9100", "tls:api/CertificateProbeFailing@https://api.example.com", false},
		{"host:nodes/HostOutOfMemory@host-1:9100", "tls:shop/CertificateExpiringSoon@https://www.shop.example.com", false},
		{"host:nodes/HostOutOfMemory@host-1:9100", "host:nodes/HighHostDiskUsage@host-1:9100", true},
		{"host:nodes/HostOutOfMemory@host-1:9100", "host:nodes/HighHostDiskUsage@host-2:9100", false},
		{"service:api/ServiceDown", "service:api/HighErrorRate", true},
		{"service:api/ServiceDown", "runtime:api/HighProcessMemory@10.0.0.1:8080", true},
		{"service:api/ServiceDown", "cache:sessions/CacheDown@redis-1:9121", true},
		{"service:api/ServiceDown", "service:billing/HighErrorRate", false},
		{"service:api/ServiceDown", "database:orders-db/DatabaseDown@db-1:9187", false},
		{"sloth-slo-alerts-api-availability/ErrorBudgetBurn/page-fast", "sloth-slo-alerts-api-availability/ErrorBudgetBurn/page-slow", true},
		{"sloth-slo-alerts-api-availability/ErrorBudgetBurn/page-fast", "sloth-slo-alerts-api-availability/ErrorBudgetBurn/ticket-slow", true},
		{"sloth-slo-alerts-api-availability/ErrorBudgetBurn/page-slow", "sloth-slo-alerts-api-availability/ErrorBudgetBurn/ticket-fast", true},
		{"sloth-slo-alerts-api-availability/ErrorBudgetBurn/page-fast", "sloth-slo-alerts-api-latency/ErrorBudgetBurn/ticket-fast", false},
		{"sloth-slo-alerts-api-availability/ErrorBudgetBurn/page-fast", "service:api/HighErrorRate", false},
		{"service:api/ServiceDown", "sloth-slo-alerts-api-latency/ErrorBudgetBurn/ticket-fast", true},
	}
	for _, c := range cases {
		get(c.source)
		assert.Equal(t, c.muted, mutesOf[c.source](get(c.target)), "while %s fires, %s", c.source, c.target)
	}

	var everything []model.LabelSet
	for _, ls := range all {
		everything = append(everything, ls)
	}
	assert.False(t, inhibitor(t, prodConfig(), everything...)(get("watchdog/Watchdog")), "the Watchdog is muted by nothing")
}
