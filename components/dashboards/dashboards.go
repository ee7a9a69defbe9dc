// Package dashboards deploys what the pure package dashboards builds: a CloudWatch
// dashboard per body (cloudwatch.Dashboard), with the alarms' ARNs and the health
// checks' IDs put in place of the bodies' placeholders, and, for an external Grafana
// (Grafana Cloud, Amazon Managed Grafana), a folder and a dashboard per model as
// resources of the pulumiverse Grafana provider. The ECS Grafana reads the same
// models as provisioned files instead (dashboards.ProvisioningFiles).
//
// The Go SDK of the Grafana provider does not download here, so its resources are
// registered by type token (FolderToken, DashboardToken), with the provider's
// version and download URL, as its schema names their inputs.
package dashboards

import (
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	dash "github.com/vigilops/vigil/dashboards"
	"github.com/vigilops/vigil/validate"
)

// TypeToken is the Pulumi type of the Dashboards component.
const TypeToken = "vigil:dashboards:Dashboards"

// The pulumiverse Grafana provider's resource types, and where its plugin comes
// from.
const (
	FolderToken            = "grafana:oss/folder:Folder"
	DashboardToken         = "grafana:oss/dashboard:Dashboard"
	GrafanaPluginURL       = "github://api.github.com/pulumiverse"
	DefaultGrafanaProvider = "2.44.0"
)

// DashboardsArgs configures the dashboards.
type DashboardsArgs struct {
	// CloudWatch are the bodies to deploy, as dashboards.BuildCloudWatch (and
	// dashboards.ParseCloudWatch for teams' files) return them. Defaults to none.
	CloudWatch []dash.CloudWatchDashboard
	// AlarmArns maps alarm names to ARNs (the alarms component's AlarmArns): it
	// replaces each dashboards.AlarmRef in the bodies. Required when a body has one;
	// deploying fails, naming the alarm, when a name is missing from it.
	AlarmArns pulumi.StringMapInput
	// HealthCheckIds maps health-check slugs to IDs (the alarms component's
	// HealthCheckIds): it replaces each cloudwatch.HealthCheckRef in the bodies.
	// Required when a body has one.
	HealthCheckIds pulumi.StringMapInput
	// Grafana deploys Grafana dashboards to an external Grafana; nil for none.
	Grafana *ExternalGrafana
}

// ExternalGrafana is a Grafana that vigil does not run, reached through the
// pulumiverse Grafana provider.
type ExternalGrafana struct {
	// Provider is the Grafana provider (its url and auth); nil uses the default
	// provider, configured with grafana:url and grafana:auth.
	Provider pulumi.ProviderResource
	// Folder is the title of the folder the dashboards go to, such as "vigil prod".
	// Required.
	Folder string
	// FolderUID is the folder's UID. Defaults to dashboards.UID("vigil", Folder).
	FolderUID string
	// Dashboards are the models, as dashboards.BuildGrafana (and ParseGrafana or
	// FromBuilder for teams') return them. UIDs are unique.
	Dashboards []dash.GrafanaDashboard
	// ProviderVersion is the Grafana provider plugin's version. Defaults to
	// DefaultGrafanaProvider.
	ProviderVersion string
}

// Dashboards is the component.
type Dashboards struct {
	pulumi.ResourceState

	// DashboardArns maps each CloudWatch dashboard's name to its ARN.
	DashboardArns pulumi.StringMapOutput `pulumi:"dashboardArns"`
	// GrafanaUids maps each external Grafana dashboard's name to its UID.
	GrafanaUids pulumi.StringMapOutput `pulumi:"grafanaUids"`
}

var (
	alarmRefRe  = regexp.MustCompile(`\$\{alarm:([^}]+)\}`)
	healthRefRe = regexp.MustCompile(`\$\{healthcheck:([^}]+)\}`)
)

// Validate returns one error listing every problem of the arguments, or nil: the
// bodies are checked by dashboards.ValidateCloudWatch, the models by
// dashboards.ValidateGrafana (without alarms: the builder checked them against
// theirs), and the placeholders need their maps.
func (a *DashboardsArgs) Validate() error {
	var ps validate.Problems
	merge := func(err error) {
		if verr, ok := err.(*validate.Error); ok {
			for _, p := range verr.Problems {
				ps.Add(p.Path, p.Message, p.Hint)
			}
		} else if err != nil {
			ps.Add("", err.Error(), "")
		}
	}
	merge(dash.ValidateCloudWatch(dash.Limits{}, cwSet(), a.CloudWatch...))
	for _, d := range a.CloudWatch {
		if alarmRefRe.MatchString(d.JSON) && a.AlarmArns == nil {
			ps.Add("AlarmArns", "is required: dashboard "+d.Name+" shows alarms by reference", "pass the alarms component's AlarmArns")
			break
		}
	}
	for _, d := range a.CloudWatch {
		if healthRefRe.MatchString(d.JSON) && a.HealthCheckIds == nil {
			ps.Add("HealthCheckIds", "is required: dashboard "+d.Name+" graphs a health check by reference", "pass the alarms component's HealthCheckIds")
			break
		}
	}
	if g := a.Grafana; g != nil {
		validate.Required(&ps, "Grafana.Folder", g.Folder, `the folder's title, such as "vigil prod"`)
		if g.FolderUID != "" && len(g.FolderUID) > dash.MaxUIDLength {
			ps.Addf("Grafana.FolderUID", "dashboards.UID shortens long names", "must be at most %d characters, got %d", dash.MaxUIDLength, len(g.FolderUID))
		}
		merge(dash.ValidateGrafana(dash.Datasources{}, cwSet(), g.Dashboards...))
	}
	return ps.Err("dashboards.DashboardsArgs")
}

// NewDashboards validates the arguments and creates the dashboards. Invalid
// arguments create nothing.
func NewDashboards(ctx *pulumi.Context, name string, args *DashboardsArgs, opts ...pulumi.ResourceOption) (*Dashboards, error) {
	if args == nil {
		args = &DashboardsArgs{}
	}
	if err := args.Validate(); err != nil {
		return nil, err
	}
	c := &Dashboards{}
	if err := ctx.RegisterComponentResource(TypeToken, name, c, opts...); err != nil {
		return nil, err
	}
	arns := pulumi.StringMap{}
	for _, d := range args.CloudWatch {
		r, err := cloudwatch.NewDashboard(ctx, name+"-"+d.Name, &cloudwatch.DashboardArgs{
			DashboardName: pulumi.String(d.Name),
			DashboardBody: body(d, args.AlarmArns, args.HealthCheckIds),
		}, pulumi.Parent(c))
		if err != nil {
			return nil, err
		}
		arns[d.Name] = r.DashboardArn
	}
	uids := pulumi.StringMap{}
	if g := args.Grafana; g != nil {
		var err error
		if uids, err = grafana(ctx, name, c, g); err != nil {
			return nil, err
		}
	}
	c.DashboardArns = arns.ToStringMapOutput()
	c.GrafanaUids = uids.ToStringMapOutput()
	if err := ctx.RegisterResourceOutputs(c, pulumi.Map{"dashboardArns": c.DashboardArns, "grafanaUids": c.GrafanaUids}); err != nil {
		return nil, err
	}
	return c, nil
}

// body is the dashboard's JSON with its placeholders replaced once the ARNs and IDs
// are known; a body without placeholders is passed as it is.
func body(d dash.CloudWatchDashboard, alarms, checks pulumi.StringMapInput) pulumi.StringInput {
	if !alarmRefRe.MatchString(d.JSON) && !healthRefRe.MatchString(d.JSON) {
		return pulumi.String(d.JSON)
	}
	if alarms == nil {
		alarms = pulumi.StringMap{}
	}
	if checks == nil {
		checks = pulumi.StringMap{}
	}
	return pulumi.All(alarms, checks).ApplyT(func(v []any) (string, error) {
		arns, ids := v[0].(map[string]string), v[1].(map[string]string)
		return Substitute(d.Name, d.JSON, arns, ids)
	}).(pulumi.StringOutput)
}

// Substitute replaces the AlarmRef and HealthCheckRef placeholders of a body with
// the ARNs and IDs, and names every placeholder it has no value for.
func Substitute(name, body string, arns, ids map[string]string) (string, error) {
	var missing []string
	out := alarmRefRe.ReplaceAllStringFunc(body, func(m string) string {
		n := alarmRefRe.FindStringSubmatch(m)[1]
		if arn, ok := arns[n]; ok {
			return arn
		}
		missing = append(missing, "alarm "+n)
		return m
	})
	out = healthRefRe.ReplaceAllStringFunc(out, func(m string) string {
		n := healthRefRe.FindStringSubmatch(m)[1]
		if id, ok := ids[n]; ok {
			return id
		}
		missing = append(missing, "health check "+n)
		return m
	})
	if len(missing) > 0 {
		sort.Strings(missing)
		return "", fmt.Errorf("dashboard %s shows %s, which the alarms component did not create", name, strings.Join(uniq(missing), ", "))
	}
	return out, nil
}

func uniq(xs []string) []string {
	var out []string
	for i, x := range xs {
		if i == 0 || x != xs[i-1] {
			out = append(out, x)
		}
	}
	return out
}
