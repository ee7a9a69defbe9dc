package iampolicy

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestKeyActionsAreWrittenOutAndServiceHostsFollowThePartition(t *testing.T) {
	for _, a := range KeyAdminActions {
		assert.NotContains(t, a, "*", "administration grants no wildcard")
		assert.False(t, strings.HasPrefix(a, "kms:Decrypt") || strings.HasPrefix(a, "kms:Encrypt") || a == "kms:DisableKeyRotation", a)
	}
	for _, a := range LogsKeyActions {
		if strings.Contains(a, "*") {
			_, ok := DocumentedWildcard(a)
			assert.True(t, ok, "%s is a wildcard AWS documents", a)
		}
	}
	assert.Equal(t, "logs.eu-west-1.amazonaws.com", ServiceHost("logs", "eu-west-1"))
	assert.Equal(t, "s3.cn-north-1.amazonaws.com.cn", ServiceHost("s3", "cn-north-1"))
	assert.Equal(t, "sns.us-gov-west-1.amazonaws.com", ServiceHost("sns", "us-gov-west-1"))
	assert.Equal(t, "arn:aws:logs:eu-west-1:123456789012:log-group:/ecs/x", LogGroupARN("aws", "eu-west-1", "123456789012", "/ecs/x"))
}
