package main

import (
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"

	"github.com/vigilops/vigil/vigiltest"
)

// The sample stack is a working config of the program: every key it sets is declared
// in Pulumi.yaml, and with its secrets set it deploys.
func TestTheSampleStackDeploysOnceItsSecretsAreSet(t *testing.T) {
	var stackFile struct {
		Config map[string]any `yaml:"config"`
	}
	b, err := os.ReadFile("Pulumi.prod.yaml")
	require.NoError(t, err)
	require.NoError(t, yaml.Unmarshal(b, &stackFile))
	var project struct {
		Name   string         `yaml:"name"`
		Config map[string]any `yaml:"config"`
	}
	b, err = os.ReadFile("Pulumi.yaml")
	require.NoError(t, err)
	require.NoError(t, yaml.Unmarshal(b, &project))

	opts := []vigiltest.Option{vigiltest.WithProject(project.Name), vigiltest.WithStack("prod")}
	for key, v := range stackFile.Config {
		if ns, name, _ := strings.Cut(key, ":"); ns == project.Name {
			assert.Contains(t, project.Config, name, "Pulumi.yaml declares %s", key)
		}
		value, ok := v.(string)
		if !ok { // structured values reach the program as JSON, as Pulumi passes them
			j, err := json.Marshal(v)
			require.NoError(t, err)
			value = string(j)
		}
		opts = append(opts, vigiltest.WithConfig(key, value))
	}
	opts = append(opts, vigiltest.WithSecretConfig("pagerdutyUrl", pagerDutyURL), vigiltest.WithSecretConfig("chatWebhook", chatURL))

	cloud, err := vigiltest.Run(program, opts...)
	require.NoError(t, err)
	topic := named(t, cloud, "aws:sns/topic:Topic", "notify-critical")
	name, _ := topic.String("name")
	assert.Equal(t, "payments-prod-critical", name)
	assert.Len(t, cloud.ByType("aws:sns/topicSubscription:TopicSubscription"), 7,
		"critical and high: e-mail and PagerDuty; medium: e-mail and chat; low: e-mail")
}
