package stacks

import (
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/vigilops/vigil/alerts"
	"github.com/vigilops/vigil/components/alarms"
	cdash "github.com/vigilops/vigil/components/dashboards"
	"github.com/vigilops/vigil/components/logfilters"
	"github.com/vigilops/vigil/components/managed"
	"github.com/vigilops/vigil/components/notify"
	"github.com/vigilops/vigil/components/platform"
)

// Deployment is what Deploy created, for callers that wire more resources to it.
type Deployment struct {
	Topics *notify.Topics
	// Alarms are the CloudWatch alarms of the estate; nil when it has none.
	Alarms *alarms.Alarms
	// Notifier is the chat notifier Lambda; nil when the stack has no channels.
	Notifier *notify.Notifier
	// Dashboards are the CloudWatch dashboards (and an external Grafana's); nil when
	// the stack has nothing to show.
	Dashboards *cdash.Dashboards
	// LogFilters are the log metric filters, their alarms, the saved queries and the
	// CIS trail; nil when the stack has no log group and no trail.
	LogFilters *logfilters.LogFilters
	// Platform is the ECS Fargate platform of the ecs mode; nil otherwise.
	Platform *platform.Platform
	// Managed is the AMP (and Managed Grafana) workspace of the managed mode; nil
	// otherwise.
	Managed *managed.Managed
	// Artifacts are the generated Prometheus rules and Alertmanager configuration,
	// by path. Delivering them to Prometheus and Alertmanager on ECS is the job of the
	// monitoring-stack component of the roadmap; until then `vigil plan --out`
	// writes them for review and for tools that deploy them.
	Artifacts map[string][]byte
	// Outputs are the stack outputs Deploy exported, so that `vigil plan` can show them
	// and other stacks can read them with a StackReference.
	Outputs pulumi.Map
}

// Deploy creates everything the environment asks for and exports the stack outputs:
//   - topicArns: the SNS topic ARN of each severity, where alarms and Alertmanager publish;
//   - notificationKeyArn: the KMS key that encrypts them;
//   - tier: dev or prod;
//   - clusterArn, grafanaUrl and configBucket with the ecs platform, prometheusEndpoint
//     and grafanaUrl with the managed one.
func Deploy(ctx *pulumi.Context, env *Environment) (*Deployment, error) {
	for _, w := range env.Warnings {
		if err := ctx.Log.Warn(w, nil); err != nil {
			return nil, err
		}
	}
	subscribers := map[alerts.Severity]notify.Subscribers{}
	for sev, ep := range env.Notifications {
		s := notify.Subscribers{Emails: ep.Emails, SMS: ep.SMS}
		if ep.PagerDuty != "" {
			s.PagerDuty = []pulumi.StringInput{secretString(ep.PagerDuty)}
		}
		for _, w := range ep.Webhooks {
			s.Webhooks = append(s.Webhooks, secretString(w))
		}
		subscribers[sev] = s
	}
	topicsArgs := func(region string) *notify.TopicsArgs {
		var key notify.KeyUse
		if region == env.Region && notifierWants(env) {
			key = notify.NotifierKeyUse(env.NamePrefix)
		}
		key.ManagedPrometheus = region == env.Region && env.Platform.Mode == PlatformManaged
		return &notify.TopicsArgs{
			Key:                   key,
			NamePrefix:            env.NamePrefix,
			AccountID:             env.AccountID,
			Region:                region,
			Subscribers:           subscribers,
			PublisherRoleARNs:     env.PublisherRoles,
			KeyDeletionWindowDays: env.KeyDeletionWindowDays,
			Tags:                  env.Tags,
		}
	}
	topics, err := notify.NewTopics(ctx, "notify", topicsArgs(env.Region))
	if err != nil {
		return nil, err
	}
	var east *notify.RegionalTopics
	alarmSet, err := deployAlarms(ctx, env, topics, func(p pulumi.ProviderResource) (*notify.Topics, error) {
		t, err := notify.NewTopics(ctx, "notify-"+alarms.USEast1Region, topicsArgs(alarms.USEast1Region), pulumi.Provider(p))
		if err == nil {
			east = &notify.RegionalTopics{Topics: t, Provider: p}
		}
		return t, err
	})
	if err != nil {
		return nil, err
	}
	notifier, err := deployNotifier(ctx, env, topics, east)
	if err != nil {
		return nil, err
	}
	var logFilters *logfilters.LogFilters
	if set := env.Logs; len(set.Filters)+len(set.Queries) > 0 || set.Trail != nil {
		logFilters, err = logfilters.NewLogFilters(ctx, "logs", &logfilters.LogFiltersArgs{
			Region: env.Region, AccountID: env.AccountID, Set: set, Topics: topicArns(topics),
			KeyDeletionWindowDays: env.KeyDeletionWindowDays, Tags: env.Tags,
		})
		if err != nil {
			return nil, err
		}
	}
	dash, err := deployDashboards(ctx, env, alarmSet, logFilters)
	if err != nil {
		return nil, err
	}
	var amp *managed.Managed
	var ecs *platform.Platform
	switch env.Platform.Mode {
	case PlatformManaged:
		if amp, err = deployManaged(ctx, env, topics); err != nil {
			return nil, err
		}
	case PlatformECS:
		if ecs, err = deployECS(ctx, env, topics); err != nil {
			return nil, err
		}
	}
	if err := checkRouting(ctx, env, topics); err != nil {
		return nil, err
	}
	d := &Deployment{
		Notifier:   notifier,
		Dashboards: dash,
		LogFilters: logFilters,
		Topics:     topics,
		Alarms:     alarmSet,
		Artifacts:  env.Artifacts,
		Managed:    amp,
		Platform:   ecs,
		Outputs: pulumi.Map{
			"tier":               pulumi.String(env.Tier),
			"topicArns":          topics.TopicArns,
			"notificationKeyArn": topics.KeyArn,
		},
	}
	if ecs != nil {
		d.Outputs["clusterArn"] = ecs.ClusterArn
		d.Outputs["grafanaUrl"] = ecs.GrafanaURL
		d.Outputs["configBucket"] = ecs.ConfigBucket
	}
	if amp != nil {
		d.Outputs["prometheusEndpoint"] = amp.PrometheusEndpoint
		if env.Platform.GrafanaWorkspace {
			d.Outputs["grafanaUrl"] = amp.GrafanaEndpoint
		}
	}
	for k, v := range d.Outputs {
		ctx.Export(k, v)
	}
	return d, nil
}

// secretString hands a secret to Pulumi as a secret output: it is encrypted in the
// state and masked in every display.
func secretString(s Secret) pulumi.StringOutput {
	return pulumi.ToSecret(pulumi.String(s.Reveal())).(pulumi.StringOutput)
}

// deployAlarms creates the estate's CloudWatch alarms. Route 53 publishes health-check
// metrics in us-east-1 only, and an alarm notifies topics of its own region only: a
// stack elsewhere with uptime checks gets a provider for us-east-1 and a second set of
// severity topics there, with the same subscribers, for those alarms.
func deployAlarms(ctx *pulumi.Context, env *Environment, topics *notify.Topics,
	usEast1Topics func(pulumi.ProviderResource) (*notify.Topics, error)) (*alarms.Alarms, error) {
	set := env.Alarms
	if len(set.Alarms)+len(set.Composites)+len(set.HealthChecks)+len(set.AgentConfigs) == 0 {
		return nil, nil
	}
	byRegion := topicArns
	args := &alarms.AlarmsArgs{
		Region: env.Region, Alarms: set.Alarms, Composites: set.Composites,
		HealthChecks: set.HealthChecks, AgentConfigs: set.AgentConfigs,
		Topics: byRegion(topics), Tags: env.Tags,
	}
	for _, a := range set.Alarms {
		if a.Region == alarms.USEast1Region && env.Region != alarms.USEast1Region {
			provider, err := aws.NewProvider(ctx, "aws-"+alarms.USEast1Region, &aws.ProviderArgs{
				Region:            pulumi.String(alarms.USEast1Region),
				AllowedAccountIds: pulumi.StringArray{pulumi.String(env.AccountID)},
			})
			if err != nil {
				return nil, err
			}
			east, err := usEast1Topics(provider)
			if err != nil {
				return nil, err
			}
			args.USEast1 = &alarms.Regional{Provider: provider, Topics: byRegion(east)}
			break
		}
	}
	return alarms.NewAlarms(ctx, "alarms", args)
}

// topicArns are the ARNs of the severity topics, by severity.
func topicArns(t *notify.Topics) map[alerts.Severity]pulumi.StringInput {
	out := map[alerts.Severity]pulumi.StringInput{}
	for sev, topic := range t.Topic {
		out[sev] = topic.Arn
	}
	return out
}

// deployDashboards creates the CloudWatch dashboards, with the ARNs of the alarms they
// show filled in, and the Grafana dashboards of an external Grafana when the stack
// names its folder.
func deployDashboards(ctx *pulumi.Context, env *Environment, a *alarms.Alarms, lf *logfilters.LogFilters) (*cdash.Dashboards, error) {
	d := env.Dashboards
	var external *cdash.ExternalGrafana
	if folder := env.DashboardsConfig.ExternalGrafanaFolder; folder != "" && len(d.Grafana) > 0 {
		external = &cdash.ExternalGrafana{Folder: folder, Dashboards: d.Grafana}
	}
	if len(d.CloudWatch) == 0 && external == nil {
		return nil, nil
	}
	var arns []pulumi.StringMapOutput
	healthChecks := pulumi.StringMap{}.ToStringMapOutput()
	if a != nil {
		arns = append(arns, a.AlarmArns)
		healthChecks = a.HealthCheckIds
	}
	if lf != nil {
		arns = append(arns, lf.AlarmArns)
	}
	all := pulumi.StringMap{}.ToStringMapOutput()
	if len(arns) > 0 {
		inputs := make([]any, len(arns))
		for i, m := range arns {
			inputs[i] = m
		}
		all = pulumi.All(inputs...).ApplyT(func(maps []any) map[string]string {
			out := map[string]string{}
			for _, m := range maps {
				for k, v := range m.(map[string]string) {
					out[k] = v
				}
			}
			return out
		}).(pulumi.StringMapOutput)
	}
	return cdash.NewDashboards(ctx, "dashboards", &cdash.DashboardsArgs{
		CloudWatch: d.CloudWatch, AlarmArns: all, HealthCheckIds: healthChecks, Grafana: external,
	})
}
