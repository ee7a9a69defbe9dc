package dashboards

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/vigilops/vigil/alerts/cloudwatch"
	dash "github.com/vigilops/vigil/dashboards"
)

// grafanaResource is a resource of the Grafana provider, registered by type token.
type grafanaResource struct {
	pulumi.CustomResourceState
	Uid pulumi.StringOutput `pulumi:"uid"`
}

// grafana creates the folder and one dashboard per model in it, and returns the
// dashboards' UIDs by name.
func grafana(ctx *pulumi.Context, name string, parent pulumi.Resource, g *ExternalGrafana) (pulumi.StringMap, error) {
	version := g.ProviderVersion
	if version == "" {
		version = DefaultGrafanaProvider
	}
	opts := []pulumi.ResourceOption{pulumi.Parent(parent), pulumi.Version(version), pulumi.PluginDownloadURL(GrafanaPluginURL)}
	if g.Provider != nil {
		opts = append(opts, pulumi.Provider(g.Provider))
	}
	folderUID := g.FolderUID
	if folderUID == "" {
		folderUID = dash.UID("vigil", g.Folder)
	}
	folder := &grafanaResource{}
	if err := ctx.RegisterResource(FolderToken, name+"-folder", pulumi.Map{
		"title": pulumi.String(g.Folder),
		"uid":   pulumi.String(folderUID),
	}, folder, opts...); err != nil {
		return nil, err
	}
	uids := pulumi.StringMap{}
	for _, d := range g.Dashboards {
		r := &grafanaResource{}
		if err := ctx.RegisterResource(DashboardToken, name+"-grafana-"+d.Name, pulumi.Map{
			"configJson": pulumi.String(string(d.JSON)),
			"folder":     folder.Uid,
			"overwrite":  pulumi.Bool(true),
		}, r, opts...); err != nil {
			return nil, err
		}
		uids[d.Name] = pulumi.String(d.UID)
	}
	return uids, nil
}

// cwSet is the empty alarm set: the component checks bodies and models without
// alarms, since their builders compared them with the alarms already.
func cwSet() cloudwatch.Set { return cloudwatch.Set{} }
