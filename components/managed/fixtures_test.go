package managed

import (
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/require"

	"github.com/vigilops/vigil/alerts"
	"github.com/vigilops/vigil/alerts/routing"
	"github.com/vigilops/vigil/vigiltest"
)

const (
	account = "123456789012"
	region  = "eu-west-1"
	prefix  = "vigil-prod"
	// tokenValue stands for the Grafana service account token, which the mock returns in
	// clear (the mock engine does not apply the SDK's additional secret outputs): it
	// must never show up in clear in any input.
	tokenValue = "glsa_0123456789abcdefXXXXXXXXXXXXXXXX_abcdef01"
)

func topicARN(sev alerts.Severity) string {
	return fmt.Sprintf("arn:aws:sns:%s:%s:%s-%s", region, account, prefix, sev)
}

// routingConfig is a prod Alertmanager the managed path can run: every severity goes
// to its SNS topic and the Watchdog notifies nobody (AMP has no webhook receiver for a
// heartbeat).
func routingConfig() routing.Config {
	targets := map[alerts.Severity]routing.Target{}
	for _, sev := range alerts.Severities() {
		targets[sev] = routing.Target{TopicARN: topicARN(sev), Pages: sev == alerts.Critical || sev == alerts.High}
	}
	return routing.Config{Environment: "prod", Targets: targets, PagingSeverities: []alerts.Severity{alerts.Critical, alerts.High}}
}

func alertmanagerYAML(t testing.TB, c routing.Config) []byte {
	t.Helper()
	f, err := routing.Build(c)
	require.NoError(t, err)
	return f.YAML()
}

const catalogRules = `groups:
  - name: service-availability
    rules:
      - alert: ServiceDown
        expr: up{job="api"} == 0
        for: 2m
        labels:
          severity: critical
        annotations:
          summary: api is down
`

const sloRules = `groups:
  - name: sloth-slo-sli-recordings-api-availability
    rules:
      - record: slo:sli_error:ratio_rate5m
        expr: sum(rate(http_requests_total{code=~"5.."}[5m])) / sum(rate(http_requests_total[5m]))
`

func validArgs(t testing.TB) *ManagedArgs {
	topics := map[alerts.Severity]pulumi.StringInput{}
	for _, sev := range alerts.Severities() {
		topics[sev] = pulumi.String(topicARN(sev))
	}
	return &ManagedArgs{
		NamePrefix:       prefix,
		AccountID:        account,
		Region:           region,
		RuleFiles:        map[string][]byte{"catalog.rules.yaml": []byte(catalogRules), "slo.rules.yaml": []byte(sloRules)},
		Alertmanager:     alertmanagerYAML(t, routingConfig()),
		TopicArns:        topics,
		LogRetentionDays: 30,
		Tags:             map[string]string{"team": "reservations"},
	}
}

// cloud is vigiltest's mock cloud, answering for the resources it does not know yet
// with the IDs and outputs AWS gives them: an AMP workspace is ws-<uuid> with an
// arn:...:aps:... ARN, a log group's ARN is under logs, a Grafana workspace has an
// endpoint, a service account token a key.
type cloud struct {
	*vigiltest.Cloud
	mu sync.Mutex
	// plugin holds, by logical name, the provider reference, plugin version and
	// download URL each registration asked for.
	plugin map[string][3]string
}

func (c *cloud) NewResource(args pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	if rpc := args.RegisterRPC; rpc != nil {
		c.mu.Lock()
		c.plugin[args.Name] = [3]string{rpc.GetProvider(), rpc.GetVersion(), rpc.GetPluginDownloadURL()}
		c.mu.Unlock()
	}
	id, state, err := c.Cloud.NewResource(args)
	if err != nil || !args.Custom {
		return id, state, err
	}
	set := func(k, v string) { state[resource.PropertyKey(k)] = resource.NewStringProperty(v) }
	str := func(k string) string {
		if v, ok := args.Inputs[resource.PropertyKey(k)]; ok && v.IsString() {
			return v.StringValue()
		}
		return ""
	}
	switch args.TypeToken {
	case "aws:amp/workspace:Workspace":
		id = "ws-" + strings.ToLower(strings.ReplaceAll(args.Name, "-", ""))
		set("arn", fmt.Sprintf("arn:aws:aps:%s:%s:workspace/%s", region, account, id))
		set("prometheusEndpoint", fmt.Sprintf("https://aps-workspaces.%s.amazonaws.com/workspaces/%s/", region, id))
	case "aws:cloudwatch/logGroup:LogGroup":
		set("arn", LogGroupARN("aws", region, account, str("name")))
	case "aws:iam/role:Role":
		set("arn", fmt.Sprintf("arn:aws:iam::%s:role/%s", account, str("name")))
		set("name", str("name"))
	case "aws:grafana/workspace:Workspace":
		id = "g-0123456789"
		set("arn", fmt.Sprintf("arn:aws:grafana:%s:%s:/workspaces/%s", region, account, id))
		set("endpoint", id+".grafana-workspace."+region+".amazonaws.com")
	case "aws:grafana/workspaceServiceAccount:WorkspaceServiceAccount":
		set("serviceAccountId", "7")
	case "aws:grafana/workspaceServiceAccountToken:WorkspaceServiceAccountToken":
		state["key"] = resource.NewStringProperty(tokenValue)
	}
	return id, state, nil
}

// deploy runs NewManaged under the mock engine.
func deploy(t testing.TB, args *ManagedArgs) (*vigiltest.Cloud, *vigiltest.Outputs, error) {
	t.Helper()
	c, outs, err := deployCloud(t, args)
	return c.Cloud, outs, err
}

// deployCloud is deploy, returning the plugins the registrations asked for too.
func deployCloud(t testing.TB, args *ManagedArgs) (*cloud, *vigiltest.Outputs, error) {
	t.Helper()
	c := &cloud{Cloud: vigiltest.New("vigil", "test", account, region), plugin: map[string][3]string{}}
	outs := &vigiltest.Outputs{}
	err := pulumi.RunErr(func(ctx *pulumi.Context) error {
		m, err := NewManaged(ctx, "managed", args)
		if err != nil {
			return err
		}
		outs.Capture("workspaceArn", m.WorkspaceArn)
		outs.Capture("workspaceId", m.WorkspaceId)
		outs.Capture("prometheusEndpoint", m.PrometheusEndpoint)
		outs.Capture("grafanaEndpoint", m.GrafanaEndpoint)
		outs.Capture("keyArn", m.KeyArn)
		return nil
	}, pulumi.WithMocks("vigil", "test", c))
	return c, outs, err
}
