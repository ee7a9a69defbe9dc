package platform

import (
	"fmt"
	"regexp"

	"github.com/vigilops/vigil/components/iampolicy"
)

// dataKeyActions are what a principal needs of the key through S3 or Secrets Manager:
// GenerateDataKey to write (Pulumi uploading the configuration, storing the
// password), Decrypt to read (the init containers, the execution role).
var dataKeyActions = []string{"kms:Decrypt", "kms:GenerateDataKey"}

// efsKeyActions are what EFS needs of the key of an encrypted file system, through
// grants it creates on behalf of the account's principal that creates the file system
// (Amazon EFS User Guide, "Using AWS KMS keys for Amazon EFS").
var efsKeyActions = []string{
	"kms:CreateGrant",
	"kms:Decrypt",
	"kms:DescribeKey",
	"kms:Encrypt",
	"kms:GenerateDataKeyWithoutPlaintext",
	"kms:ReEncryptFrom",
	"kms:ReEncryptTo",
}

// LogGroupARN is the ARN of a log group, without the trailing :* (the form of the
// kms:EncryptionContext:aws:logs:arn condition).
func LogGroupARN(region, account, name string) string {
	return iampolicy.LogGroupARN(iampolicy.Partition(region), region, account, name)
}

// KeyPolicy is the policy of the platform key:
//   - AccountAdministersKey: the account (through IAM) administers the key with
//     iampolicy.KeyAdminActions only;
//   - CloudWatchLogsEncryptsLogGroups: logs.<region> may use the key with
//     iampolicy.LogsKeyActions for exactly the platform's log groups (ArnEquals on
//     kms:EncryptionContext:aws:logs:arn, as AWS documents);
//   - AccountPrincipalsUseKeyThroughS3, ...ThroughSecretsManager: the account's
//     principals may use the key with dataKeyActions, only through that service in
//     region (kms:ViaService, kms:CallerAccount), when their identity policy allows
//     it: the init containers' task roles read the configuration so, the execution
//     role of Grafana reads its password so;
//   - AccountPrincipalsUseKeyThroughEFS: likewise through EFS with efsKeyActions.
//
// The key policy names no role, so it never changes when a role is created.
func KeyPolicy(account, region string, logGroups []string) iampolicy.Document {
	partition := iampolicy.Partition(region)
	root := fmt.Sprintf("arn:%s:iam::%s:root", partition, account)
	var arns []string
	for _, g := range logGroups {
		arns = append(arns, LogGroupARN(region, account, g))
	}
	through := func(sid, service string, actions []string) iampolicy.Statement {
		return iampolicy.Statement{
			Sid: sid, Effect: iampolicy.Allow,
			Principal: &iampolicy.Principal{AWS: []string{root}},
			Action:    actions, Resource: []string{"*"},
			Condition: map[string]map[string][]string{"StringEquals": {
				"kms:CallerAccount": {account},
				"kms:ViaService":    {iampolicy.ServiceHost(service, region)},
			}},
		}
	}
	return iampolicy.Document{Version: iampolicy.Version, Statement: []iampolicy.Statement{
		{Sid: "AccountAdministersKey", Effect: iampolicy.Allow, Principal: &iampolicy.Principal{AWS: []string{root}},
			Action: iampolicy.KeyAdminActions, Resource: []string{"*"}},
		{Sid: "CloudWatchLogsEncryptsLogGroups", Effect: iampolicy.Allow,
			Principal: &iampolicy.Principal{Service: []string{iampolicy.ServiceHost("logs", region)}},
			Action:    iampolicy.LogsKeyActions, Resource: []string{"*"},
			Condition: map[string]map[string][]string{"ArnEquals": {"kms:EncryptionContext:aws:logs:arn": arns}}},
		through("AccountPrincipalsUseKeyThroughS3", "s3", dataKeyActions),
		through("AccountPrincipalsUseKeyThroughSecretsManager", "secretsmanager", dataKeyActions),
		through("AccountPrincipalsUseKeyThroughEFS", "elasticfilesystem", efsKeyActions),
	}}
}

// TaskTrustPolicy lets ECS tasks of this account and region assume a task role, and
// nobody else: aws:SourceAccount and an aws:SourceArn on the account's ECS resources
// in region, which AWS recommends in the trust policy of task roles against the
// confused deputy (Amazon ECS Developer Guide, "Amazon ECS task IAM role").
func TaskTrustPolicy(account, region string) iampolicy.TrustDocument {
	return iampolicy.TrustDocument{Version: iampolicy.Version, Statement: []iampolicy.TrustStatement{{
		Sid: "ECSTasksOfThisAccountAssumeRole", Effect: iampolicy.Allow,
		Principal: iampolicy.Principal{Service: []string{"ecs-tasks.amazonaws.com"}},
		Action:    []string{"sts:AssumeRole"},
		Condition: map[string]map[string][]string{
			"StringEquals": {"aws:SourceAccount": {account}},
			"ArnLike":      {"aws:SourceArn": {fmt.Sprintf("arn:%s:ecs:%s:%s:*", iampolicy.Partition(region), region, account)}},
		},
	}}}
}

// ExecutionTrustPolicy lets ECS assume an execution role. It has no aws:SourceArn or
// aws:SourceAccount condition: AWS documents those for task roles only, and the
// execution role is assumed by ECS's agent to pull images, write logs and read
// secrets before any container runs; a condition on a key that request does not
// carry would refuse every task start, and widely used modules (such as
// terraform-aws-modules/ecs) condition the task role and not this one. What it may
// do is narrow instead: ExecutionPolicy.
func ExecutionTrustPolicy() iampolicy.TrustDocument {
	return iampolicy.TrustDocument{Version: iampolicy.Version, Statement: []iampolicy.TrustStatement{{
		Sid: "ECSAssumesExecutionRole", Effect: iampolicy.Allow,
		Principal: iampolicy.Principal{Service: []string{"ecs-tasks.amazonaws.com"}},
		Action:    []string{"sts:AssumeRole"},
	}}}
}

// ExecutionResources are the ARNs an execution role is about.
type ExecutionResources struct {
	Region      string
	LogGroupArn string
	// SecretArn and KeyArn: Grafana's admin password and the key it is encrypted
	// with; empty for the other apps.
	SecretArn, KeyArn string
	// Images are the task's images: one in a private ECR repository needs pulling
	// rights, public ones (quay.io, Docker Hub, ECR Public) need none.
	Images []string
}

var ecrImageRe = regexp.MustCompile(`^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?/([^:@]+)`)

// ExecutionPolicy is the execution role's policy: what ECS itself needs to start the
// task, and nothing else:
//   - WriteOwnLogs: logs:CreateLogStream and logs:PutLogEvents on the task's log
//     group's streams (the group exists: no logs:CreateLogGroup);
//   - ReadAdminPassword and DecryptAdminPassword (Grafana only):
//     secretsmanager:GetSecretValue on exactly the password's secret, kms:Decrypt on
//     the key through Secrets Manager only;
//   - PullPrivateImages (only when an image is in a private ECR repository):
//     ecr:BatchGetImage and ecr:GetDownloadUrlForLayer on exactly those repositories,
//     and ecr:GetAuthorizationToken, which has no resource but "*".
func ExecutionPolicy(r ExecutionResources) iampolicy.Document {
	doc := iampolicy.Document{Version: iampolicy.Version, Statement: []iampolicy.Statement{
		{Sid: "WriteOwnLogs", Effect: iampolicy.Allow, Action: []string{"logs:CreateLogStream", "logs:PutLogEvents"},
			Resource: []string{r.LogGroupArn + ":log-stream:*"}},
	}}
	if r.SecretArn != "" {
		doc.Statement = append(doc.Statement,
			iampolicy.Statement{Sid: "ReadAdminPassword", Effect: iampolicy.Allow, Action: []string{"secretsmanager:GetSecretValue"},
				Resource: []string{r.SecretArn}},
			iampolicy.Statement{Sid: "DecryptAdminPassword", Effect: iampolicy.Allow, Action: []string{"kms:Decrypt"},
				Resource:  []string{r.KeyArn},
				Condition: map[string]map[string][]string{"StringEquals": {"kms:ViaService": {iampolicy.ServiceHost("secretsmanager", r.Region)}}}},
		)
	}
	var repos []string
	seen := map[string]bool{}
	for _, img := range r.Images {
		m := ecrImageRe.FindStringSubmatch(img)
		if m == nil {
			continue
		}
		arn := fmt.Sprintf("arn:%s:ecr:%s:%s:repository/%s", iampolicy.Partition(m[2]), m[2], m[1], m[4])
		if !seen[arn] {
			seen[arn] = true
			repos = append(repos, arn)
		}
	}
	if len(repos) > 0 {
		doc.Statement = append(doc.Statement,
			iampolicy.Statement{Sid: "PullPrivateImages", Effect: iampolicy.Allow,
				Action: []string{"ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"}, Resource: repos},
			iampolicy.Statement{Sid: "AuthenticateToECR", Effect: iampolicy.Allow,
				Action: []string{"ecr:GetAuthorizationToken"}, Resource: []string{"*"}},
		)
	}
	return doc
}

// grafanaMetricsActions are what Grafana's CloudWatch data source needs to read
// metrics and alarms (Grafana's documentation of the data source's IAM policy), read
// only: none of them changes anything.
var grafanaMetricsActions = []string{
	"cloudwatch:DescribeAlarmHistory",
	"cloudwatch:DescribeAlarms",
	"cloudwatch:DescribeAlarmsForMetric",
	"cloudwatch:GetInsightRuleReport",
	"cloudwatch:GetMetricData",
	"cloudwatch:ListMetrics",
	"ec2:DescribeRegions",
	"tag:GetResources",
}

// grafanaLogsActions let the data source run CloudWatch Logs Insights queries, the
// way the runbooks of the log-filter alarms look at the lines that matched.
var grafanaLogsActions = []string{
	"logs:DescribeLogGroups",
	"logs:GetLogEvents",
	"logs:GetLogGroupFields",
	"logs:GetQueryResults",
	"logs:StartQuery",
	"logs:StopQuery",
}

// GrafanaCloudWatchPolicy is the Grafana task role's read-only CloudWatch access:
// ReadCloudWatchMetrics (grafanaMetricsActions) and ReadCloudWatchLogs
// (grafanaLogsActions). Their resource is "*": the metric and alarm reads have no
// resource-level permissions, and Logs Insights queries are meant to reach any of the
// account's log groups. Nothing here writes.
func GrafanaCloudWatchPolicy() iampolicy.Document {
	return iampolicy.Document{Version: iampolicy.Version, Statement: []iampolicy.Statement{
		{Sid: "ReadCloudWatchMetrics", Effect: iampolicy.Allow, Action: grafanaMetricsActions, Resource: []string{"*"}},
		{Sid: "ReadCloudWatchLogs", Effect: iampolicy.Allow, Action: grafanaLogsActions, Resource: []string{"*"}},
	}}
}
