package platform

import (
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ecs"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/kms"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/secretsmanager"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/servicediscovery"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/vigilops/vigil/platform/config"
)

// TypeToken is the Pulumi type of the Platform component.
const TypeToken = "vigil:platform:Platform"

// Platform is the component: Prometheus, Alertmanager, Grafana and the blackbox
// exporter on ECS Fargate, each a Task, with the platform key, the configuration
// bucket (ConfigStore), the EFS file system (FileSystem), the Cloud Map namespace,
// the security groups and, optionally, Grafana's load balancer.
//
// Inside the namespace each app is a Cloud Map service with SRV and A records:
// prometheus, alertmanager, grafana and blackbox, on 9090, 9093, 3000 and 9115.
type Platform struct {
	pulumi.ResourceState

	// ClusterArn is the cluster the services run in; ClusterName its name (plain).
	ClusterArn  pulumi.StringOutput
	ClusterName string
	// ServiceNames maps each app to its ECS service's name, such as
	// prometheus -> <prefix>-prometheus, for the tasks' CloudWatch alarms.
	ServiceNames map[string]string
	// Families maps each app to its task family (Family).
	Families map[string]string
	// KeyArn is the platform key: log groups, bucket, file system, secret.
	KeyArn pulumi.StringOutput
	// ConfigBucket is the bucket holding the file sets.
	ConfigBucket pulumi.StringOutput
	// ContentHashes maps each app to config.ContentHash of its files (plain).
	ContentHashes map[string]string
	// TaskRoleArns maps each app to its task role.
	TaskRoleArns map[string]pulumi.StringOutput
	// GrafanaURL is https://<load balancer> with a load balancer, else
	// http://grafana.<Namespace>:3000.
	GrafanaURL pulumi.StringOutput
	// NamespaceID is the Cloud Map namespace's ID, for the services Prometheus
	// discovers (<name>.<Namespace>, SRV) to register in.
	NamespaceID pulumi.StringOutput
	// SecurityGroupIds maps each app (and "alb" with a load balancer) to its tasks'
	// security group, so that a scraped service can admit Prometheus's group.
	SecurityGroupIds map[string]pulumi.StringOutput
	// Tasks are the apps' components.
	Tasks map[string]*Task

	storage *FileSystem
}

// NewPlatform validates args, every problem at once, and creates the platform.
// Invalid arguments create nothing.
func NewPlatform(ctx *pulumi.Context, name string, args *PlatformArgs, opts ...pulumi.ResourceOption) (*Platform, error) {
	if args == nil {
		args = &PlatformArgs{}
	}
	if err := args.Validate(); err != nil {
		return nil, err
	}
	a := args.withDefaults()
	p := &Platform{
		ServiceNames: map[string]string{}, Families: map[string]string{}, ContentHashes: map[string]string{},
		TaskRoleArns: map[string]pulumi.StringOutput{}, Tasks: map[string]*Task{}, SecurityGroupIds: map[string]pulumi.StringOutput{},
	}
	if err := ctx.RegisterComponentResource(TypeToken, name, p, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(p)
	tags := pulumi.ToStringMap(a.Tags)
	files := a.fileSets()
	var logGroups []string
	for _, app := range Apps() {
		logGroups = append(logGroups, LogGroupName(a.NamePrefix, app))
		p.ServiceNames[app] = ServiceName(a.NamePrefix, app)
		p.Families[app] = Family(a.NamePrefix, app)
		p.ContentHashes[app] = config.ContentHash(files[app])
	}

	key, err := kms.NewKey(ctx, name+"-key", &kms.KeyArgs{
		Description:          pulumi.String("vigil: the " + a.NamePrefix + " monitoring platform's logs, configuration, file system and secret"),
		EnableKeyRotation:    pulumi.Bool(true),
		DeletionWindowInDays: pulumi.Int(a.KeyDeletionWindowDays),
		Policy:               pulumi.String(KeyPolicy(a.AccountID, a.Region, logGroups).JSON()),
		Tags:                 tags,
	}, parent)
	if err != nil {
		return nil, err
	}
	if _, err := kms.NewAlias(ctx, name+"-key-alias", &kms.AliasArgs{
		Name: pulumi.String("alias/" + a.NamePrefix + "-platform"), TargetKeyId: key.KeyId,
	}, parent); err != nil {
		return nil, err
	}
	p.KeyArn = key.Arn

	store, err := NewConfigStore(ctx, name+"-config", &ConfigStoreArgs{
		NamePrefix: a.NamePrefix, AccountID: a.AccountID, Region: a.Region, KeyArn: key.Arn, Sets: files, Tags: a.Tags,
	}, parent)
	if err != nil {
		return nil, err
	}
	p.ConfigBucket = store.Bucket

	if a.ClusterARN == "" {
		cluster, err := ecs.NewCluster(ctx, name+"-cluster", &ecs.ClusterArgs{
			Name: pulumi.String(a.NamePrefix),
			Settings: ecs.ClusterSettingArray{ecs.ClusterSettingArgs{
				Name: pulumi.String("containerInsights"), Value: pulumi.String("enabled"),
			}},
			Tags: tags,
		}, parent)
		if err != nil {
			return nil, err
		}
		p.ClusterArn, p.ClusterName = cluster.Arn, a.NamePrefix
	} else {
		p.ClusterArn = pulumi.String(a.ClusterARN).ToStringOutput()
		p.ClusterName = a.ClusterARN[strings.LastIndex(a.ClusterARN, "/")+1:]
	}

	namespace, err := servicediscovery.NewPrivateDnsNamespace(ctx, name+"-namespace", &servicediscovery.PrivateDnsNamespaceArgs{
		Name:        pulumi.String(a.Namespace),
		Description: pulumi.String("vigil: the " + a.NamePrefix + " monitoring platform's names"),
		Vpc:         pulumi.String(a.VpcID),
		Tags:        tags,
	}, parent)
	if err != nil {
		return nil, err
	}

	p.NamespaceID = namespace.ID().ToStringOutput()

	secret, err := secretsmanager.NewSecret(ctx, name+"-grafana-admin", &secretsmanager.SecretArgs{
		Name:        pulumi.String(a.NamePrefix + "/grafana/admin-password"),
		Description: pulumi.String("vigil: the admin password of the " + a.NamePrefix + " Grafana"),
		KmsKeyId:    key.Arn,
		Tags:        tags,
	}, parent)
	if err != nil {
		return nil, err
	}
	if _, err := secretsmanager.NewSecretVersion(ctx, name+"-grafana-admin-value", &secretsmanager.SecretVersionArgs{
		SecretId:     secret.Arn,
		SecretString: pulumi.ToSecret(a.Grafana.AdminPassword.ToStringOutput()).(pulumi.StringOutput),
	}, parent); err != nil {
		return nil, err
	}

	groups, err := newSecurityGroups(ctx, name, a, parent)
	if err != nil {
		return nil, err
	}
	for g, sg := range groups {
		p.SecurityGroupIds[g] = sg.ID().ToStringOutput()
	}
	fs, err := NewFileSystem(ctx, name+"-storage", &FileSystemArgs{
		NamePrefix: a.NamePrefix, VpcID: a.VpcID, SubnetIDs: a.SubnetIDs, KeyArn: key.Arn,
		ClientSecurityGroups: map[string]pulumi.StringInput{
			Prometheus: groups[Prometheus].ID().ToStringOutput(), Grafana: groups[Grafana].ID().ToStringOutput(),
		},
		AccessPoints: map[string]AccessPoint{
			Prometheus: {UID: 65534, GID: 65534, Path: "/prometheus"},
			Grafana:    {UID: 472, GID: 472, Path: "/grafana"},
		},
		Tags: a.Tags,
	}, parent)
	if err != nil {
		return nil, err
	}
	p.storage = fs
	if err := newRules(ctx, name, a, groups, fs.SecurityGroupId, parent); err != nil {
		return nil, err
	}

	var targetGroup pulumi.StringInput
	p.GrafanaURL = pulumi.String("http://" + Grafana + "." + a.Namespace + ":3000").ToStringOutput()
	if a.Grafana.LoadBalancer != nil {
		alb, err := newLoadBalancer(ctx, name, a, groups[LoadBalancerGroup].ID(), parent)
		if err != nil {
			return nil, err
		}
		targetGroup = alb.targetGroupArn
		p.GrafanaURL = pulumi.Sprintf("https://%s", alb.dnsName)
	}

	images := map[string]string{Prometheus: a.Prometheus.Image, Alertmanager: a.Alertmanager.Image, Grafana: a.Grafana.Image, Blackbox: a.Blackbox.Image}
	sizes := map[string]TaskSize{Prometheus: a.Prometheus.Size, Alertmanager: a.Alertmanager.Size, Grafana: a.Grafana.Size, Blackbox: a.Blackbox.Size}
	noSecret := pulumi.String("").ToStringOutput()
	for _, app := range Apps() {
		ta := taskArgs{
			app: app, prefix: a.NamePrefix, account: a.AccountID, region: a.Region,
			size: sizes[app], image: images[app], retentionDays: a.Prometheus.RetentionDays, logRetentionDays: a.LogRetentionDays,
			keyArn: key.Arn, clusterArn: p.ClusterArn, namespaceID: namespace.ID().ToStringOutput(),
			subnets: a.SubnetIDs, securityGroup: groups[app].ID(), store: store, hash: p.ContentHashes[app],
			fs: fs, secretArn: noSecret, tags: a.Tags,
		}
		if app == Grafana {
			ta.secretArn, ta.targetGroupArn = secret.Arn, targetGroup
		}
		task, err := newTask(ctx, name+"-"+app, ta, parent)
		if err != nil {
			return nil, err
		}
		p.Tasks[app] = task
		p.TaskRoleArns[app] = task.TaskRoleArn
	}
	if err := a.Publisher(ctx, name+"-alertmanager-publisher", p.Tasks[Alertmanager].TaskRoleName, parent); err != nil {
		return nil, err
	}

	roles := pulumi.StringMap{}
	for app, arn := range p.TaskRoleArns {
		roles[app] = arn
	}
	if err := ctx.RegisterResourceOutputs(p, pulumi.Map{
		"clusterArn": p.ClusterArn, "keyArn": p.KeyArn, "configBucket": p.ConfigBucket,
		"grafanaUrl": p.GrafanaURL, "taskRoleArns": roles, "namespaceId": p.NamespaceID,
	}); err != nil {
		return nil, err
	}
	return p, nil
}
