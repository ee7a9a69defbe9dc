package catalog

import (
	"fmt"
	"time"

	"github.com/vigilops/vigil/alerts"
	"github.com/vigilops/vigil/validate"
)

// Certificate is a set of TLS endpoints probed by blackbox_exporter. Its group,
// tls:<Name>, has CertificateExpiringSoon (medium), per probed instance.
type Certificate struct {
	// Name names the group: lower-case letters, digits and hyphens. Required and unique.
	Name string
	// Service, when set, is the service label of the alerts, so that Alertmanager
	// groups them with the service behind the endpoints. No service label by default.
	Service string
	// Selector picks the probes' series: label matchers without braces. Defaults to
	// job="blackbox".
	Selector string
	// Metrics are the names of the probes' metrics; each empty field takes its default.
	Metrics CertificateMetrics
	// ExpiresWithin is how close to its expiry a certificate may get before
	// CertificateExpiringSoon fires after 10 minutes. Between 1d and 365d; defaults to
	// 30d, time enough for a manual renewal when automation has failed.
	ExpiresWithin time.Duration
}

// CertificateMetrics name the probes' metrics. The default is blackbox_exporter's.
type CertificateMetrics struct {
	// Expiry is the gauge of the Unix time at which the first certificate of the chain
	// expires. Defaults to probe_ssl_earliest_cert_expiry.
	Expiry string
}

func (m CertificateMetrics) withDefaults() CertificateMetrics {
	m.Expiry = or(m.Expiry, "probe_ssl_earliest_cert_expiry")
	return m
}

func (c Certificate) withDefaults() Certificate {
	c.Selector = or(c.Selector, eq("job", "blackbox"))
	c.Metrics = c.Metrics.withDefaults()
	c.ExpiresWithin = or(c.ExpiresWithin, 30*24*time.Hour)
	return c
}

func (c Certificate) check(ps *validate.Problems, path string) {
	checkName(ps, path+".Name", c.Name)
	checkOptionalName(ps, path+".Service", c.Service)
	checkSelector(ps, path+".Selector", c.Selector)
	checkMetric(ps, path+".Metrics.Expiry", c.Metrics.Expiry)
	checkDuration(ps, path+".ExpiresWithin", c.ExpiresWithin, 24*time.Hour, 365*24*time.Hour, "a duration such as 720h (30 days)")
}

func certificateGroup(o Options, c Certificate) alerts.Group {
	sel := mustSelector(c.Selector)
	var scope []string
	if c.Service != "" {
		scope = []string{"service", c.Service}
	}
	days := num(c.ExpiresWithin.Hours() / 24)
	return o.group("tls:"+c.Name, scope,
		alert{
			name: "CertificateExpiringSoon", severity: alerts.Medium, forDuration: 10 * time.Minute,
			expr:    fmt.Sprintf("(min by (instance) (%s) - time()) / 86400 < %s", sel.metric(c.Metrics.Expiry), days),
			summary: fmt.Sprintf("The TLS certificate of {{ $labels.instance }} expires in less than %s days", days),
			description: "The TLS certificate of {{ $labels.instance }} expires in {{ $value | humanize }} days. " +
				"Renew it, and find out why automatic renewal did not.",
		},
	)
}
