package vigiltest

import (
	"errors"
	"os/exec"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRunDefaultsToATestStackOfAMadeUpAccount(t *testing.T) {
	var stack, project string
	var dryRun bool
	cloud, err := Run(func(ctx *pulumi.Context) error {
		stack, project, dryRun = ctx.Stack(), ctx.Project(), ctx.DryRun()
		return nil
	})
	require.NoError(t, err)
	assert.Equal(t, DefaultStack, stack)
	assert.Equal(t, DefaultProject, project)
	assert.False(t, dryRun, "Run runs as pulumi up")
	assert.Equal(t, DefaultAccount, cloud.Account)
	assert.Equal(t, DefaultRegion, cloud.Region)
	assert.Empty(t, cloud.Resources())
}

func TestWithPreviewRunsAsPulumiPreview(t *testing.T) {
	var dryRun bool
	_, err := Run(func(ctx *pulumi.Context) error { dryRun = ctx.DryRun(); return nil }, WithPreview())
	require.NoError(t, err)
	assert.True(t, dryRun)
}

func TestConfigReachesTheProgramInTheProjectNamespace(t *testing.T) {
	var team, region string
	var tags map[string]string
	var url pulumi.StringOutput
	var got Outputs
	cloud, err := Run(func(ctx *pulumi.Context) error {
		cfg := config.New(ctx, "")
		team = cfg.Require("team")
		cfg.RequireObject("tags", &tags)
		region = config.New(ctx, "aws").Require("region")
		url = cfg.RequireSecret("webhook")
		got.Capture("webhook", url)
		var sub custom
		return ctx.RegisterResource("aws:sns/topicSubscription:TopicSubscription", "hook", pulumi.Map{"endpoint": url}, &sub)
	},
		WithProject("payments"),
		WithConfig("team", "payments"),
		WithConfig("tags", `{"cost-center":"4711"}`),
		WithConfig("aws:region", "eu-central-1"),
		WithSecretConfig("webhook", hook),
	)
	require.NoError(t, err)
	assert.Equal(t, "payments", team, "a bare key belongs to the project")
	assert.Equal(t, map[string]string{"cost-center": "4711"}, tags, "structured values are JSON")
	assert.Equal(t, "eu-central-1", region, "a namespaced key is kept as it is")

	v, err := got.Get("webhook")
	require.NoError(t, err)
	assert.Equal(t, Masked, v, "secret config stays a secret")
	sub := mustNamed(t, cloud, "aws:sns/topicSubscription:TopicSubscription", "hook")
	assert.True(t, sub.IsSecret("endpoint"))
	clear, _ := sub.Secret("endpoint")
	assert.Equal(t, hook, clear)
}

func TestAConfigKeySetAgainInPlainIsNoLongerSecret(t *testing.T) {
	var got Outputs
	_, err := Run(func(ctx *pulumi.Context) error {
		got.Capture("k", config.New(ctx, "").GetSecret("k"))
		got.Capture("plain", pulumi.String(config.New(ctx, "").Get("k")).ToStringOutput())
		return nil
	}, WithSecretConfig("k", "v1"), WithConfig("k", "v2"))
	require.NoError(t, err)
	v, err := got.Get("plain")
	require.NoError(t, err)
	assert.Equal(t, "v2", v, "the last option wins")
}

func TestRunReturnsTheProgramsErrorAndKeepsWhatWasRegistered(t *testing.T) {
	cloud, err := Run(func(ctx *pulumi.Context) error {
		var r custom
		if err := ctx.RegisterResource("aws:sns/topic:Topic", "first", pulumi.Map{"name": pulumi.String("first")}, &r); err != nil {
			return err
		}
		return errors.New("invalid args: nothing more")
	})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "invalid args: nothing more")
	_, ok := cloud.Named("aws:sns/topic:Topic", "first")
	assert.True(t, ok)
}

func TestOutputsThatWereNeverCapturedAreAnError(t *testing.T) {
	var got Outputs
	_, err := got.Get("nothing")
	assert.EqualError(t, err, `vigiltest: no output captured as "nothing"`)

	_, err = Run(func(ctx *pulumi.Context) error {
		got.Capture("map", pulumi.StringMap{"critical": pulumi.String("arn:1")}.ToStringMapOutput())
		got.Capture("n", pulumi.Int(3).ToIntOutput())
		return nil
	})
	require.NoError(t, err)
	v, err := got.Get("map")
	require.NoError(t, err)
	assert.Equal(t, map[string]any{"critical": "arn:1"}, v, "typed outputs come back in their JSON shape")
	v, err = got.Get("n")
	require.NoError(t, err)
	assert.Equal(t, 3.0, v)
}

// Importing vigiltest must stay light: the Pulumi SDK, no provider SDK and no AWS SDK.
func TestVigiltestImportsNoProviderSDK(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "-f", "{{.ImportPath}}", ".").CombinedOutput()
	require.NoError(t, err, "%s", out)
	deps := strings.Fields(string(out))
	require.Contains(t, deps, "github.com/pulumi/pulumi/sdk/v3/go/pulumi", "the list is the real one")
	for _, dep := range deps {
		for _, heavy := range []string{"github.com/pulumi/pulumi-", "github.com/aws/"} {
			assert.False(t, strings.HasPrefix(dep, heavy), "vigiltest depends on %s", dep)
		}
	}
}
