package stacks

import (
	"fmt"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"

	"github.com/vigilops/vigil/components/iampolicy"
	"github.com/vigilops/vigil/internal/mockcloud"
	"github.com/vigilops/vigil/vigiltest"
)

// sample loads a sample stack file of the repository.
func sample(t *testing.T, stack string) *Environment {
	t.Helper()
	file, err := ReadStackFile(projectDir, stack)
	require.NoError(t, err)
	env, err := file.Environment()
	require.NoError(t, err, stack)
	return env
}

// deployed runs Deploy for env under the mock engine.
func deployed(t *testing.T, env *Environment) (*vigiltest.Cloud, *Deployment) {
	t.Helper()
	cloud := mockcloud.New("vigil", env.Stack, env.AccountID, env.Region)
	var d *Deployment
	require.NoError(t, pulumi.RunErr(func(ctx *pulumi.Context) error {
		var err error
		d, err = Deploy(ctx, env)
		return err
	}, pulumi.WithMocks("vigil", env.Stack, cloud)))
	return cloud, d
}

// The prod sample's estate reaches the platform's Prometheus as the catalog selects
// it: each service by DNS SRV in the namespace, the exporters by their kind, the
// health URLs and the certificate through the blackbox exporter, and the catalog's
// certificate alerts select the very host:port the exporter probes.
func TestTheProdEstateIsWhatThePlatformsPrometheusScrapesAndProbes(t *testing.T) {
	env := sample(t, "prod")
	require.Equal(t, PlatformECS, env.Platform.Mode)
	assert.Equal(t, "vigil-prod.vigil.internal", env.Platform.Namespace, "the default namespace")
	assert.Equal(t, 30, env.Platform.RetentionDays, "prod keeps a month")
	assert.Equal(t, 7, sample(t, "dev").Platform.RetentionDays, "dev keeps a week")

	files := env.Platform.Files
	require.ElementsMatch(t, []string{"prometheus", "alertmanager", "grafana", "blackbox"}, keys(files))
	assert.ElementsMatch(t, []string{"prometheus.yml", "rules/catalog.rules.yaml", "rules/slos.rules.yaml"}, keys(files["prometheus"]))
	assert.Equal(t, env.Artifacts[CatalogRulesPath], files["prometheus"]["rules/catalog.rules.yaml"], "the rules delivered are the rules reviewed")
	assert.Equal(t, env.Artifacts[AlertmanagerPath], files["alertmanager"]["alertmanager.yml"])
	assert.Equal(t, env.Artifacts[PrometheusConfigPath], files["prometheus"]["prometheus.yml"])

	var prom struct {
		Alerting struct {
			Alertmanagers []struct {
				DNSSD []struct {
					Names []string `yaml:"names"`
					Type  string   `yaml:"type"`
				} `yaml:"dns_sd_configs"`
			} `yaml:"alertmanagers"`
		} `yaml:"alerting"`
		ScrapeConfigs []struct {
			Job   string `yaml:"job_name"`
			DNSSD []struct {
				Names []string `yaml:"names"`
			} `yaml:"dns_sd_configs"`
			Static []struct {
				Targets []string          `yaml:"targets"`
				Labels  map[string]string `yaml:"labels"`
			} `yaml:"static_configs"`
		} `yaml:"scrape_configs"`
	}
	require.NoError(t, yaml.Unmarshal(files["prometheus"]["prometheus.yml"], &prom))
	require.Len(t, prom.Alerting.Alertmanagers, 1)
	assert.Equal(t, []string{"alertmanager.vigil-prod.vigil.internal"}, prom.Alerting.Alertmanagers[0].DNSSD[0].Names)
	jobs := map[string][]string{}
	static := map[string][]string{}
	for _, sc := range prom.ScrapeConfigs {
		for _, d := range sc.DNSSD {
			jobs[sc.Job] = append(jobs[sc.Job], d.Names...)
		}
		for _, s := range sc.Static {
			static[sc.Job] = append(static[sc.Job], s.Targets...)
		}
	}
	for _, svc := range []string{"api", "worker", "web"} {
		assert.Equal(t, []string{svc + ".vigil-prod.vigil.internal"}, jobs[svc], svc)
	}
	assert.Equal(t, []string{"postgres-reservations-db.vigil-prod.vigil.internal"}, jobs["postgres-reservations-db"])
	assert.Equal(t, []string{"redis-sessions.vigil-prod.vigil.internal"}, jobs["redis-sessions"])
	assert.ElementsMatch(t, []string{"https://api.example.com/health", "https://www.example.com/health"}, static["blackbox_http"])
	assert.Equal(t, []string{"api.example.com:443"}, static["blackbox"])

	rules := string(env.Artifacts[CatalogRulesPath])
	assert.Contains(t, rules, `instance=~"api\\.example\\.com:443"`, "the certificate alerts select the probe the exporter makes")
	assert.NotContains(t, rules, `https?://api\\.example\\.com`)

	// The platform's Grafana reads the dashboards where the task puts them.
	assert.Contains(t, string(files["grafana"]["provisioning/dashboards/vigil.yaml"]), `path: "/etc/grafana/vigil/dashboards"`)
	assert.Contains(t, string(files["grafana"]["provisioning/datasources/vigil.yaml"]), "url: http://prometheus.vigil-prod.vigil.internal:9090")
}

// Without the ecs platform the certificate alerts keep selecting the probes the way
// the stack's own Prometheus names them (https://<domain>), and nothing is delivered.
func TestWithoutAPlatformTheFilesAreOnlyWritten(t *testing.T) {
	env, err := FromValues("vigil", "prod", prodValues(map[string]any{
		"vigil:certificates": []map[string]any{{"domain": "api.example.com",
			"arn": "arn:aws:acm:eu-west-1:123456789012:certificate/9f8e7d6c-5b4a-4c3d-9e2f-1a0b9c8d7e6f"}},
		"vigil:services": []map[string]any{{"name": "api", "healthCheckUrl": "https://api.example.com/health"}},
	}), nil, InDir(projectDir))
	require.NoError(t, err)
	assert.Equal(t, PlatformNone, env.Platform.Mode)
	assert.Nil(t, env.Platform.Files)
	assert.NotContains(t, env.Artifacts, PrometheusConfigPath)
	assert.Contains(t, string(env.Artifacts[CatalogRulesPath]), `https?://api\\.example\\.com`)
	cloud, d := deployed(t, env)
	assert.Nil(t, d.Platform)
	assert.Nil(t, d.Managed)
	assert.Empty(t, cloud.ByType("vigil:platform:Platform"))
	assert.Empty(t, cloud.ByType("vigil:managed:Managed"))
	found := false
	for _, w := range env.Warnings {
		found = found || strings.HasPrefix(w, AlertmanagerPath+": ") && strings.Contains(w, "publish")
	}
	assert.True(t, found, "routing that no role may publish is a warning without a platform: %v", env.Warnings)
}

// On ECS, vigil's own Alertmanager publishes: its task role is granted exactly the
// four topics, the routing check passes without a warning, the platform's tasks get
// their own CloudWatch alarms, and the outputs name the platform.
func TestTheECSPlatformPublishesAsAlertmanagersTaskRoleAndIsWatchedItself(t *testing.T) {
	env, err := FromValues("vigil", "prod", prodValues(fullConfig()), []string{"vigil:notifications", "vigil:notifier", "vigil:platform"}, InDir(projectDir))
	require.NoError(t, err)
	cloud, d := deployed(t, env)
	require.NotNil(t, d.Platform)
	for _, w := range env.Warnings {
		assert.NotContains(t, w, AlertmanagerPath, "vigil's own Alertmanager may publish")
	}
	publishers := cloud.ByType("vigil:notify:Publisher")
	require.Len(t, publishers, 1)
	var policy *vigiltest.Resource
	for _, r := range cloud.ByType("aws:iam/rolePolicy:RolePolicy") {
		if r.Parent == publishers[0].URN {
			r := r
			policy = &r
		}
	}
	require.NotNil(t, policy, "the publisher's policy")
	var doc iampolicy.Document
	require.NoError(t, policy.DecodeJSON("policy", &doc))
	var actions []string
	for _, s := range doc.Statement {
		actions = append(actions, s.Action...)
	}
	assert.ElementsMatch(t, []string{"sns:Publish", "kms:Decrypt", "kms:GenerateDataKey*"}, actions)
	role, _ := policy.String("role")
	assert.Contains(t, role, "alertmanager", "the policy is Alertmanager's task role's")

	for _, app := range []string{"prometheus", "alertmanager", "grafana", "blackbox"} {
		name := "team-prod-platform-" + app
		found := 0
		for _, a := range cloud.ByType("aws:cloudwatch/metricAlarm:MetricAlarm") {
			n, _ := a.String("name")
			if !strings.HasPrefix(n, name+"-") {
				continue
			}
			found++
			if svc, ok := a.String("dimensions.ServiceName"); ok {
				assert.Equal(t, "team-prod-"+app, svc, n)
				cluster, _ := a.String("dimensions.ClusterName")
				assert.Equal(t, "monitoring", cluster, n, "the cluster platform.clusterArn names")
			}
		}
		assert.GreaterOrEqual(t, found, 3, "%s: running below desired, CPU and memory alarms", app)
	}
	assert.Contains(t, d.Outputs, "grafanaUrl")
	assert.Contains(t, d.Outputs, "clusterArn")
	assert.Contains(t, d.Outputs, "configBucket")
	assert.NotContains(t, d.Outputs, "prometheusEndpoint")
}

// The managed sample runs on AMP and Managed Grafana: the topics let AMP publish, the
// workspace gets the rule files and the Alertmanager configuration, and nothing of
// the ecs platform is created.
func TestTheManagedSampleRunsOnAMPAndManagedGrafana(t *testing.T) {
	env := sample(t, "managed")
	require.Equal(t, PlatformManaged, env.Platform.Mode)
	cloud, d := deployed(t, env)
	require.NotNil(t, d.Managed)
	assert.Nil(t, d.Platform)
	assert.Empty(t, cloud.ByType("aws:ecs/cluster:Cluster"))
	assert.Len(t, cloud.ByType("aws:amp/ruleGroupNamespace:RuleGroupNamespace"), 2)
	assert.Len(t, cloud.ByType("aws:grafana/workspace:Workspace"), 1)
	for _, p := range cloud.ByType("aws:sns/topicPolicy:TopicPolicy") {
		var doc iampolicy.Document
		require.NoError(t, p.DecodeJSON("policy", &doc))
		sids := []string{}
		for _, s := range doc.Statement {
			sids = append(sids, s.Sid)
		}
		if strings.HasPrefix(p.Name, "notify-us-east-1") {
			assert.NotContains(t, sids, "AMPWorkspacesPublish", "AMP publishes in the workspace's region only")
			continue
		}
		assert.Contains(t, sids, "AMPWorkspacesPublish", p.Name)
	}
	assert.Contains(t, d.Outputs, "prometheusEndpoint")
	assert.Contains(t, d.Outputs, "grafanaUrl")
	assert.NotContains(t, d.Outputs, "clusterArn")
}

// A rule that changes only the rules changes Prometheus's content hash and no other
// task's, so that only Prometheus rolls.
func TestAChangedRuleChangesOnlyPrometheussContent(t *testing.T) {
	file, err := ReadStackFile(projectDir, "prod")
	require.NoError(t, err)
	before, err := file.Environment()
	require.NoError(t, err)
	// A threshold only the Prometheus rules read.
	file.Values[Namespace+":thresholds"] = `{"service": {"latencyP95Ms": 800}, "database": {"longQuerySeconds": 120}}`
	after, err := file.Environment()
	require.NoError(t, err)
	assert.NotEqual(t, before.Platform.Files["prometheus"], after.Platform.Files["prometheus"])
	for _, app := range []string{"alertmanager", "grafana", "blackbox"} {
		assert.Equal(t, before.Platform.Files[app], after.Platform.Files[app], app)
	}
}

func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

// Each key of vigil:platform reaches the part it configures, not merely the plan:
// the sizes, images and retention the task definitions run, the subnets of the tasks
// and of the load balancer, the certificate of its listener, the networks each
// security group lets in or out, and the cluster the services run in.
func TestEachPlatformKeyReachesThePartItConfigures(t *testing.T) {
	cfg := fullConfig()
	pl := cfg["vigil:platform"].(map[string]any)
	pl["images"] = map[string]any{"prometheus": "registry.example.com/prometheus:p1", "alertmanager": "registry.example.com/alertmanager:a1",
		"grafana": "registry.example.com/grafana:g1", "blackbox": "registry.example.com/blackbox:b1"}
	pl["scrapeEgress"] = []map[string]any{{"cidr": "10.31.0.0/16", "fromPort": 9100}}
	pl["probeEgress"] = []map[string]any{{"cidr": "10.32.0.0/16", "fromPort": 8081, "toPort": 8089}}
	pl["grafana"].(map[string]any)["loadBalancerSubnetIds"] = []string{"subnet-0123456789abcdef0", "subnet-0fedcba9876543210"}
	cfg["vigil:taskSize"] = map[string]any{"cpu": 1024, "memoryMiB": 3072}
	env, err := FromValues("vigil", "prod", prodValues(cfg), []string{"vigil:notifications", "vigil:notifier", "vigil:platform"}, InDir(projectDir))
	require.NoError(t, err)
	cloud, _ := deployed(t, env)

	type container struct {
		Name, Image string
		Command     []string
	}
	for app, want := range map[string]struct{ image, cpu, memory string }{
		"prometheus":   {"registry.example.com/prometheus:p1", "1024", "3072"},
		"grafana":      {"registry.example.com/grafana:g1", "1024", "3072"},
		"alertmanager": {"registry.example.com/alertmanager:a1", "256", "512"},
		"blackbox":     {"registry.example.com/blackbox:b1", "256", "512"},
	} {
		td := named(t, cloud, "aws:ecs/taskDefinition:TaskDefinition", "platform-"+app+"-taskdef")
		cpu, _ := td.String("cpu")
		memory, _ := td.String("memory")
		assert.Equal(t, want.cpu, cpu, app)
		assert.Equal(t, want.memory, memory, app)
		var defs []container
		require.NoError(t, td.DecodeJSON("containerDefinitions", &defs))
		require.Len(t, defs, 2, app)
		assert.Equal(t, app, defs[1].Name)
		assert.Equal(t, want.image, defs[1].Image, app)
		if app == "prometheus" {
			assert.Contains(t, defs[1].Command, "--storage.tsdb.retention.time=30d", "platform.retentionDays")
		}
		svc := named(t, cloud, "aws:ecs/service:Service", "platform-"+app+"-service")
		subnets, _ := svc.Input("networkConfiguration.subnets")
		assert.Equal(t, []any{"subnet-0a1b2c3d4e5f60718", "subnet-0f1e2d3c4b5a69788"}, subnets, "%s runs in platform.subnetIds", app)
		cluster, _ := svc.String("cluster")
		assert.Equal(t, "arn:aws:ecs:eu-west-1:123456789012:cluster/monitoring", cluster, "platform.clusterArn")
	}
	assert.Empty(t, cloud.ByType("aws:ecs/cluster:Cluster"), "an existing cluster is used, none created")

	lb := named(t, cloud, "aws:lb/loadBalancer:LoadBalancer", "platform-grafana-alb")
	lbSubnets, _ := lb.Input("subnets")
	assert.Equal(t, []any{"subnet-0123456789abcdef0", "subnet-0fedcba9876543210"}, lbSubnets, "platform.grafana.loadBalancerSubnetIds")
	listener := named(t, cloud, "aws:lb/listener:Listener", "platform-grafana-https")
	cert, _ := listener.String("certificateArn")
	assert.Equal(t, "arn:aws:acm:eu-west-1:123456789012:certificate/0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d", cert)

	// Which group each CIDR rule belongs to, by the CIDR the config gave it.
	rules := map[string][]string{}
	for _, typ := range []string{"aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule", "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"} {
		for _, r := range cloud.ByType(typ) {
			cidr, _ := r.String("cidrIpv4")
			group, _ := r.String("securityGroupId")
			from, _ := r.Input("fromPort")
			to, _ := r.Input("toPort")
			rules[cidr] = append(rules[cidr], fmt.Sprintf("%s %s %v-%v", typ[strings.Index(typ, "securityGroup")+len("securityGroup"):strings.LastIndex(typ, "Rule:")], group, from, to))
		}
	}
	assert.Equal(t, []string{"Egress platform-prometheus-sg 9100-9100"}, rules["10.31.0.0/16"], "platform.scrapeEgress is Prometheus's")
	assert.Equal(t, []string{"Egress platform-blackbox-sg 8081-8089"}, rules["10.32.0.0/16"], "platform.probeEgress is the blackbox exporter's")
	assert.Equal(t, []string{"Ingress platform-alb-sg 443-443"}, rules["10.20.0.0/16"], "platform.grafana.allowedCidrs reach the load balancer only")
}

func named(t *testing.T, cloud *vigiltest.Cloud, typ, name string) vigiltest.Resource {
	t.Helper()
	r, ok := cloud.Named(typ, name)
	require.True(t, ok, "no %s %s", typ, name)
	return r
}
