package notify

import (
	"fmt"

	awscw "github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/lambda"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/scheduler"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/secretsmanager"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/sns"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/sqs"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/vigilops/vigil/alerts"
	"github.com/vigilops/vigil/components/alarms"
	"github.com/vigilops/vigil/components/iampolicy"
	"github.com/vigilops/vigil/notifier/config"
)

// deadLetterRetentionSeconds keeps failed events in the queue for SQS's maximum, 14
// days, so that a holiday does not lose them.
const deadLetterRetentionSeconds = 14 * 24 * 3600

// Notifier is the component: the notifier Lambda subscribed to the severity topics,
// its secrets, role, log group, dead-letter queue, alarms and daily schedule.
//
// The path of a notification: a severity topic invokes the function (a lambda
// subscription, allowed by a lambda.Permission for that topic only); the function
// reads its channels' webhook URLs from Secrets Manager at cold start and posts;
// what still fails after its own retries fails the invocation, which Lambda retries
// twice and then sends to the dead-letter queue. Alarms on that queue, on the
// function's errors and throttles and on every topic's failed deliveries go by
// e-mail through a topic of their own, which nothing of the function is needed for.
type Notifier struct {
	pulumi.ResourceState

	// FunctionArn and FunctionName identify the function.
	FunctionArn  pulumi.StringOutput `pulumi:"functionArn"`
	FunctionName pulumi.StringOutput `pulumi:"functionName"`
	// DeadLetterQueueArn is where failed events wait.
	DeadLetterQueueArn pulumi.StringOutput `pulumi:"deadLetterQueueArn"`
	// AlarmTopicArn is the e-mail-only topic of the notifier's own alarms.
	AlarmTopicArn pulumi.StringOutput `pulumi:"alarmTopicArn"`
	// SecretArns maps each channel to the secret holding its webhook URL.
	SecretArns pulumi.StringMapOutput `pulumi:"secretArns"`
	// Config is the function's configuration (VIGIL_NOTIFIER_CONFIG); no secret.
	Config string
	// Alarms are the notifier's own alarms (NotifierAlarms).
	Alarms *alarms.Alarms
}

// NewNotifier builds the function's package (unless args.Code is given) and creates
// the notifier. Invalid arguments create nothing.
func NewNotifier(ctx *pulumi.Context, name string, args *NotifierArgs, opts ...pulumi.ResourceOption) (*Notifier, error) {
	if args == nil {
		args = &NotifierArgs{}
	}
	if err := args.Validate(); err != nil {
		return nil, err
	}
	code := args.Code
	if code == nil {
		built, err := BuildNotifier(args.ModuleDir)
		if err != nil {
			return nil, err
		}
		code = &built
	}
	n := &Notifier{Config: string(mustMarshal(args.functionConfig()))}
	if err := ctx.RegisterComponentResource(NotifierTypeToken, name, n, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(n)
	t := args.Topics
	prefix, region, account := t.prefix, t.region, t.account
	partition := iampolicy.Partition(region)
	fnName := NotifierFunctionName(prefix)
	tags := pulumi.ToStringMap(args.Tags)

	retention := args.LogRetentionDays
	if retention == 0 {
		retention = 30
	}
	logs, err := awscw.NewLogGroup(ctx, name+"-logs", &awscw.LogGroupArgs{
		Name:            pulumi.String(NotifierLogGroupName(prefix)),
		RetentionInDays: pulumi.Int(retention),
		KmsKeyId:        t.KeyArn,
		Tags:            tags,
	}, parent)
	if err != nil {
		return nil, err
	}
	dlq, err := sqs.NewQueue(ctx, name+"-dlq", &sqs.QueueArgs{
		Name:                    pulumi.String(notifierQueueName(prefix)),
		KmsMasterKeyId:          t.KeyArn,
		MessageRetentionSeconds: pulumi.Int(deadLetterRetentionSeconds),
		Tags:                    tags,
	}, parent)
	if err != nil {
		return nil, err
	}

	secretArns := pulumi.StringMap{}
	var arnList pulumi.StringArray
	for i, ch := range args.Channels {
		secret, err := secretsmanager.NewSecret(ctx, name+"-"+ch.Name+"-secret", &secretsmanager.SecretArgs{
			Name:        pulumi.String(NotifierSecretName(prefix, ch.Name)),
			Description: pulumi.Sprintf("vigil: the webhook URL of the notifier's %s channel %s", ch.Target, ch.Name),
			KmsKeyId:    t.KeyArn,
			Tags:        tags,
		}, parent)
		if err != nil {
			return nil, err
		}
		if _, err := secretsmanager.NewSecretVersion(ctx, name+"-"+ch.Name+"-secret-value", &secretsmanager.SecretVersionArgs{
			SecretId:     secret.Arn,
			SecretString: httpsSecret(fmt.Sprintf("Channels[%d].WebhookURL", i), ch.WebhookURL),
		}, parent); err != nil {
			return nil, err
		}
		secretArns[ch.Name] = secret.Arn
		arnList = append(arnList, secret.Arn)
	}

	role, err := iam.NewRole(ctx, name+"-role", &iam.RoleArgs{
		Name:             pulumi.String(fnName),
		Description:      pulumi.String("vigil: the notifier Lambda's execution role"),
		AssumeRolePolicy: pulumi.String(FunctionTrustPolicy().JSON()),
		Tags:             tags,
	}, parent)
	if err != nil {
		return nil, err
	}
	reads := args.DailySummary != nil
	policyDoc := pulumi.All(t.KeyArn, dlq.Arn, arnList).ApplyT(func(v []any) string {
		var arns []string
		for _, a := range v[2].([]string) {
			arns = append(arns, a)
		}
		return FunctionPolicy(FunctionResources{
			Region: region, KeyArn: v[0].(string), SecretArns: arns, DeadLetterQueueArn: v[1].(string),
			LogGroupArn: LogGroupARN(partition, region, account, NotifierLogGroupName(prefix)), ReadsAlarms: reads,
		}).JSON()
	}).(pulumi.StringOutput)
	rolePolicy, err := iam.NewRolePolicy(ctx, name+"-policy", &iam.RolePolicyArgs{
		Name: pulumi.String(fnName), Role: role.Name, Policy: policyDoc,
	}, parent)
	if err != nil {
		return nil, err
	}
	if _, err := sqs.NewQueuePolicy(ctx, name+"-dlq-policy", &sqs.QueuePolicyArgs{
		QueueUrl: dlq.ID().ToStringOutput(), // a queue's ID is its URL
		Policy: pulumi.All(dlq.Arn, role.Arn).ApplyT(func(v []any) string {
			return DeadLetterQueuePolicy(v[0].(string), v[1].(string)).JSON()
		}).(pulumi.StringOutput),
	}, parent); err != nil {
		return nil, err
	}

	fn, err := lambda.NewFunction(ctx, name+"-function", &lambda.FunctionArgs{
		Name:           pulumi.String(fnName),
		Description:    pulumi.String("vigil: posts the " + prefix + " notifications to chat"),
		Runtime:        pulumi.String(NotifierRuntime),
		Handler:        pulumi.String(NotifierHandler),
		Architectures:  pulumi.StringArray{pulumi.String(NotifierArchitecture)},
		Code:           pulumi.NewFileArchive(code.ZipPath),
		SourceCodeHash: pulumi.String(code.SourceCodeHash),
		Role:           role.Arn,
		Timeout:        pulumi.Int(NotifierTimeout),
		MemorySize:     pulumi.Int(NotifierMemoryMiB),
		Environment: &lambda.FunctionEnvironmentArgs{
			Variables: pulumi.StringMap{config.EnvVar: pulumi.String(n.Config)},
		},
		DeadLetterConfig: &lambda.FunctionDeadLetterConfigArgs{TargetArn: dlq.Arn},
		LoggingConfig:    &lambda.FunctionLoggingConfigArgs{LogFormat: pulumi.String("Text"), LogGroup: logs.Name},
		Tags:             tags,
	}, parent, pulumi.DependsOn([]pulumi.Resource{logs, rolePolicy}))
	if err != nil {
		return nil, err
	}
	if _, err := lambda.NewFunctionEventInvokeConfig(ctx, name+"-async", &lambda.FunctionEventInvokeConfigArgs{
		FunctionName:         fn.Name,
		MaximumRetryAttempts: pulumi.Int(NotifierMaxRetries),
	}, parent); err != nil {
		return nil, err
	}

	if err := subscribeFunction(ctx, name, args, t, fn, parent); err != nil {
		return nil, err
	}
	alarmTopic, err := newAlarmTopic(ctx, name+"-alarm-topic", t, args, parent)
	if err != nil {
		return nil, err
	}
	alarmArgs := &alarms.AlarmsArgs{
		Region: region, Alarms: NotifierAlarms(prefix, args.RunbookBaseURL, args.Tags), Topics: everySeverity(alarmTopic.Arn), Tags: args.Tags,
	}
	if e := args.USEast1; e != nil {
		east := pulumi.Provider(e.Provider)
		if err := subscribeFunction(ctx, name+"-"+e.Topics.region, args, e.Topics, fn, parent, east); err != nil {
			return nil, err
		}
		eastTopic, err := newAlarmTopic(ctx, name+"-"+e.Topics.region+"-alarm-topic", e.Topics, args, parent, east)
		if err != nil {
			return nil, err
		}
		alarmArgs.Alarms = append(alarmArgs.Alarms, TopicDeliveryAlarms(prefix, e.Topics.prefix, e.Topics.region, args.RunbookBaseURL, args.Tags)...)
		alarmArgs.USEast1 = &alarms.Regional{Provider: e.Provider, Topics: everySeverity(eastTopic.Arn)}
	}
	n.Alarms, err = alarms.NewAlarms(ctx, name+"-alarms", alarmArgs, parent)
	if err != nil {
		return nil, err
	}

	if s := args.DailySummary; s != nil {
		if err := newDailySchedule(ctx, name, args, s, fn, parent); err != nil {
			return nil, err
		}
	}

	n.FunctionArn, n.FunctionName = fn.Arn, fn.Name
	n.DeadLetterQueueArn = dlq.Arn
	n.AlarmTopicArn = alarmTopic.Arn
	n.SecretArns = secretArns.ToStringMapOutput()
	if err := ctx.RegisterResourceOutputs(n, pulumi.Map{
		"functionArn":        n.FunctionArn,
		"functionName":       n.FunctionName,
		"deadLetterQueueArn": n.DeadLetterQueueArn,
		"alarmTopicArn":      n.AlarmTopicArn,
		"secretArns":         n.SecretArns,
	}); err != nil {
		return nil, err
	}
	return n, nil
}

// everySeverity maps every severity to one topic: the notifier's alarms all go to
// its e-mail topic, whatever their severity.
func everySeverity(topic pulumi.StringInput) map[alerts.Severity]pulumi.StringInput {
	out := map[alerts.Severity]pulumi.StringInput{}
	for _, sev := range alerts.Severities() {
		out[sev] = topic
	}
	return out
}

// subscribeFunction subscribes the function to the topics of t that the channels
// want, each with a lambda.Permission for that topic only. The subscription is made
// where the topic is (opts carry its provider); the permission where the function is.
func subscribeFunction(ctx *pulumi.Context, name string, args *NotifierArgs, t *Topics, fn *lambda.Function, parent pulumi.ResourceOption, opts ...pulumi.ResourceOption) error {
	for _, sev := range args.subscribedSeverities() {
		topic := t.Topic[sev]
		perm, err := lambda.NewPermission(ctx, name+"-"+string(sev)+"-permission", &lambda.PermissionArgs{
			Action:    pulumi.String("lambda:InvokeFunction"),
			Function:  fn.Name,
			Principal: pulumi.String("sns.amazonaws.com"),
			SourceArn: topic.Arn,
		}, parent)
		if err != nil {
			return err
		}
		if _, err := sns.NewTopicSubscription(ctx, name+"-"+string(sev)+"-subscription", &sns.TopicSubscriptionArgs{
			Topic:    topic.Arn,
			Protocol: pulumi.String("lambda"),
			Endpoint: fn.Arn,
		}, append([]pulumi.ResourceOption{parent, pulumi.DependsOn([]pulumi.Resource{perm})}, opts...)...); err != nil {
			return err
		}
	}
	return nil
}

// newAlarmTopic creates an e-mail-only topic for the notifier's alarms beside the
// topics t (opts carry their provider), encrypted with their key, which CloudWatch
// alarms of the account may publish to.
func newAlarmTopic(ctx *pulumi.Context, name string, t *Topics, args *NotifierArgs, parent pulumi.ResourceOption, opts ...pulumi.ResourceOption) (*sns.Topic, error) {
	opts = append([]pulumi.ResourceOption{parent}, opts...)
	partition := iampolicy.Partition(t.region)
	topic, err := sns.NewTopic(ctx, name, &sns.TopicArgs{
		Name:             pulumi.String(notifierAlarmTopicName(args.Topics.prefix)),
		DisplayName:      pulumi.String(displayName(args.Topics.prefix+" notifier", "alarms")),
		KmsMasterKeyId:   t.KeyArn,
		SignatureVersion: pulumi.Int(2),
		Tags:             pulumi.ToStringMap(args.Tags),
	}, opts...)
	if err != nil {
		return nil, err
	}
	if _, err := sns.NewTopicPolicy(ctx, name+"-policy", &sns.TopicPolicyArgs{
		Arn: topic.Arn,
		Policy: topic.Arn.ApplyT(func(arn string) string {
			return TopicPolicy(partition, t.account, t.region, arn, nil).JSON()
		}).(pulumi.StringOutput),
	}, opts...); err != nil {
		return nil, err
	}
	for _, e := range args.AlarmEmails {
		if _, err := sns.NewTopicSubscription(ctx, name+"-email-"+shortHash(e), &sns.TopicSubscriptionArgs{
			Topic: topic.Arn, Protocol: pulumi.String("email"), Endpoint: pulumi.String(e),
		}, opts...); err != nil {
			return nil, err
		}
	}
	return topic, nil
}

// newDailySchedule creates the EventBridge Scheduler schedule of the daily summary
// and its role, which may invoke the function and nothing else.
func newDailySchedule(ctx *pulumi.Context, name string, args *NotifierArgs, s *DailySummary, fn *lambda.Function, parent pulumi.ResourceOption) error {
	t := args.Topics
	role, err := iam.NewRole(ctx, name+"-schedule-role", &iam.RoleArgs{
		Name:             pulumi.String(NotifierFunctionName(t.prefix) + "-schedule"),
		Description:      pulumi.String("vigil: lets the daily-summary schedule invoke the notifier"),
		AssumeRolePolicy: pulumi.String(ScheduleTrustPolicy(t.account).JSON()),
		Tags:             pulumi.ToStringMap(args.Tags),
	}, parent)
	if err != nil {
		return err
	}
	policy, err := iam.NewRolePolicy(ctx, name+"-schedule-policy", &iam.RolePolicyArgs{
		Name: pulumi.String(NotifierFunctionName(t.prefix) + "-schedule"),
		Role: role.Name,
		Policy: fn.Arn.ApplyT(func(arn string) string {
			return SchedulePolicy(arn).JSON()
		}).(pulumi.StringOutput),
	}, parent)
	if err != nil {
		return err
	}
	_, _, zone := s.scheduleAt(args.TimeZone)
	_, err = scheduler.NewSchedule(ctx, name+"-daily-summary", &scheduler.ScheduleArgs{
		Name:                       pulumi.String(NotifierFunctionName(t.prefix) + "-daily-summary"),
		Description:                pulumi.String("vigil: the daily summary of the " + t.prefix + " alarms"),
		ScheduleExpression:         pulumi.String(s.ScheduleExpression()),
		ScheduleExpressionTimezone: pulumi.String(zone),
		FlexibleTimeWindow:         &scheduler.ScheduleFlexibleTimeWindowArgs{Mode: pulumi.String("OFF")},
		Target: &scheduler.ScheduleTargetArgs{
			Arn:     fn.Arn,
			RoleArn: role.Arn,
			Input:   pulumi.String(DailySummaryInput),
			// A summary that comes hours late says the wrong thing: give up after one.
			RetryPolicy: &scheduler.ScheduleTargetRetryPolicyArgs{MaximumEventAgeInSeconds: pulumi.Int(3600)},
		},
	}, parent, pulumi.DependsOn([]pulumi.Resource{policy}))
	return err
}
