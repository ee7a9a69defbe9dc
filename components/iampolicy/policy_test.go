package iampolicy

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestLint(t *testing.T) {
	ok := Statement{Sid: "A", Effect: Allow, Action: []string{"sns:Publish"}, Resource: []string{"arn:x"}}
	tests := map[string]struct {
		doc  Document
		want []string
	}{
		"A statement naming its actions passes.": {
			doc: Document{Version: Version, Statement: []Statement{ok}},
		},
		"A wildcard action in an Allow is refused, whole or partial.": {
			doc: Document{Version: Version, Statement: []Statement{
				{Sid: "A", Effect: Allow, Action: []string{"*"}, Resource: []string{"*"}},
				{Sid: "B", Effect: Allow, Action: []string{"kms:GenerateDataKey*"}, Resource: []string{"*"}},
			}},
			want: []string{
				`Statement[0] (A): action "*" is a wildcard; list the actions needed`,
				`Statement[1] (B): action "kms:GenerateDataKey*" is a wildcard; list the actions needed`,
			},
		},
		"Anyone may be allowed only under a condition.": {
			doc: Document{Version: Version, Statement: []Statement{
				{Sid: "A", Effect: Allow, Principal: &Principal{AWS: []string{"*"}}, Action: []string{"sns:Publish"}, Resource: []string{"arn:x"}},
				{Sid: "B", Effect: Allow, Principal: &Principal{AWS: []string{"*"}}, Action: []string{"sns:Publish"}, Resource: []string{"arn:x"},
					Condition: map[string]map[string][]string{"StringEquals": {"aws:SourceAccount": {"123456789012"}}}},
			}},
			want: []string{`Statement[0] (A): allows principal "*" without a condition`},
		},
		"A Deny may be broad: it only narrows access.": {
			doc: Document{Version: Version, Statement: []Statement{
				{Sid: "D", Effect: Deny, Principal: &Principal{AWS: []string{"*"}}, Action: []string{"sns:*"}, Resource: []string{"*"}},
			}},
		},
		"Missing Sids, repeated Sids and a wrong version are reported.": {
			doc: Document{Version: "2008-10-17", Statement: []Statement{ok, ok, {Effect: "Permit", Action: []string{"a:b"}, Resource: []string{"r"}}}},
			want: []string{
				`Version must be 2012-10-17, got "2008-10-17"`,
				`Statement[1] (A): Sid is used twice`,
				`Statement[2]: has no Sid`,
				`Statement[2]: Effect must be Allow or Deny, got "Permit"`,
			},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			assert.Equal(t, tc.want, tc.doc.Lint())
		})
	}
}

func TestJSONRoundTripsAndIsStable(t *testing.T) {
	doc := Document{Version: Version, Statement: []Statement{{
		Sid: "A", Effect: Allow, Principal: &Principal{Service: []string{"cloudwatch.amazonaws.com"}},
		Action: []string{"sns:Publish"}, Resource: []string{"arn:aws:sns:eu-west-1:123456789012:t"},
		Condition: map[string]map[string][]string{
			"StringEquals": {"aws:SourceAccount": {"123456789012"}},
			"ArnLike":      {"aws:SourceArn": {"arn:aws:cloudwatch:eu-west-1:123456789012:alarm:*"}},
		},
	}}}
	first := doc.JSON()
	for i := 0; i < 20; i++ {
		require.Equal(t, first, doc.JSON(), "map order must not change the bytes")
	}
	back, err := Parse(first)
	require.NoError(t, err)
	assert.Equal(t, doc, back)
	_, err = Parse(`{"Version":"2012-10-17","Statement":[],"Id":"x"}`)
	assert.Error(t, err, "an unexpected field is refused")
}

func TestPartition(t *testing.T) {
	assert.Equal(t, "aws", Partition("eu-west-1"))
	assert.Equal(t, "aws-cn", Partition("cn-north-1"))
	assert.Equal(t, "aws-us-gov", Partition("us-gov-west-1"))
}
