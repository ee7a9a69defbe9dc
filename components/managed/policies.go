package managed

import (
	"fmt"

	"github.com/vigilops/vigil/components/iampolicy"
)

// APSPrincipal is the service principal of Amazon Managed Service for Prometheus that
// publishes to a topic of the workspace's own region (a topic of another region needs
// the regional form, which vigil does not use: Definition keeps topics in the
// workspace's region).
const APSPrincipal = "aps.amazonaws.com"

// ampKeyActions are what AMP needs of a customer managed key, as AWS documents
// them (Amazon Managed Service for Prometheus User Guide, Encryption at rest, Key
// policy): DescribeKey to check the key, GenerateDataKey and Decrypt for the data
// keys. kms:CreateGrant, also needed, gets its own statement.
var ampKeyActions = []string{"kms:Decrypt", "kms:DescribeKey", "kms:GenerateDataKey"}

// LogGroupARN is the ARN of a log group by name, without the trailing :* (the form of
// the kms:EncryptionContext:aws:logs:arn condition).
func LogGroupARN(partition, region, account, name string) string {
	return iampolicy.LogGroupARN(partition, region, account, name)
}

// KeyPolicy is the policy of the key that encrypts the workspace and its log group:
//   - AccountAdministersKey: the account (through IAM) administers the key, with
//     iampolicy.KeyAdminActions only.
//   - AccountPrincipalsUseKeyThroughAMP: the account's principals whose identity
//     policy allows it may use the key with ampKeyActions, only through AMP in the
//     region (kms:ViaService, kms:CallerAccount), as AWS documents for AMP. It is
//     what lets whoever creates the workspace hand the key to AMP, and the Grafana
//     role read the workspace (GrafanaPolicy).
//   - AMPCreatesGrantsOnKey: the same principals may create grants, only through AMP
//     and only grants for an AWS resource (kms:GrantIsForAWSResource): AMP creates
//     three grants to the key when the workspace is created.
//   - CloudWatchLogsEncryptsWorkspaceLogs: CloudWatch Logs may use the key for the
//     workspace's log group and no other (ArnEquals on
//     kms:EncryptionContext:aws:logs:arn).
func KeyPolicy(partition, account, region, logGroup string) iampolicy.Document {
	root := fmt.Sprintf("arn:%s:iam::%s:root", partition, account)
	viaAMP := map[string][]string{
		"kms:CallerAccount": {account},
		"kms:ViaService":    {iampolicy.ServiceHost("aps", region)},
	}
	return iampolicy.Document{
		Version: iampolicy.Version,
		Statement: []iampolicy.Statement{
			{
				Sid:       "AccountAdministersKey",
				Effect:    iampolicy.Allow,
				Principal: &iampolicy.Principal{AWS: []string{root}},
				Action:    iampolicy.KeyAdminActions,
				Resource:  []string{"*"},
			},
			{
				Sid:       "AccountPrincipalsUseKeyThroughAMP",
				Effect:    iampolicy.Allow,
				Principal: &iampolicy.Principal{AWS: []string{root}},
				Action:    ampKeyActions,
				Resource:  []string{"*"},
				Condition: map[string]map[string][]string{"StringEquals": viaAMP},
			},
			{
				Sid:       "AMPCreatesGrantsOnKey",
				Effect:    iampolicy.Allow,
				Principal: &iampolicy.Principal{AWS: []string{root}},
				Action:    []string{"kms:CreateGrant"},
				Resource:  []string{"*"},
				Condition: map[string]map[string][]string{
					"StringEquals": viaAMP,
					"Bool":         {"kms:GrantIsForAWSResource": {"true"}},
				},
			},
			{
				Sid:       "CloudWatchLogsEncryptsWorkspaceLogs",
				Effect:    iampolicy.Allow,
				Principal: &iampolicy.Principal{Service: []string{iampolicy.ServiceHost("logs", region)}},
				Action:    iampolicy.LogsKeyActions,
				Resource:  []string{"*"},
				Condition: map[string]map[string][]string{
					"ArnEquals": {"kms:EncryptionContext:aws:logs:arn": {LogGroupARN(partition, region, account, logGroup)}},
				},
			},
		},
	}
}

// TopicPolicyStatement is the statement a severity topic's access policy needs so
// that the workspace's alert manager may publish to it, as AWS documents it ("Giving
// Amazon Managed Service for Prometheus permission to send alert messages to your
// Amazon SNS topic"): aps.amazonaws.com may sns:Publish and sns:GetTopicAttributes on
// exactly the topic, only for this workspace (ArnEquals aws:SourceArn) of this account
// (StringEquals aws:SourceAccount), against the confused deputy. components/notify
// owns the topic policies: its TopicPolicy must append this statement.
func TopicPolicyStatement(account, workspaceArn, topicArn string) iampolicy.Statement {
	return iampolicy.Statement{
		Sid:       "AMPWorkspacePublishes",
		Effect:    iampolicy.Allow,
		Principal: &iampolicy.Principal{Service: []string{APSPrincipal}},
		Action:    []string{"sns:GetTopicAttributes", "sns:Publish"},
		Resource:  []string{topicArn},
		Condition: map[string]map[string][]string{
			"ArnEquals":    {"aws:SourceArn": {workspaceArn}},
			"StringEquals": {"aws:SourceAccount": {account}},
		},
	}
}

// WorkspaceARNPattern matches every AMP workspace of the account in the region: the
// aws:SourceArn value AWS documents for when the workspace's ARN is not known yet
// (Cross-service confused deputy prevention: "use wildcards for the unknown portions").
func WorkspaceARNPattern(partition, account, region string) string {
	return fmt.Sprintf("arn:%s:aps:%s:%s:workspace/*", partition, region, account)
}

// TopicPolicyStatementForAccount is TopicPolicyStatement for a topic policy written
// before the workspace exists: any AMP workspace of this account and region may
// publish (ArnLike aws:SourceArn WorkspaceARNPattern). Prefer TopicPolicyStatement
// with the workspace's ARN when the program can create the workspace first.
func TopicPolicyStatementForAccount(partition, account, region, topicArn string) iampolicy.Statement {
	s := TopicPolicyStatement(account, WorkspaceARNPattern(partition, account, region), topicArn)
	s.Condition = map[string]map[string][]string{
		"ArnLike":      {"aws:SourceArn": {WorkspaceARNPattern(partition, account, region)}},
		"StringEquals": {"aws:SourceAccount": {account}},
	}
	return s
}

// TopicKeyPolicyStatement is the statement the key policy of the encrypted severity
// topics needs so that AMP can publish to them, as AWS documents it (same page,
// "If your Amazon SNS topic is service side encryption (SSE) enabled"):
// aps.amazonaws.com may kms:Decrypt and kms:GenerateDataKey* on the key. AWS
// documents it without conditions; which workspace may publish is narrowed by
// TopicPolicyStatement on every topic. components/notify owns that key: its KeyPolicy
// must append this statement.
func TopicKeyPolicyStatement() iampolicy.Statement {
	return iampolicy.Statement{
		Sid:       "AMPUsesTopicKey",
		Effect:    iampolicy.Allow,
		Principal: &iampolicy.Principal{Service: []string{APSPrincipal}},
		Action:    []string{"kms:Decrypt", "kms:GenerateDataKey*"},
		Resource:  []string{"*"},
	}
}

// GrafanaTrustPolicy lets Amazon Managed Grafana workspaces of this account and
// region, and nothing else, assume the workspace role (aws:SourceAccount, and
// aws:SourceArn like arn:...:grafana:<region>:<account>:/workspaces/*: the role exists
// before the workspace, so its ID is not known yet).
func GrafanaTrustPolicy(partition, account, region string) iampolicy.TrustDocument {
	return iampolicy.TrustDocument{
		Version: iampolicy.Version,
		Statement: []iampolicy.TrustStatement{{
			Sid:       "ManagedGrafanaAssumesRole",
			Effect:    iampolicy.Allow,
			Principal: iampolicy.Principal{Service: []string{"grafana.amazonaws.com"}},
			Action:    []string{"sts:AssumeRole"},
			Condition: map[string]map[string][]string{
				"StringEquals": {"aws:SourceAccount": {account}},
				"ArnLike":      {"aws:SourceArn": {fmt.Sprintf("arn:%s:grafana:%s:%s:/workspaces/*", partition, region, account)}},
			},
		}},
	}
}

// The read-only actions of the Grafana role, written out here so that a reviewer sees
// exactly what Grafana may do.
var (
	// ampQueryActions read series from the workspace: what Grafana's Prometheus data
	// source calls.
	ampQueryActions = []string{"aps:GetLabels", "aps:GetMetricMetadata", "aps:GetSeries", "aps:QueryMetrics"}
	// cloudWatchMetricActions take no resource but "*" (Service Authorization
	// Reference: ListMetrics and GetMetricData support no resource types).
	cloudWatchMetricActions = []string{"cloudwatch:GetMetricData", "cloudwatch:ListMetrics"}
	// cloudWatchAlarmActions read alarms, of this account and region only.
	cloudWatchAlarmActions = []string{"cloudwatch:DescribeAlarmHistory", "cloudwatch:DescribeAlarms", "cloudwatch:DescribeAlarmsForMetric"}
)

// GrafanaPolicy is the identity policy of the Grafana workspace role, read-only:
//   - QueryWorkspace: ampQueryActions on exactly the AMP workspace.
//   - DecryptWorkspaceThroughAMP: kms:Decrypt on exactly the workspace's key, only
//     through AMP in the region: the workspace is encrypted with it, and AWS
//     documents that Amazon Managed Grafana needs the key to read it.
//   - ReadCloudWatchMetrics: cloudWatchMetricActions, which AWS lets name no
//     resource but "*".
//   - ReadCloudWatchAlarms: cloudWatchAlarmActions on this account's alarms in the
//     region.
func GrafanaPolicy(partition, account, region, workspaceArn, keyArn string) iampolicy.Document {
	return iampolicy.Document{
		Version: iampolicy.Version,
		Statement: []iampolicy.Statement{
			{Sid: "QueryWorkspace", Effect: iampolicy.Allow, Action: ampQueryActions, Resource: []string{workspaceArn}},
			{
				Sid: "DecryptWorkspaceThroughAMP", Effect: iampolicy.Allow,
				Action: []string{"kms:Decrypt"}, Resource: []string{keyArn},
				Condition: map[string]map[string][]string{"StringEquals": {"kms:ViaService": {iampolicy.ServiceHost("aps", region)}}},
			},
			{Sid: "ReadCloudWatchMetrics", Effect: iampolicy.Allow, Action: cloudWatchMetricActions, Resource: []string{"*"}},
			{
				Sid: "ReadCloudWatchAlarms", Effect: iampolicy.Allow, Action: cloudWatchAlarmActions,
				Resource: []string{fmt.Sprintf("arn:%s:cloudwatch:%s:%s:alarm:*", partition, region, account)},
			},
		},
	}
}
