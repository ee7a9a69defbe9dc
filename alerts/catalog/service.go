package catalog

import (
	"fmt"
	"time"

	"github.com/prometheus/prometheus/model/labels"

	"github.com/vigilops/vigil/alerts"
	"github.com/vigilops/vigil/validate"
)

// Service is an HTTP service scraped by Prometheus. Its group, service:<Name>, has
// ServiceDown (critical), HighErrorRate and HighLatencyP99 (high) and HighLatencyP95
// (medium), all labelled service=<Name>; Runtime adds a runtime:<Name> group.
type Service struct {
	// Name is the service label of the service's alerts and names its groups: lower-case
	// letters, digits and hyphens. Required and unique.
	Name string
	// Selector picks the service's series out of every metric below: label matchers
	// without braces, such as job="api". Defaults to service="<Name>".
	Selector string
	// Metrics are the names of the service's metrics; each empty field takes its default.
	Metrics ServiceMetrics
	// DownFor is how long no target may answer before ServiceDown (critical) fires.
	// Between 1m and 1h; defaults to 5m (the main API of a team typically uses 2m).
	DownFor time.Duration
	// ErrorRatePercent is the share of requests failing (ErrorStatus) above which
	// HighErrorRate (high) fires after 3 minutes. Between 0.01 and 100; defaults to 5.
	ErrorRatePercent float64
	// MinRequests is the minimum-traffic guard of HighErrorRate: the fewest requests
	// over Options.RateWindow for it to fire, so that one failed request out of one (or
	// out of a handful) does not page. Between 1 and 1000000000; defaults to the
	// smallest count at which one failed request alone is not above ErrorRatePercent,
	// and at least 20 (20 at the default 5%, 100 at 1%). 1 switches the guard off.
	MinRequests int
	// LatencyP99 is the 99th percentile of response time above which HighLatencyP99
	// (high) fires after 5 minutes. Between 1ms and 10m; defaults to 2s.
	LatencyP99 time.Duration
	// LatencyP95 is the 95th percentile of response time above which HighLatencyP95
	// (medium) fires after 5 minutes. Between 1ms and 10m; defaults to 1s.
	LatencyP95 time.Duration
	// Runtime, when set, adds alerts on the process's memory and garbage collector or
	// event loop. No runtime group by default.
	Runtime *Runtime
}

// ServiceMetrics name a service's metrics. The defaults are those of the Prometheus
// client libraries' HTTP middleware.
type ServiceMetrics struct {
	// Up is the scrape health gauge, 1 when a target answered. Defaults to up.
	Up string
	// Requests counts handled requests, labelled with their status. Defaults to
	// http_requests_total.
	Requests string
	// StatusLabel is the label of Requests that holds the HTTP status. Defaults to code.
	StatusLabel string
	// ErrorStatus is the regular expression on StatusLabel that marks a failed
	// request. Defaults to 5.. (any 5xx).
	ErrorStatus string
	// DurationBucket is the bucket series of the request-duration histogram (with its
	// le label). Defaults to http_request_duration_seconds_bucket.
	DurationBucket string
	// DurationUnit is the unit of DurationBucket's le boundaries. Defaults to
	// time.Second, as Prometheus's naming conventions ask; use time.Millisecond for a
	// histogram in milliseconds.
	DurationUnit time.Duration
}

func (m ServiceMetrics) withDefaults() ServiceMetrics {
	m.Up = or(m.Up, "up")
	m.Requests = or(m.Requests, "http_requests_total")
	m.StatusLabel = or(m.StatusLabel, "code")
	m.ErrorStatus = or(m.ErrorStatus, "5..")
	m.DurationBucket = or(m.DurationBucket, "http_request_duration_seconds_bucket")
	m.DurationUnit = or(m.DurationUnit, time.Second)
	return m
}

func (s Service) withDefaults() Service {
	s.Selector = or(s.Selector, eq("service", s.Name))
	s.Metrics = s.Metrics.withDefaults()
	s.DownFor = or(s.DownFor, 5*time.Minute)
	s.ErrorRatePercent = or(s.ErrorRatePercent, 5)
	s.MinRequests = or(s.MinRequests, minimumTraffic(s.ErrorRatePercent))
	s.LatencyP99 = or(s.LatencyP99, 2*time.Second)
	s.LatencyP95 = or(s.LatencyP95, time.Second)
	if s.Runtime != nil {
		r := s.Runtime.withDefaults()
		s.Runtime = &r
	}
	return s
}

func (s Service) check(ps *validate.Problems, path string) {
	checkName(ps, path+".Name", s.Name)
	checkSelector(ps, path+".Selector", s.Selector)
	m := s.Metrics
	checkMetric(ps, path+".Metrics.Up", m.Up)
	checkMetric(ps, path+".Metrics.Requests", m.Requests)
	checkMetric(ps, path+".Metrics.DurationBucket", m.DurationBucket)
	if m.StatusLabel != "" && !isLabelName(m.StatusLabel) {
		ps.Addf(path+".Metrics.StatusLabel", "for example code or status", "is not a valid label name: %q", m.StatusLabel)
	}
	if m.ErrorStatus != "" {
		if _, err := labels.NewMatcher(labels.MatchRegexp, "code", m.ErrorStatus); err != nil {
			ps.Addf(path+".Metrics.ErrorStatus", "for example 5.. or 5..|429", "is not a regular expression: %v", err)
		}
	}
	checkUnit(ps, path+".Metrics.DurationUnit", m.DurationUnit)
	checkDuration(ps, path+".DownFor", s.DownFor, time.Minute, time.Hour, "how long the service may be down before someone is paged")
	checkPercent(ps, path+".ErrorRatePercent", s.ErrorRatePercent, 0.01, "a percentage of requests, such as 5")
	checkInt(ps, path+".MinRequests", s.MinRequests, 1, 1_000_000_000, "a number of requests over the rate window, such as 100")
	checkDuration(ps, path+".LatencyP99", s.LatencyP99, time.Millisecond, 10*time.Minute, "a response time such as 2s")
	checkDuration(ps, path+".LatencyP95", s.LatencyP95, time.Millisecond, 10*time.Minute, "a response time such as 1s")
	if s.Runtime != nil {
		s.Runtime.check(ps, path+".Runtime")
	}
}

func serviceGroup(o Options, s Service) alerts.Group {
	sel, m := mustSelector(s.Selector), s.Metrics
	errorShare := fmt.Sprintf("100 * sum(%s) / sum(%s)",
		o.rate(m.Requests, sel, re(m.StatusLabel, m.ErrorStatus)), o.rate(m.Requests, sel))
	quantile := func(q float64) string {
		return inSeconds(fmt.Sprintf("histogram_quantile(%s, sum by (le) (%s))", num(q), o.rate(m.DurationBucket, sel)), m.DurationUnit)
	}
	latency := func(name string, sev alerts.Severity, q float64, limit time.Duration) alert {
		pct := num(q * 100)
		return alert{
			name: name, severity: sev, forDuration: 5 * time.Minute,
			expr:    quantile(q) + " > " + seconds(limit),
			summary: fmt.Sprintf("%s answers slowly: p%s latency above %s", s.Name, pct, durText(limit)),
			description: fmt.Sprintf("The %sth percentile of %s's response time is {{ $value | humanizeDuration }}; "+
				"it has been above %s for 5m.", pct, s.Name, durText(limit)),
		}
	}
	return o.group("service:"+s.Name, []string{"service", s.Name},
		alert{
			name: "ServiceDown", severity: alerts.Critical, forDuration: s.DownFor,
			// "or vector(0)" makes a service that vanished from discovery count as
			// down: with no up series at all, a plain comparison would stay silent.
			expr:        fmt.Sprintf("(sum(%s) or vector(0)) == 0", sel.metric(m.Up)),
			summary:     s.Name + " is down",
			description: fmt.Sprintf("No target of %s has answered a scrape for %s, or none is being scraped.", s.Name, durText(s.DownFor)),
		},
		alert{
			name: "HighErrorRate", severity: alerts.High, forDuration: 3 * time.Minute,
			// The guard keeps a handful of requests, one of them failed, from paging.
			expr:    errorShare + " > " + num(s.ErrorRatePercent) + " and " + o.enoughTraffic(m.Requests, sel, s.MinRequests),
			summary: fmt.Sprintf("%s fails more than %s%% of its requests", s.Name, num(s.ErrorRatePercent)),
			description: fmt.Sprintf("{{ $value | humanize }}%% of the requests to %s failed over the last %s (at least %d requests); "+
				"the share has been above %s%% for 3m.", s.Name, dur(o.RateWindow), s.MinRequests, num(s.ErrorRatePercent)),
		},
		latency("HighLatencyP99", alerts.High, 0.99, s.LatencyP99),
		latency("HighLatencyP95", alerts.Medium, 0.95, s.LatencyP95),
	)
}
