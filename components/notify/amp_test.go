package notify

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vigilops/vigil/alerts"
	"github.com/vigilops/vigil/components/iampolicy"
)

// With KeyUse.ManagedPrometheus, AMP's alert manager may publish to every topic and use
// their key, in the form AWS documents; without it, neither statement is there.
func TestManagedPrometheusMayPublishToTheTopicsOnlyWhenAsked(t *testing.T) {
	args := prodArgs()
	args.Key = KeyUse{ManagedPrometheus: true}
	cloud, _, err := deploy(t, args)
	require.NoError(t, err)

	keys := cloud.ByType("aws:kms/key:Key")
	require.Len(t, keys, 1)
	key := policyOf(t, keys[0])
	last := key.Statement[len(key.Statement)-1]
	assert.Equal(t, iampolicy.Statement{Sid: "AMPUsesKey", Effect: "Allow",
		Principal: &iampolicy.Principal{Service: []string{"aps.amazonaws.com"}},
		Action:    []string{"kms:Decrypt", "kms:GenerateDataKey*"}, Resource: []string{"*"}}, last)
	assert.Empty(t, key.Lint())

	for _, sev := range alerts.Severities() {
		p, ok := cloud.Named("aws:sns/topicPolicy:TopicPolicy", "notify-"+string(sev)+"-policy")
		require.True(t, ok)
		doc := policyOf(t, p)
		topicArn := "arn:aws:sns:eu-west-1:123456789012:vigil-prod-" + string(sev)
		n := len(doc.Statement)
		require.GreaterOrEqual(t, n, 2)
		assert.Equal(t, iampolicy.Statement{Sid: "AMPWorkspacesPublish", Effect: "Allow",
			Principal: &iampolicy.Principal{Service: []string{"aps.amazonaws.com"}},
			Action:    []string{"sns:GetTopicAttributes", "sns:Publish"}, Resource: []string{topicArn},
			Condition: cond{
				"StringEquals": {"aws:SourceAccount": {"123456789012"}},
				"ArnLike":      {"aws:SourceArn": {"arn:aws:aps:eu-west-1:123456789012:workspace/*"}},
			}}, doc.Statement[n-2], sev)
		assert.Equal(t, "DenyInsecureTransport", doc.Statement[n-1].Sid, "the Deny stays last")
		assert.Empty(t, doc.Lint(), sev)
	}

	cloud, _, err = deploy(t, prodArgs())
	require.NoError(t, err)
	for _, r := range append(cloud.ByType("aws:kms/key:Key"), cloud.ByType("aws:sns/topicPolicy:TopicPolicy")...) {
		for _, s := range policyOf(t, r).Statement {
			assert.NotContains(t, s.Sid, "AMP", "%s without ManagedPrometheus", r.Name)
		}
	}
}
