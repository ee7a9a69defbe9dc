package catalog

import (
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vigilops/vigil/alerts/routing"
)

// identityOf is what the package doc promises for each group: the label that names
// the thing its alerts are about, and its value.
func identityOf(t *testing.T, c Catalog, group string) (label, value string) {
	t.Helper()
	kind, name, _ := strings.Cut(group, ":")
	switch kind {
	case "service", "runtime":
		return "service", name
	case "database", "cache", "queue":
		return kind, name
	case "host":
		return "host_group", name
	case "tls":
		for _, ce := range c.Certificates {
			if ce.Name == name {
				return "certificate", or(ce.Domain, ce.Name)
			}
		}
	case "watchdog":
		return WatchdogLabel, "true"
	}
	t.Fatalf("group %s has no identifying label in the package doc", group)
	return "", ""
}

func TestEveryAlertCarriesItsEnvironmentAndWhatItIsAbout(t *testing.T) {
	for name, c := range map[string]Catalog{"estate": estate(), "minimal": minimal(), "custom": custom()} {
		t.Run("Every alert of the "+name+" catalog carries the environment and its group's identifying label.", func(t *testing.T) {
			f, err := Build(c)
			require.NoError(t, err)
			env := c.Options.Labels[EnvironmentLabel]
			require.NotEmpty(t, env)
			kinds := map[string]bool{}
			for _, g := range f.Groups {
				label, value := identityOf(t, c, g.Name)
				kinds[strings.SplitN(g.Name, ":", 2)[0]] = true
				for _, r := range g.Rules {
					assert.Equal(t, env, r.Labels[EnvironmentLabel], "%s/%s carries the environment itself", g.Name, r.Alert)
					assert.Equal(t, value, r.Labels[label], "%s/%s label %s", g.Name, r.Alert, label)
					for k, v := range r.Labels {
						assert.NotEmpty(t, strings.TrimSpace(v), "%s/%s label %s is empty, which Prometheus drops", g.Name, r.Alert, k)
					}
				}
			}
			if name != "custom" {
				assert.Len(t, kinds, 8, "every kind of group is checked: %v", kinds)
			}
		})
	}
}

// The routing inhibits on the identifying labels the catalog gives its groups; a
// label the catalog uses and the routing does not know would make its alerts
// unmutable, and the reverse a rule that matches nothing.
func TestTheRoutingInhibitsOnTheCatalogsIdentifyingLabels(t *testing.T) {
	f, err := Build(estate())
	require.NoError(t, err)
	used := map[string]bool{"instance": true} // from the series of every per-instance alert
	for _, g := range f.Groups {
		label, _ := identityOf(t, estate(), g.Name)
		used[label] = true
	}
	for _, l := range routing.IdentityLabels() {
		assert.True(t, used[l], "the routing inhibits on %s, which no catalog group sets", l)
	}
	for l := range used {
		if l == labelHostGroup || l == WatchdogLabel {
			continue // many hosts, and the Watchdog, which nothing may mute
		}
		assert.True(t, slices.Contains(routing.IdentityLabels(), l), "the catalog identifies alerts by %s, on which the routing does not inhibit", l)
	}
}

func TestMinimumTrafficDefaultsKeepOneFailureFromFiring(t *testing.T) {
	tests := map[string]struct {
		percent   float64
		set, want int
	}{
		"At the default 5%, twenty requests: one failure is exactly 5%, not above.": {5, 0, 20},
		"At 10%, still twenty, the floor.":                                          {10, 0, 20},
		"At 1%, a hundred requests.":                                                {1, 0, 100},
		"At 1.5%, sixty-seven: sixty-six would let one failure be above 1.5%.":      {1.5, 0, 67},
		"At 0.01%, ten thousand.":                                                   {0.01, 0, 10000},
		"A value set by the team is kept, even 1, which switches the guard off.":    {5, 1, 1},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			s := Service{Name: "api", ErrorRatePercent: tc.percent, MinRequests: tc.set}.withDefaults()
			assert.Equal(t, tc.want, s.MinRequests)
			q := Queue{Name: "q", FailureRatePercent: tc.percent, MinProcessed: tc.set}.withDefaults()
			assert.Equal(t, tc.want, q.MinProcessed)
			if tc.set == 0 {
				assert.LessOrEqual(t, 100/float64(tc.want), tc.percent, "one failure out of the minimum is not above the threshold")
				if tc.want > 20 {
					assert.Greater(t, 100/float64(tc.want-1), tc.percent, "the minimum is the smallest such count")
				}
			}
		})
	}
}

func TestACertificatesProbesComeFromItsDomainOrItsProbeTargets(t *testing.T) {
	tests := map[string]struct {
		cert Certificate
		want string
	}{
		"Without a Domain, the Selector alone picks the probes.": {
			Certificate{Name: "x"}, `job="blackbox"`,
		},
		"A Domain picks the probes of https://<Domain>, any port and path.": {
			Certificate{Name: "x", Domain: "api.example.com"}, `job="blackbox",instance=~"https?://api\\.example\\.com(:[0-9]+)?(/.*)?"`,
		},
		"ProbeTargets pick exactly those probes, with the team's Selector.": {
			Certificate{Name: "x", Domain: "*.example.com", Selector: `job="tls"`, ProbeTargets: []string{"https://www.example.com", "mail.example.com:465"}},
			`job="tls",instance=~"https://www\\.example\\.com|mail\\.example\\.com:465"`,
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			assert.Equal(t, tc.want, strings.Join(tc.cert.withDefaults().probes(), ","))
		})
	}
}

func TestAWildcardCoversOneLabelOnly(t *testing.T) {
	tests := []struct {
		domain, host string
		covered      bool
	}{
		{"*.example.com", "www.example.com", true},
		{"*.example.com", "example.com", false},
		{"*.example.com", "a.b.example.com", false},
		{"*.example.com", "www.example.org", false},
		{"*.Example.com", "www.example.com", true},
		{"api.example.com", "api.example.com", true},
		{"api.example.com", "www.api.example.com", false},
	}
	for _, tc := range tests {
		assert.Equal(t, tc.covered, covers(tc.domain, tc.host), "%s covers %s", tc.domain, tc.host)
	}
}
