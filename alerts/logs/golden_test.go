package logs

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vigilops/vigil/alerts"
	"github.com/vigilops/vigil/alerts/cloudwatch"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// sample is a stack with one service of each log format, a team's own filters, an
// override, and a created trail.
func sample() Config {
	return Config{
		Options: Options{
			NamePrefix: "vigil-prod", AccountID: "123456789012",
			RunbookBaseURL: "https://github.com/vigilops/vigil/blob/main/docs/runbooks.md",
			Subscribed:     map[alerts.Severity]bool{alerts.High: true},
			Tags:           map[string]string{"team": "reservations"},
		},
		Services: []Service{
			{Name: "api", Path: "services[0]", LogGroup: "/ecs/prod/api",
				Format: Format{Fields: JSONFields{Duration: "latency_ms", RequestID: "trace.id"}},
				Filters: []CustomFilter{
					{Name: "payment-declined", Pattern: `{ $.event = "payment.declined" }`, Threshold: f64(3), Severity: "high", DefaultValue: f64(-1)},
					{Name: "slow-checkout", Pattern: `{ $.path = "/checkout" && $.latency_ms > 0 }`, Value: "$.latency_ms", Unit: "Milliseconds", Threshold: f64(2000)},
				},
				Alarms: map[string]AlarmOverride{"http-4xx": {Disabled: true}, "http-5xx": {Threshold: f64(25), Severity: "critical"}}},
			{Name: "web", Path: "services[2]", LogGroup: "/ecs/prod/web", Format: Format{Type: FormatAccess}},
			{Name: "worker", Path: "services[1]", LogGroup: "/ecs/prod/worker", Format: Format{Type: FormatText, ErrorLevels: []string{"ERROR", "PANIC"}}},
		},
		CloudTrail: &CloudTrail{Create: true},
	}
}

// render writes a set as a reviewer reads it. Of each description it keeps the first
// line, the summary and the condition: the rest is cloudwatch.Describe's.
func render(s Set) string {
	var b strings.Builder
	for _, f := range s.Filters {
		a := f.Alarm
		def := "none"
		if d := f.Metric.DefaultValue; d != nil {
			def = fmt.Sprint(*d)
		}
		fmt.Fprintf(&b, "filter %s (%s)\n  log group: %s\n  pattern:   %s\n  metric:    %s/%s value %s default %s unit %q\n  alarm:     %s %s, %s\n  desc:      %s\n",
			f.Name, f.Path, f.LogGroup, f.Pattern, f.Metric.Namespace, f.Metric.Name, f.Metric.MetricValue, def, f.Metric.Unit,
			a.Severity, a.Name, a.TreatMissingData, strings.SplitN(a.Description, "\n", 2)[0])
	}
	for _, q := range s.Queries {
		fmt.Fprintf(&b, "query %s on %s\n  %s\n", q.Name, strings.Join(q.LogGroups, ", "), strings.ReplaceAll(q.QueryString, "\n", "\n  "))
	}
	if t := s.Trail; t != nil {
		fmt.Fprintf(&b, "trail %s -> s3://%s, log group %s (%d days), key %s, role %s\n", t.Name, t.BucketName, t.LogGroupName, t.RetentionDays, t.KeyAlias, t.RoleName)
	}
	return b.String()
}

func TestTheSampleStacksFiltersQueriesAndTrailAreTheGoldenOnes(t *testing.T) {
	set, err := Build(sample())
	require.NoError(t, err)
	got := render(set)
	path := filepath.Join("testdata", "sample-set.txt")
	if *update {
		require.NoError(t, os.MkdirAll("testdata", 0o755))
		require.NoError(t, os.WriteFile(path, []byte(got), 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run go test ./alerts/logs -update")
	assert.Equal(t, string(want), got)
}

func TestTheSampleStacksSetInNumbers(t *testing.T) {
	set, err := Build(sample())
	require.NoError(t, err)
	// api: 3 shipped (4xx disabled) + 2 own; web: 3; worker: 4; CIS: 15.
	assert.Len(t, set.Filters, 3+2+3+4+15)
	// api: 4 queries; web: 1; worker: 3.
	assert.Len(t, set.Queries, 8)
	for _, f := range set.Filters {
		assert.Equal(t, cloudwatch.Describe(f.Alarm), f.Alarm.Description, "%s is described as every vigil alarm is", f.Name)
		if f.Alarm.RunbookURL != "" {
			assert.Contains(t, f.Alarm.Description, f.Alarm.RunbookURL)
		}
	}
	own, _ := set.Find("api-payment-declined")
	assert.Empty(t, own.Alarm.RunbookURL, "a team's filter has no section in vigil's runbooks")
	shipped, _ := set.Find("api-http-502")
	assert.Equal(t, "https://github.com/vigilops/vigil/blob/main/docs/runbooks.md#http-502", shipped.Alarm.RunbookURL)
	require.NotNil(t, set.Trail)
	assert.Equal(t, set.Trail.LogGroupName, set.CISLogGroup)
	_, disabled := set.Find("vigil-prod-api-http-4xx")
	assert.False(t, disabled, "a disabled filter is left out")
	five, ok := set.Find("api-http-5xx")
	require.True(t, ok, "found without the prefix")
	assert.Equal(t, 25.0, five.Alarm.Threshold)
	assert.Equal(t, alerts.Critical, five.Alarm.Severity)
	slow, ok := set.Find("vigil-prod-api-slow-checkout")
	require.True(t, ok)
	require.NotNil(t, slow.Metric.DefaultValue, "every filter's metric has a default value")
	assert.Equal(t, 0.0, *slow.Metric.DefaultValue)
	assert.Equal(t, "Maximum", slow.Alarm.Statistic, "the zeros of other events leave the maximum alone")
	mf, err := slow.Compile()
	require.NoError(t, err)
	r := mf.Match(`{"path":"/checkout","latency_ms":2400}`)
	require.NotNil(t, r.Value)
	assert.Equal(t, 2400.0, *r.Value)
	other := mf.Match(`{"path":"/orders","latency_ms":2400}`)
	assert.False(t, other.Matched)
	require.NotNil(t, other.Value)
	assert.Equal(t, 0.0, *other.Value, "the default value")
	for _, f := range set.Filters {
		assert.NotNil(t, f.Metric.DefaultValue, "%s has a default value", f.Name)
		assert.Empty(t, f.Metric.Dimensions, "%s has no dimensions", f.Name)
		assert.Equal(t, DefaultNamespace, f.Metric.Namespace, f.Name)
	}
}
