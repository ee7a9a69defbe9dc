package mockcloud

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vigilops/vigil/vigiltest"
)

// The forwarder is vigiltest itself: the same types, so values pass between the two.
func TestMockcloudIsVigiltest(t *testing.T) {
	cloud := New("vigil", "prod", "123456789012", "cn-north-1")
	var same *vigiltest.Cloud = cloud
	assert.Equal(t, "vigil", same.Project)
	assert.Equal(t, "prod", same.Stack)
	assert.Equal(t, "123456789012", same.Account)
	assert.Equal(t, "cn-north-1", same.Region)

	err := pulumi.RunErr(func(ctx *pulumi.Context) error {
		var c struct{ pulumi.ResourceState }
		return ctx.RegisterComponentResource("vigil:x:Y", "y", &c)
	}, pulumi.WithMocks("vigil", "prod", cloud))
	require.NoError(t, err)
	var rs []Resource = cloud.Resources()
	require.Len(t, rs, 1)
	assert.Equal(t, "urn:pulumi:prod::vigil::vigil:x:Y::y", rs[0].URN)
}
