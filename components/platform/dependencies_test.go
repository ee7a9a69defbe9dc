package platform

import (
	"strings"
	"sync"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vigilops/vigil/vigiltest"
)

// dependencyCloud is the mock cloud, noting what each resource was declared to depend
// on (pulumi.DependsOn), which vigiltest does not keep.
type dependencyCloud struct {
	*vigiltest.Cloud
	mu   sync.Mutex
	deps map[string][]string // logical name -> URNs
}

func (d *dependencyCloud) NewResource(args pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	if args.RegisterRPC != nil {
		d.mu.Lock()
		d.deps[args.Name] = append([]string(nil), args.RegisterRPC.GetDependencies()...)
		d.mu.Unlock()
	}
	return d.Cloud.NewResource(args)
}

func TestAServiceStartsOnlyOnceItsFilesAndMountTargetsExist(t *testing.T) {
	cloud := &dependencyCloud{Cloud: vigiltest.New(vigiltest.DefaultProject, vigiltest.DefaultStack, account, region), deps: map[string][]string{}}
	args := validArgs(t)
	args.Publisher = func(*pulumi.Context, string, pulumi.StringInput, ...pulumi.ResourceOption) error { return nil }
	err := pulumi.RunErr(func(ctx *pulumi.Context) error {
		_, err := NewPlatform(ctx, "platform", args)
		return err
	}, pulumi.WithMocks(vigiltest.DefaultProject, vigiltest.DefaultStack, cloud))
	require.NoError(t, err)
	for _, app := range Apps() {
		deps := strings.Join(cloud.deps["platform-"+app+"-service"], "\n")
		assert.Contains(t, deps, "platform-config-"+app+"/", "%s waits for its configuration objects", app)
		for _, other := range Apps() {
			if other != app {
				assert.NotContains(t, deps, "platform-config-"+other+"/", "%s does not wait for %s's files", app, other)
			}
		}
		assert.Contains(t, deps, "platform-"+app+"-logs", "%s waits for its log group", app)
		assert.Contains(t, deps, "platform-"+app+"-exec-policy", "%s waits for its execution policy", app)
		if app == Prometheus || app == Grafana {
			assert.Contains(t, deps, "aws:efs/mountTarget:MountTarget", "%s waits for the mount targets", app)
		} else {
			assert.NotContains(t, deps, "aws:efs/mountTarget:MountTarget", app)
		}
	}
}
