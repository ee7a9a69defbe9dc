package dashboards

import (
	"crypto/sha256"
	"encoding/hex"
	"net/url"
	"regexp"
	"strings"

	"github.com/vigilops/vigil/validate"
)

// Datasources are the UIDs of the Grafana data sources the dashboards query.
type Datasources struct {
	// Prometheus is the UID of the Prometheus (or Amazon Managed Prometheus) data
	// source. Defaults to "prometheus".
	Prometheus string
	// CloudWatch is the UID of the CloudWatch data source. Defaults to "cloudwatch".
	CloudWatch string
}

func (d Datasources) withDefaults() Datasources {
	if d.Prometheus == "" {
		d.Prometheus = "prometheus"
	}
	if d.CloudWatch == "" {
		d.CloudWatch = "cloudwatch"
	}
	return d
}

// The Grafana plugin types of the data sources.
const (
	PrometheusType = "prometheus"
	CloudWatchType = "cloudwatch"
)

var uidUnsafe = regexp.MustCompile(`[^a-z0-9-]+`)

// UID is the stable Grafana UID of a dashboard named by parts: the lower-cased parts
// joined by hyphens, with anything but letters, digits and hyphens replaced. Grafana
// takes at most 40 characters, so a longer UID keeps its first 31 characters and adds
// a hyphen and 8 hex digits of the SHA-256 of the whole, which keeps it unique and
// the same from one run to the next.
func UID(parts ...string) string {
	s := uidUnsafe.ReplaceAllString(strings.ToLower(strings.Join(parts, "-")), "-")
	s = strings.Trim(s, "-")
	if len(s) <= MaxUIDLength {
		return s
	}
	sum := sha256.Sum256([]byte(s))
	return strings.TrimRight(s[:MaxUIDLength-9], "-") + "-" + hex.EncodeToString(sum[:4])
}

// MaxUIDLength is the longest dashboard UID Grafana accepts.
const MaxUIDLength = 40

var labelName = regexp.MustCompile(`^[a-zA-Z_][a-zA-Z0-9_]*$`)

func checkRunbookBase(ps *validate.Problems, path, v string) {
	const example = "for example https://github.com/vigilops/vigil/blob/main/docs/runbooks.md"
	if !validate.Required(ps, path, v, example) {
		return
	}
	u, err := url.Parse(v)
	switch {
	case err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "":
		ps.Addf(path, example, "must be an absolute http:// or https:// URL, got %q", v)
	case strings.Contains(v, "#"):
		ps.Addf(path, "each panel appends #<slug>", "must not contain a fragment, got %q", v)
	}
}
