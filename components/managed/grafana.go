package managed

import (
	"encoding/json"
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/amp"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/grafana"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/kms"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	cdash "github.com/vigilops/vigil/components/dashboards"
	"github.com/vigilops/vigil/components/iampolicy"
	dash "github.com/vigilops/vigil/dashboards"
	"github.com/vigilops/vigil/validate"
)

// GrafanaArgs configures the Amazon Managed Grafana workspace. It reads the AMP
// workspace and CloudWatch through a role of its own (permission type
// CUSTOMER_MANAGED, GrafanaPolicy: read-only), has the Prometheus and CloudWatch data
// sources, and gets the dashboards through the external-Grafana path of
// components/dashboards, with a service account token of the workspace as the Grafana
// provider's credentials.
type GrafanaArgs struct {
	// AuthenticationProviders sign people in: AWS_SSO (IAM Identity Center), SAML, or
	// both, each once. Defaults to AWS_SSO.
	AuthenticationProviders []string
	// GrafanaVersion is the workspace's Grafana version. Defaults to DefaultGrafanaVersion.
	GrafanaVersion string
	// Dashboards are Grafana dashboard models (JSON) by short name, such as
	// dashboards.BuildGrafana's, each with its own uid. Read with dashboards.ParseGrafana
	// and checked as components/dashboards checks them. Defaults to none.
	Dashboards map[string][]byte
	// Folder is the title of the dashboards' folder. Defaults to "vigil <prefix>".
	Folder string
	// TokenSecondsToLive is how long the service account token that deploys the data
	// sources and dashboards stays valid, 60 to 2592000 (30 days, AMG's longest).
	// Zero means 2592000. A later deployment after it expires fails in the Grafana
	// provider until the token is replaced (pulumi up --replace on the token).
	TokenSecondsToLive int
	// ProviderVersion is the Grafana provider plugin's version. Defaults to
	// components/dashboards.DefaultGrafanaProvider.
	ProviderVersion string
}

// DefaultGrafanaVersion is the Grafana version of the workspace unless told.
const DefaultGrafanaVersion = "10.4"

// maxTokenSeconds is the longest life AMG gives a service account token.
const maxTokenSeconds = 2592000

// The Grafana provider's data source type, and the Grafana plugin types.
const dataSourceToken = "grafana:oss/dataSource:DataSource"

var authProviders = []string{"AWS_SSO", "SAML"}

func (g *GrafanaArgs) withDefaults(prefix string) GrafanaArgs {
	out := *g
	if len(out.AuthenticationProviders) == 0 {
		out.AuthenticationProviders = []string{"AWS_SSO"}
	}
	if out.GrafanaVersion == "" {
		out.GrafanaVersion = DefaultGrafanaVersion
	}
	if out.Folder == "" {
		out.Folder = "vigil " + prefix
	}
	if out.TokenSecondsToLive == 0 {
		out.TokenSecondsToLive = maxTokenSeconds
	}
	if out.ProviderVersion == "" {
		out.ProviderVersion = cdash.DefaultGrafanaProvider
	}
	return out
}

// check reports g's problems and returns its dashboards parsed, so that they are
// parsed and checked once.
func (g *GrafanaArgs) check(ps *validate.Problems, path, prefix string) []dash.GrafanaDashboard {
	for i, p := range g.AuthenticationProviders {
		validate.OneOf(ps, fmt.Sprintf("%s.AuthenticationProviders[%d]", path, i), p, authProviders)
	}
	validate.Unique(ps, path+".AuthenticationProviders[%d]", g.AuthenticationProviders, "name each provider once")
	if g.TokenSecondsToLive != 0 {
		validate.IntRange(ps, path+".TokenSecondsToLive", g.TokenSecondsToLive, 60, maxTokenSeconds,
			"Amazon Managed Grafana issues tokens for 60 seconds to 30 days; 0 means 30 days")
	}
	models, ok := parseDashboards(ps, path, g.Dashboards)
	if !ok {
		return nil
	}
	ext := (&cdash.DashboardsArgs{Grafana: &cdash.ExternalGrafana{Folder: g.withDefaults(prefix).Folder, Dashboards: models}})
	if err := ext.Validate(); err != nil {
		if verr, isV := err.(*validate.Error); isV {
			for _, p := range verr.Problems {
				ps.Add(path+"."+p.Path, p.Message, p.Hint)
			}
		} else {
			ps.Add(path+".Dashboards", err.Error(), "")
		}
	}
	return models
}

// parseDashboards reads the models in name order; false when one does not parse.
func parseDashboards(ps *validate.Problems, path string, models map[string][]byte) ([]dash.GrafanaDashboard, bool) {
	var out []dash.GrafanaDashboard
	ok := true
	for _, name := range sortedKeys(models) {
		d, err := dash.ParseGrafana(name, models[name])
		if err != nil {
			ps.Add(fmt.Sprintf("%s.Dashboards[%q]", path, name), err.Error(), "pass the JSON model as dashboards.BuildGrafana writes it")
			ok = false
			continue
		}
		out = append(out, d)
	}
	return out, ok
}

// grafanaProvider is the pulumiverse Grafana provider, registered by type token.
type grafanaProvider struct {
	pulumi.ProviderResourceState
}

// grafanaResource is a resource of the Grafana provider, registered by type token.
type grafanaResource struct {
	pulumi.CustomResourceState
}

// GrafanaRoleName is the workspace role's name.
func GrafanaRoleName(prefix string) string { return prefix + "-grafana" }

// newGrafana creates the role, the workspace, its service account and token, the
// Grafana provider that uses them, the data sources and the dashboards, and returns
// the workspace's URL.
func newGrafana(ctx *pulumi.Context, name string, m *Managed, args *ManagedArgs, models []dash.GrafanaDashboard, ws *amp.Workspace, key *kms.Key) (pulumi.StringOutput, error) {
	g := args.Grafana.withDefaults(args.NamePrefix)
	parent := pulumi.Parent(m)
	tags := pulumi.ToStringMap(args.Tags)
	partition := iampolicy.Partition(args.Region)
	none := pulumi.StringOutput{}

	role, err := iam.NewRole(ctx, name+"-grafana-role", &iam.RoleArgs{
		Name:             pulumi.String(GrafanaRoleName(args.NamePrefix)),
		Description:      pulumi.String("vigil: what the Amazon Managed Grafana workspace reads AMP and CloudWatch as (read-only)"),
		AssumeRolePolicy: pulumi.String(GrafanaTrustPolicy(partition, args.AccountID, args.Region).JSON()),
		Tags:             tags,
	}, parent)
	if err != nil {
		return none, err
	}
	policy, err := iam.NewRolePolicy(ctx, name+"-grafana-policy", &iam.RolePolicyArgs{
		Name: pulumi.String(GrafanaRoleName(args.NamePrefix)),
		Role: role.Name,
		Policy: pulumi.All(ws.Arn, key.Arn).ApplyT(func(v []any) string {
			return GrafanaPolicy(partition, args.AccountID, args.Region, v[0].(string), v[1].(string)).JSON()
		}).(pulumi.StringOutput),
	}, parent)
	if err != nil {
		return none, err
	}
	gws, err := grafana.NewWorkspace(ctx, name+"-grafana", &grafana.WorkspaceArgs{
		Name:                    pulumi.String(args.NamePrefix),
		Description:             pulumi.Sprintf("vigil: the dashboards of %s", args.NamePrefix),
		AccountAccessType:       pulumi.String("CURRENT_ACCOUNT"),
		AuthenticationProviders: pulumi.ToStringArray(g.AuthenticationProviders),
		PermissionType:          pulumi.String("CUSTOMER_MANAGED"),
		RoleArn:                 role.Arn,
		DataSources:             pulumi.ToStringArray([]string{"CLOUDWATCH", "PROMETHEUS"}),
		GrafanaVersion:          pulumi.String(g.GrafanaVersion),
		Tags:                    tags,
	}, parent, pulumi.DependsOn([]pulumi.Resource{policy}))
	if err != nil {
		return none, err
	}
	url := pulumi.Sprintf("https://%s", gws.Endpoint)

	// ADMIN: data sources can be created by Grafana admins only.
	account, err := grafana.NewWorkspaceServiceAccount(ctx, name+"-grafana-deployer", &grafana.WorkspaceServiceAccountArgs{
		Name:        pulumi.String("vigil-deployer"),
		GrafanaRole: pulumi.String("ADMIN"),
		WorkspaceId: gws.ID().ToStringOutput(),
	}, parent)
	if err != nil {
		return none, err
	}
	token, err := grafana.NewWorkspaceServiceAccountToken(ctx, name+"-grafana-token", &grafana.WorkspaceServiceAccountTokenArgs{
		Name:             pulumi.String("vigil-deployer"),
		SecondsToLive:    pulumi.Int(g.TokenSecondsToLive),
		ServiceAccountId: account.ServiceAccountId,
		WorkspaceId:      gws.ID().ToStringOutput(),
	}, parent)
	if err != nil {
		return none, err
	}
	// The SDK marks the token's key secret through the engine; marking it here too
	// keeps it secret under any engine, the mock one included.
	provider := &grafanaProvider{}
	if err := ctx.RegisterResource("pulumi:providers:grafana", name+"-grafana-provider", pulumi.Map{
		"url":  url,
		"auth": pulumi.ToSecret(token.Key),
	}, provider, parent, pulumi.Version(g.ProviderVersion), pulumi.PluginDownloadURL(cdash.GrafanaPluginURL)); err != nil {
		return none, err
	}
	gopts := []pulumi.ResourceOption{parent, pulumi.Provider(provider), pulumi.Version(g.ProviderVersion), pulumi.PluginDownloadURL(cdash.GrafanaPluginURL)}
	for _, ds := range dataSources(args.Region, ws.PrometheusEndpoint) {
		if err := ctx.RegisterResource(dataSourceToken, name+"-grafana-datasource-"+ds.uid, ds.inputs, &grafanaResource{}, gopts...); err != nil {
			return none, err
		}
	}
	if len(models) > 0 {
		if _, err := cdash.NewDashboards(ctx, name+"-dashboards", &cdash.DashboardsArgs{Grafana: &cdash.ExternalGrafana{
			Provider: provider, Folder: g.Folder, Dashboards: models, ProviderVersion: g.ProviderVersion,
		}}, parent); err != nil {
			return none, err
		}
	}
	return url, nil
}

type dataSource struct {
	uid    string
	inputs pulumi.Map
}

// dataSources are the workspace's Prometheus (the AMP workspace, signed with SigV4 as
// the workspace role) and CloudWatch (as the workspace role) data sources, with the
// UIDs the dashboards of dashboards/ query (dashboards.Datasources' defaults).
func dataSources(region string, endpoint pulumi.StringOutput) []dataSource {
	prom, _ := json.Marshal(map[string]any{
		"httpMethod": "POST", "sigV4Auth": true, "sigV4AuthType": "ec2_iam_role", "sigV4Region": region,
	})
	cw, _ := json.Marshal(map[string]any{"authType": "ec2_iam_role", "defaultRegion": region})
	return []dataSource{
		{uid: "prometheus", inputs: pulumi.Map{
			"type": pulumi.String(dash.PrometheusType), "name": pulumi.String("Prometheus"), "uid": pulumi.String("prometheus"),
			"url": endpoint, "isDefault": pulumi.Bool(true), "jsonDataEncoded": pulumi.String(string(prom)),
		}},
		{uid: "cloudwatch", inputs: pulumi.Map{
			"type": pulumi.String(dash.CloudWatchType), "name": pulumi.String("CloudWatch"), "uid": pulumi.String("cloudwatch"),
			"isDefault": pulumi.Bool(false), "jsonDataEncoded": pulumi.String(string(cw)),
		}},
	}
}
