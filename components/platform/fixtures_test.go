package platform

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/require"

	"github.com/vigilops/vigil/dashboards"
	"github.com/vigilops/vigil/platform/config"
	"github.com/vigilops/vigil/vigiltest"
)

const (
	account = vigiltest.DefaultAccount
	region  = vigiltest.DefaultRegion
	// adminPassword stands for the real Grafana password: it must never show up in
	// clear in any input.
	adminPassword = "Gr4fana-Adm1n-S3cret-Passw0rd"
	certARN       = "arn:aws:acm:eu-west-1:123456789012:certificate/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"
)

// grafanaFiles is the Grafana file set the stack builds: data sources, and the
// dashboards provisioned from GrafanaDashboardsPath.
func grafanaFiles(t testing.TB) map[string][]byte {
	t.Helper()
	dash, err := dashboards.ProvisioningFiles(dashboards.Provisioning{Path: GrafanaDashboardsPath}, nil)
	require.NoError(t, err)
	dash["dashboards/api.json"] = []byte(`{"title":"api"}`)
	files, err := config.GrafanaFiles(config.Grafana{
		PrometheusURL: "http://prometheus.vigil-prod.local:9090", AlertmanagerURL: "http://alertmanager.vigil-prod.local:9093", Region: region,
	}, dash)
	require.NoError(t, err)
	return files
}

// prometheusFiles is the Prometheus file set the stack builds for the namespace.
func prometheusFiles(t testing.TB, namespace string) map[string][]byte {
	t.Helper()
	files, err := config.PrometheusFiles(config.Prometheus{
		Stack: "prod", Namespace: namespace,
		Alertmanager: config.Alertmanager{DNSName: "alertmanager." + namespace},
		Blackbox:     config.Blackbox{Address: "blackbox." + namespace + ":9115"},
		Services:     []config.Service{{Name: "api", HealthURL: "https://api.example.com/health"}},
	}, map[string][]byte{"catalog.rules.yaml": []byte("groups: []\n")})
	require.NoError(t, err)
	return files
}

func blackboxYAML(t testing.TB) []byte {
	t.Helper()
	b, err := config.BlackboxYAML(0)
	require.NoError(t, err)
	return b
}

// published records the names the Publisher hook was called with.
type published struct{ names []string }

func (p *published) hook(ctx *pulumi.Context, name string, role pulumi.StringInput, opts ...pulumi.ResourceOption) error {
	p.names = append(p.names, name)
	return nil
}

// validArgs is a prod-like platform: an ALB, a scrape range, every file.
func validArgs(t testing.TB) *PlatformArgs {
	t.Helper()
	pub := &published{}
	return &PlatformArgs{
		NamePrefix: "vigil-prod", AccountID: account, Region: region,
		VpcID:     "vpc-0123456789abcdef0",
		SubnetIDs: []string{"subnet-0123456789abcdef0", "subnet-0123456789abcdef1"},
		Namespace: "vigil-prod.local",
		Prometheus: PrometheusArgs{
			Size:          TaskSize{CPU: 1024, MemoryMiB: 2048},
			RetentionDays: 30,
			Files:         prometheusFiles(t, "vigil-prod.local"),
			ScrapeEgress:  []EgressRule{{CIDR: "10.0.0.0/16", FromPort: 8080, ToPort: 9999}},
		},
		Alertmanager: AppArgs{Files: map[string][]byte{"alertmanager.yml": []byte("route: {receiver: x}\n")}},
		Blackbox:     AppArgs{Files: map[string][]byte{"blackbox.yml": blackboxYAML(t)}},
		Grafana: GrafanaArgs{
			Files:         grafanaFiles(t),
			AdminPassword: pulumi.ToSecret(pulumi.String(adminPassword)).(pulumi.StringOutput),
			AllowedCIDRs:  []string{"10.20.0.0/16"},
			LoadBalancer:  &LoadBalancerArgs{CertificateARN: certARN, SubnetIDs: []string{"subnet-0123456789abcdef0", "subnet-0123456789abcdef1"}},
		},
		Publisher:        pub.hook,
		LogRetentionDays: 30,
		Tags:             map[string]string{"team": "platform"},
	}
}
