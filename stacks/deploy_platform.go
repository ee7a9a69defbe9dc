package stacks

import (
	"errors"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/vigilops/vigil/components/managed"
	"github.com/vigilops/vigil/components/notify"
	"github.com/vigilops/vigil/components/platform"
	"github.com/vigilops/vigil/validate"
)

// deployManaged creates the managed mode: an AMP workspace with the stack's rule files
// and its Alertmanager configuration, publishing to the severity topics, and an
// Amazon Managed Grafana workspace with the dashboards unless the stack says not.
func deployManaged(ctx *pulumi.Context, env *Environment, topics *notify.Topics) (*managed.Managed, error) {
	args := &managed.ManagedArgs{
		NamePrefix: env.NamePrefix, AccountID: env.AccountID, Region: env.Region,
		RuleFiles: ruleFiles(env), Alertmanager: env.Artifacts[AlertmanagerPath], TopicArns: topicArns(topics),
		LogRetentionDays: env.LogRetentionDays, KeyDeletionWindowDays: env.KeyDeletionWindowDays, Tags: env.Tags,
	}
	if env.Platform.GrafanaWorkspace {
		g := &managed.GrafanaArgs{AuthenticationProviders: env.Platform.AuthenticationProviders,
			Folder: "vigil " + env.Stack, Dashboards: map[string][]byte{}}
		for _, d := range env.Dashboards.Grafana {
			g.Dashboards[d.Name] = d.JSON
		}
		args.Grafana = g
	}
	return managed.NewManaged(ctx, "managed", args)
}

// Fixed sizes of the platform's small tasks: Alertmanager and the blackbox exporter
// hold little and scale with nothing the stack sets.
var smallTask = platform.TaskSize{CPU: 256, MemoryMiB: 512}

// deployECS creates the ecs mode: Prometheus, Alertmanager, Grafana and the blackbox
// exporter on ECS Fargate with the file sets buildPlatformFiles made, Alertmanager's
// task role a publisher of the topics.
func deployECS(ctx *pulumi.Context, env *Environment, topics *notify.Topics) (*platform.Platform, error) {
	pl := env.Platform
	size := platform.TaskSize{CPU: env.TaskSize.CPU, MemoryMiB: env.TaskSize.MemoryMiB}
	egress := func(in []PlatformEgress) []platform.EgressRule {
		var out []platform.EgressRule
		for _, r := range in {
			out = append(out, platform.EgressRule{CIDR: r.CIDR, FromPort: r.FromPort, ToPort: r.ToPort, Description: r.Description})
		}
		return out
	}
	args := &platform.PlatformArgs{
		NamePrefix: env.NamePrefix, AccountID: env.AccountID, Region: env.Region,
		VpcID: pl.VpcID, SubnetIDs: pl.SubnetIDs, ClusterARN: pl.ClusterARN, Namespace: pl.Namespace,
		Prometheus: platform.PrometheusArgs{Size: size, RetentionDays: pl.RetentionDays, Files: pl.Files["prometheus"],
			Image: pl.Images.Prometheus, ScrapeEgress: egress(pl.ScrapeEgress)},
		Alertmanager: platform.AppArgs{Size: smallTask, Files: pl.Files["alertmanager"], Image: pl.Images.Alertmanager},
		Blackbox:     platform.AppArgs{Size: smallTask, Files: pl.Files["blackbox"], Image: pl.Images.Blackbox},
		Grafana: platform.GrafanaArgs{Size: size, Files: pl.Files["grafana"], Image: pl.Images.Grafana,
			AdminPassword: secretString(pl.GrafanaPassword), AllowedCIDRs: pl.AllowedCIDRs},
		ProbeEgress: egress(pl.ProbeEgress),
		Publisher: func(ctx *pulumi.Context, name string, role pulumi.StringInput, opts ...pulumi.ResourceOption) error {
			_, err := topics.GrantPublish(ctx, name, role, opts...)
			return err
		},
		LogRetentionDays: env.LogRetentionDays, KeyDeletionWindowDays: env.KeyDeletionWindowDays, Tags: env.Tags,
	}
	if pl.CertificateARN != "" {
		args.Grafana.LoadBalancer = &platform.LoadBalancerArgs{CertificateARN: pl.CertificateARN, SubnetIDs: pl.LoadBalancerSubnetIDs}
	}
	return platform.NewPlatform(ctx, "platform", args)
}

// checkRouting holds the generated Alertmanager configuration to the topics, once
// everything that may publish exists. On the ecs platform vigil runs Alertmanager and
// made its task role a publisher, so a path that reaches nobody is an error; in the
// managed mode AMP publishes as its service principal, which the topic policies name;
// with no platform someone else runs Alertmanager, and a path that cannot publish is a
// warning.
func checkRouting(ctx *pulumi.Context, env *Environment, topics *notify.Topics) error {
	if env.Platform.Mode == PlatformManaged {
		return nil
	}
	err := topics.CheckRouting(routingOf(env))
	var invalid *validate.Error
	switch {
	case err == nil:
		return nil
	case env.Platform.Mode == PlatformECS || !errors.As(err, &invalid):
		return err
	}
	for _, p := range invalid.Problems {
		w := AlertmanagerPath + ": " + p.Message
		if p.Hint != "" {
			w += " (" + p.Hint + ")"
		}
		env.Warnings = append(env.Warnings, w)
		if err := ctx.Log.Warn(w, nil); err != nil {
			return err
		}
	}
	return nil
}
