package logs

import (
	"errors"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"

	"github.com/vigilops/vigil/alerts"
	"github.com/vigilops/vigil/alerts/cloudwatch"
	"github.com/vigilops/vigil/alerts/logfilter"
	"github.com/vigilops/vigil/validate"
)

// DefaultNamespace is the metric namespace of every filter unless Options says another.
const DefaultNamespace = "vigil/logs"

// CISResource is the resource name of the CIS filters: their names are
// <prefix>-cloudtrail-<slug>.
const CISResource = "cloudtrail"

// Options are what every filter of a stack shares.
type Options struct {
	// NamePrefix starts every filter, metric and alarm name:
	// <prefix>-<resource>-<slug>, such as vigil-prod-api-http-5xx. Required: 1-64
	// letters, digits, '.', '-' and '_', starting with a letter or digit.
	NamePrefix string
	// Namespace of the filters' metrics. Defaults to vigil/logs. 1-255 characters
	// without : * or $, and not starting with AWS/.
	Namespace string
	// RunbookBaseURL is where the runbooks live; each alarm links to
	// RunbookBaseURL#<slug>. Optional: without it, descriptions carry no link.
	RunbookBaseURL string
	// AccountID is the 12-digit account of the stack. Required when CloudTrail.Create
	// is set (it makes the bucket name unique).
	AccountID string
	// Subscribed says which severities' topics have at least one subscription; the
	// CIS alarms must go to one of them. nil skips the check.
	Subscribed map[alerts.Severity]bool
	// Tags are set on every alarm and on the trail's resources. Defaults to none.
	Tags map[string]string
}

// Config is everything Build needs.
type Config struct {
	Options Options
	// Services are the services with a log group.
	Services []Service
	// CloudTrail, when set, adds the CIS filters on the trail's log group.
	CloudTrail *CloudTrail
	// CloudTrailPath is the config path of CloudTrail, under which its problems are
	// reported. Defaults to cloudTrail.
	CloudTrailPath string
}

// Filter is one metric filter with its metric and its alarm.
type Filter struct {
	// Name is the filter's name, its metric's name and its alarm's name:
	// <prefix>-<resource>-<slug>.
	Name string
	// Slug is the kind of filter: http-5xx, cis-root-account-usage, or the name of a
	// team's own filter.
	Slug string
	// Resource is the service's name, or cloudtrail for the CIS filters.
	Resource string
	// Path is the config path of the filter (services[0].logFilters[1],
	// services[0].logAlarms.http-5xx, cloudTrail.cis-root-account-usage).
	Path string
	// LogGroup is the log group the filter reads.
	LogGroup string
	// Pattern is the filter pattern.
	Pattern string
	// Metric is the metric transformation: name, namespace, unit, value and default.
	Metric logfilter.MetricSpec
	// Alarm is the filter's alarm, on Metric.
	Alarm cloudwatch.Alarm
	// CIS is the benchmark control ("4.3") of a CIS filter, else "".
	CIS string
}

// Spec is the filter as PutMetricFilter takes it, for logfilter's checks.
func (f Filter) Spec() logfilter.MetricFilterSpec {
	return logfilter.MetricFilterSpec{Name: f.Name, Pattern: f.Pattern, Metrics: []logfilter.MetricSpec{f.Metric}}
}

// Compile parses the pattern and its transformation, to match events offline.
func (f Filter) Compile() (*logfilter.MetricFilter, error) {
	p, err := logfilter.Parse(f.Pattern)
	if err != nil {
		return nil, err
	}
	return logfilter.NewMetricFilter(p, f.Metric.Transformation)
}

// Set is every filter, query and trail of a stack.
type Set struct {
	Filters []Filter
	Queries []Query
	// Trail is the trail vigil creates; nil when the stack names an existing log
	// group or has no CloudTrail config.
	Trail *Trail
	// CISLogGroup is the log group of the CIS filters; "" without them.
	CISLogGroup string
}

// Alarms returns the alarms of every filter, for components/alarms.
func (s Set) Alarms() []cloudwatch.Alarm {
	out := make([]cloudwatch.Alarm, len(s.Filters))
	for i, f := range s.Filters {
		out[i] = f.Alarm
	}
	return out
}

// Find returns the filter of that name; the name may leave out the name prefix
// (api-http-5xx for vigil-prod-api-http-5xx).
func (s Set) Find(name string) (Filter, bool) {
	for _, f := range s.Filters {
		if f.Name == name || f.Resource+"-"+f.Slug == name {
			return f, true
		}
	}
	return Filter{}, false
}

var (
	prefixRe = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`)
	slugRe   = regexp.MustCompile(`^[a-z][a-z0-9-]{0,63}$`)
	stats    = []string{"Sum", "Average", "Minimum", "Maximum", "SampleCount"}
)

// Build returns the stack's filters, queries and trail, or one error listing every
// problem of the config and every limit of CloudWatch Logs and CloudWatch the set
// would break, each under its config path.
func Build(cfg Config) (Set, error) {
	var ps validate.Problems
	o := cfg.Options
	if o.Namespace == "" {
		o.Namespace = DefaultNamespace
	}
	if validate.Required(&ps, "Options.NamePrefix", o.NamePrefix, "for example vigil-prod") && !prefixRe.MatchString(o.NamePrefix) {
		ps.Addf("Options.NamePrefix", "letters, digits, '.', '-' and '_'", "must be 1-64 such characters, starting with a letter or digit, got %q", o.NamePrefix)
	}
	var set Set
	for i, s := range cfg.Services {
		if s.Path == "" {
			s.Path = fmt.Sprintf("services[%d]", i)
		}
		fs, qs := buildService(&ps, o, s)
		set.Filters = append(set.Filters, fs...)
		set.Queries = append(set.Queries, qs...)
	}
	if cfg.CloudTrail != nil {
		ct := cfg.CloudTrail.withDefaults()
		ctPath := cfg.CloudTrailPath
		if ctPath == "" {
			ctPath = "cloudTrail"
		}
		ct.check(&ps, ctPath, o)
		set.CISLogGroup = ct.LogGroup
		if ct.Create {
			set.Trail = newTrail(o, ct)
			set.CISLogGroup = set.Trail.LogGroupName
		}
		set.Filters = append(set.Filters, cisFilters(o, ctPath, set.CISLogGroup, alerts.Severity(ct.Severity))...)
	}
	// The limits too, at once; a value the config checks already refused is not
	// reported twice.
	reported := map[string]bool{}
	for _, p := range ps.List() {
		reported[p.Path] = true
	}
	var verr *validate.Error
	if errors.As(Validate(set), &verr) {
		for _, p := range verr.Problems {
			if !reported[p.Path] {
				ps.Add(p.Path, p.Message, p.Hint)
			}
		}
	}
	if err := ps.Err("log filters"); err != nil {
		return Set{}, err
	}
	return set, nil
}

func buildService(ps *validate.Problems, o Options, s Service) ([]Filter, []Query) {
	if s.LogGroup == "" {
		if s.Format.Type != "" || len(s.Filters) > 0 || len(s.Alarms) > 0 {
			ps.Add(s.Path+".logGroup", "is required with logFormat, logFilters or logAlarms", "name the log group the service writes to")
		}
		return nil, nil
	}
	validate.Required(ps, s.Path+".name", s.Name, "")
	f := s.Format.withDefaults()
	before := ps.Len()
	f.check(ps, s.Path+".logFormat")
	if ps.Len() > before {
		return nil, nil // the patterns would only repeat the format's problems
	}
	shippedList := shippedFilters(f)
	var slugs []string
	for _, sh := range shippedList {
		slugs = append(slugs, sh.slug)
	}
	for _, k := range slices.Sorted(maps.Keys(s.Alarms)) {
		ov, kp := s.Alarms[k], s.Path+".logAlarms."+k
		if !slices.Contains(slugs, k) {
			ps.Addf(kp, validate.UnknownHint(k, slugs), "is not a filter vigil ships for %s logs", f.Type)
		}
		if ov.Severity != "" && !alerts.Severity(ov.Severity).Valid() {
			ps.Addf(kp+".severity", "critical, high, medium or low", "must be a severity, got %q", ov.Severity)
		}
		if ov.Threshold != nil && *ov.Threshold <= 0 {
			ps.Addf(kp+".threshold", "a count of events in 5 minutes, such as 10", "must be greater than 0, got %s", validate.FormatNumber(*ov.Threshold))
		}
	}
	zero := 0.0
	var out []Filter
	for _, sh := range shippedList {
		ov := s.Alarms[sh.slug]
		if ov.Disabled {
			continue
		}
		sev, threshold := sh.severity, sh.threshold
		if ov.Severity != "" {
			sev = alerts.Severity(ov.Severity)
		}
		if ov.Threshold != nil {
			threshold = *ov.Threshold
		}
		path := s.Path + ".logAlarms." + sh.slug
		out = append(out, newFilter(o, path, s.Name, sh.slug, s.LogGroup, sh.pattern, sh.summary, "1", "Count", &zero,
			sev, "Sum", 300, threshold, "events"))
	}
	names := append([]string(nil), slugs...)
	for i, c := range s.Filters {
		path := fmt.Sprintf("%s.logFilters[%d]", s.Path, i)
		if !slugRe.MatchString(c.Name) {
			ps.Addf(path+".name", "1-64 lower-case letters, digits and hyphens, starting with a letter, such as payment-failures",
				"must be a filter slug, got %q", c.Name)
		} else if slices.Contains(slugs, c.Name) {
			ps.Addf(path+".name", "change the shipped filter's alarm under logAlarms."+c.Name+", or pick another name", "%q is a filter vigil ships", c.Name)
		}
		names = append(names, c.Name)
		if c.Pattern == "" {
			ps.Add(path+".pattern", "is required", "an empty pattern counts every line; write what to count, such as \"payment declined\"")
		}
		value := c.Value
		if value == "" {
			value = "1"
		}
		_, isNumber := parseFloat(value)
		def := &zero
		if c.DefaultValue != nil {
			def = c.DefaultValue
		}
		stat := c.Statistic
		switch {
		case stat != "":
		case isNumber:
			stat = "Sum"
		default:
			stat = "Maximum"
		}
		validate.OneOf(ps, path+".statistic", stat, stats)
		threshold := 1.0
		if c.Threshold != nil {
			threshold = *c.Threshold
			if threshold <= 0 {
				ps.Addf(path+".threshold", "the alarm fires at or above it", "must be greater than 0, got %s", validate.FormatNumber(threshold))
			}
		}
		sev := alerts.Medium
		if c.Severity != "" {
			sev = alerts.Severity(c.Severity)
			if !sev.Valid() {
				ps.Addf(path+".severity", "critical, high, medium or low", "must be a severity, got %q", c.Severity)
			}
		}
		period := c.Period
		if period == 0 {
			period = 300
		}
		summary := c.Summary
		if summary == "" {
			summary = fmt.Sprintf("The log filter %s of %s matches.", c.Name, s.Name)
		}
		unit, thresholdUnit := c.Unit, ""
		if isNumber {
			thresholdUnit = "events"
			if unit == "" {
				unit = "Count"
			}
		}
		// A team's filter has no section in vigil's runbooks.
		noRunbook := o
		noRunbook.RunbookBaseURL = ""
		f := newFilter(noRunbook, path, s.Name, c.Name, s.LogGroup, c.Pattern, summary, value, unit, def, sev, stat, period, threshold, thresholdUnit)
		checkSamples(ps, path+".samples", f, c.Samples)
		out = append(out, f)
	}
	validate.Unique(ps, s.Path+".logFilters[%d].name", names[len(slugs):], "each filter of a service needs its own name")
	return out, queries(o.NamePrefix, s, f)
}

func cisFilters(o Options, path, logGroup string, sev alerts.Severity) []Filter {
	out := make([]Filter, 0, len(CISControls))
	zero := 0.0
	for _, c := range CISControls {
		f := newFilter(o, path+"."+c.Slug, CISResource, c.Slug, logGroup, c.Pattern, strings.TrimSuffix(c.Summary, ".")+" (CIS "+c.ID+").",
			"1", "Count", &zero, sev, "Sum", CISPeriod, CISThreshold, "events")
		f.CIS = c.ID
		f.Alarm.Tags["vigil:cis"] = c.ID
		out = append(out, f)
	}
	return out
}

// newFilter names a filter, its metric and its alarm alike, and builds the alarm:
// stat >= threshold in one period, no data counting as fine (a quiet log group has
// nothing wrong in it).
func newFilter(o Options, path, resource, slug, logGroup, pattern, summary, value, unit string, def *float64,
	sev alerts.Severity, stat string, period int, threshold float64, thresholdUnit string) Filter {
	name := cloudwatch.AlarmName(o.NamePrefix, resource, slug)
	if def != nil {
		v := *def // each filter its own, so that changing one changes no other
		def = &v
	}
	a := cloudwatch.Alarm{
		Slug: slug, Name: name, Resource: resource, Path: path, Severity: sev, Summary: summary,
		Namespace: o.Namespace, MetricName: name, Statistic: stat,
		Period: period, EvaluationPeriods: 1, DatapointsToAlarm: 1,
		Threshold: threshold, Comparison: cloudwatch.GreaterThanOrEqual, TreatMissingData: cloudwatch.NotBreaching,
		ThresholdUnit: thresholdUnit,
	}
	if o.RunbookBaseURL != "" {
		a.RunbookURL = cloudwatch.RunbookURL(o.RunbookBaseURL, slug)
	}
	a.Tags = mergeTags(o.Tags, map[string]string{"vigil:alarm": slug, "vigil:resource": resource, "vigil:severity": string(sev)})
	a.Description = cloudwatch.Describe(a)
	return Filter{
		Name: name, Slug: slug, Resource: resource, Path: path, LogGroup: logGroup, Pattern: pattern,
		Metric: logfilter.MetricSpec{Name: name, Namespace: o.Namespace, Unit: unit,
			Transformation: logfilter.Transformation{MetricValue: value, DefaultValue: def}},
		Alarm: a,
	}
}

// checkSamples runs the filter over its sample lines. A filter that does not compile
// is reported by Validate, under the pattern.
func checkSamples(ps *validate.Problems, path string, f Filter, s Samples) {
	if len(s.Match)+len(s.NoMatch) == 0 {
		return
	}
	mf, err := f.Compile()
	if err != nil {
		return
	}
	for i, line := range s.Match {
		if !mf.Match(line).Matched {
			ps.Addf(fmt.Sprintf("%s.match[%d]", path, i), "fix the pattern, or move the line to noMatch", "the pattern %s does not count this line", f.Pattern)
		}
	}
	for i, line := range s.NoMatch {
		if mf.Match(line).Matched {
			ps.Addf(fmt.Sprintf("%s.noMatch[%d]", path, i), "narrow the pattern, or move the line to match", "the pattern %s counts this line", f.Pattern)
		}
	}
}
