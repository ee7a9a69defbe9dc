package notify

import (
	"strings"
	"testing"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vigilops/vigil/validate"
)

// newRole creates a role as the ECS platform will create the Alertmanager task role,
// and returns its name.
func newRole(ctx *pulumi.Context, name, physical string) (pulumi.StringOutput, error) {
	role, err := iam.NewRole(ctx, name, &iam.RoleArgs{
		Name: pulumi.String(physical),
		AssumeRolePolicy: pulumi.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow",` +
			`"Principal":{"Service":"ecs-tasks.amazonaws.com"},"Action":"sts:AssumeRole"}]}`),
	})
	if err != nil {
		return pulumi.StringOutput{}, err
	}
	return role.Name, nil
}

func TestRequirePublisherRefusesTopicsNobodyButAlarmsCanPublishTo(t *testing.T) {
	tests := map[string]struct {
		args  *TopicsArgs
		grant bool
		want  string // "" for no error
	}{
		"Topics without a named role or a grant are refused, with the fix.": {
			args: devArgs(),
			want: `invalid notify.Topics "vigil-dev" (1 problem):
  Publishers: no role may publish to the vigil-dev topics: Alertmanager's SNS notifications would all be refused
    hint: call Topics.GrantPublish with the Alertmanager task role, or list an existing role in PublisherRoleARNs`,
		},
		"A grant to a role created after the topics is enough.": {args: devArgs(), grant: true},
		"A named role is enough.":                               {args: prodArgs()},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			var got error
			_, _, err := deployWith(t, tc.args, func(ctx *pulumi.Context, topics *Topics) error {
				if tc.grant {
					role, err := newRole(ctx, "alertmanager", "alertmanager")
					if err != nil {
						return err
					}
					if _, err := topics.GrantPublish(ctx, "alertmanager", role); err != nil {
						return err
					}
				}
				got = topics.RequirePublisher()
				return nil
			})
			require.NoError(t, err)
			if tc.want == "" {
				assert.NoError(t, got)
				return
			}
			require.Error(t, got)
			assert.Equal(t, tc.want, got.Error())
		})
	}
}

func TestInvalidPublisherArgsListEveryProblemAndCreateNothing(t *testing.T) {
	cloud, _, err := deployWith(t, devArgs(), func(ctx *pulumi.Context, _ *Topics) error {
		_, err := NewPublisher(ctx, "nobody", nil)
		return err
	})
	require.Error(t, err)
	var invalid *validate.Error
	require.ErrorAs(t, err, &invalid)
	var paths []string
	for _, p := range invalid.Problems {
		paths = append(paths, p.Path)
	}
	assert.Equal(t, []string{"Role", "Topics"}, paths)
	_, found := cloud.Named(PublisherTypeToken, "nobody")
	assert.False(t, found, "an invalid grant registers nothing")
	assert.Empty(t, cloud.ByType("aws:iam/rolePolicy:RolePolicy"))

	err = (&PublisherArgs{Topics: &Topics{}, Role: pulumi.String("r")}).Validate()
	require.Error(t, err)
	assert.Contains(t, err.Error(), "Topics: was not made by NewTopics")
}

func TestAGrantGoesWhereTheCallerParentsIt(t *testing.T) {
	cloud, _, err := deployWith(t, devArgs(), func(ctx *pulumi.Context, topics *Topics) error {
		var platform struct{ pulumi.ResourceState }
		if err := ctx.RegisterComponentResource("vigil:platform:Test", "platform", &platform); err != nil {
			return err
		}
		_, err := topics.GrantPublish(ctx, "platform-alertmanager", pulumi.String("alertmanager"), pulumi.Parent(&platform))
		return err
	})
	require.NoError(t, err)
	platform, ok := cloud.Named("vigil:platform:Test", "platform")
	require.True(t, ok)
	grant, ok := cloud.Named(PublisherTypeToken, "platform-alertmanager")
	require.True(t, ok)
	assert.Equal(t, platform.URN, grant.Parent)
	policy, ok := cloud.Named("aws:iam/rolePolicy:RolePolicy", "platform-alertmanager-policy")
	require.True(t, ok)
	assert.Equal(t, grant.URN, policy.Parent)
	assert.Equal(t, "alertmanager", str(t, policy, "role"))
	assert.Equal(t, "vigil-dev-us-east-1-publish", str(t, policy, "name"))
}

func TestRolePolicyNamesFitIAMsLimit(t *testing.T) {
	at := strings.Repeat("p", 110) // + "-eu-west-1" + "-publish" = 128, IAM's limit
	assert.Equal(t, at+"-eu-west-1-publish", rolePolicyName(at, "eu-west-1"))
	assert.Len(t, rolePolicyName(at, "eu-west-1"), 128)

	over := at + "q" // 129: cut short and hashed
	got := rolePolicyName(over, "eu-west-1")
	assert.Len(t, got, 128)
	assert.True(t, strings.HasPrefix(got, strings.Repeat("p", 110)+"q-"), got) // the hash stands for the region cut off
	assert.True(t, strings.HasSuffix(got, "-publish"), got)
	assert.NotEqual(t, got, rolePolicyName(at+"r", "eu-west-1"), "two long prefixes still give two names")
	assert.NotEqual(t, got, rolePolicyName(over, "eu-west-2"), "nor two regions")
	assert.Regexp(t, `^[\w+=,.@-]{1,128}$`, rolePolicyName(strings.Repeat("x", 243), "ap-southeast-1"))
}

func TestOneRoleMayPublishToTheTopicsOfTwoRegions(t *testing.T) {
	east := devArgs()
	west := devArgs()
	west.Region = "us-west-2"
	cloud, _, err := deployWith(t, east, func(ctx *pulumi.Context, eastTopics *Topics) error {
		westTopics, err := NewTopics(ctx, "notify-west", west)
		if err != nil {
			return err
		}
		if _, err := eastTopics.GrantPublish(ctx, "east", pulumi.String("alertmanager")); err != nil {
			return err
		}
		_, err = westTopics.GrantPublish(ctx, "west", pulumi.String("alertmanager"))
		return err
	})
	require.NoError(t, err)
	names := map[string]string{}
	for _, p := range cloud.ByType("aws:iam/rolePolicy:RolePolicy") {
		names[p.Name] = str(t, p, "name")
	}
	assert.Equal(t, map[string]string{
		"east-policy": "vigil-dev-us-east-1-publish",
		"west-policy": "vigil-dev-us-west-2-publish",
	}, names, "two inline policies of one role need two names")
}
