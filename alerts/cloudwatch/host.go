package cloudwatch

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"

	"github.com/vigilops/vigil/alerts"
	"github.com/vigilops/vigil/validate"
)

// HostGroup is a group of EC2 instances running the CloudWatch agent. vigil writes
// the agent's configuration (AgentConfig) so that the metrics the alarms watch exist:
// mem_used_percent by InstanceId and disk_used_percent by InstanceId and path, in the
// CWAgent namespace.
type HostGroup struct {
	// Name is the group's vigil name. Required.
	Name string
	Path string
	// InstanceIDs are the instances watched, i-0123456789abcdef0. At least one.
	InstanceIDs []string
	// MountPaths are the file systems watched. Defaults to ["/"].
	MountPaths []string
	Thresholds HostThresholds
	Overrides  Overrides
}

// HostThresholds are a host's thresholds (REQUIREMENTS.md).
type HostThresholds struct {
	// DiskUsedPercent: disk_used_percent for 5 minutes (host-disk-used, high).
	// Defaults to 90.
	DiskUsedPercent float64
	// MemoryUsedPercent: mem_used_percent for 5 minutes (host-memory-used, medium).
	// Defaults to 85.
	MemoryUsedPercent float64
}

var instanceIDRe = regexp.MustCompile(`^i-[0-9a-f]{8}([0-9a-f]{9})?$`)

func buildHostGroup(ps *validate.Problems, o Options, h HostGroup) ([]Alarm, AgentConfig) {
	validate.Name(ps, h.Path+".Name", h.Name, 63)
	if len(h.InstanceIDs) == 0 {
		ps.Add(h.Path+".InstanceIDs", "must list at least one instance", "for example i-0123456789abcdef0")
	}
	paths := h.MountPaths
	if len(paths) == 0 {
		paths = []string{"/"}
	}
	for k, p := range paths {
		if !strings.HasPrefix(p, "/") {
			ps.Addf(fmt.Sprintf("%s.MountPaths[%d]", h.Path, k), "for example / or /data", "must be an absolute mount point, got %q", p)
		}
	}
	t := h.Thresholds
	orDefault(&t.DiskUsedPercent, 90)
	orDefault(&t.MemoryUsedPercent, 85)
	validate.FloatRange(ps, h.Path+".Thresholds.DiskUsedPercent", t.DiskUsedPercent, 1, 100, "")
	validate.FloatRange(ps, h.Path+".Thresholds.MemoryUsedPercent", t.MemoryUsedPercent, 1, 100, "")

	var out []Alarm
	for k, id := range h.InstanceIDs {
		if !instanceIDRe.MatchString(id) {
			ps.Addf(fmt.Sprintf("%s.InstanceIDs[%d]", h.Path, k), "for example i-0123456789abcdef0", "must be an EC2 instance ID, got %q", id)
		}
		var alarms []Alarm
		for _, p := range paths {
			slug := "host-disk-used"
			a := Alarm{
				Slug: slug, Severity: alerts.High, Summary: fmt.Sprintf("Disk %s of %s (%s) is nearly full.", p, id, h.Name),
				Namespace: "CWAgent", MetricName: "disk_used_percent", Dimensions: map[string]string{"InstanceId": id, "path": p}, Statistic: "Maximum",
				Period: 60, EvaluationPeriods: 5, DatapointsToAlarm: 5, Threshold: t.DiskUsedPercent, Comparison: GreaterThan,
				ThresholdUnit: "%", TreatMissingData: Missing,
			}
			alarms = append(alarms, a)
		}
		alarms = append(alarms, Alarm{
			Slug: "host-memory-used", Severity: alerts.Medium, Summary: fmt.Sprintf("Instance %s (%s) uses most of its memory.", id, h.Name),
			Namespace: "CWAgent", MetricName: "mem_used_percent", Dimensions: map[string]string{"InstanceId": id}, Statistic: "Average",
			Period: 60, EvaluationPeriods: 5, DatapointsToAlarm: 5, Threshold: t.MemoryUsedPercent, Comparison: GreaterThan,
			ThresholdUnit: "%", TreatMissingData: Missing,
		})
		if k == 0 {
			var slugs []string
			for _, a := range alarms {
				slugs = append(slugs, a.Slug)
			}
			checkOverrides(ps, h.Path, h.Overrides, slugs) // once for the group
		}
		done := apply(o, h.Path, h.Name+"-"+id, "", h.Overrides, alarms)
		// One disk alarm a mount point: the name tells them apart.
		for j := range done {
			if p := done[j].Dimensions["path"]; done[j].Slug == "host-disk-used" && len(paths) > 1 {
				done[j].Name += "-" + mountSlug(p)
				done[j].Resource += "-" + mountSlug(p)
			}
		}
		out = append(out, done...)
	}
	return out, AgentConfig{Resource: h.Name, Parameter: "AmazonCloudWatch-" + o.NamePrefix + "-" + h.Name, JSON: agentJSON(paths)}
}

// mountSlug turns a mount point into a name part: / is root, /var/lib is var-lib.
func mountSlug(p string) string {
	s := strings.Trim(strings.ReplaceAll(p, "/", "-"), "-")
	if s == "" {
		return "root"
	}
	return s
}

// agentJSON is the CloudWatch agent configuration: memory and the mount points' disk
// usage every minute, with InstanceId appended, the host name and device left out
// (Nitro renames devices at reboot), and rolled up to exactly the dimensions the
// alarms use.
func agentJSON(paths []string) string {
	cfg := map[string]any{
		"agent": map[string]any{"metrics_collection_interval": 60, "omit_hostname": true},
		"metrics": map[string]any{
			"namespace":              "CWAgent",
			"append_dimensions":      map[string]string{"InstanceId": "${aws:InstanceId}"},
			"aggregation_dimensions": [][]string{{"InstanceId"}, {"InstanceId", "path"}},
			"metrics_collected": map[string]any{
				"mem":  map[string]any{"measurement": []string{"mem_used_percent"}},
				"disk": map[string]any{"measurement": []string{"used_percent"}, "resources": paths, "drop_device": true},
			},
		},
	}
	b, _ := json.Marshal(cfg) // maps of strings and numbers always marshal
	return string(b)
}

// Certificate is an ACM certificate (AWS/CertificateManager DaysToExpiry, published
// once a day by ACM for certificates in the account).
type Certificate struct {
	// Name is the certificate's vigil name, such as its domain with dots as hyphens.
	// Required.
	Name string
	Path string
	// ARN of the certificate. Required.
	ARN string
	// Region is "us-east-1" for a CloudFront certificate in a stack of another region;
	// "" for the stack's region.
	Region string
	// DaysToExpiry fires acm-expiry-high (high) below it. Defaults to 30.
	DaysToExpiry float64
	// CriticalDaysToExpiry fires acm-expiry-critical (critical) below it. Defaults to 7.
	CriticalDaysToExpiry float64
	Overrides            Overrides
}

func buildCertificate(ps *validate.Problems, o Options, c Certificate) []Alarm {
	validate.Name(ps, c.Path+".Name", c.Name, 63)
	validate.ACMCertificateARN(ps, c.Path+".ARN", c.ARN)
	orDefault(&c.DaysToExpiry, 30)
	orDefault(&c.CriticalDaysToExpiry, 7)
	validate.FloatRange(ps, c.Path+".DaysToExpiry", c.DaysToExpiry, 1, 365, "ACM renews 60 days before expiry")
	validate.FloatRange(ps, c.Path+".CriticalDaysToExpiry", c.CriticalDaysToExpiry, 1, 365, "")
	if c.CriticalDaysToExpiry > c.DaysToExpiry {
		ps.Addf(c.Path+".CriticalDaysToExpiry", "the critical warning comes later, closer to expiry", "must not be above DaysToExpiry (%g), got %g", c.DaysToExpiry, c.CriticalDaysToExpiry)
	}
	expiry := func(slug string, days float64, sev alerts.Severity, summary string) Alarm {
		return Alarm{
			Slug: slug, Severity: sev, Summary: fmt.Sprintf(summary, c.Name),
			Namespace: "AWS/CertificateManager", MetricName: "DaysToExpiry", Dimensions: map[string]string{"CertificateArn": c.ARN}, Statistic: "Minimum",
			Period: 86400, EvaluationPeriods: 1, DatapointsToAlarm: 1, Threshold: days, Comparison: LessThan,
			ThresholdUnit: "days", TreatMissingData: Missing, Region: c.Region,
		}
	}
	out := []Alarm{
		expiry("acm-expiry-high", c.DaysToExpiry, alerts.High, "Certificate %s expires soon and has not been renewed."),
		expiry("acm-expiry-critical", c.CriticalDaysToExpiry, alerts.Critical, "Certificate %s expires within days."),
	}
	return finish(ps, o, c.Path, c.Name, "", c.Overrides, out)
}
