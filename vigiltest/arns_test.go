package vigiltest

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Each type answers with the ID and ARN forms of its service's documentation, so that
// the policies a program builds from them read as they will in AWS: IAM names no
// region, S3 neither region nor account, a load balancer has its DNS name; IDs that
// programs only pass along stay the logical names.
func TestEachTypeGetsTheIDAndARNFormOfItsService(t *testing.T) {
	cloud := New("p", "s", "123456789012", "eu-west-1")
	str := resource.NewStringProperty
	cases := []struct {
		typ, name string
		inputs    resource.PropertyMap
		id        string // a regexp
		outputs   map[string]string
	}{
		{"aws:iam/role:Role", "r", resource.PropertyMap{"name": str("vigil-prod-alertmanager-task")}, `^vigil-prod-alertmanager-task$`,
			map[string]string{"arn": `^arn:aws:iam::123456789012:role/vigil-prod-alertmanager-task$`}},
		{"aws:cloudwatch/logGroup:LogGroup", "lg", resource.PropertyMap{"name": str("/ecs/vigil-prod-prom-task")}, `^/ecs/vigil-prod-prom-task$`,
			map[string]string{"arn": `^arn:aws:logs:eu-west-1:123456789012:log-group:/ecs/vigil-prod-prom-task$`}},
		{"aws:ecs/cluster:Cluster", "c", resource.PropertyMap{"name": str("vigil-prod")}, `^arn:aws:ecs:eu-west-1:123456789012:cluster/vigil-prod$`,
			map[string]string{"arn": `^arn:aws:ecs:eu-west-1:123456789012:cluster/vigil-prod$`}},
		{"aws:ecs/taskDefinition:TaskDefinition", "td", resource.PropertyMap{"family": str("vigil-prod-prom-task")}, `:task-definition/vigil-prod-prom-task:1$`,
			map[string]string{"arn": `^arn:aws:ecs:eu-west-1:123456789012:task-definition/vigil-prod-prom-task:1$`}},
		{"aws:s3/bucketV2:BucketV2", "b", resource.PropertyMap{"bucket": str("vigil-prod-config")}, `^vigil-prod-config$`,
			map[string]string{"arn": `^arn:aws:s3:::vigil-prod-config$`, "bucket": `^vigil-prod-config$`}},
		{"aws:secretsmanager/secret:Secret", "s", resource.PropertyMap{"name": str("vigil-prod/grafana")}, `secret:vigil-prod/grafana-[0-9a-f]{6}$`,
			map[string]string{"arn": `^arn:aws:secretsmanager:eu-west-1:123456789012:secret:vigil-prod/grafana-[0-9a-f]{6}$`}},
		{"aws:efs/fileSystem:FileSystem", "fs", nil, `^fs$`,
			map[string]string{"arn": `^arn:aws:elasticfilesystem:eu-west-1:123456789012:file-system/fs-[0-9a-f]{17}$`}},
		{"aws:efs/accessPoint:AccessPoint", "ap", nil, `^ap$`,
			map[string]string{"arn": `^arn:aws:elasticfilesystem:eu-west-1:123456789012:access-point/fsap-[0-9a-f]{17}$`}},
		{"aws:ec2/securityGroup:SecurityGroup", "sg", nil, `^sg$`,
			map[string]string{"arn": `^arn:aws:ec2:eu-west-1:123456789012:security-group/sg-[0-9a-f]{17}$`}},
		{"aws:lb/loadBalancer:LoadBalancer", "lb", resource.PropertyMap{"name": str("vigil-prod-grafana"), "internal": resource.NewBoolProperty(true)},
			`^arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/vigil-prod-grafana/[0-9a-f]{16}$`,
			map[string]string{"dnsName": `^internal-vigil-prod-grafana-[0-9]+\.eu-west-1\.elb\.amazonaws\.com$`, "arnSuffix": `^app/vigil-prod-grafana/[0-9a-f]{16}$`}},
		{"aws:lb/targetGroup:TargetGroup", "tg", resource.PropertyMap{"name": str("vigil-prod-grafana")}, `:targetgroup/vigil-prod-grafana/[0-9a-f]{16}$`,
			map[string]string{"arnSuffix": `^targetgroup/vigil-prod-grafana/[0-9a-f]{16}$`}},
		{"aws:amp/workspace:Workspace", "ws", nil, `^ws-[0-9a-f-]{36}$`,
			map[string]string{"arn": `^arn:aws:aps:eu-west-1:123456789012:workspace/ws-[0-9a-f-]{36}$`,
				"prometheusEndpoint": `^https://aps-workspaces\.eu-west-1\.amazonaws\.com/workspaces/ws-[0-9a-f-]{36}/$`}},
		{"aws:grafana/workspace:Workspace", "g", nil, `^g-[0-9a-f]{10}$`,
			map[string]string{"endpoint": `^g-[0-9a-f]{10}\.grafana-workspace\.eu-west-1\.amazonaws\.com$`}},
	}
	for _, tc := range cases {
		t.Run(tc.typ, func(t *testing.T) {
			id, state, err := cloud.NewResource(pulumi.MockResourceArgs{TypeToken: tc.typ, Name: tc.name, Custom: true, Inputs: tc.inputs})
			require.NoError(t, err)
			assert.Regexp(t, tc.id, id)
			for k, re := range tc.outputs {
				v, ok := state[resource.PropertyKey(k)]
				require.True(t, ok, "%s has no %s", tc.typ, k)
				assert.Regexp(t, re, v.StringValue(), k)
			}
		})
	}
	// An external load balancer's DNS name has no internal- prefix.
	_, state, err := cloud.NewResource(pulumi.MockResourceArgs{TypeToken: "aws:lb/loadBalancer:LoadBalancer", Name: "pub", Custom: true,
		Inputs: resource.PropertyMap{"name": str("web")}})
	require.NoError(t, err)
	assert.Regexp(t, `^web-[0-9]+\.eu-west-1\.elb\.amazonaws\.com$`, state["dnsName"].StringValue())
}
