package catalog

import (
	"fmt"
	"net"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/vigilops/vigil/alerts"
	"github.com/vigilops/vigil/validate"
)

// Certificate is a set of TLS endpoints probed by blackbox_exporter. Its group,
// tls:<Name>, has CertificateProbeFailing (high) and CertificateExpiringSoon (medium),
// per probed target (instance), labelled certificate=<Domain> (or <Name> without a
// Domain).
type Certificate struct {
	// Name names the group: lower-case letters, digits and hyphens. Required and unique.
	Name string
	// Domain is the certificate's domain name, such as api.example.com, or a wildcard
	// such as *.example.com. It is the certificate label of the alerts (Name when
	// empty), and when ProbeTargets is empty the probes of https://<Domain> (any port
	// and path) are the certificate's. A wildcard names no host that can be probed, so
	// it needs ProbeTargets. Defaults to none: the alerts are labelled
	// certificate=<Name> and Selector alone picks the probes.
	Domain string
	// ProbeTargets are the targets blackbox_exporter probes for this certificate, as
	// they appear in the probes' instance label: https://www.example.com, or
	// host:port for a TCP probe. Each must be a host the certificate covers. When set,
	// exactly these probes are the certificate's, and a target whose probe is missing
	// fires CertificateProbeFailing on its own. Defaults to none.
	ProbeTargets []string
	// Service, when set, is the service label of the alerts, so that Alertmanager
	// groups them with the service behind the endpoints. No service label by default.
	Service string
	// Selector picks the probes' series: label matchers without braces. Defaults to
	// job="blackbox". Domain or ProbeTargets add their instance matcher to it.
	Selector string
	// Metrics are the names of the probes' metrics; each empty field takes its default.
	Metrics CertificateMetrics
	// ExpiresWithin is how close to its expiry a certificate may get before
	// CertificateExpiringSoon fires after 10 minutes. Between 1d and 365d; defaults to
	// 30d, time enough for a manual renewal when automation has failed.
	ExpiresWithin time.Duration
}

// CertificateMetrics name the probes' metrics. The defaults are blackbox_exporter's.
type CertificateMetrics struct {
	// Expiry is the gauge of the Unix time at which the first certificate of the chain
	// expires. Defaults to probe_ssl_earliest_cert_expiry.
	Expiry string
	// ProbeSuccess is the gauge of a probe's result, 1 when it succeeded. A probe that
	// meets an expired or invalid certificate fails and reports no Expiry at all, so
	// CertificateProbeFailing watches this one. Defaults to probe_success.
	ProbeSuccess string
}

func (m CertificateMetrics) withDefaults() CertificateMetrics {
	m.Expiry = or(m.Expiry, "probe_ssl_earliest_cert_expiry")
	m.ProbeSuccess = or(m.ProbeSuccess, "probe_success")
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
	checkMetric(ps, path+".Metrics.ProbeSuccess", c.Metrics.ProbeSuccess)
	checkDuration(ps, path+".ExpiresWithin", c.ExpiresWithin, 24*time.Hour, 365*24*time.Hour, "a duration such as 720h (30 days)")
	if c.Domain != "" {
		validate.Hostname(ps, path+".Domain", c.Domain)
	}
	if isWildcard(c.Domain) && len(c.ProbeTargets) == 0 {
		ps.Addf(path+".ProbeTargets", "list the hosts the certificate serves as blackbox_exporter probes them, such as https://www."+strings.TrimPrefix(c.Domain, "*."),
			"is required for the wildcard certificate %s: no probe target is named %s, so its expiry alert could never fire", c.Domain, c.Domain)
	}
	seen := map[string]bool{}
	for i, target := range c.ProbeTargets {
		p := fmt.Sprintf("%s.ProbeTargets[%d]", path, i)
		host, err := probeHost(target)
		switch {
		case err != nil:
			ps.Addf(p, "for example https://www.example.com, or www.example.com:443 for a TCP probe", "%v", err)
		case seen[target]:
			ps.Addf(p, "list each target once", "%q is listed twice", target)
		case c.Domain != "" && !covers(c.Domain, host):
			ps.Addf(p, "probe a host the certificate is for, or correct Domain", "host %s is not covered by the certificate %s", host, c.Domain)
		}
		seen[target] = true
	}
}

func isWildcard(domain string) bool { return strings.HasPrefix(domain, "*.") }

// probeHost returns the host of a probe target: a URL with a scheme, or host[:port].
func probeHost(target string) (string, error) {
	switch {
	case strings.TrimSpace(target) == "":
		return "", fmt.Errorf("is empty")
	case strings.ContainsAny(target, "* \t\n"):
		return "", fmt.Errorf("must be a target as probed, without wildcards or spaces, got %q", target)
	}
	host := target
	if strings.Contains(target, "://") {
		u, err := url.Parse(target)
		if err != nil || u.Hostname() == "" {
			return "", fmt.Errorf("is not a URL with a host, got %q", target)
		}
		host = u.Hostname()
	} else if h, _, err := net.SplitHostPort(target); err == nil {
		host = h
	}
	var ps validate.Problems
	if validate.Hostname(&ps, "", host); ps.Len() > 0 && net.ParseIP(host) == nil {
		return "", fmt.Errorf("has no DNS name or IP address as its host, got %q", target)
	}
	return strings.ToLower(host), nil
}

// covers reports whether a certificate for domain is valid for host: the same name,
// or, for a wildcard, one more label in front of its parent (RFC 6125: *.example.com
// covers www.example.com, not example.com nor a.b.example.com).
func covers(domain, host string) bool {
	domain = strings.ToLower(domain)
	if !isWildcard(domain) {
		return host == domain
	}
	first, parent, ok := strings.Cut(host, ".")
	return ok && first != "" && parent == strings.TrimPrefix(domain, "*.")
}

// probes returns the selector of the certificate's probes: Selector, and the instance
// matcher of ProbeTargets (exactly them) or of a Domain (https://<Domain> with any port
// and path).
func (c Certificate) probes() selector {
	sel := mustSelector(c.Selector)
	switch {
	case len(c.ProbeTargets) > 0:
		quoted := make([]string, len(c.ProbeTargets))
		for i, t := range c.ProbeTargets {
			quoted[i] = regexp.QuoteMeta(t)
		}
		return append(sel, re("instance", strings.Join(quoted, "|")))
	case c.Domain != "":
		return append(sel, re("instance", `https?://`+regexp.QuoteMeta(c.Domain)+`(:[0-9]+)?(/.*)?`))
	}
	return sel
}

func certificateGroup(o Options, c Certificate) alerts.Group {
	sel, m := c.probes(), c.Metrics
	scope := []string{labelCertificate, or(c.Domain, c.Name)}
	if c.Service != "" {
		scope = append(scope, "service", c.Service)
	}
	failing := downOrAbsent(sel.metric(m.ProbeSuccess))
	if len(c.ProbeTargets) > 0 {
		// Each target must have its own probe: one missing probe is as blind as all.
		failing = fmt.Sprintf("min by (instance) (%s) == 0", sel.metric(m.ProbeSuccess))
		for _, t := range c.ProbeTargets {
			failing += fmt.Sprintf(" or max by (instance) (absent(%s))", mustSelector(c.Selector).metric(m.ProbeSuccess, eq("instance", t)))
		}
	}
	days := num(c.ExpiresWithin.Hours() / 24)
	return o.group("tls:"+c.Name, scope,
		alert{
			name: "CertificateProbeFailing", severity: alerts.High, forDuration: notMeasuredFor,
			expr: failing,
			summary: instanceOrAll("The TLS probe of {{ $labels.instance }} fails",
				fmt.Sprintf("The certificate %s is not probed: no %s series", or(c.Domain, c.Name), m.ProbeSuccess)),
			description: instanceOrAll(
				"The probe of {{ $labels.instance }} has failed or been missing for 5m. An expired or invalid certificate fails "+
					"the probe, and then no expiry is reported at all: check the certificate first, then the endpoint.",
				fmt.Sprintf("No series of %s matches the probes of %s for 5m: blackbox_exporter is down or the probe is no "+
					"longer configured, and CertificateExpiringSoon cannot fire.", m.ProbeSuccess, or(c.Domain, c.Name))),
		},
		alert{
			name: "CertificateExpiringSoon", severity: alerts.Medium, forDuration: 10 * time.Minute,
			expr:    fmt.Sprintf("(min by (instance) (%s) - time()) / 86400 < %s", sel.metric(m.Expiry), days),
			summary: fmt.Sprintf("The TLS certificate of {{ $labels.instance }} expires in less than %s days", days),
			description: "The TLS certificate of {{ $labels.instance }} expires in {{ $value | humanize }} days. " +
				"Renew it, and find out why automatic renewal did not.",
		},
	)
}
