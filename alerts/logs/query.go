package logs

import (
	"fmt"
	"regexp"
	"strings"
)

// Query is a saved CloudWatch Logs Insights query.
type Query struct {
	// Name is the saved query's name, <prefix>/<service>/<slug>: the console shows
	// the parts before each / as folders.
	Name string
	// Slug is what the query finds: top-5xx-paths, slowest-requests,
	// frequent-error-messages, request-errors, or recent-5xx for plain text.
	Slug string
	// Resource is the service's name; Path its config path.
	Resource, Path string
	// LogGroups are the log groups the query reads.
	LogGroups []string
	// QueryString is the query, in the field names of the service's log format.
	QueryString string
}

// The slugs of the saved queries.
const (
	QueryTop5xxPaths    = "top-5xx-paths"
	QuerySlowest        = "slowest-requests"
	QueryErrorMessages  = "frequent-error-messages"
	QueryRequestErrors  = "request-errors"
	QueryRecent5xx      = "recent-5xx"
	RequestIDToReplace  = "REPLACE-WITH-REQUEST-ID"
	MaxQueryNameLength  = 255
	MaxQueryLength      = 10000
	MaxQueryLogGroups   = 50
	accessParse         = `parse @message '* * * [*] "* * *" * *' as host, ident, user, time, method, path, protocol, status, bytes`
	textStatusFieldName = "status"
)

// queries returns the saved queries of a service in its log format (with defaults).
// An access log has no duration, level, message or request ID, and a plain-text line
// no path or duration: the queries those need are left out for those formats, and
// plain text gets the recent 5xx lines instead of the top 5xx paths.
func queries(prefix string, s Service, f Format) []Query {
	var qs [][2]string
	switch f.Type {
	case FormatJSON:
		st, p, d := insightsField(f.Fields.Status), insightsField(f.Fields.Path), insightsField(f.Fields.Duration)
		l, m, r := insightsField(f.Fields.Level), insightsField(f.Fields.Message), insightsField(f.Fields.RequestID)
		levels := insightsList(f.ErrorLevels)
		qs = [][2]string{
			{QueryTop5xxPaths, fmt.Sprintf("fields @timestamp, %[1]s, %[2]s\n| filter %[1]s >= 500 and %[1]s <= 599\n| stats count(*) as errors by %[2]s\n| sort errors desc\n| limit 10", st, p)},
			{QuerySlowest, fmt.Sprintf("fields @timestamp, %[1]s, %[2]s, %[3]s\n| filter ispresent(%[3]s)\n| sort %[3]s desc\n| limit 20", p, st, d)},
			{QueryErrorMessages, fmt.Sprintf("fields @timestamp, %[1]s\n| filter %[2]s in %[3]s\n| stats count(*) as occurrences by %[1]s\n| sort occurrences desc\n| limit 20", m, l, levels)},
			{QueryRequestErrors, fmt.Sprintf("fields @timestamp, %[1]s, %[2]s, %[3]s\n| filter %[3]s = %[4]q and %[1]s in %[5]s\n| sort @timestamp desc\n| limit 100", l, m, r, RequestIDToReplace, levels)},
		}
	case FormatAccess:
		qs = [][2]string{
			{QueryTop5xxPaths, accessParse + "\n| filter status >= 500 and status <= 599\n| stats count(*) as errors by path\n| sort errors desc\n| limit 10"},
		}
	case FormatText:
		words := textAlternation(f.ErrorLevels)
		k := regexp.QuoteMeta(f.StatusKey)
		qs = [][2]string{
			{QueryErrorMessages, fmt.Sprintf("fields @timestamp, @message\n| filter @message like /%s/\n| stats count(*) as occurrences by @message\n| sort occurrences desc\n| limit 20", words)},
			{QueryRequestErrors, fmt.Sprintf("fields @timestamp, @message\n| filter @message like %q and @message like /%s/\n| sort @timestamp desc\n| limit 100", RequestIDToReplace, words)},
			{QueryRecent5xx, fmt.Sprintf("fields @timestamp, @message\n| parse @message /%s(?<%s>5\\d\\d)/\n| filter ispresent(%s)\n| sort @timestamp desc\n| limit 50", k, textStatusFieldName, textStatusFieldName)},
		}
	}
	out := make([]Query, 0, len(qs))
	for _, q := range qs {
		out = append(out, Query{
			Name: prefix + "/" + s.Name + "/" + q[0], Slug: q[0], Resource: s.Name, Path: s.Path,
			LogGroups: []string{s.LogGroup}, QueryString: q[1],
		})
	}
	return out
}

// textAlternation is the levels as a regular expression alternation: ERROR|FATAL.
func textAlternation(levels []string) string {
	parts := make([]string, len(levels))
	for i, l := range levels {
		parts[i] = regexp.QuoteMeta(l)
	}
	return strings.Join(parts, "|")
}
