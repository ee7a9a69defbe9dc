// Package alarms turns vigil's CloudWatch alarm definitions (alerts/cloudwatch) into
// resources: a MetricAlarm per alarm, a CompositeAlarm per service, a Route 53 health
// check per health URL, and the CloudWatch agent's configuration as SSM parameters.
// Each alarm notifies the SNS topic of its severity on ALARM and on OK.
//
// Route 53 publishes its health-check metrics in us-east-1 only, and an alarm can
// notify only topics of its own region. So alarms whose Region is us-east-1, in a
// stack of another region, are created with the caller's us-east-1 provider and notify
// the caller's us-east-1 topics (AlarmsArgs.USEast1): the caller creates a second set
// of severity topics there (notify.NewTopics with that provider) with the same
// subscribers. The health checks themselves are global.
package alarms

import (
	"fmt"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/route53"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ssm"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/vigilops/vigil/alerts"
	cw "github.com/vigilops/vigil/alerts/cloudwatch"
	"github.com/vigilops/vigil/validate"
)

// TypeToken is the Pulumi type of the Alarms component.
const TypeToken = "vigil:alarms:Alarms"

// USEast1Region is where Route 53 publishes health-check metrics.
const USEast1Region = "us-east-1"

// AlarmsArgs configures the alarms.
type AlarmsArgs struct {
	// Region is the stack's region, such as eu-west-1. Required.
	Region string
	// Alarms, Composites, HealthChecks and AgentConfigs are what cloudwatch.Build
	// returns (or any hand-built set); they are validated again here. Defaults to none.
	Alarms       []cw.Alarm
	Composites   []cw.CompositeAlarm
	HealthChecks []cw.HealthCheck
	AgentConfigs []cw.AgentConfig
	// Topics are the ARNs of the stack region's SNS topics by severity. Every
	// severity an alarm of the stack's region uses needs its topic.
	Topics map[alerts.Severity]pulumi.StringInput
	// USEast1 holds the provider and topics for alarms that must live in us-east-1
	// when Region is another one. Required then; unused when Region is us-east-1.
	USEast1 *Regional
	// Tags are added to every alarm, health check and parameter. Defaults to none.
	Tags map[string]string
}

// Regional is a provider for another region and the severity topics there.
type Regional struct {
	Provider pulumi.ProviderResource
	Topics   map[alerts.Severity]pulumi.StringInput
}

// Alarms is the component.
type Alarms struct {
	pulumi.ResourceState

	// AlarmArns maps each alarm's name (metric and composite) to its ARN.
	AlarmArns pulumi.StringMapOutput `pulumi:"alarmArns"`
	// HealthCheckIds maps each health check's slug to its ID, for the uptime
	// dashboards (cloudwatch.UptimeMetric).
	HealthCheckIds pulumi.StringMapOutput `pulumi:"healthCheckIds"`
	// AgentConfigParameters maps each host group to the SSM parameter its agents read.
	AgentConfigParameters pulumi.StringMapOutput `pulumi:"agentConfigParameters"`
}

func (a *AlarmsArgs) set() cw.Set {
	return cw.Set{Alarms: a.Alarms, Composites: a.Composites, HealthChecks: a.HealthChecks, AgentConfigs: a.AgentConfigs}
}

// elsewhere reports whether an alarm must live in another region than the stack's.
func (a *AlarmsArgs) elsewhere(al cw.Alarm) bool { return al.Region != "" && al.Region != a.Region }

// Validate returns one error listing every problem of the arguments, or nil.
func (a *AlarmsArgs) Validate() error {
	var ps validate.Problems
	validate.Region(&ps, "Region", a.Region)
	if err := cw.Validate(a.set()); err != nil {
		if verr, ok := err.(*validate.Error); ok {
			for _, p := range verr.Problems {
				ps.Add(p.Path, p.Message, p.Hint)
			}
		}
	}
	needTopic := func(path string, topics map[alerts.Severity]pulumi.StringInput, sev alerts.Severity, where string) {
		if sev.Valid() && topics[sev] == nil {
			ps.Addf(path, "pass the ARN of the "+string(sev)+" topic ("+where+") in Topics", "has no %s topic to notify", sev)
		}
	}
	for i, al := range a.Alarms {
		path := fmt.Sprintf("Alarms[%d] (%s)", i, al.Name)
		switch {
		case al.Quiet:
		case !a.elsewhere(al):
			needTopic(path, a.Topics, al.Severity, "stack region")
		case al.Region != USEast1Region:
			ps.Addf(path+".Region", "vigil places alarms in the stack's region or in us-east-1 only", "must be %q or %q, got %q", a.Region, USEast1Region, al.Region)
		case a.USEast1 == nil || a.USEast1.Provider == nil:
			ps.Add("USEast1", "is required: alarm "+al.Name+" must live in us-east-1",
				"create an aws.Provider for us-east-1 and severity topics there, and pass both")
		default:
			needTopic("USEast1."+path, a.USEast1.Topics, al.Severity, "us-east-1")
		}
	}
	checks := map[string]bool{}
	for _, h := range a.HealthChecks {
		checks[cw.HealthCheckRef(h.Slug)] = true
	}
	for i, al := range a.Alarms {
		for _, v := range allDimensions(al) {
			if strings.HasPrefix(v, "${healthcheck:") && !checks[v] {
				ps.Addf(fmt.Sprintf("Alarms[%d] (%s).Dimensions", i, al.Name), "pass the health check in HealthChecks, as cloudwatch.Build returns it", "refers to %s, which is not among HealthChecks", v)
			}
		}
	}
	for i, c := range a.Composites {
		needTopic(fmt.Sprintf("Composites[%d] (%s)", i, c.Name), a.Topics, c.Severity, "stack region")
		for _, child := range c.Children {
			for _, al := range a.Alarms {
				if al.Name == child && a.elsewhere(al) {
					ps.Addf(fmt.Sprintf("Composites[%d].Children", i), "a composite alarm names alarms of its own region only", "names %s, which lives in %s", child, al.Region)
				}
			}
		}
	}
	validate.Tags(&ps, "Tags", a.Tags)
	return dedupe(&ps).Err("alarms.AlarmsArgs")
}

// dedupe drops repeated problems (USEast1 missing is found once per alarm).
func dedupe(ps *validate.Problems) *validate.Problems {
	var out validate.Problems
	seen := map[string]bool{}
	for _, p := range ps.List() {
		if k := p.Path + p.Message; !seen[k] {
			seen[k] = true
			out.Add(p.Path, p.Message, p.Hint)
		}
	}
	return &out
}

// NewAlarms validates the arguments and creates the resources. Invalid arguments
// create nothing.
func NewAlarms(ctx *pulumi.Context, name string, args *AlarmsArgs, opts ...pulumi.ResourceOption) (*Alarms, error) {
	if args == nil {
		args = &AlarmsArgs{}
	}
	if err := args.Validate(); err != nil {
		return nil, err
	}
	c := &Alarms{}
	if err := ctx.RegisterComponentResource(TypeToken, name, c, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(c)

	checkIDs := map[string]pulumi.IDOutput{}
	healthIDs := pulumi.StringMap{}
	for _, h := range args.HealthChecks {
		hc, err := route53.NewHealthCheck(ctx, name+"-"+h.Slug+"-check", &route53.HealthCheckArgs{
			Type:             pulumi.String("HTTPS"),
			Fqdn:             pulumi.String(h.FQDN),
			Port:             pulumi.Int(h.Port),
			ResourcePath:     pulumi.String(h.ResourcePath),
			RequestInterval:  pulumi.Int(h.RequestInterval),
			FailureThreshold: pulumi.Int(h.FailureThreshold),
			EnableSni:        pulumi.Bool(true),
			MeasureLatency:   pulumi.Bool(true),
			Tags:             pulumi.ToStringMap(merge(args.Tags, h.Tags)),
		}, parent)
		if err != nil {
			return nil, err
		}
		checkIDs[cw.HealthCheckRef(h.Slug)] = hc.ID()
		healthIDs[h.Slug] = hc.ID().ToStringOutput()
	}

	arns := pulumi.StringMap{}
	byName := map[string]pulumi.Resource{}
	for _, al := range args.Alarms {
		topics, opts := args.Topics, []pulumi.ResourceOption{parent}
		if args.elsewhere(al) {
			topics = args.USEast1.Topics
			opts = append(opts, pulumi.Provider(args.USEast1.Provider))
		}
		res, err := cloudwatch.NewMetricAlarm(ctx, childName(name, al.Resource, al.Slug), metricAlarmArgs(al, topics, checkIDs, args.Tags), opts...)
		if err != nil {
			return nil, err
		}
		arns[al.Name] = res.Arn
		byName[al.Name] = res
	}
	for _, comp := range args.Composites {
		var deps []pulumi.Resource
		for _, child := range comp.Children {
			deps = append(deps, byName[child])
		}
		topic := args.Topics[comp.Severity]
		res, err := cloudwatch.NewCompositeAlarm(ctx, childName(name, comp.Resource, comp.Slug), &cloudwatch.CompositeAlarmArgs{
			AlarmName:        pulumi.String(comp.Name),
			AlarmDescription: pulumi.String(comp.Description),
			AlarmRule:        pulumi.String(comp.Rule),
			ActionsEnabled:   pulumi.Bool(true),
			AlarmActions:     pulumi.StringArray{topic},
			OkActions:        pulumi.StringArray{topic},
			Tags:             pulumi.ToStringMap(merge(args.Tags, comp.Tags)),
		}, parent, pulumi.DependsOn(deps))
		if err != nil {
			return nil, err
		}
		arns[comp.Name] = res.Arn
	}

	params := pulumi.StringMap{}
	for _, ac := range args.AgentConfigs {
		p, err := ssm.NewParameter(ctx, name+"-"+ac.Resource+"-agent-config", &ssm.ParameterArgs{
			Name:          pulumi.String(ac.Parameter),
			Description:   pulumi.String("vigil: CloudWatch agent configuration of host group " + ac.Resource),
			Type:          pulumi.String("String"),
			InsecureValue: pulumi.String(ac.JSON),
			Tags:          pulumi.ToStringMap(args.Tags),
		}, parent)
		if err != nil {
			return nil, err
		}
		params[ac.Resource] = p.Name
	}

	c.AlarmArns = arns.ToStringMapOutput()
	c.HealthCheckIds = healthIDs.ToStringMapOutput()
	c.AgentConfigParameters = params.ToStringMapOutput()
	if err := ctx.RegisterResourceOutputs(c, pulumi.Map{
		"alarmArns":             c.AlarmArns,
		"healthCheckIds":        c.HealthCheckIds,
		"agentConfigParameters": c.AgentConfigParameters,
	}); err != nil {
		return nil, err
	}
	return c, nil
}

// childName is <component>-<resource>-<slug>, e.g. alarms-api-ecs-cpu-high: stable,
// and unique because alarm names (<prefix>-<resource>-<slug>) are.
func childName(component, resource, slug string) string {
	if resource == "" {
		return component + "-" + slug
	}
	return component + "-" + resource + "-" + slug
}

func metricAlarmArgs(al cw.Alarm, topics map[alerts.Severity]pulumi.StringInput, checkIDs map[string]pulumi.IDOutput, tags map[string]string) *cloudwatch.MetricAlarmArgs {
	args := &cloudwatch.MetricAlarmArgs{
		Name:               pulumi.String(al.Name),
		AlarmDescription:   pulumi.String(al.Description),
		ComparisonOperator: pulumi.String(string(al.Comparison)),
		EvaluationPeriods:  pulumi.Int(al.EvaluationPeriods),
		DatapointsToAlarm:  pulumi.Int(al.Datapoints()),
		TreatMissingData:   pulumi.String(string(al.TreatMissingData.OrDefault())),
		ActionsEnabled:     pulumi.Bool(true),
		Tags:               pulumi.ToStringMap(merge(tags, al.Tags)),
	}
	if al.ThresholdMetricID != "" {
		args.ThresholdMetricId = pulumi.String(al.ThresholdMetricID)
	} else {
		args.Threshold = pulumi.Float64(al.Threshold)
	}
	if !al.Quiet {
		topic := topics[al.Severity]
		alarmActions := pulumi.Array{topic}
		for _, extra := range al.ExtraActions {
			alarmActions = append(alarmActions, pulumi.String(extra))
		}
		args.AlarmActions = alarmActions
		args.OkActions = pulumi.Array{topic}
	}
	if len(al.Metrics) == 0 {
		args.Namespace = pulumi.String(al.Namespace)
		args.MetricName = pulumi.String(al.MetricName)
		args.Period = pulumi.Int(al.Period)
		args.Dimensions = dimensions(al.Dimensions, checkIDs)
		if al.Statistic != "" {
			args.Statistic = pulumi.String(al.Statistic)
		} else {
			args.ExtendedStatistic = pulumi.String(al.ExtendedStatistic)
		}
		if al.Unit != "" {
			args.Unit = pulumi.String(al.Unit)
		}
		return args
	}
	var queries cloudwatch.MetricAlarmMetricQueryArray
	for _, q := range al.Metrics {
		mq := cloudwatch.MetricAlarmMetricQueryArgs{Id: pulumi.String(q.ID), ReturnData: pulumi.Bool(q.ReturnData)}
		if q.Label != "" {
			mq.Label = pulumi.String(q.Label)
		}
		if q.Expression != "" {
			mq.Expression = pulumi.String(q.Expression)
			if q.Period != 0 {
				mq.Period = pulumi.Int(q.Period)
			}
		}
		if m := q.Metric; m != nil {
			ma := &cloudwatch.MetricAlarmMetricQueryMetricArgs{
				Namespace: pulumi.String(m.Namespace), MetricName: pulumi.String(m.MetricName),
				Dimensions: dimensions(m.Dimensions, checkIDs), Stat: pulumi.String(m.Stat), Period: pulumi.Int(m.Period),
			}
			if m.Unit != "" {
				ma.Unit = pulumi.String(m.Unit)
			}
			mq.Metric = ma
		}
		queries = append(queries, mq)
	}
	args.MetricQueries = queries
	return args
}

func allDimensions(al cw.Alarm) []string {
	var out []string
	for _, v := range al.Dimensions {
		out = append(out, v)
	}
	for _, q := range al.Metrics {
		if q.Metric != nil {
			for _, v := range q.Metric.Dimensions {
				out = append(out, v)
			}
		}
	}
	return out
}

// dimensions replaces health-check placeholders with the checks' IDs.
func dimensions(d map[string]string, checkIDs map[string]pulumi.IDOutput) pulumi.StringMap {
	out := pulumi.StringMap{}
	for k, v := range d {
		if id, ok := checkIDs[v]; ok && strings.HasPrefix(v, "${healthcheck:") {
			out[k] = id.ToStringOutput()
			continue
		}
		out[k] = pulumi.String(v)
	}
	return out
}

func merge(maps ...map[string]string) map[string]string {
	out := map[string]string{}
	for _, m := range maps {
		for k, v := range m {
			out[k] = v
		}
	}
	return out
}
