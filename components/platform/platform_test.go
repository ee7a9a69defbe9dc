package platform

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vigilops/vigil/components/iampolicy"
	"github.com/vigilops/vigil/validate"
	"github.com/vigilops/vigil/vigiltest"
)

// run creates the platform of args under the mock engine, with a Publisher hook that
// captures the role it is given.
// grafanaSecretArn is the ARN the mock cloud gives the Grafana password's secret:
// Secrets Manager's form, the secret's name and six random characters.
const grafanaSecretArn = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:vigil-prod/grafana/admin-password-faa105"

func run(t testing.TB, args *PlatformArgs) (*vigiltest.Cloud, *Platform, *vigiltest.Outputs, []string, error) {
	t.Helper()
	var p *Platform
	out := &vigiltest.Outputs{}
	var published []string
	args.Publisher = func(ctx *pulumi.Context, name string, role pulumi.StringInput, opts ...pulumi.ResourceOption) error {
		published = append(published, name)
		out.Capture("publisher-role", role.ToStringOutput())
		return nil
	}
	cloud, err := vigiltest.Run(func(ctx *pulumi.Context) error {
		var err error
		p, err = NewPlatform(ctx, "platform", args)
		if err == nil {
			out.Capture("grafana-url", p.GrafanaURL)
			out.Capture("cluster-arn", p.ClusterArn)
			fs := p.storage
			out.Capture("fs-arn", fs.FileSystemArn)
			for app, arn := range fs.AccessPointArns {
				out.Capture("ap-"+app, arn)
			}
		}
		return err
	})
	return cloud, p, out, published, err
}

func mustRun(t testing.TB, args *PlatformArgs) (*vigiltest.Cloud, *Platform, *vigiltest.Outputs, []string) {
	t.Helper()
	cloud, p, out, pub, err := run(t, args)
	require.NoError(t, err)
	return cloud, p, out, pub
}

func named(t testing.TB, cloud *vigiltest.Cloud, typ, name string) vigiltest.Resource {
	t.Helper()
	r, ok := cloud.Named(typ, name)
	require.True(t, ok, "no %s %s", typ, name)
	return r
}

func str(t testing.TB, r vigiltest.Resource, path string) string {
	t.Helper()
	s, ok := r.String(path)
	require.True(t, ok, "%s %s has no plain string %s", r.Type, r.Name, path)
	return s
}

func TestThePlatformCreatesEveryPartOnce(t *testing.T) {
	cloud, p, out, pub := mustRun(t, validArgs(t))
	counts := cloud.Counts()
	for typ, n := range map[string]int{
		TypeToken: 1, TaskTypeToken: 4, ConfigStoreTypeToken: 1, FileSystemTypeToken: 1,
		"aws:kms/key:Key": 1, "aws:ecs/cluster:Cluster": 1, "aws:servicediscovery/privateDnsNamespace:PrivateDnsNamespace": 1,
		"aws:servicediscovery/service:Service": 4, "aws:ecs/taskDefinition:TaskDefinition": 4, "aws:ecs/service:Service": 4,
		"aws:cloudwatch/logGroup:LogGroup": 4, "aws:iam/role:Role": 8, "aws:secretsmanager/secret:Secret": 1,
		"aws:secretsmanager/secretVersion:SecretVersion": 1, "aws:ec2/securityGroup:SecurityGroup": 6, // four apps, the load balancer, EFS
		"aws:lb/loadBalancer:LoadBalancer": 1, "aws:lb/targetGroup:TargetGroup": 1, "aws:lb/listener:Listener": 1,
	} {
		assert.Equal(t, n, counts[typ], typ)
	}
	for _, r := range cloud.Resources() {
		if r.Type == TypeToken {
			continue
		}
		assert.NotEmpty(t, r.Parent, "%s %s has the platform as an ancestor", r.Type, r.Name)
		assert.True(t, strings.HasPrefix(r.Name, "platform-"), "%s is named after the platform", r.Name)
		if tags, ok := r.Input("tags"); ok && r.Custom {
			assert.Equal(t, "platform", tags.(map[string]any)["team"], "%s %s is tagged", r.Type, r.Name)
		}
	}
	assert.Equal(t, "vigil-prod", p.ClusterName)
	assert.Equal(t, map[string]string{Prometheus: "vigil-prod-prometheus", Alertmanager: "vigil-prod-alertmanager", Grafana: "vigil-prod-grafana", Blackbox: "vigil-prod-blackbox"}, p.ServiceNames)
	assert.Equal(t, map[string]string{Prometheus: "vigil-prod-prom-task", Alertmanager: "vigil-prod-alertmanager-task", Grafana: "vigil-prod-grafana-task", Blackbox: "vigil-prod-blackbox-task"}, p.Families)
	assert.Len(t, p.TaskRoleArns, 4)
	assert.Len(t, p.SecurityGroupIds, 5, "the four apps' groups and the load balancer's")
	assert.Equal(t, []string{"platform-alertmanager-publisher"}, pub, "Alertmanager's role, and only it, is made a publisher")
	role, err := out.Get("publisher-role")
	require.NoError(t, err)
	assert.Equal(t, "vigil-prod-alertmanager-task", role)
	url, err := out.Get("grafana-url")
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(url.(string), "https://"), url)

	cluster := named(t, cloud, "aws:ecs/cluster:Cluster", "platform-cluster")
	settings, _ := cluster.Input("settings")
	assert.Equal(t, []any{map[string]any{"name": "containerInsights", "value": "enabled"}}, settings)
	ns := named(t, cloud, "aws:servicediscovery/privateDnsNamespace:PrivateDnsNamespace", "platform-namespace")
	assert.Equal(t, "vigil-prod.local", str(t, ns, "name"))
	assert.Equal(t, "vpc-0123456789abcdef0", str(t, ns, "vpc"))
}

func TestAnExistingClusterIsUsedAndNoneIsCreated(t *testing.T) {
	a := validArgs(t)
	a.ClusterARN = "arn:aws:ecs:eu-west-1:123456789012:cluster/monitoring"
	a.Grafana.LoadBalancer = nil
	cloud, p, out, _ := mustRun(t, a)
	assert.Zero(t, cloud.Counts()["aws:ecs/cluster:Cluster"])
	assert.Zero(t, cloud.Counts()["aws:lb/loadBalancer:LoadBalancer"])
	assert.Equal(t, 5, cloud.Counts()["aws:ec2/securityGroup:SecurityGroup"], "no load balancer group without a load balancer")
	assert.Equal(t, "monitoring", p.ClusterName)
	arn, err := out.Get("cluster-arn")
	require.NoError(t, err)
	assert.Equal(t, a.ClusterARN, arn)
	svc := named(t, cloud, "aws:ecs/service:Service", "platform-prometheus-service")
	assert.Equal(t, a.ClusterARN, str(t, svc, "cluster"))
	url, err := out.Get("grafana-url")
	require.NoError(t, err)
	assert.Equal(t, "http://grafana.vigil-prod.local:3000", url)
}

func TestTheKeyRotatesAndItsPolicyIsKeyPolicy(t *testing.T) {
	cloud, _, _, _ := mustRun(t, validArgs(t))
	key := named(t, cloud, "aws:kms/key:Key", "platform-key")
	rot, _ := key.Input("enableKeyRotation")
	assert.Equal(t, true, rot)
	win, _ := key.Input("deletionWindowInDays")
	assert.Equal(t, 30.0, win)
	var groups []string
	for _, app := range Apps() {
		groups = append(groups, LogGroupName("vigil-prod", app))
	}
	assert.Equal(t, KeyPolicy(account, region, groups).JSON(), str(t, key, "policy"))
	for _, app := range Apps() {
		lg := named(t, cloud, "aws:cloudwatch/logGroup:LogGroup", "platform-"+app+"-logs")
		assert.Equal(t, "/ecs/"+Family("vigil-prod", app), str(t, lg, "name"))
		ret, _ := lg.Input("retentionInDays")
		assert.Equal(t, 30.0, ret)
		assert.True(t, strings.HasPrefix(str(t, lg, "kmsKeyId"), "arn:aws:kms:eu-west-1:123456789012:key/"), "log group encrypted with the platform key")
	}
}

func TestTheAdminPasswordIsASecretEverywhereAndNeverInPlainText(t *testing.T) {
	cloud, _, _, _ := mustRun(t, validArgs(t))
	version := named(t, cloud, "aws:secretsmanager/secretVersion:SecretVersion", "platform-grafana-admin-value")
	got, ok := version.Secret("secretString")
	require.True(t, ok, "the password reaches Secrets Manager as a secret")
	assert.Equal(t, adminPassword, got)
	for _, r := range cloud.Resources() {
		b, err := json.Marshal(r.Plain())
		require.NoError(t, err)
		assert.NotContains(t, string(b), adminPassword, "%s %s shows the password", r.Type, r.Name)
	}
	secret := named(t, cloud, "aws:secretsmanager/secret:Secret", "platform-grafana-admin")
	assert.True(t, strings.HasPrefix(str(t, secret, "kmsKeyId"), "arn:aws:kms:"), "the secret is under the platform key")
	defs := containerDefs(t, cloud, Grafana)
	assert.Equal(t, []Secret{{Name: "GF_SECURITY_ADMIN_PASSWORD", ValueFrom: grafanaSecretArn}}, defs[1].Secrets,
		"the container gets the secret by ARN")
}

// containerDefs parses the container definitions of an app's task definition.
func containerDefs(t testing.TB, cloud *vigiltest.Cloud, app string) []ContainerDefinition {
	t.Helper()
	td := named(t, cloud, "aws:ecs/taskDefinition:TaskDefinition", "platform-"+app+"-taskdef")
	var defs []ContainerDefinition
	dec := json.NewDecoder(strings.NewReader(str(t, td, "containerDefinitions")))
	dec.DisallowUnknownFields()
	require.NoError(t, dec.Decode(&defs))
	require.Len(t, defs, 2)
	return defs
}

func TestEveryTaskDefinitionRunsItsPinnedImagesOnFargateWithItsVolumes(t *testing.T) {
	cloud, p, _, _ := mustRun(t, validArgs(t))
	sizes := map[string][2]string{Prometheus: {"1024", "2048"}, Alertmanager: {"256", "512"}, Grafana: {"256", "512"}, Blackbox: {"256", "512"}}
	for _, app := range Apps() {
		td := named(t, cloud, "aws:ecs/taskDefinition:TaskDefinition", "platform-"+app+"-taskdef")
		assert.Equal(t, Family("vigil-prod", app), str(t, td, "family"))
		assert.Equal(t, sizes[app][0], str(t, td, "cpu"), app)
		assert.Equal(t, sizes[app][1], str(t, td, "memory"), app)
		assert.Equal(t, "awsvpc", str(t, td, "networkMode"))
		rc, _ := td.Input("requiresCompatibilities")
		assert.Equal(t, []any{"FARGATE"}, rc)
		assert.Equal(t, "arn:aws:iam::123456789012:role/vigil-prod-"+app+"-task", str(t, td, "taskRoleArn"))
		assert.Equal(t, "arn:aws:iam::123456789012:role/vigil-prod-"+app+"-exec", str(t, td, "executionRoleArn"))
		defs := containerDefs(t, cloud, app)
		wantSpec := ContainerSpec{App: app, Image: map[string]string{Prometheus: PrometheusImage, Alertmanager: AlertmanagerImage, Grafana: GrafanaImage, Blackbox: BlackboxImage}[app],
			Port: Port(app), Region: region, LogGroup: LogGroupName("vigil-prod", app), Bucket: "vigil-prod-config-123456789012-eu-west-1",
			Prefix: app + "/" + p.ContentHashes[app] + "/", ContentHash: p.ContentHashes[app], RetentionDays: 30}
		if app == Grafana {
			wantSpec.AdminPasswordSecretArn, wantSpec.HTTPS = grafanaSecretArn, true
		}
		wantDefs, err := ContainerDefinitions(wantSpec)
		require.NoError(t, err)
		assert.Equal(t, wantDefs, defs, "%s: the task runs exactly the tested container definitions", app)
		assert.Equal(t, apps[app].port, defs[1].PortMappings[0].ContainerPort)
		assert.Equal(t, p.ContentHashes[app], env(defs[1])["CONTENT_HASH"])
		assert.Contains(t, defs[0].Command[2], "/"+app+"/"+p.ContentHashes[app]+"/", "the init container copies the app's current set")
		for _, c := range defs {
			assertPinned(t, c.Image)
		}
		vols, _ := td.Input("volumes")
		names := []string{}
		for _, v := range vols.([]any) {
			m := v.(map[string]any)
			names = append(names, m["name"].(string))
			if efs, ok := m["efsVolumeConfiguration"].(map[string]any); ok {
				assert.Equal(t, "ENABLED", efs["transitEncryption"], app)
				auth := efs["authorizationConfig"].(map[string]any)
				assert.Equal(t, "ENABLED", auth["iam"], app)
				assert.NotEmpty(t, auth["accessPointId"], app)
				assert.Contains(t, []string{Prometheus, Grafana}, app, "only Prometheus and Grafana keep data on EFS")
			}
		}
		want := []string{"config", "init-home"}
		if app != Blackbox {
			want = append(want, "data")
		}
		assert.Equal(t, want, names, app)
	}
	assert.Equal(t, GrafanaImage, containerDefs(t, cloud, Grafana)[1].Image)
}

func TestEveryServiceRunsOneTaskInPrivateSubnetsRegisteredInCloudMap(t *testing.T) {
	cloud, _, _, _ := mustRun(t, validArgs(t))
	for _, app := range Apps() {
		svc := named(t, cloud, "aws:ecs/service:Service", "platform-"+app+"-service")
		in := svc.Plain()
		assert.Equal(t, "vigil-prod-"+app, in["name"])
		assert.Equal(t, 1.0, in["desiredCount"])
		assert.Equal(t, "FARGATE", in["launchType"])
		assert.Equal(t, map[string]any{"enable": true, "rollback": true}, in["deploymentCircuitBreaker"])
		nc := in["networkConfiguration"].(map[string]any)
		assert.Equal(t, false, nc["assignPublicIp"])
		assert.Equal(t, []any{"subnet-0123456789abcdef0", "subnet-0123456789abcdef1"}, nc["subnets"])
		assert.Equal(t, []any{"platform-" + app + "-sg"}, nc["securityGroups"])
		reg := in["serviceRegistries"].(map[string]any)
		assert.Equal(t, app, reg["containerName"])
		assert.Equal(t, float64(Port(app)), reg["containerPort"], "SRV records need the port")
		minHealthy := 100.0
		if app == Prometheus || app == Grafana {
			minHealthy = 0
		}
		assert.Equal(t, minHealthy, in["deploymentMinimumHealthyPercent"], app)
		if app == Grafana {
			lbs := in["loadBalancers"].([]any)
			assert.Equal(t, map[string]any{"containerName": "grafana", "containerPort": 3000.0, "targetGroupArn": "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/vigil-prod-grafana/ed320e0c2c07ce53"}, lbs[0])
		} else {
			assert.Nil(t, in["loadBalancers"], app)
		}

		sd := named(t, cloud, "aws:servicediscovery/service:Service", "platform-"+app+"-discovery")
		assert.Equal(t, app, str(t, sd, "name"), "prometheus.yml finds <app>.<namespace>")
		dns, _ := sd.Input("dnsConfig")
		assert.Equal(t, map[string]any{"namespaceId": "platform-namespace", "routingPolicy": "MULTIVALUE", "dnsRecords": []any{
			map[string]any{"type": "SRV", "ttl": 10.0}, map[string]any{"type": "A", "ttl": 10.0},
		}}, dns)
	}
}

func TestEveryTaskRoleTrustsOnlyThisAccountsTasksAndEveryPolicyIsExactAndLintClean(t *testing.T) {
	cloud, p, out, _ := mustRun(t, validArgs(t))
	for _, r := range cloud.ByType("aws:iam/role:Role") {
		want := TaskTrustPolicy(account, region).JSON()
		if strings.HasSuffix(r.Name, "-exec-role") {
			want = ExecutionTrustPolicy().JSON()
		}
		assert.Equal(t, want, str(t, r, "assumeRolePolicy"), r.Name)
	}
	policies := map[string]iampolicy.Document{}
	for _, r := range cloud.ByType("aws:iam/rolePolicy:RolePolicy") {
		doc, err := iampolicy.Parse(str(t, r, "policy"))
		require.NoError(t, err, r.Name)
		assert.Empty(t, doc.Lint(), r.Name)
		policies[str(t, r, "name")] = doc
	}
	names := []string{}
	for n := range policies {
		names = append(names, n)
	}
	assert.ElementsMatch(t, []string{
		"vigil-prod-prometheus-exec", "vigil-prod-prometheus-read-config", "vigil-prod-prometheus-mount",
		"vigil-prod-alertmanager-exec", "vigil-prod-alertmanager-read-config",
		"vigil-prod-grafana-exec", "vigil-prod-grafana-read-config", "vigil-prod-grafana-mount", "vigil-prod-grafana-cloudwatch",
		"vigil-prod-blackbox-exec", "vigil-prod-blackbox-read-config",
	}, names, "no task role has more than its config, its storage and (Grafana) CloudWatch reads")
	keyArn := policies["vigil-prod-grafana-exec"].Statement[2].Resource[0]
	assert.True(t, strings.HasPrefix(keyArn, "arn:aws:kms:eu-west-1:123456789012:key/"))
	for _, app := range Apps() {
		r := ExecutionResources{Region: region, LogGroupArn: LogGroupARN(region, account, LogGroupName("vigil-prod", app))}
		if app == Grafana {
			r.SecretArn, r.KeyArn = grafanaSecretArn, keyArn
		}
		assert.Equal(t, ExecutionPolicy(r), policies["vigil-prod-"+app+"-exec"], app)
	}
	assert.Equal(t, GrafanaCloudWatchPolicy(), policies["vigil-prod-grafana-cloudwatch"])
	bucket := "arn:aws:s3:::vigil-prod-config-123456789012-eu-west-1"
	for _, app := range Apps() {
		assert.Equal(t, ReadPolicy(region, bucket, keyArn, app+"/"+p.ContentHashes[app]+"/"), policies["vigil-prod-"+app+"-read-config"],
			"%s reads exactly its own current set", app)
	}
	fsArn, err := out.Get("fs-arn")
	require.NoError(t, err)
	for _, app := range []string{Prometheus, Grafana} {
		ap, err := out.Get("ap-" + app)
		require.NoError(t, err)
		assert.Equal(t, MountPolicy(fsArn.(string), ap.(string)), policies["vigil-prod-"+app+"-mount"], "%s mounts through its own access point", app)
	}
}

func TestEverySecurityGroupRuleIsNetworkRulesWithADescription(t *testing.T) {
	a := validArgs(t)
	cloud, _, _, _ := mustRun(t, a)
	for _, g := range cloud.ByType("aws:ec2/securityGroup:SecurityGroup") {
		assert.True(t, validate.EC2Description(g.Plain()["description"].(string)), "%s: EC2 refuses other characters, such as an apostrophe", g.Name)
	}
	platform := named(t, cloud, TypeToken, "platform")
	ours := func(typ string) (mine, efs []vigiltest.Resource) {
		for _, r := range cloud.ByType(typ) {
			if r.Parent == platform.URN {
				mine = append(mine, r)
			} else {
				efs = append(efs, r)
			}
		}
		return mine, efs
	}
	ingress, efsIngress := ours("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")
	egress, efsEgress := ours("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule")
	assert.Empty(t, efsEgress)
	var nfsFrom []any
	for _, r := range efsIngress {
		in := r.Plain()
		assert.Equal(t, 2049.0, in["fromPort"], r.Name)
		assert.Equal(t, 2049.0, in["toPort"], r.Name)
		assert.Nil(t, in["cidrIpv4"], r.Name)
		nfsFrom = append(nfsFrom, in["referencedSecurityGroupId"])
	}
	assert.ElementsMatch(t, []any{"platform-prometheus-sg", "platform-grafana-sg"}, nfsFrom, "only Prometheus and Grafana reach the file system")
	var wantIn, wantOut int
	for _, r := range NetworkRules(a.withDefaults()) {
		if r.Egress {
			wantOut++
		} else {
			wantIn++
		}
	}
	assert.Len(t, ingress, wantIn)
	assert.Len(t, egress, wantOut)
	for _, r := range append(append(ingress, egress...), efsIngress...) {
		in := r.Plain()
		assert.NotEmpty(t, in["description"], r.Name)
		assert.True(t, validate.EC2Description(in["description"].(string)), "%s: EC2 refuses other characters, such as an apostrophe", r.Name)
		assert.Equal(t, "tcp", in["ipProtocol"], r.Name)
		if r.Type == "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule" {
			assert.NotEqual(t, "0.0.0.0/0", in["cidrIpv4"], r.Name)
			assert.Nil(t, in["cidrIpv6"], r.Name)
		}
	}
	efs := named(t, cloud, "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule", "platform-prometheus-to-efs-2049")
	assert.Equal(t, "platform-storage-sg", efs.Plain()["referencedSecurityGroupId"], "NFS goes to the file system's group only")
	for _, ap := range cloud.ByType("aws:efs/accessPoint:AccessPoint") {
		user := ap.Plain()["posixUser"].(map[string]any)
		if strings.Contains(ap.Name, Grafana) {
			assert.Equal(t, map[string]any{"uid": 472.0, "gid": 472.0}, user, "Grafana's files are its user's")
		} else {
			assert.Equal(t, map[string]any{"uid": 65534.0, "gid": 65534.0}, user, "Prometheus's files are nobody's, as its image runs")
		}
	}
	assert.Len(t, cloud.ByType("aws:efs/accessPoint:AccessPoint"), 2)
	for _, r := range cloud.ByType("aws:ec2/securityGroup:SecurityGroup") {
		assert.True(t, strings.HasPrefix(str(t, r, "description"), "vigil: "), r.Name)
		assert.Nil(t, r.Plain()["ingress"], "no inline rules")
		assert.Nil(t, r.Plain()["egress"], "no inline rules")
	}
}

func TestTheLoadBalancerIsInternalHTTPSOnly(t *testing.T) {
	cloud, _, _, _ := mustRun(t, validArgs(t))
	alb := named(t, cloud, "aws:lb/loadBalancer:LoadBalancer", "platform-grafana-alb").Plain()
	assert.Equal(t, true, alb["internal"])
	assert.Equal(t, true, alb["dropInvalidHeaderFields"])
	assert.Equal(t, "application", alb["loadBalancerType"])
	assert.Equal(t, "vigil-prod-grafana", alb["name"])
	l := named(t, cloud, "aws:lb/listener:Listener", "platform-grafana-https").Plain()
	assert.Equal(t, 443.0, l["port"])
	assert.Equal(t, "HTTPS", l["protocol"])
	assert.Equal(t, "ELBSecurityPolicy-TLS13-1-2-2021-06", l["sslPolicy"])
	assert.Equal(t, certARN, l["certificateArn"])
	tg := named(t, cloud, "aws:lb/targetGroup:TargetGroup", "platform-grafana-tg").Plain()
	assert.Equal(t, "ip", tg["targetType"])
	assert.Equal(t, 30.0, tg["deregistrationDelay"])
	assert.Equal(t, 3000.0, tg["port"])
	assert.Equal(t, "/api/health", tg["healthCheck"].(map[string]any)["path"])
	assert.Len(t, cloud.ByType("aws:lb/listener:Listener"), 1, "no plain-HTTP listener")
}

func TestAChangedRuleRollsOnlyPrometheusAndAnUnchangedSetRollsNothing(t *testing.T) {
	defsOf := func(change func(*PlatformArgs)) map[string]string {
		a := validArgs(t)
		if change != nil {
			change(a)
		}
		cloud, _, _, _ := mustRun(t, a)
		out := map[string]string{}
		for _, app := range Apps() {
			out[app] = str(t, named(t, cloud, "aws:ecs/taskDefinition:TaskDefinition", "platform-"+app+"-taskdef"), "containerDefinitions")
		}
		return out
	}
	base := defsOf(nil)
	assert.Equal(t, base, defsOf(nil), "the same files give the same task definitions")
	changed := defsOf(func(a *PlatformArgs) {
		a.Prometheus.Files["rules/catalog.rules.yaml"] = []byte("groups: [{name: g, rules: []}]\n")
	})
	assert.NotEqual(t, base[Prometheus], changed[Prometheus])
	for _, app := range []string{Alertmanager, Grafana, Blackbox} {
		assert.Equal(t, base[app], changed[app], "%s does not roll for a Prometheus rule", app)
	}
	dash := defsOf(func(a *PlatformArgs) { a.Grafana.Files["dashboards/api.json"] = []byte(`{"title":"api v2"}`) })
	assert.NotEqual(t, base[Grafana], dash[Grafana])
	assert.Equal(t, base[Prometheus], dash[Prometheus])
}

func TestInvalidArgsRegisterNothingAndListEveryProblem(t *testing.T) {
	a := validArgs(t)
	a.Namespace, a.LogRetentionDays, a.Grafana.AllowedCIDRs = "Vigil", 2, []string{"0.0.0.0/0"}
	a.Prometheus.Size = TaskSize{CPU: 512, MemoryMiB: 512}
	cloud, _, _, pub, err := run(t, a)
	require.Error(t, err)
	var ve *validate.Error
	require.ErrorAs(t, err, &ve)
	var paths []string
	for _, p := range ve.Problems {
		paths = append(paths, p.Path)
	}
	assert.Equal(t, []string{"Grafana.AllowedCIDRs[0]", "LogRetentionDays", "Namespace", "Prometheus.Size.memoryMiB"}, paths)
	assert.Empty(t, cloud.Resources(), "nothing is registered")
	assert.Empty(t, pub)
	_, _, _, _, err = run(t, &PlatformArgs{})
	assert.ErrorContains(t, err, "invalid platform.PlatformArgs")
}

// BenchmarkPlatform measures one NewPlatform of the prod-like args under the mock
// engine, and reports how many resources it registers.
func BenchmarkPlatform(b *testing.B) {
	args := validArgs(b)
	resources := 0
	for i := 0; i < b.N; i++ {
		cloud, _, _, _, err := run(b, args)
		if err != nil {
			b.Fatal(err)
		}
		resources = len(cloud.Resources())
	}
	b.ReportMetric(float64(resources), "resources/op")
}
