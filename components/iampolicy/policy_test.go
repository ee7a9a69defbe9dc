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
				{Sid: "B", Effect: Allow, Action: []string{"sns:Get*"}, Resource: []string{"*"}},
				{Sid: "C", Effect: Allow, Action: []string{"sns:Publis?"}, Resource: []string{"*"}},
			}},
			want: []string{
				`Statement[0] (A): action "*" is a wildcard; list the actions needed`,
				`Statement[1] (B): action "sns:Get*" is a wildcard; list the actions needed`,
				`Statement[2] (C): action "sns:Publis?" is a wildcard; list the actions needed`,
			},
		},
		"AWS's documented kms:GenerateDataKey* passes, and only that exact form.": {
			doc: Document{Version: Version, Statement: []Statement{
				{Sid: "A", Effect: Allow, Action: []string{"kms:Decrypt", "kms:GenerateDataKey*"}, Resource: []string{"*"}},
				{Sid: "B", Effect: Allow, Action: []string{"kms:Generate*", "kms:*", "kms:GenerateDataKey*Pair", "kms:generatedatakey*"}, Resource: []string{"*"}},
			}},
			want: []string{
				`Statement[1] (B): action "kms:Generate*" is a wildcard; list the actions needed`,
				`Statement[1] (B): action "kms:*" is a wildcard; list the actions needed`,
				`Statement[1] (B): action "kms:GenerateDataKey*Pair" is a wildcard; list the actions needed`,
				`Statement[1] (B): action "kms:generatedatakey*" is a wildcard; list the actions needed`,
			},
		},
		"A condition with no key or no value does not make anyone safe.": {
			doc: Document{Version: Version, Statement: []Statement{
				{Sid: "A", Effect: Allow, Principal: &Principal{AWS: []string{"*"}}, Action: []string{"sns:Publish"}, Resource: []string{"arn:x"},
					Condition: map[string]map[string][]string{"StringEquals": {}}},
				{Sid: "B", Effect: Allow, Principal: &Principal{AWS: []string{"*"}}, Action: []string{"sns:Publish"}, Resource: []string{"arn:x"},
					Condition: map[string]map[string][]string{"StringEquals": {"aws:SourceAccount": {}}}},
				{Sid: "C", Effect: Allow, Principal: &Principal{AWS: []string{"arn:aws:iam::123456789012:root", "*"}}, Action: []string{"sns:Publish"}, Resource: []string{"arn:x"},
					Condition: map[string]map[string][]string{"StringEquals": {"aws:SourceAccount": {""}}}},
				{Sid: "D", Effect: Allow, Principal: &Principal{AWS: []string{"*"}}, Action: []string{"sns:Publish"}, Resource: []string{"arn:x"},
					Condition: map[string]map[string][]string{"StringEquals": {"aws:SourceAccount": {"", "123456789012"}}}},
			}},
			want: []string{
				`Statement[0] (A): allows principal "*" without a condition`,
				`Statement[1] (B): allows principal "*" without a condition`,
				`Statement[2] (C): allows principal "*" without a condition`,
			},
		},
		"A named principal needs no condition.": {
			doc: Document{Version: Version, Statement: []Statement{
				{Sid: "A", Effect: Allow, Principal: &Principal{AWS: []string{"arn:aws:iam::123456789012:role/x"}}, Action: []string{"sns:Publish"}, Resource: []string{"arn:x"}},
			}},
		},
		"A statement without actions or resources is reported.": {
			doc: Document{Version: Version, Statement: []Statement{{Sid: "A", Effect: Deny}}},
			want: []string{
				`Statement[0] (A): has no Action`,
				`Statement[0] (A): has no Resource`,
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

func TestDocumentedWildcardSaysWhereAWSDocumentsIt(t *testing.T) {
	reason, ok := DocumentedWildcard("kms:GenerateDataKey*")
	require.True(t, ok)
	assert.Contains(t, reason, "Amazon SNS Developer Guide")
	for _, a := range []string{"kms:GenerateDataKey", "kms:*", "*", "sns:*", ""} {
		_, ok := DocumentedWildcard(a)
		assert.False(t, ok, "%q must not be a documented wildcard", a)
	}
}

func TestPartition(t *testing.T) {
	assert.Equal(t, "aws", Partition("eu-west-1"))
	assert.Equal(t, "aws-cn", Partition("cn-north-1"))
	assert.Equal(t, "aws-us-gov", Partition("us-gov-west-1"))
}
