package logfilters

import (
	"fmt"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vigilops/vigil/alerts"
	"github.com/vigilops/vigil/alerts/logs"
	"github.com/vigilops/vigil/components/alarms"
	"github.com/vigilops/vigil/components/iampolicy"
	"github.com/vigilops/vigil/internal/mockcloud"
)

const (
	account = "123456789012"
	region  = "eu-west-1"
)

func topicARN(sev alerts.Severity) string {
	return fmt.Sprintf("arn:aws:sns:%s:%s:vigil-prod-%s", region, account, sev)
}

func topics() map[alerts.Severity]pulumi.StringInput {
	out := map[alerts.Severity]pulumi.StringInput{}
	for _, s := range alerts.Severities() {
		out[s] = pulumi.String(topicARN(s))
	}
	return out
}

// build is a stack with a JSON service, a plain-text one with a team's filter, and the
// CIS filters, on an existing log group or on a created trail.
func build(t *testing.T, createTrail bool) logs.Set {
	t.Helper()
	ct := &logs.CloudTrail{LogGroup: "aws-cloudtrail-logs-" + account}
	if createTrail {
		ct = &logs.CloudTrail{Create: true, RetentionDays: 400}
	}
	threshold := 2.0
	set, err := logs.Build(logs.Config{
		Options: logs.Options{NamePrefix: "vigil-prod", AccountID: account, RunbookBaseURL: "https://example.com/runbooks.md",
			Subscribed: map[alerts.Severity]bool{alerts.High: true}, Tags: map[string]string{"team": "reservations"}},
		Services: []logs.Service{
			{Name: "api", Path: "services[0]", LogGroup: "/ecs/prod/api"},
			{Name: "worker", Path: "services[1]", LogGroup: "/ecs/prod/worker", Format: logs.Format{Type: logs.FormatText},
				Filters: []logs.CustomFilter{{Name: "job-retries", Pattern: `"retrying job"`, Threshold: &threshold, Severity: "low"}}},
		},
		CloudTrail: ct,
	})
	require.NoError(t, err)
	return set
}

func deploy(t *testing.T, args *LogFiltersArgs) (*mockcloud.Cloud, error) {
	t.Helper()
	c := mockcloud.New("vigil", "test", account, region)
	err := pulumi.RunErr(func(ctx *pulumi.Context) error {
		_, err := NewLogFilters(ctx, "logs", args)
		return err
	}, pulumi.WithMocks("vigil", "test", c))
	return c, err
}

func args(set logs.Set) *LogFiltersArgs {
	return &LogFiltersArgs{Region: region, AccountID: account, Set: set, Topics: topics(), Tags: map[string]string{"vigil:stack": "prod"}}
}

func str(t *testing.T, r mockcloud.Resource, path string) string {
	t.Helper()
	v, ok := r.String(path)
	require.True(t, ok, "%s %s has no plain string input %s", r.Type, r.Name, path)
	return v
}

func in(t *testing.T, r mockcloud.Resource, path string) any {
	t.Helper()
	v, ok := r.Input(path)
	require.True(t, ok, "%s %s has no input %s", r.Type, r.Name, path)
	return v
}

const (
	filterType = "aws:cloudwatch/logMetricFilter:LogMetricFilter"
	alarmType  = "aws:cloudwatch/metricAlarm:MetricAlarm"
	queryType  = "aws:cloudwatch/queryDefinition:QueryDefinition"
)

func TestEveryFilterIsRegisteredWithItsPatternMetricAndDefault(t *testing.T) {
	set := build(t, false)
	c, err := deploy(t, args(set))
	require.NoError(t, err)
	comp, ok := c.Named(TypeToken, "logs")
	require.True(t, ok)
	require.Len(t, c.ByType(filterType), len(set.Filters))
	for _, f := range set.Filters {
		r, ok := c.Named(filterType, "logs-"+f.Resource+"-"+f.Slug)
		require.True(t, ok, f.Name)
		assert.Equal(t, comp.URN, r.Parent, "%s is a child of the component", f.Name)
		assert.Equal(t, f.Name, str(t, r, "name"))
		assert.Equal(t, f.LogGroup, str(t, r, "logGroupName"))
		assert.Equal(t, f.Pattern, str(t, r, "pattern"))
		assert.Equal(t, f.Name, str(t, r, "metricTransformation.name"), "the metric is named like the filter")
		assert.Equal(t, logs.DefaultNamespace, str(t, r, "metricTransformation.namespace"))
		assert.Equal(t, "1", str(t, r, "metricTransformation.value"))
		assert.Equal(t, "0", str(t, r, "metricTransformation.defaultValue"))
		assert.Equal(t, "Count", str(t, r, "metricTransformation.unit"))
		_, hasDims := r.Input("metricTransformation.dimensions")
		assert.False(t, hasDims, "%s publishes a dimension-free metric", f.Name)
	}
	cis, ok := c.Named(filterType, "logs-cloudtrail-cis-root-account-usage")
	require.True(t, ok)
	assert.Equal(t, "aws-cloudtrail-logs-"+account, str(t, cis, "logGroupName"), "an existing trail's log group is used by name")
	assert.Empty(t, c.ByType("aws:cloudtrail/trail:Trail"), "no trail is created for an existing log group")
}

func TestEveryAlarmWatchesItsFiltersMetricAndNotifiesItsSeverity(t *testing.T) {
	set := build(t, false)
	c, err := deploy(t, args(set))
	require.NoError(t, err)
	alarmComp, ok := c.Named(alarms.TypeToken, "logs-alarms")
	require.True(t, ok, "the alarms go through components/alarms")
	comp, _ := c.Named(TypeToken, "logs")
	assert.Equal(t, comp.URN, alarmComp.Parent)
	require.Len(t, c.ByType(alarmType), len(set.Filters))
	for _, f := range set.Filters {
		r, ok := c.Named(alarmType, "logs-alarms-"+f.Resource+"-"+f.Slug)
		require.True(t, ok, f.Name)
		a := f.Alarm
		assert.Equal(t, alarmComp.URN, r.Parent)
		assert.Equal(t, f.Name, str(t, r, "name"))
		assert.Equal(t, f.Name, str(t, r, "metricName"))
		assert.Equal(t, logs.DefaultNamespace, str(t, r, "namespace"))
		assert.Equal(t, "Sum", str(t, r, "statistic"))
		assert.Equal(t, 300.0, in(t, r, "period"))
		assert.Equal(t, 1.0, in(t, r, "evaluationPeriods"))
		assert.Equal(t, 1.0, in(t, r, "datapointsToAlarm"))
		assert.Equal(t, a.Threshold, in(t, r, "threshold"))
		assert.Equal(t, "GreaterThanOrEqualToThreshold", str(t, r, "comparisonOperator"))
		assert.Equal(t, "notBreaching", str(t, r, "treatMissingData"))
		assert.Equal(t, a.Description, str(t, r, "alarmDescription"))
		assert.Equal(t, []any{topicARN(a.Severity)}, in(t, r, "alarmActions"), f.Name)
		assert.Equal(t, []any{topicARN(a.Severity)}, in(t, r, "okActions"), f.Name)
		assert.Equal(t, map[string]any{}, in(t, r, "dimensions"), "%s watches a metric without dimensions", f.Name)
		assert.Equal(t, "prod", str(t, r, `tags["vigil:stack"]`))
		assert.Equal(t, f.Slug, str(t, r, `tags["vigil:alarm"]`))
		if f.CIS != "" {
			assert.Equal(t, 1.0, in(t, r, "threshold"), "CIS: Sum >= 1")
			assert.Equal(t, topicARN(alerts.High), in(t, r, "alarmActions").([]any)[0])
			assert.Equal(t, f.CIS, str(t, r, `tags["vigil:cis"]`))
		}
	}
	own, ok := c.Named(alarmType, "logs-alarms-worker-job-retries")
	require.True(t, ok)
	assert.Equal(t, 2.0, in(t, own, "threshold"))
	assert.Equal(t, []any{topicARN(alerts.Low)}, in(t, own, "alarmActions"))
}

func TestEverySavedQueryIsRegisteredOnItsServicesLogGroup(t *testing.T) {
	set := build(t, false)
	c, err := deploy(t, args(set))
	require.NoError(t, err)
	require.Len(t, c.ByType(queryType), len(set.Queries))
	require.Len(t, set.Queries, 4+3)
	for _, q := range set.Queries {
		r, ok := c.Named(queryType, "logs-"+q.Resource+"-"+q.Slug+"-query")
		require.True(t, ok, q.Name)
		assert.Equal(t, q.Name, str(t, r, "name"))
		assert.Equal(t, q.QueryString, str(t, r, "queryString"))
		assert.Equal(t, []any{q.LogGroups[0]}, in(t, r, "logGroupNames"))
	}
	r, _ := c.Named(queryType, "logs-api-top-5xx-paths-query")
	assert.Equal(t, "vigil-prod/api/top-5xx-paths", str(t, r, "name"))
	assert.Contains(t, str(t, r, "queryString"), "stats count(*) as errors by path")
}

func TestInvalidArgsAreOneErrorAndCreateNothing(t *testing.T) {
	set := build(t, true)
	broken := set
	broken.Filters = append([]logs.Filter(nil), set.Filters...)
	broken.Filters[0].Pattern = `{ $.status = }`
	a := args(broken)
	a.Region = "europe"
	a.AccountID = "12"
	a.KeyDeletionWindowDays = 6
	delete(a.Topics, alerts.High)
	c, err := deploy(t, a)
	require.Error(t, err)
	msg := err.Error()
	for _, want := range []string{
		"Region:", "AccountID:", "KeyDeletionWindowDays: must be between 7 and 30, got 6",
		"Topics.high: is required", "Set.services[0].logAlarms.http-4xx.pattern: is not a valid filter pattern: column",
	} {
		assert.Contains(t, msg, want)
	}
	assert.Empty(t, c.Resources(), "nothing is registered, not even the component")

	a = args(set)
	a.KeyDeletionWindowDays = 7
	_, err = deploy(t, a)
	assert.NoError(t, err, "7 days is the shortest window KMS takes")
	a.KeyDeletionWindowDays = 31
	_, err = deploy(t, a)
	assert.ErrorContains(t, err, "got 31")
}

func TestAnEmptySetCreatesOnlyTheComponent(t *testing.T) {
	c, err := deploy(t, &LogFiltersArgs{Region: region})
	require.NoError(t, err)
	require.Len(t, c.Resources(), 1)
	assert.Equal(t, TypeToken, c.Resources()[0].Type)
}

func TestPoliciesPassVigilsLint(t *testing.T) {
	for name, d := range map[string]iampolicy.Document{
		"key":      KeyPolicy(region, account, "vigil-prod-trail", "b", "/g"),
		"bucket":   BucketPolicy(region, account, "vigil-prod-trail", "b"),
		"delivery": DeliveryPolicy(region, account, "/g"),
	} {
		assert.Empty(t, d.Lint(), name)
	}
	assert.NotContains(t, TrustPolicy(region, account, "t").JSON(), "Resource", "IAM refuses a Resource in a trust policy")
	assert.True(t, strings.HasPrefix(newARNs("cn-north-1", account, "t", "b", "g").trail, "arn:aws-cn:cloudtrail:cn-north-1:"))
}

func TestTwoRunsRegisterTheSameResourcesWithTheSameInputs(t *testing.T) {
	first, err := deploy(t, args(build(t, true)))
	require.NoError(t, err)
	second, err := deploy(t, args(build(t, true)))
	require.NoError(t, err)
	a, b := first.Resources(), second.Resources()
	require.Equal(t, len(a), len(b))
	for i := range a {
		assert.Equal(t, a[i].URN, b[i].URN)
		assert.Equal(t, a[i].Plain(), b[i].Plain(), a[i].URN)
	}
}
