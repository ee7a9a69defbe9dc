package catalog

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/vigilops/vigil/internal/promtest"
)

// The series of the estate's exporters and probes, healthy.
const (
	pgUp          = `pg_up{database="orders-db",instance="db-1:9187"}`
	redisUp       = `redis_up{cache="sessions",instance="redis-1:9121"}`
	nodeUp        = `up{instance="host-1:9100",job="node"}`
	queueWaiting  = `queue_messages_waiting{instance="worker-1:9000",queue="emails"}`
	apiProbe      = `probe_success{instance="https://api.example.com",job="blackbox"}`
	shopWWWProbe  = `probe_success{instance="https://www.shop.example.com",job="blackbox"}`
	shopEUProbe   = `probe_success{instance="https://eu.shop.example.com",job="blackbox"}`
	apiExpiry     = `probe_ssl_earliest_cert_expiry{instance="https://api.example.com",job="blackbox"}`
	shopWWWExpiry = `probe_ssl_earliest_cert_expiry{instance="https://www.shop.example.com",job="blackbox"}`
)

// vanishing is a series that reports value for 5 minutes, goes stale at minute 5 (its
// exporter died: Prometheus writes a staleness marker at the first failed scrape), is
// missing until minute back, then reports value again until minute 40.
func vanishing(value float64, back int) string {
	return gauge(step{5, value}) + " stale " + strings.Repeat("_ ", back-6) + gauge(step{41 - back, value})
}

// healthy is a series that reports value for 41 minutes.
func healthy(value float64) string { return gauge(step{41, value}) }

// measuredCases are the lives of the alerts that say a group is not measured: each
// fires when its health gauge is 0, or when no series of it exists at all, and clears
// when the gauge is back.
func measuredCases() map[string]fireCase {
	// Down from minute 5 to minute 14, so firing at 10 after 5m, and clear at 15.
	downFrom5To15 := gauge(step{5, 1}, step{10, 0}, step{26, 1})
	otherProbes := func(except string) []promtest.Series {
		var out []promtest.Series
		for _, p := range []string{apiProbe, shopWWWProbe, shopEUProbe} {
			if p != except {
				out = append(out, series(p, healthy(1)))
			}
		}
		return out
	}
	return map[string]fireCase{
		"DatabaseDown fires when postgres_exporter cannot reach the server for 5m, and clears when it can.": {
			alert: "DatabaseDown", input: []promtest.Series{series(pgUp, downFrom5To15)},
			pendingAt: minutes(9), firingAt: minutes(10), resolvedAt: minutes(16),
			want: firing("DatabaseDown", "The exporter of orders-db cannot reach db-1:9187",
				"postgres_exporter at db-1:9187 has not reached orders-db for 5m: the server is down, refuses the exporter's connection, or the exporter's credentials are wrong.",
				"instance", "db-1:9187", "database", "orders-db", "service", "orders", "severity", "high"),
		},
		"DatabaseDown fires when postgres_exporter dies and its series vanish for 5m, and clears when it is back.": {
			alert: "DatabaseDown", input: []promtest.Series{series(pgUp, vanishing(1, 15))},
			pendingAt: minutes(9), firingAt: minutes(10), resolvedAt: minutes(16),
			want: firing("DatabaseDown", "orders-db is not measured: no pg_up series",
				"No series of pg_up matches the selector of orders-db for 5m: postgres_exporter is down or no longer scraped, and the other alerts of orders-db cannot fire.",
				"database", "orders-db", "service", "orders", "severity", "high"),
		},
		"CacheDown fires when redis_exporter cannot reach the node for 5m, and clears when it can.": {
			alert: "CacheDown", input: []promtest.Series{series(redisUp, downFrom5To15)},
			pendingAt: minutes(9), firingAt: minutes(10), resolvedAt: minutes(16),
			want: firing("CacheDown", "The exporter of sessions cannot reach redis-1:9121",
				"redis_exporter at redis-1:9121 has not reached sessions for 5m: the node is down, refuses the exporter (AUTH, TLS), or is out of reach.",
				"instance", "redis-1:9121", "cache", "sessions", "service", "api", "severity", "high"),
		},
		"CacheDown fires when redis_exporter dies and its series vanish for 5m, and clears when it is back.": {
			alert: "CacheDown", input: []promtest.Series{series(redisUp, vanishing(1, 15))},
			pendingAt: minutes(9), firingAt: minutes(10), resolvedAt: minutes(16),
			want: firing("CacheDown", "sessions is not measured: no redis_up series",
				"No series of redis_up matches the selector of sessions for 5m: redis_exporter is down or no longer scraped, and the other alerts of sessions cannot fire.",
				"cache", "sessions", "service", "api", "severity", "high"),
		},
		"QueueMetricsAbsent fires when the backlog gauge of a queue vanishes for 10m, and clears when it is back.": {
			alert: "QueueMetricsAbsent", input: []promtest.Series{series(queueWaiting, vanishing(10, 20))},
			pendingAt: minutes(14), firingAt: minutes(15), resolvedAt: minutes(21),
			want: firing("QueueMetricsAbsent", "emails is not measured: no queue_messages_waiting series",
				"No series of queue_messages_waiting matches the selector of emails: its exporter or workers are down, or the metric was renamed. HighQueueBacklog cannot fire while it lasts.",
				"queue", "emails", "service", "emails", "severity", "medium"),
		},
		"HostDown fires when a host's node_exporter fails its scrapes for 5m, and clears when it answers.": {
			alert: "HostDown", input: []promtest.Series{series(nodeUp, downFrom5To15), series(`up{instance="host-2:9100",job="node"}`, healthy(1))},
			pendingAt: minutes(9), firingAt: minutes(10), resolvedAt: minutes(16),
			want: firing("HostDown", "host-1:9100 does not answer its scrape",
				"node_exporter on host-1:9100 (nodes) has not answered Prometheus for 5m: the host is down or unreachable, or node_exporter stopped; its other alerts cannot fire.",
				"instance", "host-1:9100", "host_group", "nodes", "severity", "high"),
		},
		"HostDown fires when no host of the group is scraped at all for 5m, and clears when they are back.": {
			alert: "HostDown", input: []promtest.Series{series(nodeUp, vanishing(1, 15))},
			pendingAt: minutes(9), firingAt: minutes(10), resolvedAt: minutes(16),
			want: firing("HostDown", "The hosts of nodes are not measured: no up series",
				"No series of up matches the selector of nodes for 5m: Prometheus no longer discovers or scrapes these hosts, and none of their alerts can fire.",
				"host_group", "nodes", "severity", "high"),
		},
		"CertificateProbeFailing fires when an expired certificate fails its probe and its expiry series vanishes, and clears once renewed.": {
			alert: "CertificateProbeFailing",
			input: append(otherProbes(apiProbe),
				series(apiProbe, downFrom5To15),
				// The certificate expires at minute 5; blackbox reports no expiry while the handshake fails.
				series(apiExpiry, gauge(step{5, 300})+" stale "+strings.Repeat("_ ", 9)+healthy(90*86400))),
			pendingAt: minutes(9), firingAt: minutes(10), resolvedAt: minutes(16),
			want: firing("CertificateProbeFailing", "The TLS probe of https://api.example.com fails",
				"The probe of https://api.example.com has failed or been missing for 5m. An expired or invalid certificate fails the probe, and then no expiry is reported at all: check the certificate first, then the endpoint.",
				"instance", "https://api.example.com", "certificate", "api.example.com", "severity", "high"),
			quiet: []string{"CertificateExpiringSoon"},
		},
		"CertificateProbeFailing fires when no probe of a certificate runs at all for 5m, and clears when it is back.": {
			alert: "CertificateProbeFailing", input: append(otherProbes(apiProbe), series(apiProbe, vanishing(1, 15))),
			pendingAt: minutes(9), firingAt: minutes(10), resolvedAt: minutes(16),
			want: firing("CertificateProbeFailing", "The certificate api.example.com is not probed: no probe_success series",
				"No series of probe_success matches the probes of api.example.com for 5m: blackbox_exporter is down or the probe is no longer configured, and CertificateExpiringSoon cannot fire.",
				"certificate", "api.example.com", "severity", "high"),
		},
		"CertificateProbeFailing fires for the one probe target of a wildcard certificate whose probe is missing, while the other is probed.": {
			alert: "CertificateProbeFailing", input: append(otherProbes(shopEUProbe), series(shopEUProbe, vanishing(1, 15))),
			pendingAt: minutes(9), firingAt: minutes(10), resolvedAt: minutes(16),
			want: firing("CertificateProbeFailing", "The TLS probe of https://eu.shop.example.com fails",
				"The probe of https://eu.shop.example.com has failed or been missing for 5m. An expired or invalid certificate fails the probe, and then no expiry is reported at all: check the certificate first, then the endpoint.",
				"instance", "https://eu.shop.example.com", "certificate", "*.shop.example.com", "severity", "high"),
		},
	}
}

// With every exporter and probe healthy, no "is it measured" alert fires, at any time.
func TestTheNotMeasuredAlertsStayQuietWhileEverythingIsMeasured(t *testing.T) {
	rules := buildEstate(t).YAML()
	input := []promtest.Series{
		series(pgUp, healthy(1)), series(redisUp, healthy(1)), series(nodeUp, healthy(1)), series(queueWaiting, healthy(0)),
		series(apiProbe, healthy(1)), series(shopWWWProbe, healthy(1)), series(shopEUProbe, healthy(1)),
		// A probe of another domain fails: it belongs to no certificate of the catalog.
		series(`probe_success{instance="https://other.example.org",job="blackbox"}`, healthy(0)),
	}
	var checks []promtest.AlertTest
	for _, at := range []int{0, 5, 10, 20, 40} {
		for _, a := range []string{"DatabaseDown", "CacheDown", "QueueMetricsAbsent", "HostDown", "CertificateProbeFailing"} {
			checks = append(checks, promtest.AlertTest{EvalTime: promtest.D(minutes(at)), AlertName: a})
		}
	}
	out, err := promtest.Run(t, rules, promtest.File{Tests: []promtest.Test{{
		Name: "Healthy exporters and probes raise no alert.", Interval: promtest.D(time.Minute), InputSeries: input, AlertTests: checks,
	}}})
	require.NoError(t, err, "promtool test rules:\n%s", out)
}

// The expiry alert of a wildcard certificate matches the probes of the targets the
// catalog names, and only them.
func TestTheExpiryOfAWildcardCertificateIsWatchedAtItsProbeTargets(t *testing.T) {
	rules := buildEstate(t).YAML()
	expiresIn30d10m := healthy(30*86400 + 600)
	want := firing("CertificateExpiringSoon", "The TLS certificate of https://www.shop.example.com expires in less than 30 days",
		"The TLS certificate of https://www.shop.example.com expires in 29.99 days. Renew it, and find out why automatic renewal did not.",
		"instance", "https://www.shop.example.com", "certificate", "*.shop.example.com", "severity", "medium")
	out, err := promtest.Run(t, rules, promtest.File{Tests: []promtest.Test{{
		Name:     "A wildcard certificate's expiry fires at its probe target.",
		Interval: promtest.D(time.Minute),
		InputSeries: []promtest.Series{
			series(shopWWWExpiry, expiresIn30d10m),
			// Neither the certificate's own name nor a host outside it is a target.
			series(`probe_ssl_earliest_cert_expiry{instance="https://*.shop.example.com",job="blackbox"}`, expiresIn30d10m),
			series(`probe_ssl_earliest_cert_expiry{instance="https://www.other.example.org",job="blackbox"}`, expiresIn30d10m),
		},
		AlertTests: []promtest.AlertTest{
			{EvalTime: promtest.D(minutes(20)), AlertName: "CertificateExpiringSoon"},
			{EvalTime: promtest.D(minutes(21)), AlertName: "CertificateExpiringSoon", Expected: []promtest.ExpectedAlert{want}},
		},
	}}})
	require.NoError(t, err, "promtool test rules:\n%s", out)
}
