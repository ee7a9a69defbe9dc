package validate

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestNetworkIdentifiersAreCheckedByTheirAWSForm(t *testing.T) {
	cases := []struct {
		name  string
		check func(*Problems, string, string)
		value string
		ok    bool
	}{
		{"a short VPC ID", VPCID, "vpc-0123abcd", true},
		{"a long VPC ID", VPCID, "vpc-0123456789abcdef0", true},
		{"a VPC ID of 9 digits", VPCID, "vpc-0123abcde", false},
		{"a VPC ID in capitals", VPCID, "vpc-0123ABCD", false},
		{"a subnet ID as a VPC ID", VPCID, "subnet-0123abcd", false},
		{"a short subnet ID", SubnetID, "subnet-0123abcd", true},
		{"a long subnet ID", SubnetID, "subnet-0123456789abcdef0", true},
		{"a subnet ID of 16 digits", SubnetID, "subnet-0123456789abcdef", false},
		{"a cluster ARN", ECSClusterARN, "arn:aws:ecs:eu-west-1:123456789012:cluster/monitoring", true},
		{"a GovCloud cluster ARN", ECSClusterARN, "arn:aws-us-gov:ecs:us-gov-west-1:123456789012:cluster/m", true},
		{"a service ARN", ECSClusterARN, "arn:aws:ecs:eu-west-1:123456789012:service/monitoring/api", false},
		{"a cluster name", ECSClusterARN, "monitoring", false},
		{"a private range", PrivateCIDR, "10.0.0.0/16", true},
		{"the shortest IPv4 prefix allowed", PrivateCIDR, "10.0.0.0/8", true},
		{"one IPv4 prefix too short", PrivateCIDR, "10.0.0.0/7", false},
		{"the whole IPv4 internet", PrivateCIDR, "0.0.0.0/0", false},
		{"the shortest IPv6 prefix allowed", PrivateCIDR, "fd00::/16", true},
		{"one IPv6 prefix too short", PrivateCIDR, "fc00::/15", false},
		{"the whole IPv6 internet", PrivateCIDR, "::/0", false},
		{"host bits set", PrivateCIDR, "10.0.0.1/16", false},
		{"no prefix length", PrivateCIDR, "10.0.0.1", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var ps Problems
			c.check(&ps, "at", c.value)
			assert.Equal(t, c.ok, ps.Len() == 0, "%v", ps.List())
			for _, p := range ps.List() {
				assert.Equal(t, "at", p.Path)
				assert.Contains(t, p.Message, c.value)
				assert.NotEmpty(t, p.Hint)
			}
		})
	}
}

func TestSecurityGroupDescriptionsAreWhatEC2Takes(t *testing.T) {
	assert.True(t, EC2Description("Prometheus sends alerts to Alertmanager"))
	assert.True(t, EC2Description("NFS from the grafana tasks: 2049/tcp (EFS) [vigil-prod]"))
	assert.False(t, EC2Description("Grafana's load balancer"), "an apostrophe")
	assert.False(t, EC2Description(""), "empty")
	assert.True(t, EC2Description(strings.Repeat("a", 255)))
	assert.False(t, EC2Description(strings.Repeat("a", 256)))
	var ps Problems
	SecurityGroupDescription(&ps, "d", "the services' metrics")
	require.Len(t, ps.List(), 1)
	assert.Contains(t, ps.List()[0].Message, `"the services' metrics"`)
}
