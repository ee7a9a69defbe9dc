package vigiltest

import (
	"regexp"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// custom is any custom resource, registered by type token: the tests of this package
// need no provider SDK.
type custom struct {
	pulumi.CustomResourceState
	Arn   pulumi.StringOutput `pulumi:"arn"`
	KeyID pulumi.StringOutput `pulumi:"keyId"`
}

type component struct{ pulumi.ResourceState }

// estate registers a component with a KMS key, an SNS topic and a subscription under
// it, and a topic of its own directly under the stack.
func estate(urns *Outputs) pulumi.RunFunc {
	return func(ctx *pulumi.Context) error {
		var comp component
		if err := ctx.RegisterComponentResource("vigil:notify:Topics", "alerts", &comp); err != nil {
			return err
		}
		var key, topic, sub, alone custom
		if err := ctx.RegisterResource("aws:kms/key:Key", "alerts-key", pulumi.Map{}, &key, pulumi.Parent(&comp)); err != nil {
			return err
		}
		if err := ctx.RegisterResource("aws:sns/topic:Topic", "alerts-critical", pulumi.Map{
			"name":           pulumi.String("team-prod-critical"),
			"kmsMasterKeyId": key.Arn,
		}, &topic, pulumi.Parent(&comp)); err != nil {
			return err
		}
		if err := ctx.RegisterResource("aws:sns/topicSubscription:TopicSubscription", "alerts-critical-pagerduty-0", pulumi.Map{
			"topic":    topic.Arn,
			"protocol": pulumi.String("https"),
			"endpoint": pulumi.ToSecret(pulumi.String("https://events.pagerduty.com/integration/abc/enqueue")),
		}, &sub, pulumi.Parent(&comp)); err != nil {
			return err
		}
		if err := ctx.RegisterResource("aws:sns/topic:Topic", "audit", pulumi.Map{"name": pulumi.String("audit")}, &alone); err != nil {
			return err
		}
		if urns != nil {
			urns.Capture("component", comp.URN())
			urns.Capture("subscription", sub.URN())
			urns.Capture("alone", alone.URN())
			urns.Capture("keyArn", key.Arn)
			urns.Capture("topicArn", topic.Arn)
			urns.Capture("subscriptionArn", sub.Arn)
		}
		return nil
	}
}

func TestTheCloudRecordsEveryResourceWithTheURNTheEngineGivesIt(t *testing.T) {
	var got Outputs
	cloud, err := Run(estate(&got), WithProject("payments"), WithStack("prod"))
	require.NoError(t, err)

	require.Len(t, cloud.Resources(), 5)
	for name, want := range map[string]struct{ typ, logical string }{
		"component":    {"vigil:notify:Topics", "alerts"},
		"subscription": {"aws:sns/topicSubscription:TopicSubscription", "alerts-critical-pagerduty-0"},
		"alone":        {"aws:sns/topic:Topic", "audit"},
	} {
		urn, err := got.Get(name)
		require.NoError(t, err)
		r, ok := cloud.Named(want.typ, want.logical)
		require.True(t, ok, "%s is recorded", name)
		assert.Equal(t, urn, r.URN, "the URN of %s is the engine's", name)
	}
	assert.Equal(t, "urn:pulumi:prod::payments::vigil:notify:Topics$aws:sns/topic:Topic::alerts-critical",
		mustNamed(t, cloud, "aws:sns/topic:Topic", "alerts-critical").URN)
}

func TestParentsAreURNsAndChildrenOfTheStackHaveNone(t *testing.T) {
	cloud, err := Run(estate(nil))
	require.NoError(t, err)
	comp := mustNamed(t, cloud, "vigil:notify:Topics", "alerts")
	assert.Equal(t, "", comp.Parent, "a component under the stack has no parent")
	assert.False(t, comp.Custom)
	assert.Equal(t, "", mustNamed(t, cloud, "aws:sns/topic:Topic", "audit").Parent)

	var children []string
	for _, c := range cloud.Children(comp) {
		assert.Equal(t, comp.URN, c.Parent)
		assert.True(t, c.Custom)
		children = append(children, c.Name)
	}
	assert.ElementsMatch(t, []string{"alerts-key", "alerts-critical", "alerts-critical-pagerduty-0"}, children)
	assert.Empty(t, cloud.Children(mustNamed(t, cloud, "aws:sns/topic:Topic", "audit")), "a leaf has no children")
	assert.Empty(t, cloud.Children(Resource{}), "the zero Resource is nobody's parent")
}

func TestFindingResourcesByTypeAndName(t *testing.T) {
	cloud, err := Run(estate(nil))
	require.NoError(t, err)

	topics := cloud.ByType("aws:sns/topic:Topic")
	require.Len(t, topics, 2)
	assert.Less(t, topics[0].URN, topics[1].URN, "sorted by URN")
	assert.Empty(t, cloud.ByType("aws:sns/topic:Topicx"), "a type token matches exactly")

	_, ok := cloud.Named("aws:sns/topic:Topic", "alerts-key")
	assert.False(t, ok, "a name of another type is not found")
	_, ok = cloud.Named("aws:kms/key:Key", "alerts-key")
	assert.True(t, ok)

	assert.Equal(t, map[string]int{
		"vigil:notify:Topics": 1, "aws:kms/key:Key": 1, "aws:sns/topic:Topic": 2,
		"aws:sns/topicSubscription:TopicSubscription": 1,
	}, cloud.Counts())
}

var uuid4 = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

func TestCustomResourcesGetTheARNsAWSWouldGive(t *testing.T) {
	for name, tc := range map[string]struct {
		region, partition string
	}{
		"A commercial region gives aws ARNs.":      {"eu-west-1", "aws"},
		"A China region gives aws-cn ARNs.":        {"cn-north-1", "aws-cn"},
		"A GovCloud region gives aws-us-gov ARNs.": {"us-gov-west-1", "aws-us-gov"},
	} {
		t.Run(name, func(t *testing.T) {
			var got Outputs
			_, err := Run(estate(&got), WithAccount("210987654321"), WithRegion(tc.region))
			require.NoError(t, err)
			prefix := "arn:" + tc.partition + ":"
			keyArn, err := got.Get("keyArn")
			require.NoError(t, err)
			require.Regexp(t, `^`+regexp.QuoteMeta(prefix+"kms:"+tc.region+":210987654321:key/"), keyArn)
			assert.Regexp(t, uuid4, keyArn.(string)[len(prefix+"kms:"+tc.region+":210987654321:key/"):])

			topicArn, err := got.Get("topicArn")
			require.NoError(t, err)
			assert.Equal(t, prefix+"sns:"+tc.region+":210987654321:team-prod-critical", topicArn, "the physical name, not the logical one")

			subArn, err := got.Get("subscriptionArn")
			require.NoError(t, err)
			require.Regexp(t, `^`+regexp.QuoteMeta(topicArn.(string)+":"), subArn, "a subscription's ARN extends its topic's")
			assert.Regexp(t, uuid4, subArn.(string)[len(topicArn.(string))+1:])
		})
	}
}

func TestAnswersAreTheSameOnEveryRunAndDifferByName(t *testing.T) {
	arn := func(opts ...Option) string {
		var got Outputs
		_, err := Run(estate(&got), opts...)
		require.NoError(t, err)
		v, err := got.Get("keyArn")
		require.NoError(t, err)
		return v.(string)
	}
	assert.Equal(t, arn(), arn(), "two runs of one program answer the same")
	assert.NotEqual(t, arn(), arn(WithAccount("210987654321")), "another account gets another key")
	assert.NotEqual(t, fakeUUID("a"), fakeUUID("b"))
	assert.Regexp(t, uuid4, fakeUUID(""))
}

func TestOtherAWSTypesGetTheirNameAndAnARNOtherProvidersNoARN(t *testing.T) {
	cloud := New("p", "s", "123456789012", "eu-west-1")
	id, state, err := cloud.NewResource(pulumi.MockResourceArgs{TypeToken: "aws:sqs/queue:Queue", Name: "jobs", Custom: true,
		Inputs: resource.PropertyMap{"name": resource.NewStringProperty("jobs")}})
	require.NoError(t, err)
	assert.Equal(t, "jobs", id)
	assert.Equal(t, "arn:aws:sqs:eu-west-1:123456789012:jobs", state["arn"].StringValue())
	assert.Equal(t, "jobs", state["name"].StringValue(), "the inputs are part of the state")

	id, state, err = cloud.NewResource(pulumi.MockResourceArgs{TypeToken: "grafana:oss/dashboard:Dashboard", Name: "overview", Custom: true,
		Inputs: resource.PropertyMap{"configJson": resource.NewStringProperty("{}")}})
	require.NoError(t, err)
	assert.Equal(t, "overview", id)
	assert.NotContains(t, state, resource.PropertyKey("arn"), "only AWS resources have ARNs")

	id, state, err = cloud.NewResource(pulumi.MockResourceArgs{TypeToken: "vigil:x:Y", Name: "c"})
	require.NoError(t, err)
	assert.Equal(t, "", id, "a component has no ID")
	assert.Empty(t, state)
}

func TestProviderFunctionsAnswerAsTheAccountAndRegion(t *testing.T) {
	for name, tc := range map[string]struct{ region, partition, dns string }{
		"In a commercial region the partition is aws.":      {"eu-west-1", "aws", "amazonaws.com"},
		"In China the partition is aws-cn, its own domain.": {"cn-northwest-1", "aws-cn", "amazonaws.com.cn"},
		"In GovCloud the partition is aws-us-gov.":          {"us-gov-east-1", "aws-us-gov", "amazonaws.com"},
	} {
		t.Run(name, func(t *testing.T) {
			cloud := New("p", "s", "123456789012", tc.region)
			id, err := cloud.Call(pulumi.MockCallArgs{Token: "aws:index/getCallerIdentity:getCallerIdentity"})
			require.NoError(t, err)
			assert.Equal(t, "123456789012", id["accountId"].StringValue())
			assert.Equal(t, "arn:"+tc.partition+":iam::123456789012:role/vigil-plan", id["arn"].StringValue())
			reg, err := cloud.Call(pulumi.MockCallArgs{Token: "aws:index/getRegion:getRegion"})
			require.NoError(t, err)
			assert.Equal(t, tc.region, reg["name"].StringValue())
			part, err := cloud.Call(pulumi.MockCallArgs{Token: "aws:index/getPartition:getPartition"})
			require.NoError(t, err)
			assert.Equal(t, tc.partition, part["partition"].StringValue())
			assert.Equal(t, tc.dns, part["dnsSuffix"].StringValue())
		})
	}
	_, err := New("p", "s", "123456789012", "eu-west-1").Call(pulumi.MockCallArgs{Token: "aws:ec2/getVpc:getVpc"})
	assert.EqualError(t, err, "vigiltest: no answer for function aws:ec2/getVpc:getVpc")
}

func mustNamed(t *testing.T, c *Cloud, token, name string) Resource {
	t.Helper()
	r, ok := c.Named(token, name)
	require.True(t, ok, "no %s named %s", token, name)
	return r
}

func TestAGrandchildsURNNamesTheTypesOfItsParents(t *testing.T) {
	var got Outputs
	cloud, err := Run(func(ctx *pulumi.Context) error {
		var outer, inner component
		if err := ctx.RegisterComponentResource("team:estate:Estate", "payments", &outer); err != nil {
			return err
		}
		if err := ctx.RegisterComponentResource("vigil:notify:Topics", "payments-notify", &inner, pulumi.Parent(&outer)); err != nil {
			return err
		}
		var topic custom
		if err := ctx.RegisterResource("aws:sns/topic:Topic", "payments-notify-low", pulumi.Map{"name": pulumi.String("low")}, &topic, pulumi.Parent(&inner)); err != nil {
			return err
		}
		got.Capture("topic", topic.URN())
		got.Capture("inner", inner.URN())
		return nil
	}, WithProject("p"), WithStack("s"))
	require.NoError(t, err)
	urn, err := got.Get("topic")
	require.NoError(t, err)
	topic := mustNamed(t, cloud, "aws:sns/topic:Topic", "payments-notify-low")
	assert.Equal(t, urn, topic.URN)
	assert.Equal(t, "urn:pulumi:s::p::team:estate:Estate$vigil:notify:Topics$aws:sns/topic:Topic::payments-notify-low", topic.URN)
	inner, err := got.Get("inner")
	require.NoError(t, err)
	assert.Equal(t, inner, topic.Parent)
}
