package stacks

import (
	"fmt"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vigilops/vigil/internal/mockcloud"
)

// providerCloud records the provider each resource was given.
type providerCloud struct {
	*mockcloud.Cloud
	mu        sync.Mutex
	providers map[string]string
}

func (c *providerCloud) NewResource(args pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	c.mu.Lock()
	c.providers[args.TypeToken+" "+args.Name] = args.Provider
	c.mu.Unlock()
	return c.Cloud.NewResource(args)
}

func deployUnderMocks(t *testing.T, region string, cfg map[string]any) *providerCloud {
	t.Helper()
	values := prodValues(cfg)
	values["aws:region"] = region
	env, err := FromValues("vigil", "prod", values, []string{"vigil:notifications"})
	require.NoError(t, err)
	cloud := &providerCloud{Cloud: mockcloud.New("vigil", "prod", env.AccountID, region), providers: map[string]string{}}
	require.NoError(t, pulumi.RunErr(func(ctx *pulumi.Context) error {
		_, err := Deploy(ctx, env)
		return err
	}, pulumi.WithMocks("vigil", "prod", cloud)))
	return cloud
}

const (
	metricAlarm = "aws:cloudwatch/metricAlarm:MetricAlarm"
	snsTopic    = "aws:sns/topic:Topic"
)

// The config's thresholds and overrides reach the registered alarms, and each alarm
// notifies the topic of its severity on ALARM and on OK.
func TestTheStacksAlarmsCarryItsThresholdsAndNotifyTheirSeveritysTopic(t *testing.T) {
	c := deployUnderMocks(t, "eu-west-1", map[string]any{
		"vigil:services": []map[string]any{{
			"name": "api", "ecs": map[string]any{"cluster": "prod-main", "service": "api"},
			"alarms":         map[string]any{"cpuPercent": 70},
			"alarmOverrides": map[string]any{"ecs-memory-high": map[string]any{"severity": "low", "period": 300}},
		}},
		"vigil:queues":         []map[string]any{{"name": "events", "deadLetterQueue": "events-dlq"}},
		"vigil:alarmOverrides": map[string]any{"queue": map[string]any{"sqs-backlog": map[string]any{"threshold": 250, "disabled": false}}},
	})
	topicARN := func(sev string) string {
		topic, ok := c.Named(snsTopic, "notify-"+sev)
		require.True(t, ok, "topic %s", sev)
		return "arn:aws:sns:eu-west-1:123456789012:" + topic.Plain()["name"].(string)
	}
	cpu, ok := c.Named(metricAlarm, "alarms-api-ecs-cpu-high")
	require.True(t, ok)
	plain := cpu.Plain()
	assert.Equal(t, 70.0, plain["threshold"])
	assert.Equal(t, []any{topicARN("medium")}, plain["alarmActions"])
	assert.Equal(t, []any{topicARN("medium")}, plain["okActions"])

	mem, ok := c.Named(metricAlarm, "alarms-api-ecs-memory-high")
	require.True(t, ok)
	plain = mem.Plain()
	assert.Equal(t, []any{topicARN("low")}, plain["alarmActions"], "the item's severity override")
	assert.Equal(t, 85.0, plain["threshold"], "the tier default")

	backlog, ok := c.Named(metricAlarm, "alarms-events-sqs-backlog")
	require.True(t, ok)
	assert.Equal(t, 250.0, backlog.Plain()["threshold"], "the kind's override")
	assert.Equal(t, "ApproximateNumberOfMessagesVisible", backlog.Plain()["metricName"])
	assert.Equal(t, map[string]any{"QueueName": "events"}, backlog.Plain()["dimensions"])

	for _, r := range c.ByType(metricAlarm) {
		assert.True(t, strings.HasPrefix(r.Plain()["name"].(string), "vigil-prod-"), "alarm %s is named from the prefix", r.Name)
		assert.Equal(t, "", c.providers[metricAlarm+" "+r.Name], "alarm %s lives in the stack's region", r.Name)
	}
}

// Route 53's health-check metrics exist only in us-east-1: a stack in eu-west-1 puts its
// uptime alarm there, with a provider for that region, notifying topics created there.
func TestUptimeAlarmsOfAStackElsewhereLiveInUSEast1WithTopicsThere(t *testing.T) {
	cfg := map[string]any{"vigil:services": []map[string]any{{"name": "api", "healthCheckUrl": "https://api.example.com/health"}}}
	c := deployUnderMocks(t, "eu-west-1", cfg)
	uptime, ok := c.Named(metricAlarm, "alarms-api-uptime-check-failed")
	require.True(t, ok)
	east := c.providers[metricAlarm+" "+uptime.Name]
	require.Contains(t, east, "aws-us-east-1", "the uptime alarm is created with the us-east-1 provider")
	provider, ok := c.Named("pulumi:providers:aws", "aws-us-east-1")
	require.True(t, ok)
	assert.Equal(t, "us-east-1", provider.Plain()["region"])
	eastCritical, ok := c.Named(snsTopic, "notify-us-east-1-critical")
	require.True(t, ok, "critical topic in us-east-1")
	assert.Equal(t, east, c.providers[snsTopic+" "+eastCritical.Name], "the us-east-1 topics use the same provider")
	// The mock answers every topic with an ARN of its own region; the provider above
	// is what places both in us-east-1.
	assert.Equal(t, []any{"arn:aws:sns:eu-west-1:123456789012:" + eastCritical.Plain()["name"].(string)}, uptime.Plain()["alarmActions"])
	assert.Equal(t, "vigil-prod-critical", eastCritical.Plain()["name"])
	regional, ok := c.Named(snsTopic, "notify-critical")
	require.True(t, ok)
	assert.Equal(t, "", c.providers[snsTopic+" "+regional.Name])

	// In us-east-1 itself no second provider or topic set is made.
	c = deployUnderMocks(t, "us-east-1", cfg)
	_, ok = c.Named("pulumi:providers:aws", "aws-us-east-1")
	assert.False(t, ok)
	_, ok = c.Named(snsTopic, "notify-us-east-1-critical")
	assert.False(t, ok)
	uptime, ok = c.Named(metricAlarm, "alarms-api-uptime-check-failed")
	require.True(t, ok)
	assert.Equal(t, "", c.providers[metricAlarm+" "+uptime.Name])
}

// Problems the alarm builder finds are reported at the config keys that caused them.
func TestAlarmOverridesAreCheckedAtTheirConfigKeys(t *testing.T) {
	_, err := FromValues("vigil", "prod", prodValues(map[string]any{
		"vigil:services": []map[string]any{{
			"name": "api", "ecs": map[string]any{"cluster": "prod-main", "service": "api"},
			"alarmOverrides": map[string]any{
				"ecs-cpu-hihg":    map[string]any{"threshold": 70},
				"ecs-memory-high": map[string]any{"severity": "urgent"},
			},
		}},
		// The service has no load balancer: the kind's override leaves it alone.
		"vigil:alarmOverrides": map[string]any{"service": map[string]any{
			"lb-latency-p99": map[string]any{"evaluationPeriods": 2, "datapointsToAlarm": 3},
			"lb-latency-p90": map[string]any{"threshold": 1},
			"service-health": map[string]any{"disabled": true},
		}},
	}), nil)
	require.Error(t, err)
	got := problemPaths(t, err)
	assert.Equal(t, []string{
		"vigil:alarmOverrides.service.lb-latency-p90",
		"vigil:alarmOverrides.service.service-health",
		"vigil:services[0].alarmOverrides.ecs-cpu-hihg",
		"vigil:services[0].alarmOverrides.ecs-memory-high.severity",
	}, sortedKeys(got))
	assert.Contains(t, err.Error(), "did you mean ecs-cpu-high?")
	assert.Contains(t, err.Error(), "did you mean lb-latency-p95?")

	// Once the overrides name alarms, the limits of CloudWatch apply to what they set.
	_, err = FromValues("vigil", "prod", prodValues(map[string]any{
		"vigil:services": []map[string]any{{
			"name": "api", "ecs": map[string]any{"cluster": "prod-main", "service": "api"},
			"loadBalancer":   "app/prod-public/50dc6c495c0c9188",
			"alarmOverrides": map[string]any{"ecs-memory-high": map[string]any{"period": 45}},
		}},
		"vigil:alarmOverrides": map[string]any{"service": map[string]any{
			"lb-latency-p99": map[string]any{"evaluationPeriods": 2, "datapointsToAlarm": 3},
		}},
	}), nil)
	require.Error(t, err)
	got = problemPaths(t, err)
	assert.Contains(t, got, "vigil:services[0].alarmOverrides.ecs-memory-high.period")
	assert.Contains(t, got, "vigil:alarmOverrides.service.lb-latency-p99.datapointsToAlarm")
	for path := range got {
		assert.True(t, strings.HasPrefix(path, "vigil:"), "problem at %q", path)
	}
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Alertmanager publishes to the topics as its task role: a stack where no role may
// publish is warned that the generated routing reaches nobody (issue 7, item 3).
func TestAStackWhereNoRoleMayPublishIsWarnedThatItsRoutingReachesNobody(t *testing.T) {
	warnings := func(cfg map[string]any) []string {
		env, err := FromValues("vigil", "prod", prodValues(cfg), nil)
		require.NoError(t, err)
		require.NoError(t, pulumi.RunErr(func(ctx *pulumi.Context) error {
			_, err := Deploy(ctx, env)
			return err
		}, pulumi.WithMocks("vigil", "prod", mockcloud.New("vigil", "prod", env.AccountID, env.Region))))
		var out []string
		for _, w := range env.Warnings {
			if strings.HasPrefix(w, AlertmanagerPath+": ") {
				out = append(out, w)
			}
		}
		return out
	}
	got := warnings(nil)
	require.NotEmpty(t, got, "no publisher role: the routing's SNS calls would be refused")
	assert.Contains(t, strings.Join(got, "\n"), "publish")
	assert.Empty(t, warnings(map[string]any{"vigil:publisherRoles": []string{"arn:aws:iam::123456789012:role/alertmanager"}}),
		"a named publisher role makes the path complete")
}

// p95 may equal p99 (a flat distribution); only a p95 above p99 is refused.
func TestEqualLatencyPercentilesAreAllowedAndP95AboveP99IsNot(t *testing.T) {
	svc := func(p95, p99 int) map[string]any {
		return map[string]any{"vigil:services": []map[string]any{{"name": "api", "healthCheckUrl": "https://api.example.com/health",
			"alarms": map[string]any{"latencyP95Ms": p95, "latencyP99Ms": p99}}}}
	}
	_, err := FromValues("vigil", "prod", prodValues(svc(1500, 1500)), nil)
	require.NoError(t, err)
	_, err = FromValues("vigil", "prod", prodValues(svc(1501, 1500)), nil)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "vigil:services[0].alarms.latencyP95Ms: must not be above latencyP99Ms (1500), got 1501")
}

// A service's log group gets the filters of its format, each with its alarm on the
// topic of its severity, and the trail the CIS filters.
func TestLogGroupsGetTheirFiltersAlarmsAndQueriesAndTheTrailItsCISSet(t *testing.T) {
	c := deployUnderMocks(t, "eu-west-1", map[string]any{
		"vigil:services":      []map[string]any{{"name": "web", "logGroup": "/ecs/prod/web", "logFormat": map[string]any{"type": "access"}}},
		"vigil:cloudTrail":    map[string]any{"logGroup": "/aws/cloudtrail/org"},
		"vigil:notifications": map[string]any{"high": map[string]any{"emails": []string{"security@example.com"}}},
	})
	filters := map[string]map[string]any{}
	for _, r := range c.ByType("aws:cloudwatch/logMetricFilter:LogMetricFilter") {
		filters[r.Plain()["name"].(string)] = r.Plain()
	}
	f5xx, ok := filters["vigil-prod-web-http-5xx"]
	require.True(t, ok, "filters: %v", sortedKeys(filters))
	assert.Equal(t, "/ecs/prod/web", f5xx["logGroupName"])
	assert.Contains(t, f5xx["pattern"], "status >= 500")
	_, ok = filters["vigil-prod-web-app-errors"]
	assert.False(t, ok, "an access log holds no application errors")
	cis := 0
	for name, f := range filters {
		if strings.HasPrefix(name, "vigil-prod-cloudtrail-cis-") {
			cis++
			assert.Equal(t, "/aws/cloudtrail/org", f["logGroupName"])
		}
	}
	assert.Equal(t, 15, cis, "CIS 4.1 to 4.15")
	alarm, ok := c.Named(metricAlarm, "logs-alarms-web-http-5xx")
	if !ok {
		for _, r := range c.ByType(metricAlarm) {
			if r.Plain()["name"] == "vigil-prod-web-http-5xx" {
				alarm, ok = r, true
			}
		}
	}
	require.True(t, ok, "the 5xx filter's alarm")
	assert.Equal(t, "vigil/logs", alarm.Plain()["namespace"])
	assert.Equal(t, []any{"arn:aws:sns:eu-west-1:123456789012:vigil-prod-high"}, alarm.Plain()["alarmActions"])
	assert.NotEmpty(t, c.ByType("aws:cloudwatch/queryDefinition:QueryDefinition"))

	_, err := FromValues("vigil", "prod", prodValues(map[string]any{
		"vigil:services": []map[string]any{{"name": "api", "healthCheckUrl": "https://api.example.com/health", "logFilters": []map[string]any{{"name": "x", "pattern": "ERROR"}}}},
	}), nil)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "vigil:services[0].logFilters: needs logGroup")
}

// The plan builds the dashboards of the estate, shows every alarm on one, and deploys
// the CloudWatch ones with the alarms' ARNs in place.
func TestDashboardsShowEveryAlarmAndAreDeployedWithTheirARNs(t *testing.T) {
	cfg := map[string]any{"vigil:services": []map[string]any{{"name": "api",
		"ecs": map[string]any{"cluster": "prod-main", "service": "api"}, "logGroup": "/ecs/prod/api"}}}
	env, err := FromValues("vigil", "prod", prodValues(cfg), nil)
	require.NoError(t, err)
	for _, w := range env.Warnings {
		assert.NotContains(t, w, "is on no dashboard")
	}
	assert.Contains(t, env.Artifacts, "grafana/provisioning/dashboards/vigil.yaml")
	assert.Contains(t, env.Artifacts, "grafana/dashboards/overview.json")
	assert.Contains(t, env.Artifacts, "cloudwatch/dashboards/vigil-prod-overview.json")
	assert.Contains(t, string(env.Artifacts["cloudwatch/dashboards/vigil-prod-overview.json"]), "${alarm:vigil-prod-api-ecs-cpu-high}")

	c := deployUnderMocks(t, "eu-west-1", cfg)
	overview, ok := c.Named("aws:cloudwatch/dashboard:Dashboard", "dashboards-vigil-prod-overview")
	if !ok {
		for _, r := range c.ByType("aws:cloudwatch/dashboard:Dashboard") {
			if r.Plain()["dashboardName"] == "vigil-prod-overview" {
				overview, ok = r, true
			}
		}
	}
	require.True(t, ok, "the overview dashboard is registered")
	body, _ := overview.Plain()["dashboardBody"].(string)
	// The mock gives each alarm an ARN from its logical name; what matters is that the
	// component's ARN replaced the placeholder.
	assert.Contains(t, body, `"arn:aws:cloudwatch:eu-west-1:123456789012:alarms-api-ecs-cpu-high"`)
	assert.Contains(t, body, `"arn:aws:cloudwatch:eu-west-1:123456789012:logs-alarms-api-http-5xx"`)
	assert.NotContains(t, body, "${alarm:")
}

// Chat channels in the config deploy the notifier: its function subscribed to the
// topics its channels want, its secret holding the webhook as a secret, and the topics'
// key letting its log group use it.
func TestChatChannelsDeployTheNotifierWithTheWebhookKeptSecret(t *testing.T) {
	const hook = "https://chat.googleapis.com/v1/spaces/AAAA/messages?key=k&token=planted-notifier-secret"
	values := prodValues(map[string]any{
		"vigil:notifications": map[string]any{"critical": map[string]any{"emails": []string{"oncall@example.com"}}},
		"vigil:notifier": map[string]any{
			"channels":    []map[string]any{{"name": "team-chat", "target": "googlechat", "severities": []string{"critical", "high"}, "webhook": hook}},
			"alarmEmails": []string{"team@example.com"}, "dailySummaryAt": "09:00", "timeZone": "Europe/Berlin",
		},
	})
	env, err := FromValues("vigil", "prod", values, []string{"vigil:notifier", "vigil:notifications"})
	require.NoError(t, err)
	cloud := mockcloud.New("vigil", "prod", env.AccountID, env.Region)
	require.NoError(t, pulumi.RunErr(func(ctx *pulumi.Context) error {
		_, err := Deploy(ctx, env)
		return err
	}, pulumi.WithMocks("vigil", "prod", cloud)))

	fns := cloud.ByType("aws:lambda/function:Function")
	require.Len(t, fns, 1)
	assert.Equal(t, "vigil-prod-notifier", fns[0].Plain()["name"])
	subs := 0
	for _, r := range cloud.ByType("aws:sns/topicSubscription:TopicSubscription") {
		if r.Plain()["protocol"] == "lambda" {
			subs++
		}
	}
	assert.Equal(t, 2, subs, "critical and high only")
	secrets := cloud.ByType("aws:secretsmanager/secretVersion:SecretVersion")
	require.Len(t, secrets, 1)
	assert.True(t, secrets[0].IsSecret("secretString"), "the webhook stays a secret")
	for _, r := range cloud.Resources() {
		assert.NotContains(t, fmt.Sprint(r.Plain()), "planted-notifier-secret", "%s %s", r.Type, r.Name)
	}
	assert.NotEmpty(t, cloud.ByType("aws:scheduler/schedule:Schedule"), "the daily summary")

	_, err = FromValues("vigil", "prod", prodValues(map[string]any{"vigil:notifier": map[string]any{
		"channels": []map[string]any{{"name": "c", "target": "discord", "severities": []string{"urgent"}, "webhook": hook}}}}),
		[]string{"vigil:notifier"})
	require.Error(t, err)
	got := problemPaths(t, err)
	for _, k := range []string{"vigil:notifier.channels[0].target", "vigil:notifier.channels[0].severities[0]", "vigil:notifier.alarmEmails"} {
		assert.Contains(t, got, k)
	}
	assert.NotContains(t, err.Error(), "planted-notifier-secret")

	// A webhook that is not https is refused without repeating it.
	_, err = FromValues("vigil", "prod", prodValues(map[string]any{"vigil:notifier": map[string]any{
		"channels": []map[string]any{{"name": "c", "target": "slack", "severities": []string{"high"},
			"webhook": "http://hooks.example.com/services/planted-notifier-secret"}},
		"alarmEmails": []string{"team@example.com"}}}), []string{"vigil:notifier"})
	require.Error(t, err)
	assert.Contains(t, problemPaths(t, err), "vigil:notifier.channels[0].webhook")
	assert.NotContains(t, err.Error(), "planted-notifier-secret")
}
