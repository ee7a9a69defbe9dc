package managed

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/vigilops/vigil/components/iampolicy"
)

type cond = map[string]map[string][]string

// wantAdminActions are written out here rather than taken from the code under test:
// a change to the list must show up as a change to this test.
var wantAdminActions = []string{
	"kms:CancelKeyDeletion", "kms:CreateAlias", "kms:DeleteAlias", "kms:DescribeKey",
	"kms:DisableKey", "kms:EnableKey", "kms:EnableKeyRotation", "kms:GetKeyPolicy",
	"kms:GetKeyRotationStatus", "kms:ListResourceTags", "kms:PutKeyPolicy",
	"kms:ScheduleKeyDeletion", "kms:TagResource", "kms:UntagResource", "kms:UpdateAlias",
	"kms:UpdateKeyDescription",
}

func TestTheKeyPolicyIsWhatAMPAndCloudWatchLogsNeedAndNoMore(t *testing.T) {
	tests := map[string]struct {
		partition, account, region string
		want                       iampolicy.Document
	}{
		"In eu-west-1 the key serves AMP and the workspace's log group.": {
			partition: "aws", account: "123456789012", region: "eu-west-1",
			want: iampolicy.Document{Version: "2012-10-17", Statement: []iampolicy.Statement{
				{Sid: "AccountAdministersKey", Effect: "Allow",
					Principal: &iampolicy.Principal{AWS: []string{"arn:aws:iam::123456789012:root"}},
					Action:    wantAdminActions, Resource: []string{"*"}},
				{Sid: "AccountPrincipalsUseKeyThroughAMP", Effect: "Allow",
					Principal: &iampolicy.Principal{AWS: []string{"arn:aws:iam::123456789012:root"}},
					Action:    []string{"kms:Decrypt", "kms:DescribeKey", "kms:GenerateDataKey"}, Resource: []string{"*"},
					Condition: cond{"StringEquals": {"kms:CallerAccount": {"123456789012"}, "kms:ViaService": {"aps.eu-west-1.amazonaws.com"}}}},
				{Sid: "AMPCreatesGrantsOnKey", Effect: "Allow",
					Principal: &iampolicy.Principal{AWS: []string{"arn:aws:iam::123456789012:root"}},
					Action:    []string{"kms:CreateGrant"}, Resource: []string{"*"},
					Condition: cond{
						"StringEquals": {"kms:CallerAccount": {"123456789012"}, "kms:ViaService": {"aps.eu-west-1.amazonaws.com"}},
						"Bool":         {"kms:GrantIsForAWSResource": {"true"}},
					}},
				{Sid: "CloudWatchLogsEncryptsWorkspaceLogs", Effect: "Allow",
					Principal: &iampolicy.Principal{Service: []string{"logs.eu-west-1.amazonaws.com"}},
					Action:    []string{"kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey*", "kms:ReEncryptFrom", "kms:ReEncryptTo"},
					Resource:  []string{"*"},
					Condition: cond{"ArnEquals": {"kms:EncryptionContext:aws:logs:arn": {"arn:aws:logs:eu-west-1:123456789012:log-group:/aws/vendedlogs/prometheus/vigil-prod"}}}},
			}},
		},
		"In China the service names end in amazonaws.com.cn.": {
			partition: "aws-cn", account: "210987654321", region: "cn-north-1",
			want: iampolicy.Document{Version: "2012-10-17", Statement: []iampolicy.Statement{
				{Sid: "AccountAdministersKey", Effect: "Allow",
					Principal: &iampolicy.Principal{AWS: []string{"arn:aws-cn:iam::210987654321:root"}},
					Action:    wantAdminActions, Resource: []string{"*"}},
				{Sid: "AccountPrincipalsUseKeyThroughAMP", Effect: "Allow",
					Principal: &iampolicy.Principal{AWS: []string{"arn:aws-cn:iam::210987654321:root"}},
					Action:    []string{"kms:Decrypt", "kms:DescribeKey", "kms:GenerateDataKey"}, Resource: []string{"*"},
					Condition: cond{"StringEquals": {"kms:CallerAccount": {"210987654321"}, "kms:ViaService": {"aps.cn-north-1.amazonaws.com.cn"}}}},
				{Sid: "AMPCreatesGrantsOnKey", Effect: "Allow",
					Principal: &iampolicy.Principal{AWS: []string{"arn:aws-cn:iam::210987654321:root"}},
					Action:    []string{"kms:CreateGrant"}, Resource: []string{"*"},
					Condition: cond{
						"StringEquals": {"kms:CallerAccount": {"210987654321"}, "kms:ViaService": {"aps.cn-north-1.amazonaws.com.cn"}},
						"Bool":         {"kms:GrantIsForAWSResource": {"true"}},
					}},
				{Sid: "CloudWatchLogsEncryptsWorkspaceLogs", Effect: "Allow",
					Principal: &iampolicy.Principal{Service: []string{"logs.cn-north-1.amazonaws.com.cn"}},
					Action:    []string{"kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey*", "kms:ReEncryptFrom", "kms:ReEncryptTo"},
					Resource:  []string{"*"},
					Condition: cond{"ArnEquals": {"kms:EncryptionContext:aws:logs:arn": {"arn:aws-cn:logs:cn-north-1:210987654321:log-group:/aws/vendedlogs/prometheus/vigil-prod"}}}},
			}},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got := KeyPolicy(tc.partition, tc.account, tc.region, LogGroupName("vigil-prod"))
			assert.Equal(t, tc.want, got)
			assert.Empty(t, got.Lint())
		})
	}
}

func TestTheTopicStatementsAreAWSsForAMPNarrowedToTheWorkspace(t *testing.T) {
	ws := "arn:aws:aps:eu-west-1:123456789012:workspace/ws-0123"
	topic := "arn:aws:sns:eu-west-1:123456789012:vigil-prod-critical"
	assert.Equal(t, iampolicy.Statement{
		Sid: "AMPWorkspacePublishes", Effect: "Allow",
		Principal: &iampolicy.Principal{Service: []string{"aps.amazonaws.com"}},
		Action:    []string{"sns:GetTopicAttributes", "sns:Publish"},
		Resource:  []string{topic},
		Condition: cond{
			"ArnEquals":    {"aws:SourceArn": {ws}},
			"StringEquals": {"aws:SourceAccount": {"123456789012"}},
		},
	}, TopicPolicyStatement("123456789012", ws, topic))
	assert.Equal(t, iampolicy.Statement{
		Sid: "AMPUsesTopicKey", Effect: "Allow",
		Principal: &iampolicy.Principal{Service: []string{"aps.amazonaws.com"}},
		Action:    []string{"kms:Decrypt", "kms:GenerateDataKey*"},
		Resource:  []string{"*"},
	}, TopicKeyPolicyStatement())
	assert.Equal(t, iampolicy.Statement{
		Sid: "AMPWorkspacePublishes", Effect: "Allow",
		Principal: &iampolicy.Principal{Service: []string{"aps.amazonaws.com"}},
		Action:    []string{"sns:GetTopicAttributes", "sns:Publish"},
		Resource:  []string{topic},
		Condition: cond{
			"ArnLike":      {"aws:SourceArn": {"arn:aws:aps:eu-west-1:123456789012:workspace/*"}},
			"StringEquals": {"aws:SourceAccount": {"123456789012"}},
		},
	}, TopicPolicyStatementForAccount("aws", "123456789012", "eu-west-1", topic), "before the workspace exists, any workspace of the account and region")
	doc := iampolicy.Document{Version: iampolicy.Version, Statement: []iampolicy.Statement{
		TopicPolicyStatement("123456789012", ws, topic), TopicKeyPolicyStatement(),
	}}
	assert.Empty(t, doc.Lint(), "both can join notify's documents without breaking its rules")
}

func TestTheGrafanaRoleIsAssumedByThisAccountsWorkspacesAndReadsOnly(t *testing.T) {
	assert.Equal(t, iampolicy.TrustDocument{Version: "2012-10-17", Statement: []iampolicy.TrustStatement{{
		Sid: "ManagedGrafanaAssumesRole", Effect: "Allow",
		Principal: iampolicy.Principal{Service: []string{"grafana.amazonaws.com"}},
		Action:    []string{"sts:AssumeRole"},
		Condition: cond{
			"StringEquals": {"aws:SourceAccount": {"123456789012"}},
			"ArnLike":      {"aws:SourceArn": {"arn:aws:grafana:eu-west-1:123456789012:/workspaces/*"}},
		},
	}}}, GrafanaTrustPolicy("aws", "123456789012", "eu-west-1"))

	ws := "arn:aws:aps:eu-west-1:123456789012:workspace/ws-0123"
	key := "arn:aws:kms:eu-west-1:123456789012:key/0f1e2d3c-4b5a-4978-8796-a5b4c3d2e1f0"
	got := GrafanaPolicy("aws", "123456789012", "eu-west-1", ws, key)
	assert.Equal(t, iampolicy.Document{Version: "2012-10-17", Statement: []iampolicy.Statement{
		{Sid: "QueryWorkspace", Effect: "Allow",
			Action:   []string{"aps:GetLabels", "aps:GetMetricMetadata", "aps:GetSeries", "aps:QueryMetrics"},
			Resource: []string{ws}},
		{Sid: "DecryptWorkspaceThroughAMP", Effect: "Allow",
			Action: []string{"kms:Decrypt"}, Resource: []string{key},
			Condition: cond{"StringEquals": {"kms:ViaService": {"aps.eu-west-1.amazonaws.com"}}}},
		{Sid: "ReadCloudWatchMetrics", Effect: "Allow",
			Action: []string{"cloudwatch:GetMetricData", "cloudwatch:ListMetrics"}, Resource: []string{"*"}},
		{Sid: "ReadCloudWatchAlarms", Effect: "Allow",
			Action:   []string{"cloudwatch:DescribeAlarmHistory", "cloudwatch:DescribeAlarms", "cloudwatch:DescribeAlarmsForMetric"},
			Resource: []string{"arn:aws:cloudwatch:eu-west-1:123456789012:alarm:*"}},
	}}, got)
	assert.Empty(t, got.Lint())
	for _, s := range got.Statement {
		for _, a := range s.Action {
			assert.Regexp(t, `^(aps|cloudwatch):(Get|List|Query|Describe)|^kms:Decrypt$`, a, "%s grants more than reading", s.Sid)
		}
	}
}
