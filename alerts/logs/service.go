package logs

import (
	"fmt"
	"strings"

	"github.com/vigilops/vigil/alerts"
)

// The slugs of the filters vigil ships for a service's log group.
const (
	SlugHTTP4xx   = "http-4xx"
	SlugHTTP5xx   = "http-5xx"
	SlugHTTP502   = "http-502"
	SlugAppErrors = "app-errors"
)

// Service is one service whose log group vigil watches.
type Service struct {
	// Name is the service's name, as in its alarm names: lower-case letters, digits
	// and hyphens. Required.
	Name string
	// Path is the service's config path ("services[0]"); problems are reported under
	// it.
	Path string
	// LogGroup is the log group the service writes to (`logGroup`). Required.
	LogGroup string
	// Format is the log format (`logFormat`). Defaults to JSON with the default field
	// names.
	Format Format
	// Filters are the team's own patterns (`logFilters`). Defaults to none.
	Filters []CustomFilter
	// Alarms change the alarms of the filters vigil ships, by slug (http-4xx,
	// http-5xx, http-502, app-errors) (`logAlarms`). Defaults to none.
	Alarms map[string]AlarmOverride
}

// AlarmOverride changes the alarm of one of the filters vigil ships. Unset fields keep
// the shipped value.
type AlarmOverride struct {
	// Threshold is the number of matching events in 5 minutes at which the alarm
	// fires; greater than 0.
	Threshold *float64 `json:"threshold"`
	// Severity is critical, high, medium or low.
	Severity string `json:"severity"`
	// Disabled leaves the filter, its metric and its alarm out.
	Disabled bool `json:"disabled"`
}

// CustomFilter is a team's own metric filter on its service's log group, with its
// alarm: an entry of the stack config's `logFilters`.
type CustomFilter struct {
	// Name is the filter's slug: its filter, metric and alarm are named
	// <prefix>-<service>-<name>. 1-64 lower-case letters, digits and hyphens,
	// starting with a letter, and none of the shipped slugs. Required.
	Name string `json:"name"`
	// Pattern is a CloudWatch Logs filter pattern, at most 1024 characters. Required:
	// an empty pattern would count every line.
	Pattern string `json:"pattern"`
	// Value is the metric value: a number, or a field of the pattern ($.latency,
	// $size, $7). Defaults to "1", which counts matching events.
	Value string `json:"value"`
	// Unit is the metric's unit (Count, Milliseconds, ...). Defaults to none.
	Unit string `json:"unit"`
	// Threshold is the alarm's threshold: the alarm fires when the statistic over one
	// period is at or above it. Defaults to 1. Greater than 0.
	Threshold *float64 `json:"threshold"`
	// DefaultValue is published for every event that does not match, so that the
	// metric reads it rather than nothing while the service logs. Defaults to 0.
	DefaultValue *float64 `json:"defaultValue"`
	// Statistic is Sum, Average, Minimum, Maximum or SampleCount. Defaults to Sum
	// when Value is a number (a count of events) and to Maximum when it is a field
	// (the largest value in the period, which the zeros of other events leave alone;
	// Average counts them).
	Statistic string `json:"statistic"`
	// Period of the alarm in seconds: 10, 20, 30 or a multiple of 60, at most a day.
	// Defaults to 300.
	Period int `json:"period"`
	// Severity is critical, high, medium or low. Defaults to medium.
	Severity string `json:"severity"`
	// Summary says what is wrong when the alarm fires. Defaults to a sentence naming
	// the filter.
	Summary string `json:"summary"`
	// Samples are log lines the pattern must count and lines it must not: Build
	// checks them, so that a pattern that stops counting what it was written for
	// fails before deploy. Defaults to none.
	Samples Samples `json:"samples"`
}

// Samples are sample log lines of a filter.
type Samples struct {
	// Match are lines the filter must count.
	Match []string `json:"match"`
	// NoMatch are lines it must not count.
	NoMatch []string `json:"noMatch"`
}

// shipped is a filter vigil ships for a service, before naming.
type shipped struct {
	slug      string
	pattern   string
	summary   string
	severity  alerts.Severity
	threshold float64
}

// Default alarms of the shipped filters: matching events in 5 minutes.
const (
	Default4xxThreshold       = 100
	Default5xxThreshold       = 10
	Default502Threshold       = 5
	DefaultAppErrorsThreshold = 10
)

// shippedFilters returns the filters vigil ships for a log format (with its defaults
// applied). An access log holds no application errors, so it gets no app-errors
// filter.
func shippedFilters(f Format) []shipped {
	var p4, p5, p502, perr string
	switch f.Type {
	case FormatJSON:
		s := selector(f.Fields.Status)
		// Numeric comparisons test JSON numbers only; the string wildcard catches a
		// status logged as a string ("503").
		p4 = fmt.Sprintf(`{ (%s >= 400 && %s <= 499) || %s = "4*" }`, s, s, s)
		p5 = fmt.Sprintf(`{ (%s >= 500 && %s <= 599) || %s = "5*" }`, s, s, s)
		p502 = fmt.Sprintf(`{ %s = 502 || %s = "502" }`, s, s)
		perr = "{ " + jsonAnyOf(f.Fields.Level, f.ErrorLevels) + " }"
	case FormatAccess:
		// The common log format's seven fields, then anything (combined adds referer
		// and user agent). Brackets and quotes hold one field each.
		fields := func(cond string) string {
			return "[host, ident, user, timestamp, request, " + cond + ", bytes, ...]"
		}
		p4 = fields("status >= 400 && status <= 499")
		p5 = fields("status >= 500 && status <= 599")
		p502 = fields("status = 502")
	case FormatText:
		k := f.StatusKey
		p4 = "%" + k + `4\d\d%`
		p5 = "%" + k + `5\d\d%`
		p502 = quote(k + "502")
		words := make([]string, len(f.ErrorLevels))
		for i, l := range f.ErrorLevels {
			words[i] = "?" + quote(l)
		}
		perr = strings.Join(words, " ")
	}
	out := []shipped{
		{SlugHTTP4xx, p4, "Many requests fail with a client error (HTTP 4xx).", alerts.Medium, Default4xxThreshold},
		{SlugHTTP5xx, p5, "Requests fail with a server error (HTTP 5xx).", alerts.High, Default5xxThreshold},
		{SlugHTTP502, p502, "Requests fail with HTTP 502 Bad Gateway: the service behind the proxy or load balancer cannot be reached.", alerts.High, Default502Threshold},
	}
	if perr != "" {
		out = append(out, shipped{SlugAppErrors, perr, "The service logs application errors.", alerts.Medium, DefaultAppErrorsThreshold})
	}
	return out
}

// ShippedSlugs returns the slugs of the filters vigil ships for a log format type
// ("" is json).
func ShippedSlugs(formatType string) []string {
	var out []string
	for _, s := range shippedFilters(Format{Type: formatType}.withDefaults()) {
		out = append(out, s.slug)
	}
	return out
}
