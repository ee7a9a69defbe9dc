package stacks

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vigilops/vigil/internal/mockcloud"
)

// A secret decrypted by Pulumi travels from the config to the subscription as a
// secret, and the stack outputs carry the topic of every severity.
func TestDeployKeepsDecryptedSecretsSecretAndExportsTheTopics(t *testing.T) {
	const url = "https://events.pagerduty.com/integration/0123456789abcdef0123456789abcdef/enqueue"
	env, err := FromValues("vigil", "prod", map[string]string{
		"aws:region": "eu-west-1", "vigil:tier": "prod", "vigil:accountId": "123456789012",
		"vigil:notifications": `{"critical":{"pagerduty":"` + url + `"},"high":{"sms":["+4915112345678"]}}`,
	}, []string{"vigil:notifications"})
	require.NoError(t, err)

	cloud := mockcloud.New("vigil", "prod", "123456789012", "eu-west-1")
	var outputs pulumi.Map
	err = pulumi.RunErr(func(ctx *pulumi.Context) error {
		d, err := Deploy(ctx, env)
		if err == nil {
			outputs = d.Outputs
		}
		return err
	}, pulumi.WithMocks("vigil", "prod", cloud))
	require.NoError(t, err)

	sub, ok := cloud.Named("aws:sns/topicSubscription:TopicSubscription", "notify-critical-pagerduty-0")
	require.True(t, ok)
	require.True(t, sub.Inputs["endpoint"].IsSecret())
	assert.Equal(t, url, sub.Inputs["endpoint"].SecretValue().Element.StringValue(), "the secret reaches AWS intact")
	for _, r := range cloud.Resources() {
		for k, v := range r.Inputs {
			if v.IsString() {
				assert.NotContains(t, v.StringValue(), "0123456789abcdef", "%s.%s holds the secret in clear", r.Name, k)
			}
		}
	}
	assert.ElementsMatch(t, []string{"tier", "topicArns", "notificationKeyArn"}, keysOf(outputs))
}

func keysOf(m pulumi.Map) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
