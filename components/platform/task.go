package platform

import (
	"strconv"

	awscw "github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ecs"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/servicediscovery"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// TaskTypeToken is the Pulumi type of the Task component.
const TaskTypeToken = "vigil:platform:Task"

// DNSTTL is the time to live, in seconds, of the Cloud Map records (A and SRV): short,
// so that a replaced task is found within a Prometheus refresh (30 s).
const DNSTTL = 10

// Task is one app of the platform: its log group, its execution and task roles, its
// task definition (the init container and the main container), its Cloud Map service
// and its Fargate service.
type Task struct {
	pulumi.ResourceState

	// Family, ServiceName and LogGroupName are the physical names.
	Family, ServiceName, LogGroupName string
	// TaskRoleArn and TaskRoleName name the task role (what the containers may do).
	TaskRoleArn, TaskRoleName pulumi.StringOutput
	// ExecutionRoleArn is the execution role (what ECS may do to start the task).
	ExecutionRoleArn pulumi.StringOutput
	// TaskDefinitionArn is the current revision.
	TaskDefinitionArn pulumi.StringOutput
}

// taskArgs is what newTask needs; it is built by NewPlatform from validated Args.
type taskArgs struct {
	app                     string
	prefix, account, region string
	size                    TaskSize
	image                   string
	retentionDays           int
	logRetentionDays        int
	keyArn                  pulumi.StringOutput
	clusterArn              pulumi.StringInput
	namespaceID             pulumi.StringInput
	subnets                 []string
	securityGroup           pulumi.StringInput
	store                   *ConfigStore
	hash                    string
	fs                      *FileSystem // Prometheus and Grafana
	secretArn               pulumi.StringOutput
	targetGroupArn          pulumi.StringInput // Grafana behind the load balancer
	tags                    map[string]string
}

// newTask creates one app's Task. Prometheus and Grafana are replaced stop-first
// (deployment minimum 0 %, maximum 100 %): two tasks on one TSDB or one Grafana
// database would fight over its lock. The others roll start-first. Every service runs
// one task: Alertmanager runs without clustering (--cluster.listen-address=), so a
// second one would send every notification twice.
func newTask(ctx *pulumi.Context, name string, a taskArgs, opts ...pulumi.ResourceOption) (*Task, error) {
	t := &Task{
		Family:       Family(a.prefix, a.app),
		ServiceName:  ServiceName(a.prefix, a.app),
		LogGroupName: LogGroupName(a.prefix, a.app),
	}
	if err := ctx.RegisterComponentResource(TaskTypeToken, name, t, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(t)
	tags := pulumi.ToStringMap(a.tags)
	logs, err := awscw.NewLogGroup(ctx, name+"-logs", &awscw.LogGroupArgs{
		Name:            pulumi.String(t.LogGroupName),
		RetentionInDays: pulumi.Int(a.logRetentionDays),
		KmsKeyId:        a.keyArn,
		Tags:            tags,
	}, parent)
	if err != nil {
		return nil, err
	}
	execWhat := "vigil: lets ECS start the " + a.app + " task: its logs"
	if a.app == Grafana {
		execWhat += " and its admin password"
	}
	exec, err := iam.NewRole(ctx, name+"-exec-role", &iam.RoleArgs{
		Name:             pulumi.String(a.prefix + "-" + a.app + "-exec"),
		Description:      pulumi.String(execWhat),
		AssumeRolePolicy: pulumi.String(ExecutionTrustPolicy().JSON()),
		Tags:             tags,
	}, parent)
	if err != nil {
		return nil, err
	}
	logArn := LogGroupARN(a.region, a.account, t.LogGroupName)
	images := []string{a.image, InitImage}
	execDoc := pulumi.All(a.secretArn, a.keyArn).ApplyT(func(v []any) string {
		r := ExecutionResources{Region: a.region, LogGroupArn: logArn, Images: images}
		if a.app == Grafana {
			r.SecretArn, r.KeyArn = v[0].(string), v[1].(string)
		}
		return ExecutionPolicy(r).JSON()
	}).(pulumi.StringOutput)
	execPolicy, err := iam.NewRolePolicy(ctx, name+"-exec-policy", &iam.RolePolicyArgs{
		Name: pulumi.String(a.prefix + "-" + a.app + "-exec"), Role: exec.Name, Policy: execDoc,
	}, parent)
	if err != nil {
		return nil, err
	}
	role, err := iam.NewRole(ctx, name+"-task-role", &iam.RoleArgs{
		Name:             pulumi.String(a.prefix + "-" + a.app + "-task"),
		Description:      pulumi.String("vigil: what the " + a.app + " task's containers may do"),
		AssumeRolePolicy: pulumi.String(TaskTrustPolicy(a.account, a.region).JSON()),
		Tags:             tags,
	}, parent)
	if err != nil {
		return nil, err
	}
	prefix := a.store.Prefixes[a.app]
	readDoc := pulumi.All(a.store.BucketArn, a.keyArn).ApplyT(func(v []any) string {
		return ReadPolicy(a.region, v[0].(string), v[1].(string), prefix).JSON()
	}).(pulumi.StringOutput)
	policies := []pulumi.Resource{execPolicy}
	addPolicy := func(role string, doc pulumi.StringInput) error {
		p, err := iam.NewRolePolicy(ctx, name+"-"+role+"-policy", &iam.RolePolicyArgs{
			Name: pulumi.String(a.prefix + "-" + a.app + "-" + role), Role: t.TaskRoleName, Policy: doc,
		}, parent)
		policies = append(policies, p)
		return err
	}
	t.TaskRoleArn, t.TaskRoleName, t.ExecutionRoleArn = role.Arn, role.Name, exec.Arn
	if err := addPolicy("read-config", readDoc); err != nil {
		return nil, err
	}
	volumes := ecs.TaskDefinitionVolumeArray{
		ecs.TaskDefinitionVolumeArgs{Name: pulumi.String(configVolume)},
		ecs.TaskDefinitionVolumeArgs{Name: pulumi.String(initHomeVolume)},
	}
	switch a.app {
	case Prometheus, Grafana:
		mountDoc := pulumi.All(a.fs.FileSystemArn, a.fs.AccessPointArns[a.app]).ApplyT(func(v []any) string {
			return MountPolicy(v[0].(string), v[1].(string)).JSON()
		}).(pulumi.StringOutput)
		if err := addPolicy("mount", mountDoc); err != nil {
			return nil, err
		}
		volumes = append(volumes, ecs.TaskDefinitionVolumeArgs{
			Name: pulumi.String(dataVolume),
			EfsVolumeConfiguration: ecs.TaskDefinitionVolumeEfsVolumeConfigurationArgs{
				FileSystemId:      a.fs.FileSystemId,
				TransitEncryption: pulumi.String("ENABLED"),
				AuthorizationConfig: ecs.TaskDefinitionVolumeEfsVolumeConfigurationAuthorizationConfigArgs{
					AccessPointId: a.fs.AccessPointIds[a.app],
					Iam:           pulumi.String("ENABLED"),
				},
			},
		})
	case Alertmanager:
		volumes = append(volumes, ecs.TaskDefinitionVolumeArgs{Name: pulumi.String(dataVolume)})
	}
	if a.app == Grafana {
		if err := addPolicy("cloudwatch", pulumi.String(GrafanaCloudWatchPolicy().JSON())); err != nil {
			return nil, err
		}
	}

	spec := ContainerSpec{
		App: a.app, Image: a.image, Port: Port(a.app), Region: a.region, LogGroup: t.LogGroupName,
		Prefix: prefix, ContentHash: a.hash, RetentionDays: a.retentionDays, HTTPS: a.targetGroupArn != nil,
	}
	defs := pulumi.All(a.store.Bucket, a.secretArn).ApplyT(func(v []any) (string, error) {
		s := spec
		s.Bucket, s.AdminPasswordSecretArn = v[0].(string), v[1].(string)
		return ContainerDefinitionsJSON(s)
	}).(pulumi.StringOutput)
	td, err := ecs.NewTaskDefinition(ctx, name+"-taskdef", &ecs.TaskDefinitionArgs{
		Family:                  pulumi.String(t.Family),
		Cpu:                     pulumi.String(strconv.Itoa(a.size.CPU)),
		Memory:                  pulumi.String(strconv.Itoa(a.size.MemoryMiB)),
		NetworkMode:             pulumi.String("awsvpc"),
		RequiresCompatibilities: pulumi.StringArray{pulumi.String("FARGATE")},
		RuntimePlatform: ecs.TaskDefinitionRuntimePlatformArgs{
			OperatingSystemFamily: pulumi.String("LINUX"), CpuArchitecture: pulumi.String("X86_64"),
		},
		ExecutionRoleArn:     exec.Arn,
		TaskRoleArn:          role.Arn,
		Volumes:              volumes,
		ContainerDefinitions: defs,
		Tags:                 tags,
	}, parent)
	if err != nil {
		return nil, err
	}
	t.TaskDefinitionArn = td.Arn

	discovery, err := servicediscovery.NewService(ctx, name+"-discovery", &servicediscovery.ServiceArgs{
		Name:        pulumi.String(a.app),
		Description: pulumi.String("vigil: the " + a.app + " task of " + a.prefix + " (SRV and A)"),
		DnsConfig: servicediscovery.ServiceDnsConfigArgs{
			NamespaceId:   a.namespaceID,
			RoutingPolicy: pulumi.String("MULTIVALUE"),
			DnsRecords: servicediscovery.ServiceDnsConfigDnsRecordArray{
				servicediscovery.ServiceDnsConfigDnsRecordArgs{Type: pulumi.String("SRV"), Ttl: pulumi.Int(DNSTTL)},
				servicediscovery.ServiceDnsConfigDnsRecordArgs{Type: pulumi.String("A"), Ttl: pulumi.Int(DNSTTL)},
			},
		},
		HealthCheckCustomConfig: servicediscovery.ServiceHealthCheckCustomConfigArgs{FailureThreshold: pulumi.Int(1)},
		Tags:                    tags,
	}, parent)
	if err != nil {
		return nil, err
	}

	minHealthy, maxPercent := 100, 200
	if a.app == Prometheus || a.app == Grafana {
		minHealthy, maxPercent = 0, 100
	}
	svc := &ecs.ServiceArgs{
		Name:                            pulumi.String(t.ServiceName),
		Cluster:                         a.clusterArn,
		TaskDefinition:                  td.Arn,
		DesiredCount:                    pulumi.Int(1),
		LaunchType:                      pulumi.String("FARGATE"),
		DeploymentMinimumHealthyPercent: pulumi.Int(minHealthy),
		DeploymentMaximumPercent:        pulumi.Int(maxPercent),
		DeploymentCircuitBreaker: ecs.ServiceDeploymentCircuitBreakerArgs{
			Enable: pulumi.Bool(true), Rollback: pulumi.Bool(true),
		},
		NetworkConfiguration: ecs.ServiceNetworkConfigurationArgs{
			Subnets:        pulumi.ToStringArray(a.subnets),
			SecurityGroups: pulumi.StringArray{a.securityGroup},
			AssignPublicIp: pulumi.Bool(false),
		},
		ServiceRegistries: ecs.ServiceServiceRegistriesArgs{
			RegistryArn:   discovery.Arn,
			ContainerName: pulumi.String(a.app),
			ContainerPort: pulumi.Int(Port(a.app)),
		},
		EnableEcsManagedTags: pulumi.Bool(true),
		PropagateTags:        pulumi.String("SERVICE"),
		Tags:                 tags,
	}
	if a.targetGroupArn != nil {
		svc.LoadBalancers = ecs.ServiceLoadBalancerArray{ecs.ServiceLoadBalancerArgs{
			TargetGroupArn: a.targetGroupArn, ContainerName: pulumi.String(a.app), ContainerPort: pulumi.Int(Port(a.app)),
		}}
		svc.HealthCheckGracePeriodSeconds = pulumi.Int(apps[a.app].startPeriod)
	}
	// The service starts tasks only once what they need exists: the policies, the log
	// group, the app's configuration objects (the init container copies them) and,
	// for EFS apps, the mount targets (a task volume names only the file system).
	needs := append(policies, logs)
	needs = append(needs, a.store.Objects[a.app]...)
	if a.app == Prometheus || a.app == Grafana {
		needs = append(needs, a.fs.MountTargets...)
	}
	if _, err := ecs.NewService(ctx, name+"-service", svc, parent, pulumi.DependsOn(needs)); err != nil {
		return nil, err
	}
	if err := ctx.RegisterResourceOutputs(t, pulumi.Map{
		"taskRoleArn": t.TaskRoleArn, "executionRoleArn": t.ExecutionRoleArn, "taskDefinitionArn": t.TaskDefinitionArn,
	}); err != nil {
		return nil, err
	}
	return t, nil
}
