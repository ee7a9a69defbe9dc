package logs

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vigilops/vigil/alerts"
	"github.com/vigilops/vigil/validate"
)

func f64(v float64) *float64 { return &v }

func api(edit func(*Service)) Config {
	s := Service{Name: "api", LogGroup: "/ecs/prod/api"}
	if edit != nil {
		edit(&s)
	}
	return Config{Options: Options{NamePrefix: "vigil-prod", AccountID: "123456789012"}, Services: []Service{s}}
}

func custom(n int, pattern string) []CustomFilter {
	out := make([]CustomFilter, n)
	for i := range out {
		out[i] = CustomFilter{Name: fmt.Sprintf("f%d", i), Pattern: pattern}
	}
	return out
}

func problems(t *testing.T, err error) []validate.Problem {
	t.Helper()
	var verr *validate.Error
	require.True(t, errors.As(err, &verr), "want a *validate.Error, got %v", err)
	return verr.Problems
}

func TestBuildReportsEveryProblemUnderItsConfigPath(t *testing.T) {
	for name, c := range map[string]struct {
		cfg  Config
		want map[string]string // path -> part of the message
	}{
		"A log format vigil does not know is refused with the known ones.": {
			cfg:  api(func(s *Service) { s.Format.Type = "xml" }),
			want: map[string]string{"services[0].logFormat.type": "must be one of json, access, text"},
		},
		"A JSON field name with a space or an empty step is refused.": {
			cfg:  api(func(s *Service) { s.Format.Fields = JSONFields{Status: "http status", Path: "req..path"} }),
			want: map[string]string{"services[0].logFormat.fields.status": `"http status"`, "services[0].logFormat.fields.path": `"req..path"`},
		},
		"Eleven error levels are one too many.": {
			cfg: api(func(s *Service) {
				for i := 0; i < 11; i++ {
					s.Format.ErrorLevels = append(s.Format.ErrorLevels, fmt.Sprintf("L%d", i))
				}
			}),
			want: map[string]string{"services[0].logFormat.errorLevels": "at most 10 values, got 11"},
		},
		"An error level with a quote would break the pattern and is refused.": {
			cfg:  api(func(s *Service) { s.Format.ErrorLevels = []string{"ERROR", `E"`, "ERROR"} }),
			want: map[string]string{"services[0].logFormat.errorLevels[1]": "1-40 letters", "services[0].logFormat.errorLevels[2]": ""},
		},
		"A status key of 21 characters is too long.": {
			cfg:  api(func(s *Service) { s.Format = Format{Type: FormatText, StatusKey: strings.Repeat("k", 21)} }),
			want: map[string]string{"services[0].logFormat.statusKey": "must be 1-20"},
		},
		"A log format without a log group has nothing to read.": {
			cfg:  api(func(s *Service) { s.LogGroup = ""; s.Format.Type = FormatText }),
			want: map[string]string{"services[0].logGroup": "is required"},
		},
		"A log group name with a space is refused by logfilter's check.": {
			cfg:  api(func(s *Service) { s.LogGroup = "/ecs/prod api" }),
			want: map[string]string{"services[0].logGroup": "log group name"},
		},
		"Overrides name shipped filters only, with a severity and a positive threshold.": {
			cfg: api(func(s *Service) {
				s.Alarms = map[string]AlarmOverride{"http-5xxx": {}, "http-4xx": {Severity: "urgent", Threshold: f64(0)}}
			}),
			want: map[string]string{
				"services[0].logAlarms.http-5xxx":          "is not a filter vigil ships for json logs",
				"services[0].logAlarms.http-4xx.severity":  `"urgent"`,
				"services[0].logAlarms.http-4xx.threshold": "greater than 0, got 0",
			},
		},
		"An access log has no app-errors filter to override.": {
			cfg: api(func(s *Service) {
				s.Format.Type = FormatAccess
				s.Alarms = map[string]AlarmOverride{"app-errors": {Disabled: true}}
			}),
			want: map[string]string{"services[0].logAlarms.app-errors": "for access logs"},
		},
		"A team's filter needs a slug, a pattern, and a name no shipped filter has.": {
			cfg: api(func(s *Service) {
				s.Filters = []CustomFilter{{Name: "Payment Failures", Pattern: "x"}, {Name: "http-5xx", Pattern: "x"}, {Name: "empty"}, {Name: "empty", Pattern: "y"}}
			}),
			want: map[string]string{
				"services[0].logFilters[0].name":    "must be a filter slug",
				"services[0].logFilters[1].name":    "is a filter vigil ships",
				"services[0].logFilters[2].pattern": "is required",
				"services[0].logFilters[3].name":    "",
			},
		},
		"A team's pattern that does not parse says the column and what was expected.": {
			cfg:  api(func(s *Service) { s.Filters = []CustomFilter{{Name: "slow", Pattern: `{ $.latency > fast }`}} }),
			want: map[string]string{"services[0].logFilters[0].pattern": "column 15: expected a number after >"},
		},
		"A team's filter with three regular expressions breaks the limit of two.": {
			cfg:  api(func(s *Service) { s.Filters = []CustomFilter{{Name: "re", Pattern: `%a% %b% %c%`}} }),
			want: map[string]string{"services[0].logFilters[0].pattern": "at most 2 regular expressions"},
		},
		"A pattern of 1025 characters is too long.": {
			cfg: api(func(s *Service) {
				s.Filters = []CustomFilter{{Name: "long", Pattern: `"` + strings.Repeat("a", 1023) + `"`}}
			}),
			want: map[string]string{"services[0].logFilters[0].pattern": "at most 1024 characters, got 1025"},
		},
		"A metric value that is no field of the pattern is refused.": {
			cfg: api(func(s *Service) {
				s.Filters = []CustomFilter{{Name: "slow", Pattern: `{ $.latency > 1000 }`, Value: "$.duration"}}
			}),
			want: map[string]string{"services[0].logFilters[0].value": "$.duration is not a field the pattern tests"},
		},
		"A team's filter with a bad statistic, unit, threshold, severity and period reports all five.": {
			cfg: api(func(s *Service) {
				s.Filters = []CustomFilter{{Name: "x", Pattern: "x", Statistic: "p99", Unit: "Parsecs", Threshold: f64(-1), Severity: "page", Period: 45}}
			}),
			want: map[string]string{
				"services[0].logFilters[0].statistic": "must be one of Sum",
				"services[0].logFilters[0].unit":      `"Parsecs"`,
				"services[0].logFilters[0].threshold": "greater than 0, got -1",
				"services[0].logFilters[0].severity":  `"page"`,
				"services[0].logFilters[0].period":    "10, 20, 30 or a multiple of 60 seconds, got 45",
			},
		},
		"A reserved AWS/ namespace is refused for every filter.": {
			cfg: func() Config {
				c := api(func(s *Service) { s.Format.Type = FormatAccess })
				c.Options.Namespace = "AWS/Logs"
				return c
			}(),
			want: map[string]string{"services[0].logAlarms.http-4xx.namespace": "reserved"},
		},
		"A bad name prefix is refused before anything is named.": {
			cfg:  Config{Options: Options{NamePrefix: "-prod"}},
			want: map[string]string{"Options.NamePrefix": "starting with a letter or digit"},
		},
		"A cloudTrail with both or neither source is refused.": {
			cfg:  Config{Options: Options{NamePrefix: "p", AccountID: "123456789012"}, CloudTrail: &CloudTrail{LogGroup: "trail", Create: true}},
			want: map[string]string{"cloudTrail": "not both"},
		},
		"A created trail needs a retention CloudWatch Logs accepts and the account.": {
			cfg:  Config{Options: Options{NamePrefix: "p"}, CloudTrail: &CloudTrail{Create: true, RetentionDays: 366}},
			want: map[string]string{"cloudTrail.retentionDays": "got 366", "Options.AccountID": ""},
		},
		"CIS alarms must go to a topic that has a subscription.": {
			cfg: Config{
				Options:    Options{NamePrefix: "p", Subscribed: map[alerts.Severity]bool{alerts.Critical: true, alerts.Low: true}},
				CloudTrail: &CloudTrail{LogGroup: "trail"},
			},
			want: map[string]string{"cloudTrail.severity": "the high topic has no subscription"},
		},
		"A prefix that makes a bucket name of 64 characters is refused.": {
			cfg:  Config{Options: Options{NamePrefix: strings.Repeat("p", 64-len("-cloudtrail-123456789012")), AccountID: "123456789012"}, CloudTrail: &CloudTrail{Create: true}},
			want: map[string]string{"cloudTrail.create": "longer than S3's 63 characters"},
		},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := Build(c.cfg)
			require.Error(t, err)
			got := map[string]string{}
			for _, p := range problems(t, err) {
				got[p.Path] += p.Message + "; "
			}
			for path, msg := range c.want {
				if assert.Contains(t, got, path, "problems: %v", got) {
					assert.Contains(t, got[path], msg)
				}
			}
		})
	}
}

func TestTheBoundariesThatAreStillAccepted(t *testing.T) {
	for name, cfg := range map[string]Config{
		"Ten error levels.": api(func(s *Service) {
			for i := 0; i < 10; i++ {
				s.Format.ErrorLevels = append(s.Format.ErrorLevels, fmt.Sprintf("L%d", i))
			}
		}),
		"A status key of 20 characters.": api(func(s *Service) { s.Format = Format{Type: FormatText, StatusKey: strings.Repeat("k", 20)} }),
		"A pattern of 1024 characters.": api(func(s *Service) {
			s.Filters = []CustomFilter{{Name: "long", Pattern: `"` + strings.Repeat("a", 1022) + `"`}}
		}),
		"Two regular expressions in one pattern.": api(func(s *Service) { s.Filters = []CustomFilter{{Name: "re", Pattern: `%a% %b%`}} }),
		"A bucket name of 63 characters.": {
			Options:    Options{NamePrefix: strings.Repeat("p", 63-len("-cloudtrail-123456789012")), AccountID: "123456789012"},
			CloudTrail: &CloudTrail{Create: true},
		},
		"A threshold just above 0.": api(func(s *Service) { s.Alarms = map[string]AlarmOverride{"http-4xx": {Threshold: f64(0.001)}} }),
		"CIS alarms to the only subscribed severity.": {
			Options:    Options{NamePrefix: "p", Subscribed: map[alerts.Severity]bool{alerts.Low: true}},
			CloudTrail: &CloudTrail{LogGroup: "trail", Severity: "low"},
		},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := Build(cfg)
			assert.NoError(t, err)
		})
	}
}

func TestALogGroupHoldsAtMost100FiltersCountingEveryServiceThatShares(t *testing.T) {
	shared := func(n int) Config {
		return Config{Options: Options{NamePrefix: "p"}, Services: []Service{
			{Name: "api", LogGroup: "/ecs/shared"},                          // 4 shipped
			{Name: "web", LogGroup: "/ecs/shared", Filters: custom(n, "x")}, // 4 shipped + n
		}}
	}
	set, err := Build(shared(92))
	require.NoError(t, err, "100 filters fit")
	assert.Len(t, set.Filters, 100)
	_, err = Build(shared(93))
	require.Error(t, err)
	ps := problems(t, err)
	require.Len(t, ps, 1, "%v", ps)
	assert.Equal(t, "services[0].logGroup", ps[0].Path, "reported on the log group's first service")
	assert.Contains(t, ps[0].Message, "at most 100 metric filters, got 101")
}

func TestALogGroupHoldsAtMostFiveRegexFilters(t *testing.T) {
	// A plain-text log ships two regex filters (4xx, 5xx): three more fit, four do not.
	withRegex := func(n int) Config {
		return api(func(s *Service) { s.Format.Type = FormatText; s.Filters = custom(n, `%timeout\d+%`) })
	}
	_, err := Build(withRegex(3))
	require.NoError(t, err)
	_, err = Build(withRegex(4))
	require.Error(t, err)
	ps := problems(t, err)
	require.Len(t, ps, 1, "%v", ps)
	assert.Equal(t, "services[0].logGroup", ps[0].Path)
	assert.Contains(t, ps[0].Message, "at most 5 metric filters that use regular expressions, got 6")
	assert.Contains(t, ps[0].Message, "vigil-prod-api-http-4xx, vigil-prod-api-http-5xx, vigil-prod-api-f0")
}

func TestTwoServicesOfTheSameNameCollideOnTheirAlarmAndMetricNames(t *testing.T) {
	_, err := Build(Config{Options: Options{NamePrefix: "p"}, Services: []Service{
		{Name: "api", LogGroup: "/a"}, {Name: "api", LogGroup: "/b"},
	}})
	require.Error(t, err)
	var dup []string
	for _, p := range problems(t, err) {
		if strings.Contains(p.Message, "duplicate alarm name") {
			dup = append(dup, p.Path)
		}
	}
	assert.Contains(t, dup, "services[1].logAlarms.http-5xx.name")
	for _, p := range problems(t, err) {
		assert.NotContains(t, p.Path, ".alarms.", "cloudwatch's paths are turned into config paths")
	}
}

func TestTheCloudTrailConfigIsReportedUnderItsOwnPath(t *testing.T) {
	_, err := Build(Config{Options: Options{NamePrefix: "p"}, CloudTrail: &CloudTrail{LogGroup: "bad name"}, CloudTrailPath: "vigil:cloudTrail"})
	require.Error(t, err)
	ps := problems(t, err)
	require.Len(t, ps, 1, "%v", ps)
	assert.Equal(t, "vigil:cloudTrail.logGroup", ps[0].Path)

	// 15 CIS filters and 86 of the team's on the same log group make 101.
	cfg := Config{Options: Options{NamePrefix: "p"}, CloudTrail: &CloudTrail{LogGroup: "trail"}, CloudTrailPath: "vigil:cloudTrail",
		Services: []Service{{Name: "audit", LogGroup: "trail", Format: Format{Type: FormatAccess}, Filters: custom(83, "x")}}}
	_, err = Build(cfg)
	require.Error(t, err)
	ps = problems(t, err)
	require.Len(t, ps, 1, "%v", ps)
	assert.Equal(t, "services[0].logGroup", ps[0].Path)
	assert.Contains(t, ps[0].Message, "got 101")
	cfg.Services[0].Filters = custom(82, "x")
	_, err = Build(cfg)
	assert.NoError(t, err, "100 fit")
}

func TestValidateChecksAHandBuiltSetsQueriesAndTrail(t *testing.T) {
	set, err := Build(sample())
	require.NoError(t, err)
	require.NoError(t, Validate(set), "what Build returns is valid")

	set.Queries = append([]Query(nil), set.Queries...)
	set.Queries[0].Name = strings.Repeat("q", 256)
	set.Queries[1].LogGroups = nil
	set.Queries[2].QueryString = strings.Repeat("x", MaxQueryLength+1)
	set.Queries[3].Name = set.Queries[4].Name
	trail := *set.Trail
	trail.BucketName = "Vigil-Prod"
	trail.RetentionDays = 0
	trail.LogGroupName = "/somewhere/else"
	set.Trail = &trail
	err = Validate(set)
	require.Error(t, err)
	got := map[string]string{}
	for _, p := range problems(t, err) {
		got[p.Path] += p.Message + "; "
	}
	assert.Contains(t, got["services[0].queries.top-5xx-paths"], "which must be 1-255 characters")
	assert.Contains(t, got["services[0].queries.slowest-requests"], "reads 1-50 log groups, got 0")
	assert.Contains(t, got["services[0].queries.frequent-error-messages"], "1-10000 characters, got 10001")
	assert.Contains(t, got, "queries[4].name")
	assert.Contains(t, got["cloudTrail.bucketName"], `"Vigil-Prod"`)
	assert.Contains(t, got["cloudTrail.retentionDays"], "got 0")
	assert.Contains(t, got["cloudTrail.logGroupName"], `the trail delivers to "/somewhere/else" but the CIS filters read "/vigil/vigil-prod/cloudtrail"`)

	set, _ = Build(sample())
	set.Queries[0].Name = strings.Repeat("q", 255)
	assert.NoError(t, Validate(set), "255 characters fit")
}

func TestATeamsSampleLinesAreCheckedBeforeDeploy(t *testing.T) {
	cfg := api(func(s *Service) {
		s.Filters = []CustomFilter{{Name: "declined", Pattern: `{ $.event = "payment.declined" }`, Samples: Samples{
			Match:   []string{`{"event":"payment.declined"}`, `{"event":"payment.refused"}`},
			NoMatch: []string{`{"event":"payment.accepted"}`, `{"event":"payment.declined","retry":true}`},
		}}}
	})
	_, err := Build(cfg)
	require.Error(t, err)
	ps := problems(t, err)
	require.Len(t, ps, 2, "%v", ps)
	assert.Equal(t, "services[0].logFilters[0].samples.match[1]", ps[0].Path)
	assert.Contains(t, ps[0].Message, "does not count this line")
	assert.Equal(t, "services[0].logFilters[0].samples.noMatch[1]", ps[1].Path)
	assert.Contains(t, ps[1].Message, "counts this line")

	cfg.Services[0].Filters[0].Samples = Samples{Match: []string{`{"event":"payment.declined"}`}, NoMatch: []string{`{"event":"payment.accepted"}`}}
	_, err = Build(cfg)
	assert.NoError(t, err)

	cfg.Services[0].Filters[0].Pattern = `{ $.event = }`
	_, err = Build(cfg)
	require.Error(t, err)
	ps = problems(t, err)
	require.Len(t, ps, 1, "a pattern that does not parse is reported once, not once per sample: %v", ps)
	assert.Equal(t, "services[0].logFilters[0].pattern", ps[0].Path)
}
