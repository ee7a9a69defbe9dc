package notify

import (
	"github.com/vigilops/vigil/components/iampolicy"
)

// TrustDocument and TrustStatement are iampolicy's: a role's trust policy.
type (
	TrustDocument  = iampolicy.TrustDocument
	TrustStatement = iampolicy.TrustStatement
)

// FunctionTrustPolicy lets Lambda assume the notifier's execution role.
func FunctionTrustPolicy() TrustDocument {
	return TrustDocument{Version: iampolicy.Version, Statement: []TrustStatement{{
		Sid: "LambdaAssumesRole", Effect: iampolicy.Allow,
		Principal: iampolicy.Principal{Service: []string{"lambda.amazonaws.com"}},
		Action:    []string{"sts:AssumeRole"},
	}}}
}

// ScheduleTrustPolicy lets EventBridge Scheduler assume the schedule's role, for
// schedules of this account only (aws:SourceAccount, as AWS documents against the
// confused deputy).
func ScheduleTrustPolicy(account string) TrustDocument {
	return TrustDocument{Version: iampolicy.Version, Statement: []TrustStatement{{
		Sid: "SchedulerAssumesRole", Effect: iampolicy.Allow,
		Principal: iampolicy.Principal{Service: []string{"scheduler.amazonaws.com"}},
		Action:    []string{"sts:AssumeRole"},
		Condition: map[string]map[string][]string{"StringEquals": {"aws:SourceAccount": {account}}},
	}}}
}

// FunctionResources are the ARNs the notifier's execution role is about.
type FunctionResources struct {
	// Region is the function's region, for kms:ViaService.
	Region string
	// KeyArn is the topics' key, which encrypts the secrets and the queue.
	KeyArn string
	// SecretArns are the channels' secrets, in order.
	SecretArns []string
	// LogGroupArn is the function's log group, without the trailing :*.
	LogGroupArn string
	// DeadLetterQueueArn is the function's dead-letter queue.
	DeadLetterQueueArn string
	// ReadsAlarms is true when the daily summary is configured.
	ReadsAlarms bool
}

// FunctionPolicy is the notifier's execution role policy, and all it may do:
//   - ReadWebhookSecrets: secretsmanager:GetSecretValue on exactly its secrets;
//   - DecryptSecretsThroughSecretsManager: kms:Decrypt on the key, only through
//     Secrets Manager in the region;
//   - WriteOwnLogs: logs:CreateLogStream and logs:PutLogEvents on its log group's
//     streams (the group exists: no logs:CreateLogGroup);
//   - SendToDeadLetterQueue: sqs:SendMessage on its queue, and
//     EncryptForDeadLetterQueue: kms:GenerateDataKey and kms:Decrypt on the key, only
//     through SQS in the region (Lambda sends failed events with this role);
//   - ReadAlarmsForDailySummary, with a summary only: cloudwatch:DescribeAlarms and
//     cloudwatch:DescribeAlarmHistory on "*". This is the one exception to exact
//     resources: AWS documents that DescribeAlarms returns composite alarms only
//     when the permission is scoped to "*", and the summary reads the history of
//     every alarm of the stack in one DescribeAlarmHistory call without an alarm
//     name, which no alarm ARN covers. Both only read.
func FunctionPolicy(r FunctionResources) iampolicy.Document {
	via := func(service string) map[string]map[string][]string {
		return map[string]map[string][]string{"StringEquals": {"kms:ViaService": {iampolicy.ServiceHost(service, r.Region)}}}
	}
	doc := iampolicy.Document{Version: iampolicy.Version, Statement: []iampolicy.Statement{
		{Sid: "ReadWebhookSecrets", Effect: iampolicy.Allow,
			Action: []string{"secretsmanager:GetSecretValue"}, Resource: r.SecretArns},
		{Sid: "DecryptSecretsThroughSecretsManager", Effect: iampolicy.Allow,
			Action: []string{"kms:Decrypt"}, Resource: []string{r.KeyArn}, Condition: via("secretsmanager")},
		{Sid: "WriteOwnLogs", Effect: iampolicy.Allow,
			Action: []string{"logs:CreateLogStream", "logs:PutLogEvents"}, Resource: []string{r.LogGroupArn + ":log-stream:*"}},
		{Sid: "SendToDeadLetterQueue", Effect: iampolicy.Allow,
			Action: []string{"sqs:SendMessage"}, Resource: []string{r.DeadLetterQueueArn}},
		{Sid: "EncryptForDeadLetterQueue", Effect: iampolicy.Allow,
			Action: dataKeyActions, Resource: []string{r.KeyArn}, Condition: via("sqs")},
	}}
	if r.ReadsAlarms {
		doc.Statement = append(doc.Statement, iampolicy.Statement{Sid: "ReadAlarmsForDailySummary", Effect: iampolicy.Allow,
			Action: []string{"cloudwatch:DescribeAlarmHistory", "cloudwatch:DescribeAlarms"}, Resource: []string{"*"}})
	}
	return doc
}

// SchedulePolicy lets the schedule's role invoke the function, and nothing else.
func SchedulePolicy(functionArn string) iampolicy.Document {
	return iampolicy.Document{Version: iampolicy.Version, Statement: []iampolicy.Statement{
		{Sid: "InvokeNotifier", Effect: iampolicy.Allow, Action: []string{"lambda:InvokeFunction"}, Resource: []string{functionArn}},
	}}
}

// DeadLetterQueuePolicy is the queue's policy: the function's role may send to it,
// and nothing may use it over plain HTTP.
func DeadLetterQueuePolicy(queueArn, roleArn string) iampolicy.Document {
	return iampolicy.Document{Version: iampolicy.Version, Statement: []iampolicy.Statement{
		{Sid: "NotifierSendsFailedEvents", Effect: iampolicy.Allow,
			Principal: &iampolicy.Principal{AWS: []string{roleArn}},
			Action:    []string{"sqs:SendMessage"}, Resource: []string{queueArn}},
		{Sid: "DenyInsecureTransport", Effect: iampolicy.Deny,
			Principal: &iampolicy.Principal{AWS: []string{"*"}},
			Action:    []string{"sqs:*"}, Resource: []string{queueArn},
			Condition: map[string]map[string][]string{"Bool": {"aws:SecureTransport": {"false"}}}},
	}}
}
