package iampolicy

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestATrustPolicyRendersWithoutAResourceAndTheSameEveryTime(t *testing.T) {
	d := TrustDocument{Version: Version, Statement: []TrustStatement{{
		Sid: "LambdaAssumesRole", Effect: Allow, Principal: Principal{Service: []string{"lambda.amazonaws.com"}},
		Action: []string{"sts:AssumeRole"},
	}}}
	want := `{"Version":"2012-10-17","Statement":[{"Sid":"LambdaAssumesRole","Effect":"Allow","Principal":{"Service":["lambda.amazonaws.com"]},"Action":["sts:AssumeRole"]}]}`
	assert.Equal(t, want, d.JSON())
	assert.Equal(t, d.JSON(), d.JSON())
	assert.NotContains(t, d.JSON(), "Resource", "IAM refuses a Resource in a trust policy")
}
