package alarms

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vigilops/vigil/alerts"
	cw "github.com/vigilops/vigil/alerts/cloudwatch"
	"github.com/vigilops/vigil/internal/mockcloud"
)

const (
	account  = "123456789012"
	region   = "eu-west-1"
	runbooks = "https://github.com/vigilops/vigil/blob/main/docs/runbooks.md"
)

// cloud is mockcloud's recorder plus the provider each resource was given.
type cloud struct {
	*mockcloud.Cloud
	mu        sync.Mutex
	providers map[string]string // logical name -> provider reference
}

func (c *cloud) NewResource(args pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	c.mu.Lock()
	c.providers[args.Name] = args.Provider
	c.mu.Unlock()
	return c.Cloud.NewResource(args)
}

func estate() cw.Estate {
	return cw.Estate{
		Options: cw.Options{NamePrefix: "vigil-prod", RunbookBaseURL: runbooks, Tags: map[string]string{"team": "reservations"}},
		Services: []cw.Service{{
			Name: "api", Path: "services[0]",
			ECS:          &cw.ECSService{Cluster: "prod", Service: "api"},
			LoadBalancer: "app/prod-public/50dc6c495c0c9188", TargetGroup: "targetgroup/api/943f017f100becff",
			HealthCheckURL: "https://api.example.com/health",
		}},
		Databases: []cw.Database{{Name: "orders-db", Path: "databases[0]", InstanceID: "prod-orders", MaxConnections: 200}},
		Queues:    []cw.Queue{{Name: "orders", Path: "queues[0]", DeadLetterQueue: "orders-dlq"}},
		Hosts:     []cw.HostGroup{{Name: "bastion", Path: "hosts[0]", InstanceIDs: []string{"i-0123456789abcdef0"}}},
	}
}

func topicARN(r, sev string) string {
	return fmt.Sprintf("arn:aws:sns:%s:%s:vigil-prod-%s", r, account, sev)
}

func topics(r string) map[alerts.Severity]pulumi.StringInput {
	out := map[alerts.Severity]pulumi.StringInput{}
	for _, s := range alerts.Severities() {
		out[s] = pulumi.String(topicARN(r, string(s)))
	}
	return out
}

// deploy builds the estate's set and runs NewAlarms under Pulumi's mock engine, with a
// us-east-1 provider for the uptime alarms as a stack would create it.
func deploy(t *testing.T, stackRegion string, set cw.Set, edit func(*AlarmsArgs)) (*cloud, error) {
	t.Helper()
	c := &cloud{Cloud: mockcloud.New("vigil", "test", account, stackRegion), providers: map[string]string{}}
	err := pulumi.RunErr(func(ctx *pulumi.Context) error {
		east, err := aws.NewProvider(ctx, "us-east-1", &aws.ProviderArgs{Region: pulumi.String("us-east-1")})
		if err != nil {
			return err
		}
		args := &AlarmsArgs{
			Region: stackRegion, Alarms: set.Alarms, Composites: set.Composites, HealthChecks: set.HealthChecks, AgentConfigs: set.AgentConfigs,
			Topics:  topics(stackRegion),
			USEast1: &Regional{Provider: east, Topics: topics("us-east-1")},
			Tags:    map[string]string{"vigil:stack": "prod"},
		}
		if edit != nil {
			edit(args)
		}
		_, err = NewAlarms(ctx, "alarms", args)
		return err
	}, pulumi.WithMocks("vigil", "test", c))
	return c, err
}

func build(t *testing.T) cw.Set {
	t.Helper()
	s, err := cw.Build(estate())
	require.NoError(t, err)
	return s
}

func str(t *testing.T, m resource.PropertyMap, key string) string {
	t.Helper()
	v, ok := m[resource.PropertyKey(key)]
	require.True(t, ok, "no input %q in %v", key, m)
	require.True(t, v.IsString(), "%s is not a string: %v", key, v)
	return v.StringValue()
}

func num(t *testing.T, m resource.PropertyMap, key string) float64 {
	t.Helper()
	v, ok := m[resource.PropertyKey(key)]
	require.True(t, ok, "no input %q", key)
	return v.NumberValue()
}

func stringList(v resource.PropertyValue) []string {
	var out []string
	if !v.IsArray() {
		return nil
	}
	for _, e := range v.ArrayValue() {
		out = append(out, e.StringValue())
	}
	return out
}

func stringMap(v resource.PropertyValue) map[string]string {
	if !v.IsObject() {
		return nil
	}
	out := map[string]string{}
	for k, e := range v.ObjectValue() {
		out[string(k)] = e.StringValue()
	}
	return out
}

func TestNewAlarmsRegistersEveryAlarmWithItsDefinitionAndTopic(t *testing.T) {
	set := build(t)
	c, err := deploy(t, region, set, nil)
	require.NoError(t, err)
	registered := c.ByType("aws:cloudwatch/metricAlarm:MetricAlarm")
	require.Len(t, registered, len(set.Alarms))
	for _, want := range set.Alarms {
		r, ok := c.Named("aws:cloudwatch/metricAlarm:MetricAlarm", "alarms-"+want.Resource+"-"+want.Slug)
		if !assert.True(t, ok, "no resource for %s", want.Name) {
			continue
		}
		in := r.Inputs
		assert.Contains(t, r.Parent, TypeToken, "%s is a child of the component", want.Name)
		assert.Equal(t, want.Name, str(t, in, "name"))
		assert.Equal(t, want.Description, str(t, in, "alarmDescription"))
		assert.Equal(t, string(want.Comparison), str(t, in, "comparisonOperator"))
		assert.Equal(t, float64(want.EvaluationPeriods), num(t, in, "evaluationPeriods"), want.Name)
		assert.Equal(t, float64(want.Datapoints()), num(t, in, "datapointsToAlarm"), want.Name)
		assert.Equal(t, string(want.TreatMissingData.OrDefault()), str(t, in, "treatMissingData"), want.Name)
		tags := stringMap(in["tags"])
		assert.Equal(t, "prod", tags["vigil:stack"], want.Name)
		assert.Equal(t, "reservations", tags["team"], want.Name)
		assert.Equal(t, want.Slug, tags["vigil:alarm"], want.Name)

		topicRegion := region
		if want.Region == "us-east-1" {
			topicRegion = "us-east-1"
		}
		topic := topicARN(topicRegion, string(want.Severity))
		if want.Quiet {
			assert.Empty(t, stringList(in["alarmActions"]), "%s is covered by its composite and must not notify", want.Name)
			assert.Empty(t, stringList(in["okActions"]), want.Name)
		} else {
			assert.Equal(t, []string{topic}, stringList(in["alarmActions"]), want.Name)
			assert.Equal(t, []string{topic}, stringList(in["okActions"]), "%s notifies its recovery too", want.Name)
		}

		if len(want.Metrics) == 0 {
			assert.Equal(t, want.Namespace, str(t, in, "namespace"), want.Name)
			assert.Equal(t, want.MetricName, str(t, in, "metricName"), want.Name)
			assert.Equal(t, float64(want.Period), num(t, in, "period"), want.Name)
			assert.Equal(t, want.Threshold, num(t, in, "threshold"), want.Name)
			if want.Statistic != "" {
				assert.Equal(t, want.Statistic, str(t, in, "statistic"), want.Name)
				assert.NotContains(t, in, resource.PropertyKey("extendedStatistic"))
			} else {
				assert.Equal(t, want.ExtendedStatistic, str(t, in, "extendedStatistic"), want.Name)
				assert.NotContains(t, in, resource.PropertyKey("statistic"))
			}
			dims := stringMap(in["dimensions"])
			if id, ok := want.Dimensions["HealthCheckId"]; ok {
				assert.Equal(t, cw.HealthCheckRef("api-uptime"), id)
				assert.Equal(t, "alarms-api-uptime-check", dims["HealthCheckId"], "the placeholder is replaced by the check's ID")
			} else {
				assert.Equal(t, want.Dimensions, dims, want.Name)
			}
			continue
		}
		queries := in["metricQueries"].ArrayValue()
		require.Len(t, queries, len(want.Metrics), want.Name)
		for i, q := range want.Metrics {
			got := queries[i].ObjectValue()
			assert.Equal(t, q.ID, str(t, got, "id"))
			assert.Equal(t, q.ReturnData, got["returnData"].BoolValue(), "%s %s", want.Name, q.ID)
			if q.Metric != nil {
				m := got["metric"].ObjectValue()
				assert.Equal(t, q.Metric.Namespace, str(t, m, "namespace"))
				assert.Equal(t, q.Metric.MetricName, str(t, m, "metricName"))
				assert.Equal(t, q.Metric.Stat, str(t, m, "stat"))
				assert.Equal(t, float64(q.Metric.Period), num(t, m, "period"))
				assert.Equal(t, q.Metric.Dimensions, stringMap(m["dimensions"]))
			} else {
				assert.Equal(t, q.Expression, str(t, got, "expression"))
			}
		}
		if want.ThresholdMetricID != "" {
			assert.Equal(t, want.ThresholdMetricID, str(t, in, "thresholdMetricId"))
			assert.NotContains(t, in, resource.PropertyKey("threshold"))
		} else {
			assert.Equal(t, want.Threshold, num(t, in, "threshold"), want.Name)
		}
	}

	// Spot checks against the numbers, read from the registered inputs.
	cpu, _ := c.Named("aws:cloudwatch/metricAlarm:MetricAlarm", "alarms-api-ecs-cpu-high")
	assert.Equal(t, 80.0, num(t, cpu.Inputs, "threshold"))
	assert.Equal(t, "GreaterThanThreshold", str(t, cpu.Inputs, "comparisonOperator"))
	assert.Equal(t, []string{topicARN(region, "medium")}, stringList(cpu.Inputs["alarmActions"]))
	p99, _ := c.Named("aws:cloudwatch/metricAlarm:MetricAlarm", "alarms-api-lb-latency-p99")
	assert.Equal(t, "p99", str(t, p99.Inputs, "extendedStatistic"))
	assert.Equal(t, 2.0, num(t, p99.Inputs, "threshold"))
	assert.Equal(t, []string{topicARN(region, "high")}, stringList(p99.Inputs["alarmActions"]))
}

func TestTheServiceHealthCompositePagesOnceForTheQuietChildren(t *testing.T) {
	set := build(t)
	c, err := deploy(t, region, set, nil)
	require.NoError(t, err)
	comps := c.ByType("aws:cloudwatch/compositeAlarm:CompositeAlarm")
	require.Len(t, comps, 1)
	in := comps[0].Inputs
	assert.Equal(t, "alarms-api-service-health", comps[0].Name)
	assert.Equal(t, "vigil-prod-api-service-health", str(t, in, "alarmName"))
	assert.Equal(t, set.Composites[0].Rule, str(t, in, "alarmRule"))
	assert.Equal(t, []string{topicARN(region, "critical")}, stringList(in["alarmActions"]))
	assert.Equal(t, []string{topicARN(region, "critical")}, stringList(in["okActions"]))
	for _, child := range set.Composites[0].Children {
		assert.Contains(t, str(t, in, "alarmRule"), `ALARM("`+child+`")`)
	}
}

func TestUptimeAlarmsLiveInUSEast1WhateverTheStacksRegion(t *testing.T) {
	for _, stackRegion := range []string{"eu-west-1", "ap-southeast-2", "us-east-1"} {
		t.Run(stackRegion, func(t *testing.T) {
			e := estate()
			s, err := cw.Build(e)
			require.NoError(t, err)
			c, err := deploy(t, stackRegion, s, nil)
			require.NoError(t, err)
			up, ok := c.Named("aws:cloudwatch/metricAlarm:MetricAlarm", "alarms-api-uptime-check-failed")
			require.True(t, ok)
			assert.Equal(t, "AWS/Route53", str(t, up.Inputs, "namespace"))
			assert.Equal(t, "HealthCheckStatus", str(t, up.Inputs, "metricName"))
			assert.Equal(t, []string{topicARN("us-east-1", "critical")}, stringList(up.Inputs["alarmActions"]), "a topic of the alarm's own region")
			cpu, _ := c.Named("aws:cloudwatch/metricAlarm:MetricAlarm", "alarms-api-ecs-cpu-high")
			assert.Equal(t, []string{topicARN(stackRegion, "medium")}, stringList(cpu.Inputs["alarmActions"]))
			if stackRegion == "us-east-1" {
				assert.Empty(t, c.providers["alarms-api-uptime-check-failed"], "no second provider in us-east-1 itself")
			} else {
				assert.Contains(t, c.providers["alarms-api-uptime-check-failed"], "pulumi:providers:aws::us-east-1", "created in us-east-1")
				assert.Empty(t, c.providers["alarms-api-ecs-cpu-high"], "the others stay in the stack's region")
			}
			checks := c.ByType("aws:route53/healthCheck:HealthCheck")
			require.Len(t, checks, 1)
			in := checks[0].Inputs
			assert.Equal(t, "HTTPS", str(t, in, "type"))
			assert.Equal(t, "api.example.com", str(t, in, "fqdn"))
			assert.Equal(t, "/health", str(t, in, "resourcePath"))
			assert.Equal(t, 443.0, num(t, in, "port"))
			assert.Equal(t, 10.0*3, num(t, in, "requestInterval")*num(t, in, "failureThreshold"), "unhealthy within 30 s")
		})
	}
}

func TestTheAgentConfigurationIsAParameterTheAgentMayRead(t *testing.T) {
	set := build(t)
	c, err := deploy(t, region, set, nil)
	require.NoError(t, err)
	params := c.ByType("aws:ssm/parameter:Parameter")
	require.Len(t, params, 1)
	in := params[0].Inputs
	assert.Equal(t, "AmazonCloudWatch-vigil-prod-bastion", str(t, in, "name"), "CloudWatchAgentServerPolicy reads AmazonCloudWatch-*")
	assert.Equal(t, "String", str(t, in, "type"))
	assert.JSONEq(t, set.AgentConfigs[0].JSON, str(t, in, "insecureValue"))
}

func TestInvalidArgsCreateNothingAndListEveryProblem(t *testing.T) {
	set := build(t)
	set.Alarms[0].Period = 45
	c, err := deploy(t, region, set, func(a *AlarmsArgs) {
		delete(a.Topics, alerts.Medium)
		a.USEast1 = nil
		a.Region = "Ireland"
	})
	require.Error(t, err)
	msg := err.Error()
	for _, want := range []string{
		"invalid alarms.AlarmsArgs",
		`Region: must be an AWS region such as eu-west-1, got "Ireland"`,
		"services[0].alarms.ecs-cpu-high.Period: must be 10, 20, 30 or a multiple of 60 seconds, got 45",
		"Alarms[0] (vigil-prod-api-ecs-cpu-high): has no medium topic to notify",
		"USEast1: is required: alarm vigil-prod-api-uptime-check-failed must live in us-east-1",
	} {
		assert.Contains(t, msg, want)
	}
	assert.Equal(t, 1, strings.Count(msg, "USEast1: is required"), "said once")
	for _, r := range c.Resources() {
		assert.False(t, strings.HasPrefix(r.Type, "aws:cloudwatch") || r.Type == TypeToken, "nothing is created: %s", r.Name)
	}
}

func TestAnAlarmReferringToAnUnknownHealthCheckIsRefused(t *testing.T) {
	set := build(t)
	set.HealthChecks = nil
	_, err := deploy(t, region, set, nil)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "refers to ${healthcheck:api-uptime}, which is not among HealthChecks")
}

func TestChildNamesAreStableAndUnique(t *testing.T) {
	set := build(t)
	c1, err := deploy(t, region, set, nil)
	require.NoError(t, err)
	c2, err := deploy(t, region, set, nil)
	require.NoError(t, err)
	var n1, n2 []string
	for _, r := range c1.Resources() {
		n1 = append(n1, r.URN)
	}
	for _, r := range c2.Resources() {
		n2 = append(n2, r.URN)
	}
	assert.Equal(t, n1, n2, "a second run registers the same URNs")
	assert.Len(t, slices.Compact(slices.Clone(n1)), len(n1))
}

func TestOutputsNameEveryAlarmCheckAndParameter(t *testing.T) {
	set := build(t)
	c := &cloud{Cloud: mockcloud.New("vigil", "test", account, region), providers: map[string]string{}}
	got := map[string]map[string]string{}
	var mu sync.Mutex
	keep := func(key string) func(map[string]string) map[string]string {
		return func(m map[string]string) map[string]string {
			mu.Lock()
			got[key] = m
			mu.Unlock()
			return m
		}
	}
	err := pulumi.RunErr(func(ctx *pulumi.Context) error {
		east, err := aws.NewProvider(ctx, "us-east-1", &aws.ProviderArgs{Region: pulumi.String("us-east-1")})
		if err != nil {
			return err
		}
		a, err := NewAlarms(ctx, "alarms", &AlarmsArgs{
			Region: region, Alarms: set.Alarms, Composites: set.Composites, HealthChecks: set.HealthChecks, AgentConfigs: set.AgentConfigs,
			Topics: topics(region), USEast1: &Regional{Provider: east, Topics: topics("us-east-1")},
		})
		if err != nil {
			return err
		}
		a.AlarmArns.ApplyT(keep("arns"))
		a.HealthCheckIds.ApplyT(keep("checks"))
		a.AgentConfigParameters.ApplyT(keep("params"))
		return nil
	}, pulumi.WithMocks("vigil", "test", c))
	require.NoError(t, err)
	assert.Len(t, got["arns"], len(set.Alarms)+len(set.Composites))
	assert.Contains(t, got["arns"], "vigil-prod-api-service-health")
	assert.Equal(t, map[string]string{"api-uptime": "alarms-api-uptime-check"}, got["checks"])
	assert.Equal(t, map[string]string{"bastion": "AmazonCloudWatch-vigil-prod-bastion"}, got["params"])
	comp := c.ByType("aws:cloudwatch/compositeAlarm:CompositeAlarm")[0]
	assert.Equal(t, "service-health", stringMap(comp.Inputs["tags"])["vigil:alarm"])
}
