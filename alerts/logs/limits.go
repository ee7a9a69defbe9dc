package logs

import (
	"errors"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/vigilops/vigil/alerts/cloudwatch"
	"github.com/vigilops/vigil/alerts/logfilter"
	"github.com/vigilops/vigil/validate"
)

// Validate returns one error listing everything in the set that CloudWatch Logs or
// CloudWatch would refuse, each problem under the config path of the filter or
// query it is about, or nil. Per log group (several services may share one): at most
// 100 filters, at most 5 of them with a regular expression, unique filter names and
// a valid log group name (logfilter.CheckLogGroup); per filter: the pattern's syntax,
// length and 2 regular expressions at most, the metric's name and namespace, exactly
// one metric transformation (logfilter.CheckMetricFilter); per alarm, what
// cloudwatch.Validate checks; per query, its name, length and log groups. The limits
// count vigil's filters only: filters the log group already has count too in AWS.
func Validate(s Set) error {
	var ps validate.Problems
	var groups []string
	byGroup := map[string][]Filter{}
	for _, f := range s.Filters {
		if _, ok := byGroup[f.LogGroup]; !ok {
			groups = append(groups, f.LogGroup)
		}
		byGroup[f.LogGroup] = append(byGroup[f.LogGroup], f)
	}
	for _, g := range groups {
		fs := byGroup[g]
		specs := make([]logfilter.MetricFilterSpec, len(fs))
		for i, f := range fs {
			specs[i] = f.Spec()
		}
		groupPath := groupPath(fs[0])
		var scratch validate.Problems
		logfilter.CheckLogGroup(&scratch, groupPath, g, specs)
		for _, p := range scratch.List() {
			ps.Add(filterPath(p.Path, groupPath, fs), p.Message, p.Hint)
		}
	}
	alarms := s.Alarms()
	if err := cloudwatch.Validate(cloudwatch.Set{Alarms: alarms}); err != nil {
		var verr *validate.Error
		if errors.As(err, &verr) {
			for _, p := range verr.Problems {
				ps.Add(alarmPath(p.Path, alarms), p.Message, p.Hint)
			}
		}
	}
	names := make([]string, len(s.Queries))
	for i, q := range s.Queries {
		names[i] = q.Name
		qp := q.Path + ".queries." + q.Slug
		if n := utf8.RuneCountInString(q.Name); n < 1 || n > MaxQueryNameLength {
			ps.Addf(qp, "shorten the name prefix or the service name", "makes the saved query name %q, which must be 1-%d characters", q.Name, MaxQueryNameLength)
		}
		if n := utf8.RuneCountInString(q.QueryString); n < 1 || n > MaxQueryLength {
			ps.Addf(qp, "", "the query must be 1-%d characters, got %d", MaxQueryLength, n)
		}
		if n := len(q.LogGroups); n < 1 || n > MaxQueryLogGroups {
			ps.Addf(qp, "", "a saved query reads 1-%d log groups, got %d", MaxQueryLogGroups, n)
		}
		for _, g := range q.LogGroups {
			validate.LogGroupName(&ps, qp+".logGroups", g)
		}
	}
	validate.Unique(&ps, "queries[%d].name", names, "saved query names are unique")
	if t := s.Trail; t != nil {
		validate.LogGroupName(&ps, "cloudTrail.logGroupName", t.LogGroupName)
		validate.LogRetentionDays(&ps, "cloudTrail.retentionDays", t.RetentionDays)
		validate.KMSAliasName(&ps, "cloudTrail.keyAlias", t.KeyAlias)
		if n := len(t.BucketName); n < 3 || n > 63 || strings.ToLower(t.BucketName) != t.BucketName {
			ps.Addf("cloudTrail.bucketName", "S3 bucket names are 3-63 lower-case letters, digits, dots and hyphens", "must be an S3 bucket name, got %q", t.BucketName)
		}
		if t.LogGroupName != s.CISLogGroup {
			ps.Addf("cloudTrail.logGroupName", "Build sets both", "the trail delivers to %q but the CIS filters read %q", t.LogGroupName, s.CISLogGroup)
		}
	}
	return ps.Err("log filters")
}

// groupPath is the config path of a log group: the logGroup key of its first filter's
// service, or the logGroup key of the cloudTrail config.
func groupPath(f Filter) string {
	if f.CIS != "" { // <cloudTrail path>.<slug>
		return f.Path[:strings.LastIndexByte(f.Path, '.')] + ".logGroup"
	}
	if i := strings.Index(f.Path, ".log"); i >= 0 {
		return f.Path[:i] + ".logGroup"
	}
	return f.Path + ".logGroup"
}

// filterPath turns a path of logfilter.CheckLogGroup (group.filters[3].pattern) into
// the config path of the filter (services[0].logFilters[1].pattern).
func filterPath(p, groupPath string, fs []Filter) string {
	switch p {
	case groupPath + ".logGroupName", groupPath + ".filters":
		return groupPath
	}
	rest, ok := strings.CutPrefix(p, groupPath+".filters[")
	if !ok {
		return p
	}
	end := strings.IndexByte(rest, ']')
	i, err := strconv.Atoi(rest[:max(end, 0)])
	if end < 0 || err != nil || i >= len(fs) {
		return p
	}
	field := rest[end+1:]
	// Longest first: ".metrics" is a prefix of the others.
	for _, r := range [][2]string{
		{".metrics[0].metricValue", ".value"}, {".metrics[0].unit", ".unit"},
		{".metrics[0].name", ".name"}, {".metrics[0].namespace", ".namespace"}, {".metrics", ""},
	} {
		if strings.HasPrefix(field, r[0]) {
			field = r[1] + strings.TrimPrefix(field, r[0])
			break
		}
	}
	return fs[i].Path + field
}

// alarmPath turns a path of cloudwatch.Validate (services[0].logFilters[1].alarms.x.Threshold)
// into the filter's config path (services[0].logFilters[1].threshold).
func alarmPath(p string, alarms []cloudwatch.Alarm) string {
	for _, a := range alarms {
		if rest, ok := strings.CutPrefix(p, a.Path+".alarms."+a.Slug); ok {
			if rest == "" {
				return a.Path
			}
			field := strings.TrimPrefix(rest, ".")
			return a.Path + "." + strings.ToLower(field[:1]) + field[1:]
		}
	}
	return p
}

func parseFloat(s string) (float64, bool) {
	f, err := strconv.ParseFloat(s, 64)
	return f, err == nil
}
