package notify

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vigilops/vigil/alerts"
	"github.com/vigilops/vigil/components/iampolicy"
	"github.com/vigilops/vigil/internal/mockcloud"
)

// The two shapes of the stacks: dev names no publisher role and lives in another
// account and region; prod names two.
func devArgs() *TopicsArgs {
	return &TopicsArgs{
		NamePrefix: "vigil-dev",
		AccountID:  "210987654321",
		Region:     "us-east-1",
		Subscribers: map[alerts.Severity]Subscribers{
			alerts.High: {Emails: []string{"dev@example.com"}},
		},
	}
}

func prodArgs() *TopicsArgs {
	a := validArgs()
	a.PublisherRoleARNs = []string{
		"arn:aws:iam::123456789012:role/alertmanager",
		"arn:aws:iam::123456789012:role/batch-jobs",
	}
	return a
}

// The administration actions, written out here rather than taken from the code under
// test: a change to the list must show up as a change to this test.
var wantAdminActions = []string{
	"kms:CancelKeyDeletion", "kms:CreateAlias", "kms:DeleteAlias", "kms:DescribeKey",
	"kms:DisableKey", "kms:EnableKey", "kms:EnableKeyRotation", "kms:GetKeyPolicy",
	"kms:GetKeyRotationStatus", "kms:ListResourceTags", "kms:PutKeyPolicy",
	"kms:ScheduleKeyDeletion", "kms:TagResource", "kms:UntagResource", "kms:UpdateAlias",
	"kms:UpdateKeyDescription",
}

type cond = map[string]map[string][]string

func policyOf(t *testing.T, r mockcloud.Resource) iampolicy.Document {
	t.Helper()
	doc, err := iampolicy.Parse(str(t, r, "policy"))
	require.NoError(t, err, r.Name)
	assert.Empty(t, doc.Lint(), "%s breaks the policy rules", r.Name)
	return doc
}

func TestKeyPolicyIsExactlyWhatAWSDocumentsForEachShape(t *testing.T) {
	tests := map[string]struct {
		args *TopicsArgs
		want iampolicy.Document
	}{
		"The dev key lets alarms, EventBridge and the account's principals through SNS use it, and names no role.": {
			args: devArgs(),
			want: iampolicy.Document{Version: "2012-10-17", Statement: []iampolicy.Statement{
				{Sid: "AccountAdministersKey", Effect: "Allow",
					Principal: &iampolicy.Principal{AWS: []string{"arn:aws:iam::210987654321:root"}},
					Action:    wantAdminActions, Resource: []string{"*"}},
				{Sid: "CloudWatchAlarmsUseKey", Effect: "Allow",
					Principal: &iampolicy.Principal{Service: []string{"cloudwatch.amazonaws.com"}},
					Action:    []string{"kms:Decrypt", "kms:GenerateDataKey*"}, Resource: []string{"*"},
					Condition: cond{
						"StringEquals": {"aws:SourceAccount": {"210987654321"}},
						"ArnLike":      {"aws:SourceArn": {"arn:aws:cloudwatch:us-east-1:210987654321:alarm:*"}},
					}},
				{Sid: "EventBridgeUsesKey", Effect: "Allow",
					Principal: &iampolicy.Principal{Service: []string{"events.amazonaws.com"}},
					Action:    []string{"kms:Decrypt", "kms:GenerateDataKey*"}, Resource: []string{"*"}},
				{Sid: "AccountPrincipalsUseKeyThroughSNS", Effect: "Allow",
					Principal: &iampolicy.Principal{AWS: []string{"arn:aws:iam::210987654321:root"}},
					Action:    []string{"kms:Decrypt", "kms:GenerateDataKey*"}, Resource: []string{"*"},
					Condition: cond{"StringEquals": {
						"kms:CallerAccount": {"210987654321"},
						"kms:ViaService":    {"sns.us-east-1.amazonaws.com"},
					}}},
			}},
		},
		"The prod key also lets the named publisher roles use it, through SNS only.": {
			args: prodArgs(),
			want: iampolicy.Document{Version: "2012-10-17", Statement: []iampolicy.Statement{
				{Sid: "AccountAdministersKey", Effect: "Allow",
					Principal: &iampolicy.Principal{AWS: []string{"arn:aws:iam::123456789012:root"}},
					Action:    wantAdminActions, Resource: []string{"*"}},
				{Sid: "CloudWatchAlarmsUseKey", Effect: "Allow",
					Principal: &iampolicy.Principal{Service: []string{"cloudwatch.amazonaws.com"}},
					Action:    []string{"kms:Decrypt", "kms:GenerateDataKey*"}, Resource: []string{"*"},
					Condition: cond{
						"StringEquals": {"aws:SourceAccount": {"123456789012"}},
						"ArnLike":      {"aws:SourceArn": {"arn:aws:cloudwatch:eu-west-1:123456789012:alarm:*"}},
					}},
				{Sid: "EventBridgeUsesKey", Effect: "Allow",
					Principal: &iampolicy.Principal{Service: []string{"events.amazonaws.com"}},
					Action:    []string{"kms:Decrypt", "kms:GenerateDataKey*"}, Resource: []string{"*"}},
				{Sid: "AccountPrincipalsUseKeyThroughSNS", Effect: "Allow",
					Principal: &iampolicy.Principal{AWS: []string{"arn:aws:iam::123456789012:root"}},
					Action:    []string{"kms:Decrypt", "kms:GenerateDataKey*"}, Resource: []string{"*"},
					Condition: cond{"StringEquals": {
						"kms:CallerAccount": {"123456789012"},
						"kms:ViaService":    {"sns.eu-west-1.amazonaws.com"},
					}}},
				{Sid: "PublisherRolesUseKeyThroughSNS", Effect: "Allow",
					Principal: &iampolicy.Principal{AWS: []string{
						"arn:aws:iam::123456789012:role/alertmanager",
						"arn:aws:iam::123456789012:role/batch-jobs",
					}},
					Action: []string{"kms:Decrypt", "kms:GenerateDataKey*"}, Resource: []string{"*"},
					Condition: cond{"StringEquals": {"kms:ViaService": {"sns.eu-west-1.amazonaws.com"}}}},
			}},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			cloud, _, err := deploy(t, tc.args)
			require.NoError(t, err)
			keys := cloud.ByType("aws:kms/key:Key")
			require.Len(t, keys, 1)
			assert.Equal(t, tc.want, policyOf(t, keys[0]))
		})
	}
}

func TestTopicPoliciesAreExactForEachShape(t *testing.T) {
	// want is the policy of one topic; roles are the named publishers of the shape.
	want := func(partitionRegionAccount, account, topicArn string, roles []string) iampolicy.Document {
		doc := iampolicy.Document{Version: "2012-10-17", Statement: []iampolicy.Statement{
			{Sid: "CloudWatchAlarmsPublish", Effect: "Allow",
				Principal: &iampolicy.Principal{Service: []string{"cloudwatch.amazonaws.com"}},
				Action:    []string{"sns:Publish"}, Resource: []string{topicArn},
				Condition: cond{
					"StringEquals": {"aws:SourceAccount": {account}},
					"ArnLike":      {"aws:SourceArn": {"arn:aws:cloudwatch:" + partitionRegionAccount + ":alarm:*"}},
				}},
			{Sid: "EventBridgeRulesPublish", Effect: "Allow",
				Principal: &iampolicy.Principal{Service: []string{"events.amazonaws.com"}},
				Action:    []string{"sns:Publish"}, Resource: []string{topicArn},
				Condition: cond{
					"StringEquals": {"aws:SourceAccount": {account}},
					"ArnLike":      {"aws:SourceArn": {"arn:aws:events:" + partitionRegionAccount + ":rule/*"}},
				}},
		}}
		if roles != nil {
			doc.Statement = append(doc.Statement, iampolicy.Statement{Sid: "PublisherRolesPublish", Effect: "Allow",
				Principal: &iampolicy.Principal{AWS: roles},
				Action:    []string{"sns:Publish"}, Resource: []string{topicArn}})
		}
		doc.Statement = append(doc.Statement, iampolicy.Statement{Sid: "DenyInsecureTransport", Effect: "Deny",
			Principal: &iampolicy.Principal{AWS: []string{"*"}},
			Action:    []string{"sns:Publish", "sns:Subscribe"}, Resource: []string{topicArn},
			Condition: cond{"Bool": {"aws:SecureTransport": {"false"}}}})
		return doc
	}
	tests := map[string]struct {
		args       *TopicsArgs
		arnPrefix  string // of the topics
		regionAcct string
		roles      []string
	}{
		"dev: this account's alarms and rules may publish, over TLS only, and no role is named.": {
			args: devArgs(), arnPrefix: "arn:aws:sns:us-east-1:210987654321:vigil-dev-", regionAcct: "us-east-1:210987654321",
		},
		"prod: the named publisher roles may publish too.": {
			args: prodArgs(), arnPrefix: "arn:aws:sns:eu-west-1:123456789012:vigil-prod-", regionAcct: "eu-west-1:123456789012",
			roles: []string{"arn:aws:iam::123456789012:role/alertmanager", "arn:aws:iam::123456789012:role/batch-jobs"},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			cloud, _, err := deploy(t, tc.args)
			require.NoError(t, err)
			require.Len(t, cloud.ByType("aws:sns/topicPolicy:TopicPolicy"), 4)
			for _, sev := range alerts.Severities() {
				p, ok := cloud.Named("aws:sns/topicPolicy:TopicPolicy", "notify-"+string(sev)+"-policy")
				require.True(t, ok, "no policy for %s", sev)
				topicArn := tc.arnPrefix + string(sev)
				assert.Equal(t, topicArn, str(t, p, "arn"), "the policy of %s is attached to its topic", sev)
				assert.Equal(t, want(tc.regionAcct, tc.args.AccountID, topicArn, tc.roles), policyOf(t, p), sev)
			}
		})
	}
}

func TestPublisherPolicyGrantsExactlyPublishAndTheKeyThroughSNS(t *testing.T) {
	var keyArn pulumi.StringOutput
	keyCh := make(chan string, 1)
	cloud, topics, err := deployWith(t, prodArgs(), func(ctx *pulumi.Context, topics *Topics) error {
		// The role is created after the topics, as the ECS platform component will.
		role, err := newRole(ctx, "alertmanager", "vigil-prod-alertmanager")
		if err != nil {
			return err
		}
		if _, err := topics.GrantPublish(ctx, "alertmanager-publishes", role); err != nil {
			return err
		}
		keyArn = topics.KeyArn
		keyArn.ApplyT(func(s string) error { keyCh <- s; return nil })
		return nil
	})
	require.NoError(t, err)
	key := <-keyCh

	policies := cloud.ByType("aws:iam/rolePolicy:RolePolicy")
	require.Len(t, policies, 1)
	rp := policies[0]
	assert.Equal(t, "alertmanager-publishes-policy", rp.Name)
	assert.Equal(t, "vigil-prod-alertmanager", str(t, rp, "role"))
	assert.Equal(t, "vigil-prod-eu-west-1-publish", str(t, rp, "name"))
	component, ok := cloud.Named(PublisherTypeToken, "alertmanager-publishes")
	require.True(t, ok, "the grant is a component")
	assert.Equal(t, component.URN, rp.Parent)
	assert.Equal(t, "", component.Parent, "a grant is the caller's child (here the stack's), not the topics'")
	assert.Equal(t, iampolicy.Document{Version: "2012-10-17", Statement: []iampolicy.Statement{
		{Sid: "PublishToSeverityTopics", Effect: "Allow", Action: []string{"sns:Publish"}, Resource: []string{
			"arn:aws:sns:eu-west-1:123456789012:vigil-prod-critical",
			"arn:aws:sns:eu-west-1:123456789012:vigil-prod-high",
			"arn:aws:sns:eu-west-1:123456789012:vigil-prod-medium",
			"arn:aws:sns:eu-west-1:123456789012:vigil-prod-low",
		}},
		{Sid: "UseTopicKeyThroughSNS", Effect: "Allow", Action: []string{"kms:Decrypt", "kms:GenerateDataKey*"},
			Resource:  []string{key},
			Condition: cond{"StringEquals": {"kms:ViaService": {"sns.eu-west-1.amazonaws.com"}}}},
	}}, policyOf(t, rp))
	assert.Equal(t, []string{
		"arn:aws:iam::123456789012:role/alertmanager",
		"arn:aws:iam::123456789012:role/batch-jobs",
		"Publisher alertmanager-publishes",
	}, topics.Publishers())
}

func TestKeyUseThroughSNSNamesSNSsEndpointInEachPartition(t *testing.T) {
	tests := map[string]struct{ region, want string }{
		"A commercial region":  {"eu-west-1", "sns.eu-west-1.amazonaws.com"},
		"GovCloud":             {"us-gov-west-1", "sns.us-gov-west-1.amazonaws.com"},
		"China has its domain": {"cn-north-1", "sns.cn-north-1.amazonaws.com.cn"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			partition := iampolicy.Partition(tc.region)
			key := KeyPolicy(partition, "123456789012", tc.region, []string{"arn:" + partition + ":iam::123456789012:role/r"})
			var got []string
			for _, s := range key.Statement {
				if c, ok := s.Condition["StringEquals"]["kms:ViaService"]; ok {
					got = append(got, c...)
				}
			}
			assert.Equal(t, []string{tc.want, tc.want}, got, "both statements that use the key through SNS")
			pub := PublisherPolicy(tc.region, "arn:"+partition+":kms:"+tc.region+":123456789012:key/k", []string{"t"})
			assert.Equal(t, []string{tc.want}, pub.Statement[1].Condition["StringEquals"]["kms:ViaService"])
			assert.Equal(t, "arn:"+partition+":cloudwatch:"+tc.region+":123456789012:alarm:*",
				key.Statement[1].Condition["ArnLike"]["aws:SourceArn"][0])
		})
	}
}
