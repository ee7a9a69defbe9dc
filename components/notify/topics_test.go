package notify

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vigilops/vigil/alerts"
	"github.com/vigilops/vigil/internal/mockcloud"
	"github.com/vigilops/vigil/validate"
)

const (
	account = "123456789012"
	region  = "eu-west-1"
	// pagerDutyURL stands for a real integration URL; it must never show up in clear.
	pagerDutyURL = "https://events.pagerduty.com/integration/0123456789abcdef0123456789abcdef/enqueue"
	webhookURL   = "https://hooks.example.com/services/T000/B000/XXXXXXXXXXXXXXXX"
)

func validArgs() *TopicsArgs {
	return &TopicsArgs{
		NamePrefix: "vigil-prod",
		AccountID:  account,
		Region:     region,
		Subscribers: map[alerts.Severity]Subscribers{
			alerts.Critical: {
				Emails:    []string{"oncall@example.com"},
				SMS:       []string{"+4915112345678"},
				PagerDuty: []pulumi.StringInput{pulumi.String(pagerDutyURL)},
			},
			alerts.Medium: {
				Emails:   []string{"team@example.com", "lead@example.com"},
				Webhooks: []pulumi.StringInput{pulumi.ToSecret(pulumi.String(webhookURL)).(pulumi.StringOutput)},
			},
		},
		PublisherRoleARNs: []string{"arn:aws:iam::123456789012:role/alertmanager"},
		Tags:              map[string]string{"team": "reservations"},
	}
}

// deploy runs NewTopics under Pulumi's mock engine and returns what was registered.
func deploy(t *testing.T, args *TopicsArgs) (*mockcloud.Cloud, *Topics, error) {
	t.Helper()
	return deployWith(t, args, nil)
}

// deployWith runs NewTopics, then more(ctx, topics) when it is not nil, under a mock
// cloud of the account and region of args.
func deployWith(t *testing.T, args *TopicsArgs, more func(*pulumi.Context, *Topics) error) (*mockcloud.Cloud, *Topics, error) {
	t.Helper()
	cloud := mockcloud.New("vigil", "test", args.AccountID, args.Region)
	var topics *Topics
	err := pulumi.RunErr(func(ctx *pulumi.Context) error {
		var err error
		topics, err = NewTopics(ctx, "notify", args)
		if err != nil || more == nil {
			return err
		}
		return more(ctx, topics)
	}, pulumi.WithMocks("vigil", "test", cloud))
	return cloud, topics, err
}

func str(t *testing.T, r mockcloud.Resource, key string) string {
	t.Helper()
	v, ok := r.Inputs[resource.PropertyKey(key)]
	require.True(t, ok, "%s has no input %q", r.Name, key)
	require.True(t, v.IsString(), "%s.%s is not a plain string: %v", r.Name, key, v)
	return v.StringValue()
}

func TestNewTopicsCreatesAnEncryptedTopicPerSeverity(t *testing.T) {
	cloud, _, err := deploy(t, validArgs())
	require.NoError(t, err)

	keys := cloud.ByType("aws:kms/key:Key")
	require.Len(t, keys, 1)
	assert.True(t, keys[0].Inputs["enableKeyRotation"].BoolValue(), "key rotation must be on")
	assert.Equal(t, 30.0, keys[0].Inputs["deletionWindowInDays"].NumberValue(), "default deletion window")
	alias, ok := cloud.Named("aws:kms/alias:Alias", "notify-key-alias")
	require.True(t, ok)
	assert.Equal(t, "alias/vigil-prod-notify", str(t, alias, "name"))

	topics := cloud.ByType("aws:sns/topic:Topic")
	require.Len(t, topics, 4)
	keyArn := "arn:aws:kms:eu-west-1:123456789012:key/"
	for _, sev := range alerts.Severities() {
		topic, ok := cloud.Named("aws:sns/topic:Topic", "notify-"+string(sev))
		require.True(t, ok, "no topic for %s", sev)
		assert.Equal(t, "vigil-prod-"+string(sev), str(t, topic, "name"))
		assert.True(t, strings.HasPrefix(str(t, topic, "kmsMasterKeyId"), keyArn), "topic %s is not encrypted with the component's key", sev)
		assert.Equal(t, 2.0, topic.Inputs["signatureVersion"].NumberValue())
		assert.Equal(t, "reservations", topic.Inputs["tags"].ObjectValue()["team"].StringValue())
		assert.Contains(t, topic.Parent, TypeToken, "children are parented to the component")
	}
}

func TestSubscriptionsFollowTheSeverities(t *testing.T) {
	cloud, _, err := deploy(t, validArgs())
	require.NoError(t, err)
	type sub struct{ topic, protocol, endpoint string }
	var got []sub
	for _, s := range cloud.ByType("aws:sns/topicSubscription:TopicSubscription") {
		endpoint := s.Inputs["endpoint"]
		shown := "[secret]"
		if !endpoint.IsSecret() {
			shown = endpoint.StringValue()
		}
		topic := strings.TrimPrefix(str(t, s, "topic"), "arn:aws:sns:eu-west-1:123456789012:")
		got = append(got, sub{topic, str(t, s, "protocol"), shown})
	}
	assert.ElementsMatch(t, []sub{
		{"vigil-prod-critical", "email", "oncall@example.com"},
		{"vigil-prod-critical", "sms", "+4915112345678"},
		{"vigil-prod-critical", "https", "[secret]"},
		{"vigil-prod-medium", "email", "team@example.com"},
		{"vigil-prod-medium", "email", "lead@example.com"},
		{"vigil-prod-medium", "https", "[secret]"},
	}, got)

	pd, ok := cloud.Named("aws:sns/topicSubscription:TopicSubscription", "notify-critical-pagerduty-0")
	require.True(t, ok)
	assert.True(t, pd.Inputs["endpointAutoConfirms"].BoolValue(), "PagerDuty confirms on its own")
	hook, ok := cloud.Named("aws:sns/topicSubscription:TopicSubscription", "notify-medium-webhook-0")
	require.True(t, ok)
	assert.False(t, hook.Inputs["endpointAutoConfirms"].BoolValue())
}

func TestSecretEndpointsStaySecretEvenWhenPassedInClear(t *testing.T) {
	cloud, _, err := deploy(t, validArgs())
	require.NoError(t, err)
	for _, name := range []string{"notify-critical-pagerduty-0", "notify-medium-webhook-0"} {
		r, ok := cloud.Named("aws:sns/topicSubscription:TopicSubscription", name)
		require.True(t, ok)
		require.True(t, r.Inputs["endpoint"].IsSecret(), "%s endpoint must be a secret", name)
	}
	// Nothing registered may carry the URLs in clear, in any input of any resource.
	for _, r := range cloud.Resources() {
		clear, err := json.Marshal(r.Inputs.MapRepl(nil, func(v resource.PropertyValue) (any, bool) {
			if v.IsSecret() {
				return "[secret]", true
			}
			return nil, false
		}))
		require.NoError(t, err)
		assert.NotContains(t, string(clear), "0123456789abcdef0123456789abcdef", r.Name)
		assert.NotContains(t, string(clear), "XXXXXXXXXXXXXXXX", r.Name)
	}
}

func TestOutputsGiveTheTopicArnOfEachSeverity(t *testing.T) {
	arnsCh, keyCh := make(chan map[string]string, 1), make(chan string, 1)
	cloud := mockcloud.New("vigil", "test", account, region)
	err := pulumi.RunErr(func(ctx *pulumi.Context) error {
		topics, err := NewTopics(ctx, "notify", validArgs())
		if err != nil {
			return err
		}
		topics.TopicArns.ApplyT(func(m map[string]string) error { arnsCh <- m; return nil })
		topics.KeyArn.ApplyT(func(s string) error { keyCh <- s; return nil })
		return nil
	}, pulumi.WithMocks("vigil", "test", cloud))
	require.NoError(t, err)
	arns, keyArn := <-arnsCh, <-keyCh
	assert.Equal(t, map[string]string{
		"critical": "arn:aws:sns:eu-west-1:123456789012:vigil-prod-critical",
		"high":     "arn:aws:sns:eu-west-1:123456789012:vigil-prod-high",
		"medium":   "arn:aws:sns:eu-west-1:123456789012:vigil-prod-medium",
		"low":      "arn:aws:sns:eu-west-1:123456789012:vigil-prod-low",
	}, arns)
	assert.True(t, strings.HasPrefix(keyArn, "arn:aws:kms:eu-west-1:123456789012:key/"), keyArn)
}

func TestInvalidArgsListEveryProblemAndCreateNothing(t *testing.T) {
	args := &TopicsArgs{
		NamePrefix: "vigil prod",
		AccountID:  "12345",
		Region:     "Europe",
		Subscribers: map[alerts.Severity]Subscribers{
			"critcal":     {Emails: []string{"oncall@example.com"}},
			alerts.High:   {Emails: []string{"not-an-address"}, SMS: []string{"0151 123"}},
			alerts.Medium: {PagerDuty: []pulumi.StringInput{nil}},
		},
		PublisherRoleARNs:     []string{"alertmanager"},
		KeyDeletionWindowDays: 3,
	}
	cloud, _, err := deploy(t, args)
	require.Error(t, err)
	var invalid *validate.Error
	require.ErrorAs(t, err, &invalid)
	var paths []string
	for _, p := range invalid.Problems {
		paths = append(paths, p.Path)
	}
	assert.Equal(t, []string{
		"AccountID",
		"KeyDeletionWindowDays",
		"NamePrefix",
		"PublisherRoleARNs[0]",
		"Region",
		"Subscribers.critcal",
		"Subscribers.high.Emails[0]",
		"Subscribers.high.SMS[0]",
		"Subscribers.medium.PagerDuty[0]",
	}, paths)
	assert.Contains(t, err.Error(), "Subscribers.critcal: is not a severity\n    hint: did you mean critical?")
	assert.Empty(t, cloud.Resources(), "invalid args must create nothing, not even the component")
}

func TestASecretEndpointThatIsNotHTTPSFailsWithoutShowingIt(t *testing.T) {
	for name, url := range map[string]string{
		"plain http":     "http://hooks.example.com/services/T000/B000/XXXXXXXXXXXXXXXX",
		"no scheme":      "hooks.example.com/services/T000/B000/XXXXXXXXXXXXXXXX",
		"an e-mail":      "XXXXXXXXXXXXXXXX@example.com",
		"https, no host": "https:///XXXXXXXXXXXXXXXX",
	} {
		t.Run(name, func(t *testing.T) {
			args := validArgs()
			args.Subscribers[alerts.Low] = Subscribers{Webhooks: []pulumi.StringInput{
				pulumi.String(webhookURL),
				pulumi.ToSecret(pulumi.String(url)).(pulumi.StringOutput),
			}}
			_, _, err := deploy(t, args)
			require.Error(t, err)
			assert.Contains(t, err.Error(), "Subscribers.low.Webhooks[1]: must be an absolute https:// URL")
			assert.NotContains(t, err.Error(), "XXXXXXXXXXXXXXXX", "the secret must not be in the error")
			assert.NotContains(t, err.Error(), "Webhooks[0]", "a good endpoint is not reported")
		})
	}
}

func TestSecretEndpointsKeepTheirValueAndProtocol(t *testing.T) {
	cloud, _, err := deploy(t, validArgs())
	require.NoError(t, err)
	for name, want := range map[string]string{
		"notify-critical-pagerduty-0": pagerDutyURL,
		"notify-medium-webhook-0":     webhookURL,
	} {
		r, ok := cloud.Named("aws:sns/topicSubscription:TopicSubscription", name)
		require.True(t, ok)
		endpoint := r.Inputs["endpoint"]
		require.True(t, endpoint.IsSecret())
		assert.Equal(t, want, endpoint.SecretValue().Element.StringValue(), "%s: the check passes the value through", name)
		assert.Equal(t, "https", str(t, r, "protocol"))
	}
}
