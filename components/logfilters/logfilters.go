// Package logfilters turns vigil's log filter definitions (alerts/logs) into
// resources: a CloudWatch Logs metric filter per filter, its alarm through
// components/alarms (so that it notifies the SNS topic of its severity on ALARM and OK,
// as every vigil alarm does), a saved Logs Insights query per query, and, when the set
// asks for one, the CloudTrail trail the CIS filters read: multi-region, with log file
// validation, into a versioned, KMS-encrypted S3 bucket that blocks every public
// access, and a KMS-encrypted log group with retention.
package logfilters

import (
	"errors"
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/vigilops/vigil/alerts"
	"github.com/vigilops/vigil/alerts/logs"
	"github.com/vigilops/vigil/components/alarms"
	"github.com/vigilops/vigil/validate"
)

// TypeToken is the Pulumi type of the LogFilters component.
const TypeToken = "vigil:logs:LogFilters"

// DefaultKeyDeletionWindowDays is how long the trail's key waits before deletion.
const DefaultKeyDeletionWindowDays = 30

// LogFiltersArgs configures the component.
type LogFiltersArgs struct {
	// Region is the stack's region, such as eu-west-1. Required.
	Region string
	// AccountID is the stack's 12-digit account. Required when Set.Trail is set (the
	// trail's policies name it).
	AccountID string
	// Set is what logs.Build returns (or any hand-built set); it is validated again
	// here. Defaults to nothing to create.
	Set logs.Set
	// Topics are the ARNs of the SNS topics by severity; every severity a filter's
	// alarm uses needs its topic.
	Topics map[alerts.Severity]pulumi.StringInput
	// KeyDeletionWindowDays of the trail's KMS key, 7 to 30. Defaults to 30.
	KeyDeletionWindowDays int
	// Tags are added to every alarm and to the trail's resources. Defaults to none.
	Tags map[string]string
}

// LogFilters is the component.
type LogFilters struct {
	pulumi.ResourceState

	// FilterNames maps each filter's name to its log group.
	FilterNames pulumi.StringMapOutput `pulumi:"filterNames"`
	// AlarmArns maps each filter's alarm name to its ARN.
	AlarmArns pulumi.StringMapOutput `pulumi:"alarmArns"`
	// QueryDefinitionIds maps each saved query's name to its ID.
	QueryDefinitionIds pulumi.StringMapOutput `pulumi:"queryDefinitionIds"`
	// TrailArn is the created trail's ARN; "" when the set creates none.
	TrailArn pulumi.StringOutput `pulumi:"trailArn"`
	// CISLogGroup is the log group the CIS filters read; "" without them.
	CISLogGroup pulumi.StringOutput `pulumi:"cisLogGroup"`
}

func (a *LogFiltersArgs) alarmsArgs() *alarms.AlarmsArgs {
	return &alarms.AlarmsArgs{Region: a.Region, Alarms: a.Set.Alarms(), Topics: a.Topics, Tags: a.Tags}
}

func (a *LogFiltersArgs) keyDeletionWindow() int {
	if a.KeyDeletionWindowDays == 0 {
		return DefaultKeyDeletionWindowDays
	}
	return a.KeyDeletionWindowDays
}

// Validate returns one error listing every problem of the arguments, or nil.
func (a *LogFiltersArgs) Validate() error {
	var ps validate.Problems
	validate.Region(&ps, "Region", a.Region)
	merge := func(prefix string, err error) {
		var verr *validate.Error
		if errors.As(err, &verr) {
			for _, p := range verr.Problems {
				ps.Add(prefix+p.Path, p.Message, p.Hint)
			}
		}
	}
	merge("Set.", logs.Validate(a.Set))
	missing := map[alerts.Severity]string{}
	for _, f := range a.Set.Filters {
		if sev := f.Alarm.Severity; sev.Valid() && a.Topics[sev] == nil && missing[sev] == "" {
			missing[sev] = f.Name
		}
	}
	for _, sev := range alerts.Severities() {
		if first, ok := missing[sev]; ok {
			ps.Addf("Topics."+string(sev), "pass the ARN of the "+string(sev)+" topic", "is required: alarms such as %s notify it", first)
		}
	}
	if a.Set.Trail != nil {
		validate.AccountID(&ps, "AccountID", a.AccountID)
		validate.IntRange(&ps, "KeyDeletionWindowDays", a.keyDeletionWindow(), 7, 30, "KMS waits 7 to 30 days before deleting a key")
	}
	return ps.Err("logfilters.LogFiltersArgs")
}

// NewLogFilters validates the arguments and creates the resources. Invalid arguments
// create nothing.
func NewLogFilters(ctx *pulumi.Context, name string, args *LogFiltersArgs, opts ...pulumi.ResourceOption) (*LogFilters, error) {
	if args == nil {
		args = &LogFiltersArgs{}
	}
	if err := args.Validate(); err != nil {
		return nil, err
	}
	c := &LogFilters{}
	if err := ctx.RegisterComponentResource(TypeToken, name, c, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(c)
	set := args.Set

	var trail *trailResources
	if set.Trail != nil {
		var err error
		if trail, err = newTrail(ctx, name, args, parent); err != nil {
			return nil, err
		}
	}

	names := pulumi.StringMap{}
	var filters []pulumi.Resource
	for _, f := range set.Filters {
		logGroup := pulumi.String(f.LogGroup).ToStringOutput()
		fopts := []pulumi.ResourceOption{parent}
		if trail != nil && f.LogGroup == set.Trail.LogGroupName {
			logGroup = trail.logGroup.Name
			fopts = append(fopts, pulumi.DependsOn([]pulumi.Resource{trail.logGroup}))
		}
		mt := &cloudwatch.LogMetricFilterMetricTransformationArgs{
			Name:      pulumi.String(f.Metric.Name),
			Namespace: pulumi.String(f.Metric.Namespace),
			Value:     pulumi.String(metricValue(f)),
		}
		if d := f.Metric.DefaultValue; d != nil {
			mt.DefaultValue = pulumi.String(validate.FormatNumber(*d))
		}
		if f.Metric.Unit != "" {
			mt.Unit = pulumi.String(f.Metric.Unit)
		}
		res, err := cloudwatch.NewLogMetricFilter(ctx, childName(name, f.Resource, f.Slug), &cloudwatch.LogMetricFilterArgs{
			Name:                 pulumi.String(f.Name),
			LogGroupName:         logGroup,
			Pattern:              pulumi.String(f.Pattern),
			MetricTransformation: mt,
		}, fopts...)
		if err != nil {
			return nil, err
		}
		filters = append(filters, res)
		names[f.Name] = logGroup
	}

	arns := pulumi.StringMap{}.ToStringMapOutput()
	if len(set.Filters) > 0 {
		// The alarms wait for their filters: an alarm on a metric no filter
		// publishes yet would sit in INSUFFICIENT_DATA for nothing.
		al, err := alarms.NewAlarms(ctx, name+"-alarms", args.alarmsArgs(), parent, pulumi.DependsOn(filters))
		if err != nil {
			return nil, err
		}
		arns = al.AlarmArns
	}

	queryIDs := pulumi.StringMap{}
	for _, q := range set.Queries {
		res, err := cloudwatch.NewQueryDefinition(ctx, childName(name, q.Resource, q.Slug)+"-query", &cloudwatch.QueryDefinitionArgs{
			Name:          pulumi.String(q.Name),
			QueryString:   pulumi.String(q.QueryString),
			LogGroupNames: pulumi.ToStringArray(q.LogGroups),
		}, parent)
		if err != nil {
			return nil, err
		}
		queryIDs[q.Name] = res.QueryDefinitionId
	}

	c.FilterNames = names.ToStringMapOutput()
	c.AlarmArns = arns
	c.QueryDefinitionIds = queryIDs.ToStringMapOutput()
	c.TrailArn = pulumi.String("").ToStringOutput()
	c.CISLogGroup = pulumi.String(set.CISLogGroup).ToStringOutput()
	if trail != nil {
		c.TrailArn = trail.trail.Arn
		c.CISLogGroup = trail.logGroup.Name
	}
	if err := ctx.RegisterResourceOutputs(c, pulumi.Map{
		"filterNames":        c.FilterNames,
		"alarmArns":          c.AlarmArns,
		"queryDefinitionIds": c.QueryDefinitionIds,
		"trailArn":           c.TrailArn,
		"cisLogGroup":        c.CISLogGroup,
	}); err != nil {
		return nil, err
	}
	return c, nil
}

// metricValue is the filter's metric value, "1" when unset.
func metricValue(f logs.Filter) string {
	if f.Metric.MetricValue == "" {
		return "1"
	}
	return f.Metric.MetricValue
}

// childName is <component>-<resource>-<slug>, unique because filter names are.
func childName(component, resource, slug string) string {
	return fmt.Sprintf("%s-%s-%s", component, resource, slug)
}
