package vigiltest

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const hook = "https://hooks.example.com/services/T000/B000/XXXXXXXXXXXXXXXX"

// sample has a plain string, a number, a bool, a null, nested maps and lists, a secret
// string, a secret inside a list, a whole secret object, an unknown and a reference.
func sample() Resource {
	secret := func(v resource.PropertyValue) resource.PropertyValue { return resource.MakeSecret(v) }
	return Resource{Type: "aws:sns/topicSubscription:TopicSubscription", Name: "sub", Custom: true, Inputs: resource.PropertyMap{
		"protocol": resource.NewStringProperty("https"),
		"retries":  resource.NewNumberProperty(3),
		"raw":      resource.NewBoolProperty(false),
		"filter":   resource.NewNullProperty(),
		"endpoint": secret(resource.NewStringProperty(hook)),
		"tags": resource.NewObjectProperty(resource.PropertyMap{
			"team":        resource.NewStringProperty("payments"),
			"vigil:stack": resource.NewStringProperty("prod"),
		}),
		"endpoints": resource.NewArrayProperty([]resource.PropertyValue{
			resource.NewStringProperty("mail@example.com"),
			secret(resource.NewStringProperty(hook)),
		}),
		"credentials": secret(resource.NewObjectProperty(resource.PropertyMap{
			"user": resource.NewStringProperty("bot"),
		})),
		"policy": resource.NewStringProperty(`{"Version":"2012-10-17","Statement":[{"Sid":"a"}]}`),
		"topic":  resource.MakeComputed(resource.NewStringProperty("")),
		"key": resource.NewOutputProperty(resource.Output{
			Element: resource.NewStringProperty("k"), Known: true, Secret: true,
		}),
		"role": resource.MakeComponentResourceReference("urn:pulumi:s::p::aws:iam/role:Role::r", ""),
	}}
}

func TestPlainGivesPlainValuesWithEverySecretMasked(t *testing.T) {
	assert.Equal(t, map[string]any{
		"protocol":    "https",
		"retries":     3.0,
		"raw":         false,
		"filter":      nil,
		"endpoint":    Masked,
		"tags":        map[string]any{"team": "payments", "vigil:stack": "prod"},
		"endpoints":   []any{"mail@example.com", Masked},
		"credentials": Masked,
		"policy":      `{"Version":"2012-10-17","Statement":[{"Sid":"a"}]}`,
		"topic":       Unknown,
		"key":         Masked,
		"role":        "urn:pulumi:s::p::aws:iam/role:Role::r",
	}, sample().Plain())
}

func TestInputReadsOneValueByPath(t *testing.T) {
	r := sample()
	for name, tc := range map[string]struct {
		path string
		want any
		ok   bool
	}{
		"A top-level string is read as it is.":                    {"protocol", "https", true},
		"A number is a float64.":                                  {"retries", 3.0, true},
		"A map key is reached with a dot.":                        {"tags.team", "payments", true},
		"A key with a colon is reached with brackets and quotes.": {`tags["vigil:stack"]`, "prod", true},
		"A list element is reached by index.":                     {"endpoints[0]", "mail@example.com", true},
		"The last list element is in range.":                      {"endpoints[1]", Masked, true},
		"A whole map comes back as a map.":                        {"tags", map[string]any{"team": "payments", "vigil:stack": "prod"}, true},
		"A list with a secret in it masks only the secret.":       {"endpoints", []any{"mail@example.com", Masked}, true},
		"A secret string is masked.":                              {"endpoint", Masked, true},
		"A path into a secret object stops at the secret.":        {"credentials.user", Masked, true},
		"A secret output is masked.":                              {"key", Masked, true},
		"An index past the end is missing.":                       {"endpoints[2]", nil, false},
		"A missing key is missing.":                               {"tags.owner", nil, false},
		"A missing input is missing.":                             {"name", nil, false},
		"A key into a string is missing.":                         {"protocol.x", nil, false},
		"An index into a map is missing.":                         {"tags[0]", nil, false},
		"An empty path is missing.":                               {"", nil, false},
	} {
		t.Run(name, func(t *testing.T) {
			got, ok := r.Input(tc.path)
			assert.Equal(t, tc.ok, ok)
			assert.Equal(t, tc.want, got)
		})
	}
}

func TestStringIsThereOnlyForPlainStrings(t *testing.T) {
	r := sample()
	s, ok := r.String("tags.team")
	assert.True(t, ok)
	assert.Equal(t, "payments", s)
	for _, path := range []string{"endpoint", "retries", "topic", "tags", "nothing", "key"} {
		s, ok := r.String(path)
		assert.False(t, ok, path)
		assert.Empty(t, s, path)
	}
}

func TestSecretsAreRevealedOnlyWhereThereIsASecret(t *testing.T) {
	r := sample()
	for _, path := range []string{"endpoint", "endpoints[1]", "credentials", "credentials.user", "key"} {
		assert.True(t, r.IsSecret(path), path)
	}
	for _, path := range []string{"protocol", "endpoints[0]", "tags", "nothing", "endpoints"} {
		assert.False(t, r.IsSecret(path), path)
		v, ok := r.Secret(path)
		assert.False(t, ok, "%s is not a secret, so Secret does not read it", path)
		assert.Nil(t, v)
	}
	v, ok := r.Secret("endpoint")
	assert.True(t, ok)
	assert.Equal(t, hook, v, "the secret reaches the resource intact")
	v, ok = r.Secret("credentials")
	assert.True(t, ok)
	assert.Equal(t, map[string]any{"user": "bot"}, v)
	v, ok = r.Secret("credentials.user")
	assert.True(t, ok)
	assert.Equal(t, "bot", v)
}

func TestDecodeJSONReadsADocumentInput(t *testing.T) {
	r := sample()
	var doc struct {
		Version   string
		Statement []struct{ Sid string }
	}
	require.NoError(t, r.DecodeJSON("policy", &doc))
	assert.Equal(t, "2012-10-17", doc.Version)
	require.Len(t, doc.Statement, 1)
	assert.Equal(t, "a", doc.Statement[0].Sid)

	assert.EqualError(t, r.DecodeJSON("endpoint", &doc),
		`aws:sns/topicSubscription:TopicSubscription sub: no plain string input "endpoint"`, "a secret is never decoded")
	assert.ErrorContains(t, r.DecodeJSON("protocol", &doc), `input "protocol": invalid character`)
}
