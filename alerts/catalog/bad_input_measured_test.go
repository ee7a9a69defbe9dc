package catalog

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The problems of the fields that the "is it measured" alerts, the minimum-traffic
// guards and the certificates' probe targets added.
func TestBadMeasurementSettingsAreRefusedWithEveryProblemAtOnce(t *testing.T) {
	ok := Options{RunbookBaseURL: runbooks, Labels: map[string]string{"environment": "prod"}}
	tests := map[string]struct {
		catalog Catalog
		want    []string
	}{
		"A wildcard certificate without probe targets is refused: no probe target is named *.example.com.": {
			catalog: Catalog{Options: ok, Certificates: []Certificate{{Name: "wild", Domain: "*.example.com"}}},
			want: []string{
				`invalid alert catalog (1 problem):`,
				`  Certificates[0].ProbeTargets: is required for the wildcard certificate *.example.com: no probe target is named *.example.com, so its expiry alert could never fire`,
				`    hint: list the hosts the certificate serves as blackbox_exporter probes them, such as https://www.example.com`,
			},
		},
		"Probe targets the certificate does not cover, repeated, wildcards or without a host are refused, each by index.": {
			catalog: Catalog{Options: ok, Certificates: []Certificate{{Name: "wild", Domain: "*.example.com", ProbeTargets: []string{
				"https://www.example.com", "https://example.com", "https://a.b.example.com:8443/health", "https://www.example.com",
				"https://*.example.com", "https:///path", "", "mail.example.com:465", "shop.example.org",
			}}}},
			want: []string{
				`invalid alert catalog (7 problems):`,
				`  Certificates[0].ProbeTargets[1]: host example.com is not covered by the certificate *.example.com`,
				`    hint: probe a host the certificate is for, or correct Domain`,
				`  Certificates[0].ProbeTargets[2]: host a.b.example.com is not covered by the certificate *.example.com`,
				`    hint: probe a host the certificate is for, or correct Domain`,
				`  Certificates[0].ProbeTargets[3]: "https://www.example.com" is listed twice`,
				`    hint: list each target once`,
				`  Certificates[0].ProbeTargets[4]: must be a target as probed, without wildcards or spaces, got "https://*.example.com"`,
				`    hint: for example https://www.example.com, or www.example.com:443 for a TCP probe`,
				`  Certificates[0].ProbeTargets[5]: is not a URL with a host, got "https:///path"`,
				`    hint: for example https://www.example.com, or www.example.com:443 for a TCP probe`,
				`  Certificates[0].ProbeTargets[6]: is empty`,
				`    hint: for example https://www.example.com, or www.example.com:443 for a TCP probe`,
				`  Certificates[0].ProbeTargets[8]: host shop.example.org is not covered by the certificate *.example.com`,
				`    hint: probe a host the certificate is for, or correct Domain`,
			},
		},
		"A certificate's Domain must be a DNS name, and a plain one covers only itself.": {
			catalog: Catalog{Options: ok, Certificates: []Certificate{
				{Name: "a", Domain: "https://api.example.com"},
				{Name: "b", Domain: "api.example.com", ProbeTargets: []string{"https://api.example.com:8443", "https://www.api.example.com"}},
				{Name: "c", ProbeTargets: []string{"https://anything.example.net", "10.0.0.7:443"}},
			}},
			want: []string{
				`invalid alert catalog (2 problems):`,
				`  Certificates[0].Domain: must be a DNS name, got "https://api.example.com"`,
				`    hint: for example api.example.com`,
				`  Certificates[1].ProbeTargets[1]: host www.api.example.com is not covered by the certificate api.example.com`,
				`    hint: probe a host the certificate is for, or correct Domain`,
			},
		},
		"Minimum-traffic guards out of range and health metrics Prometheus cannot hold are all reported.": {
			catalog: Catalog{Options: ok,
				Services:     []Service{{Name: "api", MinRequests: -1}, {Name: "web", MinRequests: 1_000_000_001}},
				Databases:    []Database{{Name: "db", Metrics: DatabaseMetrics{Up: "pg-up"}}},
				Caches:       []Cache{{Name: "c", Metrics: CacheMetrics{Up: "redis up"}}},
				Queues:       []Queue{{Name: "q", MinProcessed: -20}},
				Hosts:        []HostGroup{{Name: "h", Metrics: HostMetrics{Up: "0up"}}},
				Certificates: []Certificate{{Name: "t", Metrics: CertificateMetrics{ProbeSuccess: "probe.success"}}},
			},
			want: []string{
				`invalid alert catalog (7 problems):`,
				`  Caches[0].Metrics.Up: is not a valid Prometheus metric name: "redis up"`,
				`    hint: metric names are letters, digits, underscores and colons, not starting with a digit, e.g. http_requests_total`,
				`  Certificates[0].Metrics.ProbeSuccess: is not a valid Prometheus metric name: "probe.success"`,
				`    hint: metric names are letters, digits, underscores and colons, not starting with a digit, e.g. http_requests_total`,
				`  Databases[0].Metrics.Up: is not a valid Prometheus metric name: "pg-up"`,
				`    hint: metric names are letters, digits, underscores and colons, not starting with a digit, e.g. http_requests_total`,
				`  Hosts[0].Metrics.Up: is not a valid Prometheus metric name: "0up"`,
				`    hint: metric names are letters, digits, underscores and colons, not starting with a digit, e.g. http_requests_total`,
				`  Queues[0].MinProcessed: must be between 1 and 1000000000, got -20`,
				`    hint: a number of messages over the rate window, such as 20`,
				`  Services[0].MinRequests: must be between 1 and 1000000000, got -1`,
				`    hint: a number of requests over the rate window, such as 100`,
				`  Services[1].MinRequests: must be between 1 and 1000000000, got 1000000001`,
				`    hint: a number of requests over the rate window, such as 100`,
			},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			f, err := Build(tc.catalog)
			require.Error(t, err)
			assert.Empty(t, f.Groups, "nothing is generated from a bad catalog")
			assert.Equal(t, strings.Join(tc.want, "\n"), err.Error())
		})
	}
}

// Both ends of each new range are accepted.
func TestTheEndsOfTheNewRangesAreAccepted(t *testing.T) {
	c := minimal()
	c.Services[0].MinRequests, c.Services[1].MinRequests = 1, 1_000_000_000
	c.Queues = []Queue{{Name: "a", MinProcessed: 1}, {Name: "b", MinProcessed: 1_000_000_000}}
	c.Certificates = []Certificate{
		{Name: "wild", Domain: "*.example.com", ProbeTargets: []string{"https://www.example.com:8443/health", "mail.example.com:465", "api.example.com"}},
		{Name: "plain", Domain: "example.com", ProbeTargets: []string{"https://EXAMPLE.com"}},
	}
	_, err := Build(c)
	require.NoError(t, err)
}
