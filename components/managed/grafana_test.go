package managed

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/grafana/grafana-foundation-sdk/go/dashboard"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	cdash "github.com/vigilops/vigil/components/dashboards"
	"github.com/vigilops/vigil/components/iampolicy"
	dash "github.com/vigilops/vigil/dashboards"
)

func overviewModel(t testing.TB) []byte {
	t.Helper()
	d, err := dash.FromBuilder("overview", dashboard.NewDashboardBuilder("Overview").Uid("vigil-prod-overview").Tags([]string{"vigil"}))
	require.NoError(t, err)
	return d.JSON
}

func grafanaArgs(t *testing.T) *ManagedArgs {
	args := validArgs(t)
	args.Grafana = &GrafanaArgs{Dashboards: map[string][]byte{"overview": overviewModel(t)}}
	return args
}

func TestTheGrafanaWorkspaceReadsThroughItsOwnReadOnlyRole(t *testing.T) {
	c, outs, err := deploy(t, grafanaArgs(t))
	require.NoError(t, err)

	role := one(t, c, "aws:iam/role:Role")
	assert.Equal(t, "vigil-prod-grafana", str(t, role, "name"))
	var trust iampolicy.TrustDocument
	require.NoError(t, role.DecodeJSON("assumeRolePolicy", &trust))
	assert.Equal(t, GrafanaTrustPolicy("aws", account, region), trust)

	policy := one(t, c, "aws:iam/rolePolicy:RolePolicy")
	assert.Equal(t, "vigil-prod-grafana", str(t, policy, "role"))
	doc, err := iampolicy.Parse(str(t, policy, "policy"))
	require.NoError(t, err)
	keyArn, err := outs.Get("keyArn")
	require.NoError(t, err)
	assert.Equal(t, GrafanaPolicy("aws", account, region, "arn:aws:aps:eu-west-1:123456789012:workspace/ws-managedworkspace", keyArn.(string)), doc,
		"the policy names exactly this workspace and this key")
	assert.Empty(t, doc.Lint())

	ws := one(t, c, "aws:grafana/workspace:Workspace")
	assert.Equal(t, map[string]any{
		"name":                    "vigil-prod",
		"description":             "vigil: the dashboards of vigil-prod",
		"accountAccessType":       "CURRENT_ACCOUNT",
		"authenticationProviders": []any{"AWS_SSO"},
		"permissionType":          "CUSTOMER_MANAGED",
		"roleArn":                 "arn:aws:iam::123456789012:role/vigil-prod-grafana",
		"dataSources":             []any{"CLOUDWATCH", "PROMETHEUS"},
		"grafanaVersion":          "10.4",
		"tags":                    map[string]any{"team": "reservations"},
	}, ws.Plain())

	endpoint, err := outs.Get("grafanaEndpoint")
	require.NoError(t, err)
	assert.Equal(t, "https://g-0123456789.grafana-workspace.eu-west-1.amazonaws.com", endpoint)
}

func TestTheGrafanaProviderUsesAnAdminTokenThatStaysSecret(t *testing.T) {
	c, _, err := deployCloud(t, grafanaArgs(t))
	require.NoError(t, err)
	sa := one(t, c.Cloud, "aws:grafana/workspaceServiceAccount:WorkspaceServiceAccount")
	assert.Equal(t, "ADMIN", str(t, sa, "grafanaRole"), "only a Grafana admin may create data sources")
	assert.Equal(t, "g-0123456789", str(t, sa, "workspaceId"))
	token := one(t, c.Cloud, "aws:grafana/workspaceServiceAccountToken:WorkspaceServiceAccountToken")
	assert.Equal(t, 2592000.0, token.Plain()["secondsToLive"], "zero means 30 days")
	assert.Equal(t, "7", str(t, token, "serviceAccountId"))

	provider := one(t, c.Cloud, "pulumi:providers:grafana")
	assert.Equal(t, "https://g-0123456789.grafana-workspace.eu-west-1.amazonaws.com", str(t, provider, "url"))
	require.True(t, provider.IsSecret("auth"), "the token is a secret in the provider's inputs")
	auth, ok := provider.Secret("auth")
	require.True(t, ok)
	assert.Equal(t, tokenValue, auth, "the provider gets the token itself")
	p := c.plugin[provider.Name]
	assert.Equal(t, cdash.DefaultGrafanaProvider, p[1])
	assert.Equal(t, cdash.GrafanaPluginURL, p[2])
}

func TestTheDataSourcesAreTheOnesTheDashboardsQuery(t *testing.T) {
	c, _, err := deployCloud(t, grafanaArgs(t))
	require.NoError(t, err)
	provider := one(t, c.Cloud, "pulumi:providers:grafana")
	got := map[string]map[string]any{}
	for _, ds := range c.ByType("grafana:oss/dataSource:DataSource") {
		in := ds.Plain()
		var jsonData map[string]any
		require.NoError(t, json.Unmarshal([]byte(in["jsonDataEncoded"].(string)), &jsonData))
		in["jsonDataEncoded"] = jsonData
		got[in["uid"].(string)] = in
		assert.True(t, strings.HasPrefix(c.plugin[ds.Name][0], provider.URN+"::"), "%s goes through the workspace's provider: %s", ds.Name, c.plugin[ds.Name][0])
	}
	assert.Equal(t, map[string]map[string]any{
		"prometheus": {
			"type": "prometheus", "name": "Prometheus", "uid": "prometheus", "isDefault": true,
			"url":             "https://aps-workspaces.eu-west-1.amazonaws.com/workspaces/ws-managedworkspace/",
			"jsonDataEncoded": map[string]any{"httpMethod": "POST", "sigV4Auth": true, "sigV4AuthType": "ec2_iam_role", "sigV4Region": "eu-west-1"},
		},
		"cloudwatch": {
			"type": "cloudwatch", "name": "CloudWatch", "uid": "cloudwatch", "isDefault": false,
			"jsonDataEncoded": map[string]any{"authType": "ec2_iam_role", "defaultRegion": "eu-west-1"},
		},
	}, got)
	// The UIDs are the defaults the dashboards of dashboards/ are built with.
	assert.Contains(t, got, "prometheus")
	assert.Contains(t, got, "cloudwatch")
}

func TestTheDashboardsGoThroughTheExternalGrafanaPathWithTheirExactModel(t *testing.T) {
	args := grafanaArgs(t)
	c, _, err := deployCloud(t, args)
	require.NoError(t, err)
	provider := one(t, c.Cloud, "pulumi:providers:grafana")
	require.Len(t, c.ByType(cdash.TypeToken), 1, "components/dashboards does the deploying")
	folder := one(t, c.Cloud, cdash.FolderToken)
	assert.Equal(t, "vigil vigil-prod", str(t, folder, "title"))
	d := one(t, c.Cloud, cdash.DashboardToken)
	assert.Equal(t, string(args.Grafana.Dashboards["overview"]), str(t, d, "configJson"))
	for _, r := range []string{folder.Name, d.Name} {
		assert.True(t, strings.HasPrefix(c.plugin[r][0], provider.URN+"::"), "%s goes through the workspace's provider", r)
	}
}

func TestWithoutDashboardsGrafanaStillGetsItsDataSources(t *testing.T) {
	args := validArgs(t)
	args.Grafana = &GrafanaArgs{AuthenticationProviders: []string{"SAML"}, TokenSecondsToLive: 3600, GrafanaVersion: "9.4"}
	c, _, err := deploy(t, args)
	require.NoError(t, err)
	assert.Len(t, c.ByType("grafana:oss/dataSource:DataSource"), 2)
	assert.Empty(t, c.ByType(cdash.TypeToken))
	ws := one(t, c, "aws:grafana/workspace:Workspace")
	assert.Equal(t, []any{"SAML"}, ws.Plain()["authenticationProviders"])
	assert.Equal(t, "9.4", str(t, ws, "grafanaVersion"))
	token := one(t, c, "aws:grafana/workspaceServiceAccountToken:WorkspaceServiceAccountToken")
	assert.Equal(t, 3600.0, token.Plain()["secondsToLive"])
}

func TestADashboardWithoutAUIDIsRefusedBeforeAnythingIsCreated(t *testing.T) {
	args := validArgs(t)
	args.Grafana = &GrafanaArgs{Dashboards: map[string][]byte{"nouid": []byte(`{"title": "No UID"}`)}}
	c, _, err := deploy(t, args)
	require.Error(t, err)
	assert.Contains(t, err.Error(), `Grafana.Dashboards["nouid"]`)
	assert.Contains(t, err.Error(), "uid")
	assert.Empty(t, c.Resources())
}
