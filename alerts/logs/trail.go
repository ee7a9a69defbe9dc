package logs

import (
	"strings"

	"github.com/vigilops/vigil/alerts"
	"github.com/vigilops/vigil/validate"
)

// CloudTrail says where the CIS filters read CloudTrail's events: the stack config's
// `cloudTrail`. Exactly one of LogGroup and Create is set.
type CloudTrail struct {
	// LogGroup is the log group an existing trail of the account delivers to; vigil
	// adds the CIS filters to it and creates no trail.
	LogGroup string `json:"logGroup"`
	// Create makes vigil create the trail: multi-region, with log file validation,
	// into a new encrypted S3 bucket that blocks every public access, and a
	// KMS-encrypted log group (see Trail).
	Create bool `json:"create"`
	// RetentionDays keeps the created log group's events this long: one of the
	// periods CloudWatch Logs accepts. Defaults to 365. Used with Create only.
	RetentionDays int `json:"retentionDays"`
	// Severity of the CIS alarms: critical, high, medium or low, and a severity whose
	// topic has a subscription (the benchmark asks for a subscribed topic). Defaults
	// to high.
	Severity string `json:"severity"`
}

// DefaultTrailRetentionDays is how long a created trail's log group keeps events.
const DefaultTrailRetentionDays = 365

// Trail is the trail vigil creates, with its bucket, key and log group; the names are
// derived from the name prefix and the account.
type Trail struct {
	// Name is the trail's name: <prefix>-trail.
	Name string
	// BucketName is the S3 bucket of the log files: <prefix>-cloudtrail-<account>,
	// lower-cased, 3-63 characters.
	BucketName string
	// LogGroupName is the log group the trail delivers to: /vigil/<prefix>/cloudtrail.
	LogGroupName string
	// RetentionDays of the log group.
	RetentionDays int
	// KeyAlias names the KMS key that encrypts the log files and the log group:
	// alias/<prefix>-cloudtrail.
	KeyAlias string
	// RoleName is the role CloudTrail assumes to write to the log group:
	// <prefix>-cloudtrail-logs.
	RoleName string
	// Tags are set on every resource of the trail.
	Tags map[string]string
}

func (c CloudTrail) withDefaults() CloudTrail {
	if c.RetentionDays == 0 {
		c.RetentionDays = DefaultTrailRetentionDays
	}
	if c.Severity == "" {
		c.Severity = string(alerts.High)
	}
	return c
}

// check records the problems of the cloudTrail config (with defaults applied).
func (c CloudTrail) check(ps *validate.Problems, path string, o Options) {
	switch {
	case c.LogGroup != "" && c.Create:
		ps.Add(path, "must set logGroup or create, not both", "logGroup names the log group of an existing trail; create makes vigil create one")
	case c.LogGroup == "" && !c.Create:
		ps.Add(path, "must set logGroup or create", "name the log group your trail delivers to, or set create: true")
	case c.LogGroup != "":
		validate.LogGroupName(ps, path+".logGroup", c.LogGroup)
	}
	if c.Create {
		validate.LogRetentionDays(ps, path+".retentionDays", c.RetentionDays)
		validate.AccountID(ps, "Options.AccountID", o.AccountID)
		if n := len(bucketName(o.NamePrefix, o.AccountID)); n > 63 {
			ps.Addf(path+".create", "shorten the name prefix", "makes the bucket name %q, longer than S3's 63 characters", bucketName(o.NamePrefix, o.AccountID))
		}
	}
	sev := alerts.Severity(c.Severity)
	if !sev.Valid() {
		ps.Addf(path+".severity", "critical, high, medium or low", "must be a severity, got %q", c.Severity)
	} else if o.Subscribed != nil && !o.Subscribed[sev] {
		var subscribed []string
		for _, s := range alerts.Severities() {
			if o.Subscribed[s] {
				subscribed = append(subscribed, string(s))
			}
		}
		hint := "give the " + c.Severity + " topic a subscriber in notifications"
		if len(subscribed) > 0 {
			hint += ", or use one that has one: " + strings.Join(subscribed, ", ")
		}
		ps.Addf(path+".severity", hint, "the %s topic has no subscription: the CIS benchmark asks that its alarms reach someone", c.Severity)
	}
}

// bucketName is the S3 bucket of a created trail.
func bucketName(prefix, account string) string {
	return strings.ReplaceAll(strings.ToLower(prefix), "_", "-") + "-cloudtrail-" + account
}

func newTrail(o Options, c CloudTrail) *Trail {
	return &Trail{
		Name:          o.NamePrefix + "-trail",
		BucketName:    bucketName(o.NamePrefix, o.AccountID),
		LogGroupName:  "/vigil/" + o.NamePrefix + "/cloudtrail",
		RetentionDays: c.RetentionDays,
		KeyAlias:      "alias/" + o.NamePrefix + "-cloudtrail",
		RoleName:      o.NamePrefix + "-cloudtrail-logs",
		Tags:          mergeTags(o.Tags, map[string]string{"vigil:resource": "cloudtrail"}),
	}
}

func mergeTags(maps ...map[string]string) map[string]string {
	out := map[string]string{}
	for _, m := range maps {
		for k, v := range m {
			out[k] = v
		}
	}
	return out
}
