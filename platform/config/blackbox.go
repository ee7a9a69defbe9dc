package config

import (
	"time"

	"github.com/vigilops/vigil/validate"
)

// The blackbox exporter's modules that prometheus.yml's probes name.
const (
	// ModuleHTTP2xx gets a health URL: 200 only, IPv4 first, no redirects followed,
	// certificates verified.
	ModuleHTTP2xx = "http_2xx"
	// ModuleTLSConnect opens a TLS connection to host:port and verifies the
	// certificate, so probe_ssl_earliest_cert_expiry has a value.
	ModuleTLSConnect = "tls_connect"
)

// BlackboxYAML returns blackbox.yml with the modules ModuleHTTP2xx and
// ModuleTLSConnect, each probe giving up after timeout: whole seconds between 1s and 1m, and best
// below Prometheus's scrape timeout, which cancels the probe's scrape; 0 means 5s.
func BlackboxYAML(timeout time.Duration) ([]byte, error) {
	if timeout == 0 {
		timeout = 5 * time.Second
	}
	var ps validate.Problems
	checkSeconds(&ps, "Timeout", timeout, time.Second, time.Minute, "5s suits most probes; keep it below the scrape timeout")
	if err := ps.Err("platform/config.BlackboxYAML"); err != nil {
		return nil, err
	}
	t := dur(timeout)
	return []byte(`# Written by vigil: the blackbox exporter's modules.
modules:
  ` + ModuleHTTP2xx + `:
    prober: http
    timeout: ` + t + `
    http:
      valid_status_codes: [200]
      method: GET
      preferred_ip_protocol: ip4
      ip_protocol_fallback: true
      follow_redirects: false
      fail_if_not_ssl: false
      tls_config:
        insecure_skip_verify: false
  ` + ModuleTLSConnect + `:
    prober: tcp
    timeout: ` + t + `
    tcp:
      preferred_ip_protocol: ip4
      ip_protocol_fallback: true
      tls: true
      tls_config:
        insecure_skip_verify: false
`), nil
}
