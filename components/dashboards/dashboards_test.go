package dashboards

import (
	"encoding/json"
	"strings"
	"sync"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vigilops/vigil/alerts/catalog"
	cw "github.com/vigilops/vigil/alerts/cloudwatch"
	dash "github.com/vigilops/vigil/dashboards"
	"github.com/vigilops/vigil/internal/mockcloud"
)

const (
	account  = "123456789012"
	region   = "eu-west-1"
	runbooks = "https://github.com/vigilops/vigil/blob/main/docs/runbooks.md"
)

// cloud is mockcloud's recorder plus what each registration asked of its plugin.
type cloud struct {
	*mockcloud.Cloud
	mu      sync.Mutex
	plugins map[string][2]string // logical name -> version, download URL
}

func (c *cloud) NewResource(args pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	if args.RegisterRPC != nil {
		c.mu.Lock()
		c.plugins[args.Name] = [2]string{args.RegisterRPC.GetVersion(), args.RegisterRPC.GetPluginDownloadURL()}
		c.mu.Unlock()
	}
	return c.Cloud.NewResource(args)
}

func run(t *testing.T, program pulumi.RunFunc) (*cloud, error) {
	t.Helper()
	c := &cloud{Cloud: mockcloud.New("vigil", "prod", account, region), plugins: map[string][2]string{}}
	err := pulumi.RunErr(program, pulumi.WithMocks("vigil", "prod", c))
	return c, err
}

func estate() cw.Estate {
	return cw.Estate{
		Options: cw.Options{NamePrefix: "vigil-prod", RunbookBaseURL: runbooks, Region: region},
		Services: []cw.Service{{Name: "api", ECS: &cw.ECSService{Cluster: "prod", Service: "api"},
			LoadBalancer: "app/prod-api/50dc6c495c0c9188", TargetGroup: "targetgroup/prod-api/6d0ecf831eec9f09",
			HealthCheckURL: "https://api.example.com/health"}},
	}
}

func built(t *testing.T) (cw.Set, []dash.CloudWatchDashboard, []dash.GrafanaDashboard) {
	t.Helper()
	set, err := cw.Build(estate())
	require.NoError(t, err)
	bodies, err := dash.BuildCloudWatch(dash.CloudWatch{NamePrefix: "vigil-prod", Region: region, Estate: estate(), Alarms: set})
	require.NoError(t, err)
	models, err := dash.BuildGrafana(dash.Grafana{Environment: "prod", RunbookBaseURL: runbooks, Region: region,
		Services: []catalog.Service{{Name: "api"}}, Estate: estate(), Alarms: set})
	require.NoError(t, err)
	return set, bodies, models
}

func arnsOf(set cw.Set) (pulumi.StringMap, map[string]string) {
	in, plain := pulumi.StringMap{}, map[string]string{}
	add := func(name, r string) {
		arn := "arn:aws:cloudwatch:" + r + ":" + account + ":alarm:" + name
		in[name], plain[name] = pulumi.String(arn), arn
	}
	for _, a := range set.Alarms {
		r := a.Region
		if r == "" {
			r = region
		}
		add(a.Name, r)
	}
	for _, c := range set.Composites {
		add(c.Name, region)
	}
	return in, plain
}

func TestCloudWatchDashboardsAreDeployedWithTheAlarmsRealARNs(t *testing.T) {
	set, bodies, _ := built(t)
	arns, plain := arnsOf(set)
	var out *Dashboards
	c, err := run(t, func(ctx *pulumi.Context) error {
		var err error
		out, err = NewDashboards(ctx, "vigil", &DashboardsArgs{CloudWatch: bodies, AlarmArns: arns,
			HealthCheckIds: pulumi.StringMap{"api-uptime": pulumi.String("0e9c3f8a-hc")}})
		return err
	})
	require.NoError(t, err)
	require.NotNil(t, out)
	require.Len(t, c.ByType("aws:cloudwatch/dashboard:Dashboard"), len(bodies))
	for i := range bodies {
		r, ok := c.Named("aws:cloudwatch/dashboard:Dashboard", "vigil-"+bodies[i].Name)
		require.True(t, ok, "no dashboard %s", bodies[i].Name)
		name, _ := r.String("dashboardName")
		assert.Equal(t, bodies[i].Name, name)
		body, ok := r.String("dashboardBody")
		require.True(t, ok, "%s has no known body", r.Name)
		assert.NotContains(t, body, "${alarm:")
		assert.NotContains(t, body, "${healthcheck:")
		var b dash.Body
		require.NoError(t, json.Unmarshal([]byte(body), &b), r.Name)
		if i == 0 {
			assert.Contains(t, body, plain["vigil-prod-api-service-health"])
			assert.Contains(t, body, `"HealthCheckId","0e9c3f8a-hc"`)
		}
	}
	parent, ok := c.Named(TypeToken, "vigil")
	require.True(t, ok)
	assert.Len(t, c.Children(parent), len(bodies))
}

func TestADashboardShowingAnAlarmThatDoesNotExistFailsNamingIt(t *testing.T) {
	set, bodies, _ := built(t)
	arns, _ := arnsOf(set)
	delete(arns, "vigil-prod-api-lb-latency-p99")
	_, err := run(t, func(ctx *pulumi.Context) error {
		_, err := NewDashboards(ctx, "vigil", &DashboardsArgs{CloudWatch: bodies, AlarmArns: arns,
			HealthCheckIds: pulumi.StringMap{"api-uptime": pulumi.String("hc")}})
		return err
	})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "shows alarm vigil-prod-api-lb-latency-p99, which the alarms component did not create")
}

func TestBodiesWithReferencesButNoMapsCreateNothing(t *testing.T) {
	_, bodies, _ := built(t)
	c, err := run(t, func(ctx *pulumi.Context) error {
		_, err := NewDashboards(ctx, "vigil", &DashboardsArgs{CloudWatch: bodies, Grafana: &ExternalGrafana{}})
		return err
	})
	require.Error(t, err)
	for _, want := range []string{"AlarmArns: is required", "HealthCheckIds: is required", "Grafana.Folder: is required"} {
		assert.Contains(t, err.Error(), want)
	}
	assert.Empty(t, c.Resources())
}

func TestExternalGrafanaGetsAFolderAndADashboardPerModelByTypeToken(t *testing.T) {
	_, _, models := built(t)
	c, err := run(t, func(ctx *pulumi.Context) error {
		_, err := NewDashboards(ctx, "vigil", &DashboardsArgs{Grafana: &ExternalGrafana{Folder: "vigil prod", Dashboards: models}})
		return err
	})
	require.NoError(t, err)
	folders := c.ByType(FolderToken)
	require.Len(t, folders, 1)
	title, _ := folders[0].String("title")
	uid, _ := folders[0].String("uid")
	assert.Equal(t, "vigil prod", title)
	assert.Equal(t, "vigil-vigil-prod", uid)
	require.Len(t, c.ByType(DashboardToken), len(models))
	for i := range models {
		r, ok := c.Named(DashboardToken, "vigil-grafana-"+models[i].Name)
		require.True(t, ok, "no dashboard %s", models[i].Name)
		cfg, _ := r.String("configJson")
		assert.JSONEq(t, string(models[i].JSON), cfg)
		folder, _ := r.String("folder")
		assert.Equal(t, "vigil-vigil-prod", folder, "dashboard %s is not in the folder", r.Name)
		overwrite, _ := r.Input("overwrite")
		assert.Equal(t, true, overwrite)
		assert.Equal(t, [2]string{DefaultGrafanaProvider, GrafanaPluginURL}, c.plugins[r.Name])
	}
	assert.Equal(t, [2]string{DefaultGrafanaProvider, GrafanaPluginURL}, c.plugins["vigil-folder"])
	assert.Empty(t, c.ByType("aws:cloudwatch/dashboard:Dashboard"))
}

func TestAModelThatFailsTheChecksCreatesNothing(t *testing.T) {
	_, _, models := built(t)
	bad := models[0]
	bad.JSON = []byte(strings.Replace(string(bad.JSON), `"uid": "prometheus"`, `"uid": "thanos"`, 1))
	c, err := run(t, func(ctx *pulumi.Context) error {
		_, err := NewDashboards(ctx, "vigil", &DashboardsArgs{Grafana: &ExternalGrafana{Folder: "vigil prod", Dashboards: []dash.GrafanaDashboard{bad}}})
		return err
	})
	require.Error(t, err)
	assert.Contains(t, err.Error(), `names data source "thanos"`)
	assert.Empty(t, c.Resources())
}

func TestSubstituteReplacesEveryPlaceholderOrNamesTheMissing(t *testing.T) {
	got, err := Substitute("d", `["${alarm:a}","${alarm:a}","${healthcheck:h}"]`, map[string]string{"a": "arn:a"}, map[string]string{"h": "id-h"})
	require.NoError(t, err)
	assert.Equal(t, `["arn:a","arn:a","id-h"]`, got)
	_, err = Substitute("d", `["${alarm:a}","${alarm:b}","${alarm:b}","${healthcheck:x}"]`, map[string]string{"a": "arn:a"}, nil)
	require.Error(t, err)
	assert.Equal(t, "dashboard d shows alarm b, health check x, which the alarms component did not create", err.Error())
}
