package platform

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/vigilops/vigil/components/iampolicy"
)

type cond = map[string]map[string][]string

func TestTheKeyPolicyIsExactAndLintClean(t *testing.T) {
	groups := []string{"/ecs/vigil-prod-prom-task", "/ecs/vigil-prod-grafana-task"}
	doc := KeyPolicy(account, region, groups)
	root := &iampolicy.Principal{AWS: []string{"arn:aws:iam::123456789012:root"}}
	via := func(service string) cond {
		return cond{"StringEquals": {"kms:CallerAccount": {account}, "kms:ViaService": {service + ".eu-west-1.amazonaws.com"}}}
	}
	want := iampolicy.Document{Version: iampolicy.Version, Statement: []iampolicy.Statement{
		{Sid: "AccountAdministersKey", Effect: "Allow", Principal: root, Action: iampolicy.KeyAdminActions, Resource: []string{"*"}},
		{Sid: "CloudWatchLogsEncryptsLogGroups", Effect: "Allow", Principal: &iampolicy.Principal{Service: []string{"logs.eu-west-1.amazonaws.com"}},
			Action:   []string{"kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey*", "kms:ReEncryptFrom", "kms:ReEncryptTo"},
			Resource: []string{"*"},
			Condition: cond{"ArnEquals": {"kms:EncryptionContext:aws:logs:arn": {
				"arn:aws:logs:eu-west-1:123456789012:log-group:/ecs/vigil-prod-prom-task",
				"arn:aws:logs:eu-west-1:123456789012:log-group:/ecs/vigil-prod-grafana-task",
			}}}},
		{Sid: "AccountPrincipalsUseKeyThroughS3", Effect: "Allow", Principal: root, Action: []string{"kms:Decrypt", "kms:GenerateDataKey"},
			Resource: []string{"*"}, Condition: via("s3")},
		{Sid: "AccountPrincipalsUseKeyThroughSecretsManager", Effect: "Allow", Principal: root, Action: []string{"kms:Decrypt", "kms:GenerateDataKey"},
			Resource: []string{"*"}, Condition: via("secretsmanager")},
		{Sid: "AccountPrincipalsUseKeyThroughEFS", Effect: "Allow", Principal: root,
			Action:   []string{"kms:CreateGrant", "kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKeyWithoutPlaintext", "kms:ReEncryptFrom", "kms:ReEncryptTo"},
			Resource: []string{"*"}, Condition: via("elasticfilesystem")},
	}}
	assert.Equal(t, want, doc)
	assert.Empty(t, doc.Lint())
	for _, a := range iampolicy.KeyAdminActions {
		assert.NotContains(t, []string{"kms:Decrypt", "kms:DisableKeyRotation", "kms:*"}, a, "administering the key never decrypts nor stops rotation")
	}
	cn := KeyPolicy(account, "cn-north-1", groups)
	assert.Equal(t, []string{"arn:aws-cn:iam::123456789012:root"}, cn.Statement[0].Principal.AWS)
	assert.Equal(t, []string{"logs.cn-north-1.amazonaws.com.cn"}, cn.Statement[1].Principal.Service)
}

func TestTheTrustPolicyAdmitsOnlyThisAccountsECSTasks(t *testing.T) {
	want := `{"Version":"2012-10-17","Statement":[{"Sid":"ECSTasksOfThisAccountAssumeRole","Effect":"Allow",` +
		`"Principal":{"Service":["ecs-tasks.amazonaws.com"]},"Action":["sts:AssumeRole"],` +
		`"Condition":{"ArnLike":{"aws:SourceArn":["arn:aws:ecs:eu-west-1:123456789012:*"]},"StringEquals":{"aws:SourceAccount":["123456789012"]}}}]}`
	assert.Equal(t, want, TaskTrustPolicy(account, region).JSON())
}

func TestTheExecutionRoleIsAssumedByECSAlone(t *testing.T) {
	assert.Equal(t, `{"Version":"2012-10-17","Statement":[{"Sid":"ECSAssumesExecutionRole","Effect":"Allow",`+
		`"Principal":{"Service":["ecs-tasks.amazonaws.com"]},"Action":["sts:AssumeRole"]}]}`, ExecutionTrustPolicy().JSON())
}

func TestTheExecutionPolicyGrantsLogsAndOnlyGrafanaItsPassword(t *testing.T) {
	logs := "arn:aws:logs:eu-west-1:123456789012:log-group:/ecs/vigil-prod-prom-task"
	doc := ExecutionPolicy(ExecutionResources{Region: region, LogGroupArn: logs, Images: []string{PrometheusImage, InitImage}})
	assert.Equal(t, iampolicy.Document{Version: iampolicy.Version, Statement: []iampolicy.Statement{
		{Sid: "WriteOwnLogs", Effect: "Allow", Action: []string{"logs:CreateLogStream", "logs:PutLogEvents"}, Resource: []string{logs + ":log-stream:*"}},
	}}, doc, "public images need no pulling rights")
	assert.Empty(t, doc.Lint())

	secret := "arn:aws:secretsmanager:eu-west-1:123456789012:secret:vigil-prod/grafana/admin-password-AbCdEf"
	key := "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
	doc = ExecutionPolicy(ExecutionResources{Region: region, LogGroupArn: logs, SecretArn: secret, KeyArn: key,
		Images: []string{"210987654321.dkr.ecr.eu-central-1.amazonaws.com/team/grafana:12.1.0", "210987654321.dkr.ecr.eu-central-1.amazonaws.com/team/grafana@sha256:" + hex64, InitImage}})
	assert.Equal(t, []iampolicy.Statement{
		{Sid: "WriteOwnLogs", Effect: "Allow", Action: []string{"logs:CreateLogStream", "logs:PutLogEvents"}, Resource: []string{logs + ":log-stream:*"}},
		{Sid: "ReadAdminPassword", Effect: "Allow", Action: []string{"secretsmanager:GetSecretValue"}, Resource: []string{secret}},
		{Sid: "DecryptAdminPassword", Effect: "Allow", Action: []string{"kms:Decrypt"}, Resource: []string{key},
			Condition: cond{"StringEquals": {"kms:ViaService": {"secretsmanager.eu-west-1.amazonaws.com"}}}},
		{Sid: "PullPrivateImages", Effect: "Allow", Action: []string{"ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"},
			Resource: []string{"arn:aws:ecr:eu-central-1:210987654321:repository/team/grafana"}},
		{Sid: "AuthenticateToECR", Effect: "Allow", Action: []string{"ecr:GetAuthorizationToken"}, Resource: []string{"*"}},
	}, doc.Statement)
	assert.Empty(t, doc.Lint())
}

func TestGrafanaReadsCloudWatchAndChangesNothing(t *testing.T) {
	doc := GrafanaCloudWatchPolicy()
	assert.Empty(t, doc.Lint())
	assert.Equal(t, []string{"ReadCloudWatchMetrics", "ReadCloudWatchLogs"}, []string{doc.Statement[0].Sid, doc.Statement[1].Sid})
	read := map[string]bool{"Describe": true, "Get": true, "List": true, "StartQuery": true, "StopQuery": true}
	for _, s := range doc.Statement {
		assert.Equal(t, "Allow", s.Effect)
		assert.Nil(t, s.Principal)
		for _, a := range s.Action {
			verb := a[strings.Index(a, ":")+1:]
			ok := false
			for prefix := range read {
				ok = ok || len(verb) >= len(prefix) && verb[:len(prefix)] == prefix
			}
			assert.True(t, ok, "%s is not a read", a)
		}
	}
}
