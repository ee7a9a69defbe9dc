package managed

import (
	"encoding/json"
	"strings"
	"testing"

	amconfig "github.com/prometheus/alertmanager/config"
	"github.com/prometheus/common/model"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vigilops/vigil/alerts"
	"github.com/vigilops/vigil/components/iampolicy"
	"github.com/vigilops/vigil/validate"
	"github.com/vigilops/vigil/vigiltest"
)

const (
	keyToken       = "aws:kms/key:Key"
	workspaceToken = "aws:amp/workspace:Workspace"
	nsToken        = "aws:amp/ruleGroupNamespace:RuleGroupNamespace"
	amToken        = "aws:amp/alertManagerDefinition:AlertManagerDefinition"
	logGroupToken  = "aws:cloudwatch/logGroup:LogGroup"
)

func one(t *testing.T, c *vigiltest.Cloud, token string) vigiltest.Resource {
	t.Helper()
	rs := c.ByType(token)
	require.Len(t, rs, 1, token)
	return rs[0]
}

func str(t *testing.T, r vigiltest.Resource, path string) string {
	t.Helper()
	s, ok := r.String(path)
	require.True(t, ok, "%s %s has no plain string %q", r.Type, r.Name, path)
	return s
}

func TestTheWorkspaceAndItsLogsAreEncryptedWithTheirOwnRotatingKey(t *testing.T) {
	c, outs, err := deploy(t, validArgs(t))
	require.NoError(t, err)

	key := one(t, c, keyToken)
	assert.Equal(t, true, key.Plain()["enableKeyRotation"])
	assert.Equal(t, 30.0, key.Plain()["deletionWindowInDays"], "zero means 30 days")
	policy, err := iampolicy.Parse(str(t, key, "policy"))
	require.NoError(t, err)
	assert.Equal(t, KeyPolicy("aws", account, region, "/aws/vendedlogs/prometheus/vigil-prod"), policy)
	assert.Empty(t, policy.Lint())
	alias := one(t, c, "aws:kms/alias:Alias")
	assert.Equal(t, "alias/vigil-prod-managed", str(t, alias, "name"))

	keyArn, err := outs.Get("keyArn")
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(keyArn.(string), "arn:aws:kms:eu-west-1:123456789012:key/"), keyArn)

	logs := one(t, c, logGroupToken)
	assert.Equal(t, "/aws/vendedlogs/prometheus/vigil-prod", str(t, logs, "name"))
	assert.Equal(t, 30.0, logs.Plain()["retentionInDays"])
	assert.Equal(t, keyArn, str(t, logs, "kmsKeyId"), "the log group is encrypted with the component's key")

	ws := one(t, c, workspaceToken)
	assert.Equal(t, "vigil-prod", str(t, ws, "alias"))
	assert.Equal(t, keyArn, str(t, ws, "kmsKeyArn"), "the workspace is encrypted with the component's key")
	assert.Equal(t, "arn:aws:logs:eu-west-1:123456789012:log-group:/aws/vendedlogs/prometheus/vigil-prod:*",
		str(t, ws, "loggingConfiguration.logGroupArn"), "AMP wants the log group's ARN with :*")
	assert.Equal(t, "reservations", str(t, ws, "tags.team"))
	for _, r := range c.Resources() {
		if r.Type != TypeToken {
			assert.Contains(t, r.Parent, TypeToken, "%s %s is a child of the component", r.Type, r.Name)
		}
	}

	arn, err := outs.Get("workspaceArn")
	require.NoError(t, err)
	assert.Equal(t, "arn:aws:aps:eu-west-1:123456789012:workspace/ws-managedworkspace", arn)
	endpoint, err := outs.Get("prometheusEndpoint")
	require.NoError(t, err)
	assert.Equal(t, "https://aps-workspaces.eu-west-1.amazonaws.com/workspaces/ws-managedworkspace/", endpoint)
	grafana, err := outs.Get("grafanaEndpoint")
	require.NoError(t, err)
	assert.Equal(t, "", grafana, "no Grafana, no endpoint")
	assert.Empty(t, c.ByType("aws:grafana/workspace:Workspace"))
}

func TestEachRuleFileIsOneNamespaceWithExactlyItsBytes(t *testing.T) {
	args := validArgs(t)
	c, _, err := deploy(t, args)
	require.NoError(t, err)
	got := map[string]string{}
	for _, ns := range c.ByType(nsToken) {
		got[str(t, ns, "name")] = str(t, ns, "data")
		assert.Equal(t, "ws-managedworkspace", str(t, ns, "workspaceId"))
	}
	assert.Equal(t, map[string]string{"catalog.rules": catalogRules, "slo.rules": sloRules}, got)
}

func TestTheAlertManagerDefinitionIsTheFileAndRoutesTheSame(t *testing.T) {
	args := validArgs(t)
	c, _, err := deploy(t, args)
	require.NoError(t, err)
	am := one(t, c, amToken)
	assert.Equal(t, "ws-managedworkspace", str(t, am, "workspaceId"))
	def, err := ParseDefinition([]byte(str(t, am, "definition")))
	require.NoError(t, err)
	assert.Equal(t, string(args.Alertmanager), def.AlertmanagerConfig)
	want, err := amconfig.Load(string(args.Alertmanager))
	require.NoError(t, err)
	got, err := amconfig.Load(def.AlertmanagerConfig)
	require.NoError(t, err)
	for _, sev := range alerts.Severities() {
		ls := model.LabelSet{"environment": "prod", "severity": model.LabelValue(sev), "service": "api"}
		assert.Equal(t, []string{"sns-" + string(sev)}, receiversOf(got, ls))
		assert.Equal(t, receiversOf(want, ls), receiversOf(got, ls))
	}
	var topics []string
	for _, r := range got.Receivers {
		for _, s := range r.SNSConfigs {
			topics = append(topics, s.TopicARN)
			assert.Equal(t, region, s.Sigv4.Region)
		}
	}
	assert.ElementsMatch(t, []string{topicARN(alerts.Critical), topicARN(alerts.High), topicARN(alerts.Medium), topicARN(alerts.Low)}, topics)
}

func TestAFileThatPublishesToAnotherTopicFailsTheDeploymentNamingIt(t *testing.T) {
	args := validArgs(t)
	args.TopicArns[alerts.Low] = pulumi.String("arn:aws:sns:eu-west-1:123456789012:someone-else")
	_, _, err := deploy(t, args)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "arn:aws:sns:eu-west-1:123456789012:vigil-prod-low")
	assert.Contains(t, err.Error(), "not among TopicArns")
}

func TestInvalidArgsListEveryProblemAndCreateNothing(t *testing.T) {
	args := validArgs(t)
	args.NamePrefix = "vigil prod"
	args.Region = "Europe"
	args.RuleFiles["bad name!.yaml"] = []byte(catalogRules)
	args.Alertmanager = []byte(every)
	delete(args.TopicArns, alerts.Medium)
	args.TopicArns["urgent"] = pulumi.String("x")
	args.LogRetentionDays = 0
	args.KeyDeletionWindowDays = 6
	args.Grafana = &GrafanaArgs{AuthenticationProviders: []string{"AWS_SSO", "OKTA"}, TokenSecondsToLive: 59,
		Dashboards: map[string][]byte{"broken": []byte(`{"uid": 7}`)}}
	args.Tags = map[string]string{"aws:owner": "x"}
	c, _, err := deploy(t, args)
	require.Error(t, err)
	var verr *validate.Error
	require.ErrorAs(t, err, &verr)
	got := map[string]bool{}
	for _, p := range verr.Problems {
		got[p.Path] = true
	}
	for _, want := range []string{
		"NamePrefix", "Region", `RuleFiles["bad name!.yaml"]`,
		"Alertmanager.receivers[1] (chat).slack_configs", "Alertmanager.route.repeat_interval",
		"TopicArns.medium", "TopicArns.urgent", "LogRetentionDays", "KeyDeletionWindowDays",
		"Grafana.AuthenticationProviders[1]", "Grafana.TokenSecondsToLive", `Grafana.Dashboards["broken"]`, "Tags.aws:owner",
	} {
		assert.True(t, got[want], "no problem at %s in:\n%v", want, err)
	}
	assert.Contains(t, err.Error(), "TopicArns.urgent: is not a severity\n    hint: expected one of")
	assert.Empty(t, c.Resources(), "invalid args must create nothing, not even the component")
}

func TestTheRangesOfTheArgumentsAreCheckedOnBothSides(t *testing.T) {
	tests := map[string]struct {
		change func(*ManagedArgs)
		bad    string // the path of the one problem; "" when valid
	}{
		"A key kept 7 days is accepted.":             {func(a *ManagedArgs) { a.KeyDeletionWindowDays = 7 }, ""},
		"A key kept 30 days is accepted.":            {func(a *ManagedArgs) { a.KeyDeletionWindowDays = 30 }, ""},
		"A key kept 31 days is refused.":             {func(a *ManagedArgs) { a.KeyDeletionWindowDays = 31 }, "KeyDeletionWindowDays"},
		"A key kept 6 days is refused.":              {func(a *ManagedArgs) { a.KeyDeletionWindowDays = 6 }, "KeyDeletionWindowDays"},
		"Logs kept 1 day are accepted.":              {func(a *ManagedArgs) { a.LogRetentionDays = 1 }, ""},
		"Logs kept 3653 days are accepted.":          {func(a *ManagedArgs) { a.LogRetentionDays = 3653 }, ""},
		"Logs kept 2 days are refused.":              {func(a *ManagedArgs) { a.LogRetentionDays = 2 }, "LogRetentionDays"},
		"A prefix of 56 characters is accepted.":     {func(a *ManagedArgs) { a.NamePrefix = strings.Repeat("v", 56) }, ""},
		"A prefix of 57 characters is refused.":      {func(a *ManagedArgs) { a.NamePrefix = strings.Repeat("v", 57) }, "NamePrefix"},
		"A token of 60 seconds is accepted.":         {func(a *ManagedArgs) { a.Grafana = &GrafanaArgs{TokenSecondsToLive: 60} }, ""},
		"A token of 30 days is accepted.":            {func(a *ManagedArgs) { a.Grafana = &GrafanaArgs{TokenSecondsToLive: 2592000} }, ""},
		"A token of 30 days and a second is refused": {func(a *ManagedArgs) { a.Grafana = &GrafanaArgs{TokenSecondsToLive: 2592001} }, "Grafana.TokenSecondsToLive"},
		"SAML and AWS_SSO together are accepted.":    {func(a *ManagedArgs) { a.Grafana = &GrafanaArgs{AuthenticationProviders: []string{"SAML", "AWS_SSO"}} }, ""},
		"A provider named twice is refused.":         {func(a *ManagedArgs) { a.Grafana = &GrafanaArgs{AuthenticationProviders: []string{"SAML", "SAML"}} }, "Grafana.AuthenticationProviders[1]"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			args := validArgs(t)
			tc.change(args)
			err := args.Validate()
			if tc.bad == "" {
				assert.NoError(t, err)
				return
			}
			var verr *validate.Error
			require.ErrorAs(t, err, &verr)
			assert.Equal(t, []string{tc.bad}, paths(verr))
		})
	}
}

func TestNoSecretIsInClearInAnyInput(t *testing.T) {
	args := validArgs(t)
	args.Grafana = &GrafanaArgs{}
	c, _, err := deploy(t, args)
	require.NoError(t, err)
	for _, r := range c.Resources() {
		b, err := json.Marshal(r.Plain())
		require.NoError(t, err)
		assert.NotContains(t, string(b), "XXXXXXXXXXXXXXXX", "%s %s shows the token", r.Type, r.Name)
	}
}

func TestWithVigiltestsOwnCloudAsVigilPlanRunsItEverythingIsRegistered(t *testing.T) {
	args := grafanaArgs(t)
	c, err := vigiltest.Run(func(ctx *pulumi.Context) error {
		_, err := NewManaged(ctx, "managed", args)
		return err
	})
	require.NoError(t, err)
	counts := c.Counts()
	assert.Equal(t, 2, counts[nsToken])
	assert.Equal(t, 1, counts[amToken])
	assert.Equal(t, 1, counts["aws:grafana/workspace:Workspace"])
	assert.Equal(t, 2, counts["grafana:oss/dataSource:DataSource"])
	assert.Equal(t, 1, counts["grafana:oss/dashboard:Dashboard"])
	am := one(t, c, amToken)
	def, ok := am.String("definition")
	require.True(t, ok, "the topics' ARNs are known, so the definition is too")
	assert.Contains(t, def, "alertmanager_config: |")
}

func TestEveryInputOfTheAMPPathIsWhatItShouldBe(t *testing.T) {
	args := validArgs(t)
	args.KeyDeletionWindowDays = 7
	c, outs, err := deploy(t, args)
	require.NoError(t, err)
	keyArn, err := outs.Get("keyArn")
	require.NoError(t, err)
	tags := map[string]any{"team": "reservations"}
	key := one(t, c, keyToken)
	assert.Equal(t, map[string]any{
		"description":          "vigil: encrypts the vigil-prod Prometheus workspace and its logs",
		"enableKeyRotation":    true,
		"deletionWindowInDays": 7.0,
		"policy":               KeyPolicy("aws", account, region, "/aws/vendedlogs/prometheus/vigil-prod").JSON(),
		"tags":                 tags,
	}, key.Plain())
	alias := one(t, c, "aws:kms/alias:Alias")
	keyID := strings.TrimPrefix(keyArn.(string), "arn:aws:kms:eu-west-1:123456789012:key/")
	assert.Equal(t, map[string]any{"name": "alias/vigil-prod-managed", "targetKeyId": keyID}, alias.Plain())
	assert.Equal(t, map[string]any{
		"name": "/aws/vendedlogs/prometheus/vigil-prod", "retentionInDays": 30.0, "kmsKeyId": keyArn, "tags": tags,
	}, one(t, c, logGroupToken).Plain())
	assert.Equal(t, map[string]any{
		"alias": "vigil-prod", "kmsKeyArn": keyArn, "tags": tags,
		"loggingConfiguration": map[string]any{"logGroupArn": "arn:aws:logs:eu-west-1:123456789012:log-group:/aws/vendedlogs/prometheus/vigil-prod:*"},
	}, one(t, c, workspaceToken).Plain())
	ns, ok := c.Named(nsToken, "managed-rules-catalog.rules")
	require.True(t, ok)
	assert.Equal(t, map[string]any{"name": "catalog.rules", "workspaceId": "ws-managedworkspace", "data": catalogRules, "tags": tags}, ns.Plain())
	am := one(t, c, amToken)
	def, _, err := Definition(args.definitionArgs())
	require.NoError(t, err)
	assert.Equal(t, map[string]any{"workspaceId": "ws-managedworkspace", "definition": string(def)}, am.Plain())
	assert.Equal(t, map[string]int{
		TypeToken: 1, keyToken: 1, "aws:kms/alias:Alias": 1, logGroupToken: 1, workspaceToken: 1, nsToken: 2, amToken: 1,
	}, c.Counts(), "nothing more is created")
}
