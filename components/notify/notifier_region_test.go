package notify

import (
	"strings"
	"sync"
	"testing"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vigilops/vigil/internal/mockcloud"
)

// recordingCloud records which provider each resource was created with.
type recordingCloud struct {
	*mockcloud.Cloud
	mu        sync.Mutex
	providers map[string]string
}

func (c *recordingCloud) NewResource(args pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	c.mu.Lock()
	c.providers[args.TypeToken+" "+args.Name] = args.Provider
	c.mu.Unlock()
	return c.Cloud.NewResource(args)
}

// deployWithUSEast1 creates the eu-west-1 topics, us-east-1 topics of prefix
// eastPrefix with their provider, and a notifier of both.
func deployWithUSEast1(t *testing.T, change func(*NotifierArgs)) (*mockcloud.Cloud, map[string]string, error) {
	t.Helper()
	cloud := &recordingCloud{Cloud: mockcloud.New("vigil", "test", account, region), providers: map[string]string{}}
	err := pulumi.RunErr(func(ctx *pulumi.Context) error {
		topics, err := NewTopics(ctx, "notify", notifierTopics())
		if err != nil {
			return err
		}
		east, err := aws.NewProvider(ctx, "aws-us-east-1", &aws.ProviderArgs{Region: pulumi.String("us-east-1")})
		if err != nil {
			return err
		}
		ea := validArgs()
		ea.NamePrefix, ea.Region = "vigil-prod-use1", "us-east-1"
		eastTopics, err := NewTopics(ctx, "notify-us-east-1", ea, pulumi.Provider(east))
		if err != nil {
			return err
		}
		a := prodNotifier(t, topics)
		a.USEast1 = &RegionalTopics{Topics: eastTopics, Provider: east}
		if change != nil {
			change(a)
		}
		_, err = NewNotifier(ctx, "notifier", a)
		return err
	}, pulumi.WithMocks("vigil", "test", cloud))
	return cloud.Cloud, cloud.providers, err
}

func TestAStackElsewhereHearsItsUSEast1AlarmsAndWatchesThoseTopicsThere(t *testing.T) {
	cloud, providers, err := deployWithUSEast1(t, nil)
	require.NoError(t, err)
	east := func(typ, name string) {
		t.Helper()
		assert.Contains(t, providers[typ+" "+name], "aws-us-east-1", "%s %s is created in us-east-1", typ, name)
	}
	here := func(typ, name string) {
		t.Helper()
		assert.NotContains(t, providers[typ+" "+name], "aws-us-east-1", "%s %s is created in the stack's region", typ, name)
	}
	for _, sev := range []string{"critical", "high", "medium"} {
		sub := named(t, cloud, "aws:sns/topicSubscription:TopicSubscription", "notifier-us-east-1-"+sev+"-subscription")
		assert.Equal(t, "lambda", str(t, sub, "protocol"))
		assert.Equal(t, "arn:aws:sns:eu-west-1:123456789012:vigil-prod-use1-"+sev, str(t, sub, "topic"), "the us-east-1 topic (the mock names every ARN by its own region)")
		east("aws:sns/topicSubscription:TopicSubscription", sub.Name)
		perm := named(t, cloud, "aws:lambda/permission:Permission", "notifier-us-east-1-"+sev+"-permission")
		assert.Equal(t, "arn:aws:sns:eu-west-1:123456789012:vigil-prod-use1-"+sev, perm.Plain()["sourceArn"])
		here("aws:lambda/permission:Permission", perm.Name)
		here("aws:sns/topicSubscription:TopicSubscription", "notifier-"+sev+"-subscription")
	}
	_, ok := cloud.Named("aws:sns/topicSubscription:TopicSubscription", "notifier-us-east-1-low-subscription")
	assert.False(t, ok, "no channel wants low")

	topic := named(t, cloud, "aws:sns/topic:Topic", "notifier-us-east-1-alarm-topic")
	east(topic.Type, topic.Name)
	assert.Equal(t, "vigil-prod-notifier-alarms", topic.Plain()["name"])
	here(topic.Type, "notifier-alarm-topic")
	var emails []string
	for _, s := range cloud.ByType("aws:sns/topicSubscription:TopicSubscription") {
		if str(t, s, "topic") == "arn:aws:sns:eu-west-1:123456789012:vigil-prod-notifier-alarms" && strings.Contains(providers[s.Type+" "+s.Name], "aws-us-east-1") {
			assert.Equal(t, "email", str(t, s, "protocol"))
			emails = append(emails, str(t, s, "endpoint"))
		}
	}
	assert.ElementsMatch(t, []string{"oncall@example.com", "platform@example.com"}, emails, "both alarm addresses in us-east-1 too")

	for _, sev := range []string{"critical", "high", "medium", "low"} {
		a := named(t, cloud, "aws:cloudwatch/metricAlarm:MetricAlarm", "notifier-alarms-"+sev+"-topic-us-east-1-deliveries-failed")
		east(a.Type, a.Name)
		p := a.Plain()
		assert.Equal(t, "vigil-prod-"+sev+"-topic-us-east-1-deliveries-failed", p["name"])
		assert.Equal(t, map[string]any{"TopicName": "vigil-prod-use1-" + sev}, p["dimensions"])
		here(a.Type, "notifier-alarms-"+sev+"-topic-deliveries-failed")
	}
	assert.Len(t, cloud.ByType("aws:cloudwatch/metricAlarm:MetricAlarm"), 11, "3 on the function, 4 topics here, 4 there")
}

func TestUSEast1TopicsAreRefusedWhereTheyCannotWork(t *testing.T) {
	for name, tc := range map[string]struct {
		change func(*NotifierArgs)
		want   string
	}{
		"Without a provider.": {func(a *NotifierArgs) { a.USEast1.Provider = nil }, "USEast1.Provider: is required"},
		"Topics of another region.": {func(a *NotifierArgs) { a.USEast1.Topics = madeTopics("vigil-prod", KeyUse{}) },
			"USEast1.Topics: are in eu-west-1, not us-east-1"},
		"For a stack in an opt-in region.": {func(a *NotifierArgs) {
			a.Topics = madeTopics("vigil-prod", NotifierKeyUse("vigil-prod"))
			a.Topics.region = "eu-south-1"
		}, "USEast1: cannot deliver to a function in eu-south-1"},
		"For a stack in us-east-1.": {func(a *NotifierArgs) {
			a.Topics = madeTopics("vigil-prod", NotifierKeyUse("vigil-prod"))
			a.Topics.region = "us-east-1"
		}, "USEast1: must not be set for a stack in us-east-1"},
	} {
		t.Run(name, func(t *testing.T) {
			_, _, err := deployWithUSEast1(t, tc.change)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
}
