// Package managed is the managed path of vigil's monitoring platform: an Amazon
// Managed Service for Prometheus (AMP) workspace encrypted with its own customer
// managed key, logging to an encrypted log group, with one rule groups namespace per
// rule file of alerts/ and an alert manager definition converted from the
// alertmanager.yml of alerts/routing (AMP supports SNS receivers only, which it
// checks), and optionally an Amazon Managed Grafana workspace with a read-only role,
// the Prometheus and CloudWatch data sources and the dashboards of dashboards/.
//
// AMP publishes to the severity topics of components/notify as aps.amazonaws.com:
// their policies must allow it (TopicPolicyStatement, TopicKeyPolicyStatement).
package managed

import (
	"fmt"
	"regexp"
	"sort"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/amp"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/kms"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/vigilops/vigil/alerts"
	"github.com/vigilops/vigil/components/iampolicy"
	dash "github.com/vigilops/vigil/dashboards"
	"github.com/vigilops/vigil/validate"
)

// TypeToken is the Pulumi type of the Managed component.
const TypeToken = "vigil:managed:Managed"

// ManagedArgs configures the managed services.
type ManagedArgs struct {
	// NamePrefix starts every physical name: the workspace alias is <prefix>, the key
	// alias alias/<prefix>-managed, the log group /aws/vendedlogs/prometheus/<prefix>,
	// the Grafana workspace and its role <prefix> and <prefix>-grafana. Required;
	// letters, digits, hyphens and underscores, at most 56 characters (the role name
	// takes 64).
	NamePrefix string
	// AccountID is the 12-digit account of the workspace (and of the topics: AMP
	// publishes to its own account's only). Required.
	AccountID string
	// Region of the workspace and the topics, such as eu-west-1. Required.
	Region string
	// RuleFiles are the rule files by file name (catalog.rules.yaml, ...), as alerts/
	// writes them: one rule groups namespace each, named by NamespaceName, holding
	// exactly the file's bytes. Each must pass Prometheus's rulefmt and AMP's name
	// limits. Defaults to none.
	RuleFiles map[string][]byte
	// Alertmanager is the alertmanager.yml as alerts/routing builds it (sns receivers
	// with sigv4): converted by Definition to AMP's alert manager definition, and
	// refused, every unsupported part listed, when AMP cannot run it. Required.
	Alertmanager []byte
	// AlertmanagerTemplates are template files by name, written under
	// template_files; the file's templates list names them. Defaults to none.
	AlertmanagerTemplates map[string][]byte
	// TopicArns are the severity topics (components/notify's TopicArns). Required: the
	// deployment fails, naming the topic, when the file publishes to a topic that is
	// not one of them. Their policies must let AMP publish (TopicPolicyStatement,
	// TopicKeyPolicyStatement).
	TopicArns map[alerts.Severity]pulumi.StringInput
	// Grafana adds an Amazon Managed Grafana workspace; nil for none.
	Grafana *GrafanaArgs
	// LogRetentionDays is how long the workspace's rule and alert manager logs are
	// kept: one of CloudWatch Logs' periods (1, 3, 5, 7, 14, 30, ... 3653). Required.
	LogRetentionDays int
	// KeyDeletionWindowDays is how long the deleted key stays recoverable, 7 to 30.
	// Zero means 30. Deleting the key loses the workspace's data.
	KeyDeletionWindowDays int
	// Tags are set on every resource that takes tags. Defaults to none.
	Tags map[string]string
}

// Managed is the component.
type Managed struct {
	pulumi.ResourceState

	// WorkspaceArn and WorkspaceId name the AMP workspace.
	WorkspaceArn pulumi.StringOutput `pulumi:"workspaceArn"`
	WorkspaceId  pulumi.StringOutput `pulumi:"workspaceId"`
	// PrometheusEndpoint is the workspace's Prometheus-compatible endpoint.
	PrometheusEndpoint pulumi.StringOutput `pulumi:"prometheusEndpoint"`
	// GrafanaEndpoint is https://<the Grafana workspace's host>; empty when Grafana is
	// nil.
	GrafanaEndpoint pulumi.StringOutput `pulumi:"grafanaEndpoint"`
	// KeyArn is the key that encrypts the workspace and its logs.
	KeyArn pulumi.StringOutput `pulumi:"keyArn"`
}

var prefixRe = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_-]*$`)

// maxPrefix keeps <prefix>-grafana within IAM's 64 characters of a role name.
const maxPrefix = 56

// Validate returns one error listing every problem of the arguments, or nil. It
// converts the Alertmanager file, so that an unsupported part is refused before
// anything is created.
func (a *ManagedArgs) Validate() error {
	_, err := a.validated()
	return err
}

// validated is Validate, and the Grafana dashboards it parsed on the way.
func (a *ManagedArgs) validated() ([]dash.GrafanaDashboard, error) {
	var ps validate.Problems
	models := a.check(&ps)
	return models, ps.Err("managed.ManagedArgs")
}

func (a *ManagedArgs) check(ps *validate.Problems) []dash.GrafanaDashboard {
	if validate.Required(ps, "NamePrefix", a.NamePrefix, "for example vigil-prod") &&
		(len(a.NamePrefix) > maxPrefix || !prefixRe.MatchString(a.NamePrefix)) {
		ps.Addf("NamePrefix", "it names the workspace, the key alias, the log group and the Grafana role (<prefix>-grafana, at most 64 characters)",
			"must be 1 to %d letters, digits, hyphens and underscores, starting with a letter or digit, got %q", maxPrefix, a.NamePrefix)
	}
	validate.AccountID(ps, "AccountID", a.AccountID)
	validate.Region(ps, "Region", a.Region)
	checkRuleFiles(ps, a.RuleFiles)
	checkAlertmanager(ps, a.definitionArgs())
	for _, sev := range alerts.Severities() {
		if in, ok := a.TopicArns[sev]; !ok || in == nil {
			ps.Addf("TopicArns."+string(sev), "pass components/notify's topic of each severity", "is required")
		}
	}
	for sev := range a.TopicArns {
		if !sev.Valid() {
			ps.Add("TopicArns."+string(sev), "is not a severity", validate.UnknownHint(string(sev), severityNames()))
		}
	}
	validate.LogRetentionDays(ps, "LogRetentionDays", a.LogRetentionDays)
	if a.KeyDeletionWindowDays != 0 {
		validate.IntRange(ps, "KeyDeletionWindowDays", a.KeyDeletionWindowDays, 7, 30, "KMS keeps a deleted key 7 to 30 days; 0 means 30")
	}
	var models []dash.GrafanaDashboard
	if a.Grafana != nil {
		models = a.Grafana.check(ps, "Grafana", a.NamePrefix)
	}
	validate.Tags(ps, "Tags", a.Tags)
	return models
}

func (a *ManagedArgs) definitionArgs() DefinitionArgs {
	return DefinitionArgs{Alertmanager: a.Alertmanager, Templates: a.AlertmanagerTemplates, AccountID: a.AccountID, Region: a.Region}
}

// LogGroupName is the workspace's log group: under /aws/vendedlogs/, where AWS
// advises vended logs to go.
func LogGroupName(prefix string) string { return "/aws/vendedlogs/prometheus/" + prefix }

func keyAlias(prefix string) string { return "alias/" + prefix + "-managed" }

// NewManaged validates the arguments and creates the key, the log group, the
// workspace, its rule groups namespaces and alert manager definition, and the Grafana
// workspace when asked. Invalid arguments create nothing.
func NewManaged(ctx *pulumi.Context, name string, args *ManagedArgs, opts ...pulumi.ResourceOption) (*Managed, error) {
	if args == nil {
		args = &ManagedArgs{}
	}
	models, err := args.validated()
	if err != nil {
		return nil, err
	}
	definition, topics, err := Definition(args.definitionArgs())
	if err != nil {
		return nil, err
	}
	m := &Managed{}
	if err := ctx.RegisterComponentResource(TypeToken, name, m, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(m)
	tags := pulumi.ToStringMap(args.Tags)
	partition := iampolicy.Partition(args.Region)
	logGroupName := LogGroupName(args.NamePrefix)

	window := args.KeyDeletionWindowDays
	if window == 0 {
		window = 30
	}
	key, err := kms.NewKey(ctx, name+"-key", &kms.KeyArgs{
		Description:          pulumi.Sprintf("vigil: encrypts the %s Prometheus workspace and its logs", args.NamePrefix),
		EnableKeyRotation:    pulumi.Bool(true),
		DeletionWindowInDays: pulumi.Int(window),
		Policy:               pulumi.String(KeyPolicy(partition, args.AccountID, args.Region, logGroupName).JSON()),
		Tags:                 tags,
	}, parent)
	if err != nil {
		return nil, err
	}
	if _, err := kms.NewAlias(ctx, name+"-key-alias", &kms.AliasArgs{
		Name: pulumi.String(keyAlias(args.NamePrefix)), TargetKeyId: key.KeyId,
	}, parent); err != nil {
		return nil, err
	}
	logs, err := cloudwatch.NewLogGroup(ctx, name+"-logs", &cloudwatch.LogGroupArgs{
		Name:            pulumi.String(logGroupName),
		RetentionInDays: pulumi.Int(args.LogRetentionDays),
		KmsKeyId:        key.Arn,
		Tags:            tags,
	}, parent)
	if err != nil {
		return nil, err
	}
	ws, err := amp.NewWorkspace(ctx, name+"-workspace", &amp.WorkspaceArgs{
		Alias:     pulumi.String(args.NamePrefix),
		KmsKeyArn: key.Arn,
		LoggingConfiguration: amp.WorkspaceLoggingConfigurationArgs{
			// AMP wants the log group's ARN with its :* suffix.
			LogGroupArn: logs.Arn.ApplyT(func(arn string) string { return arn + ":*" }).(pulumi.StringOutput),
		},
		Tags: tags,
	}, parent)
	if err != nil {
		return nil, err
	}
	for _, file := range sortedKeys(args.RuleFiles) {
		ns := NamespaceName(file)
		if _, err := amp.NewRuleGroupNamespace(ctx, name+"-rules-"+ns, &amp.RuleGroupNamespaceArgs{
			Name:        pulumi.String(ns),
			WorkspaceId: ws.ID().ToStringOutput(),
			Data:        pulumi.String(string(args.RuleFiles[file])),
			Tags:        tags,
		}, parent); err != nil {
			return nil, err
		}
	}
	if _, err := amp.NewAlertManagerDefinition(ctx, name+"-alertmanager", &amp.AlertManagerDefinitionArgs{
		WorkspaceId: ws.ID().ToStringOutput(),
		Definition:  checkedDefinition(string(definition), topics, args.TopicArns),
	}, parent); err != nil {
		return nil, err
	}

	m.WorkspaceArn = ws.Arn
	m.WorkspaceId = ws.ID().ToStringOutput()
	m.PrometheusEndpoint = ws.PrometheusEndpoint
	m.KeyArn = key.Arn
	m.GrafanaEndpoint = pulumi.String("").ToStringOutput()
	if args.Grafana != nil {
		endpoint, err := newGrafana(ctx, name, m, args, models, ws, key)
		if err != nil {
			return nil, err
		}
		m.GrafanaEndpoint = endpoint
	}
	if err := ctx.RegisterResourceOutputs(m, pulumi.Map{
		"workspaceArn":       m.WorkspaceArn,
		"workspaceId":        m.WorkspaceId,
		"prometheusEndpoint": m.PrometheusEndpoint,
		"grafanaEndpoint":    m.GrafanaEndpoint,
		"keyArn":             m.KeyArn,
	}); err != nil {
		return nil, err
	}
	return m, nil
}

// checkedDefinition is the definition once the topics are known: deploying fails,
// naming each topic, when the file publishes to a topic that is not a severity topic
// (AMP would fail to notify, and only in its logs).
func checkedDefinition(definition string, used []string, topics map[alerts.Severity]pulumi.StringInput) pulumi.StringOutput {
	var inputs []any
	for _, sev := range alerts.Severities() {
		inputs = append(inputs, topics[sev])
	}
	return pulumi.All(inputs...).ApplyT(func(v []any) (string, error) {
		known := map[string]bool{}
		for _, arn := range v {
			if s, ok := arn.(string); ok {
				known[s] = true
			}
		}
		var missing []string
		for _, arn := range used {
			if !known[arn] {
				missing = append(missing, arn)
			}
		}
		if len(missing) > 0 {
			sort.Strings(missing)
			return "", fmt.Errorf("managed: alertmanager.yml publishes to %v, which are not among TopicArns: build it with the topics of components/notify", missing)
		}
		return definition, nil
	}).(pulumi.StringOutput)
}

func severityNames() []string {
	var names []string
	for _, s := range alerts.Severities() {
		names = append(names, string(s))
	}
	return names
}
