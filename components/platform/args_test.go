package platform

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vigilops/vigil/validate"
)

// problems returns "path: message" of every problem of the args, or nil.
func problems(t *testing.T, a *PlatformArgs) []string {
	t.Helper()
	err := a.Validate()
	if err == nil {
		return nil
	}
	var ve *validate.Error
	require.ErrorAs(t, err, &ve)
	var out []string
	for _, p := range ve.Problems {
		out = append(out, p.Path+": "+p.Message)
	}
	return out
}

func TestValidArgsPassAndTheZeroSizesAndRetentionsTakeTheirDefaults(t *testing.T) {
	assert.Empty(t, problems(t, validArgs(t)))
	a := validArgs(t)
	a.Prometheus.Size, a.Prometheus.RetentionDays, a.KeyDeletionWindowDays = TaskSize{}, 0, 0
	d := a.withDefaults()
	assert.Equal(t, TaskSize{CPU: 256, MemoryMiB: 512}, d.Prometheus.Size)
	assert.Equal(t, 15, d.Prometheus.RetentionDays)
	assert.Equal(t, 30, d.KeyDeletionWindowDays)
	assert.Equal(t, PrometheusImage, d.Prometheus.Image)
	assert.Equal(t, GrafanaImage, d.Grafana.Image)
	assert.Empty(t, problems(t, a))
}

func TestEmptyArgsListEveryRequiredField(t *testing.T) {
	got := problems(t, &PlatformArgs{})
	want := []string{
		`AccountID: `, `Alertmanager.Files: has no alertmanager.yml`, `Blackbox.Files: has no blackbox.yml`,
		`Grafana.AdminPassword: is required`, `Grafana.Files: has no provisioning/datasources/vigil.yaml`,
		`LogRetentionDays: must be a retention period CloudWatch Logs accepts, got 0`, `NamePrefix: must be a name prefix, got ""`,
		`Namespace: must be a DNS namespace name, got ""`, `Prometheus.Files: has no prometheus.yml`, `Publisher: is required`,
		`Region: `, `SubnetIDs: must list at least 1 subnet(s), got 0`, `VpcID: must be a VPC ID`,
	}
	require.Len(t, got, len(want), "%s", strings.Join(got, "\n"))
	for i, w := range want {
		assert.True(t, strings.HasPrefix(got[i], w), "problem %d: got %q, want it to start with %q", i, got[i], w)
	}
}

func TestEveryRangeIsCheckedOnBothSides(t *testing.T) {
	tests := map[string]struct {
		change func(*PlatformArgs)
		want   []string // nil: valid
	}{
		"A one-day TSDB retention is the least.":    {change: func(a *PlatformArgs) { a.Prometheus.RetentionDays = 1 }},
		"3650 days is the most.":                    {change: func(a *PlatformArgs) { a.Prometheus.RetentionDays = 3650 }},
		"3651 days is refused.":                     {change: func(a *PlatformArgs) { a.Prometheus.RetentionDays = 3651 }, want: []string{"Prometheus.RetentionDays: must be between 1 and 3650, got 3651"}},
		"A negative retention is refused.":          {change: func(a *PlatformArgs) { a.Prometheus.RetentionDays = -1 }, want: []string{"Prometheus.RetentionDays: must be between 1 and 3650, got -1"}},
		"A 7-day key deletion window is the least.": {change: func(a *PlatformArgs) { a.KeyDeletionWindowDays = 7 }},
		"A 6-day window is refused.":                {change: func(a *PlatformArgs) { a.KeyDeletionWindowDays = 6 }, want: []string{"KeyDeletionWindowDays: must be between 7 and 30, got 6"}},
		"30 days is the most.":                      {change: func(a *PlatformArgs) { a.KeyDeletionWindowDays = 30 }},
		"31 days is refused.":                       {change: func(a *PlatformArgs) { a.KeyDeletionWindowDays = 31 }, want: []string{"KeyDeletionWindowDays: must be between 7 and 30, got 31"}},
		"One day of logs is a CloudWatch value.":    {change: func(a *PlatformArgs) { a.LogRetentionDays = 1 }},
		"Two days of logs is not.":                  {change: func(a *PlatformArgs) { a.LogRetentionDays = 2 }, want: []string{"LogRetentionDays: must be a retention period CloudWatch Logs accepts, got 2"}},
		"3653 days of logs is CloudWatch's most.":   {change: func(a *PlatformArgs) { a.LogRetentionDays = 3653 }},
		"A 24-character prefix is the longest.":     {change: func(a *PlatformArgs) { a.NamePrefix = strings.Repeat("a", 24) }},
		"A 25-character prefix is refused.": {change: func(a *PlatformArgs) { a.NamePrefix = strings.Repeat("a", 25) },
			want: []string{`NamePrefix: must be a name prefix, got "aaaaaaaaaaaaaaaaaaaaaaaaa"`}},
		"One subnet is enough for the tasks.": {change: func(a *PlatformArgs) { a.SubnetIDs = a.SubnetIDs[:1] }},
		"A /8 may reach Grafana.":             {change: func(a *PlatformArgs) { a.Grafana.AllowedCIDRs = []string{"10.0.0.0/8"} }},
		"A /7 may not.": {change: func(a *PlatformArgs) { a.Grafana.AllowedCIDRs = []string{"8.0.0.0/7"} },
			want: []string{`Grafana.AllowedCIDRs[0]: admits too much of the internet, got "8.0.0.0/7" (at least /8)`}},
		"A one-letter prefix is allowed.": {change: func(a *PlatformArgs) { a.NamePrefix = "v" }},
		"A prefix with upper case, a leading digit or a double hyphen is refused.": {
			change: func(a *PlatformArgs) { a.NamePrefix = "Vigil" },
			want:   []string{`NamePrefix: must be a name prefix, got "Vigil"`}},
		"A prefix starting with sg- would name security groups as EC2 refuses.": {change: func(a *PlatformArgs) { a.NamePrefix = "sg-vigil" },
			want: []string{"NamePrefix: must not start with sg-"}},
		"A prefix internal would name the load balancer internal-grafana.": {change: func(a *PlatformArgs) { a.NamePrefix = "internal" },
			want: []string{"NamePrefix: must not make the load balancer's name start with internal-"}},
		"internal- is refused too.": {change: func(a *PlatformArgs) { a.NamePrefix = "internal-tools" },
			want: []string{"NamePrefix: must not make the load balancer's name start with internal-"}},
		"Without a load balancer, internal is a fine prefix.": {change: func(a *PlatformArgs) { a.NamePrefix, a.Grafana.LoadBalancer = "internal", nil }},
		"internaltools does not start with internal-.":        {change: func(a *PlatformArgs) { a.NamePrefix = "internaltools" }},
		"A double hyphen is refused.":                         {change: func(a *PlatformArgs) { a.NamePrefix = "vigil--prod" }, want: []string{`NamePrefix: must be a name prefix, got "vigil--prod"`}},
		"A Fargate pair that does not exist is refused with the allowed ones.": {
			change: func(a *PlatformArgs) { a.Grafana.Size = TaskSize{CPU: 256, MemoryMiB: 4096} },
			want:   []string{"Grafana.Size.memoryMiB: is not a memory size Fargate allows for 256 CPU units, got 4096"}},
		"The largest pair of 256 CPU units is allowed.": {change: func(a *PlatformArgs) { a.Blackbox.Size = TaskSize{CPU: 256, MemoryMiB: 2048} }},
		"An unknown CPU size is refused.": {change: func(a *PlatformArgs) { a.Alertmanager.Size = TaskSize{CPU: 300, MemoryMiB: 512} },
			want: []string{"Alertmanager.Size.cpu: must be a Fargate CPU size, got 300"}},
		"A scrape range of one port, and the whole port range, are allowed.": {change: func(a *PlatformArgs) {
			a.Prometheus.ScrapeEgress = []EgressRule{{CIDR: "10.0.0.0/16", FromPort: 1}, {CIDR: "10.1.0.0/16", FromPort: 1, ToPort: 65535}}
		}},
		"Port 0 and 65536 are refused, and a reversed range.": {change: func(a *PlatformArgs) {
			a.ProbeEgress = []EgressRule{{CIDR: "10.0.0.0/16", FromPort: 0}, {CIDR: "10.0.0.0/16", FromPort: 80, ToPort: 65536}, {CIDR: "10.0.0.0/16", FromPort: 90, ToPort: 80}}
		}, want: []string{
			"ProbeEgress[0].FromPort: must be between 1 and 65535, got 0", "ProbeEgress[0].ToPort: must be between 1 and 65535, got 0",
			"ProbeEgress[1].ToPort: must be between 1 and 65535, got 65536", "ProbeEgress[2]: FromPort 90 is above ToPort 80",
		}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			a := validArgs(t)
			tc.change(a)
			assert.Equal(t, tc.want, problems(t, a))
		})
	}
}

func TestTheInternetIsNeverLetInToGrafana(t *testing.T) {
	a := validArgs(t)
	a.Grafana.AllowedCIDRs = []string{"0.0.0.0/0", "::/0", "10.20.0.0/16", "10.20.0.0/16"}
	a.Prometheus.ScrapeEgress = []EgressRule{{CIDR: "0.0.0.0/0", FromPort: 9100}}
	err := a.Validate()
	require.Error(t, err)
	for _, w := range []string{
		`Grafana.AllowedCIDRs[0]: admits too much of the internet, got "0.0.0.0/0" (at least /8)`,
		`Grafana.AllowedCIDRs[1]: admits too much of the internet, got "::/0" (at least /16)`,
		"hint: monitoring ports are never open to the internet",
		`Grafana.AllowedCIDRs[3]: duplicate name "10.20.0.0/16"`,
		`Prometheus.ScrapeEgress[0].CIDR: admits too much of the internet, got "0.0.0.0/0"`,
	} {
		assert.ErrorContains(t, err, w)
	}
}

func TestTheLoadBalancerNeedsACertificateOfThePlatformsAccountAndRegionTwoSubnetsAndAllowedNetworks(t *testing.T) {
	a := validArgs(t)
	a.Grafana.LoadBalancer = &LoadBalancerArgs{
		CertificateARN: "arn:aws:acm:us-east-1:210987654321:certificate/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0",
		SubnetIDs:      []string{"subnet-0123456789abcdef0"},
	}
	a.Grafana.AllowedCIDRs = nil
	assert.Equal(t, []string{
		"Grafana.AllowedCIDRs: is required with a load balancer: nobody could reach it",
		"Grafana.LoadBalancer.CertificateARN: is in 210987654321 us-east-1, not the platform's account and region",
		"Grafana.LoadBalancer.SubnetIDs: must list at least 2 subnet(s), got 1",
	}, problems(t, a))

	a.Grafana.LoadBalancer = &LoadBalancerArgs{CertificateARN: "arn:aws:acm:eu-west-1:123456789012:cert", SubnetIDs: []string{"subnet-x", "subnet-x"}}
	assert.Equal(t, []string{
		"Grafana.AllowedCIDRs: is required with a load balancer: nobody could reach it",
		`Grafana.LoadBalancer.CertificateARN: must be an ACM certificate ARN, got "arn:aws:acm:eu-west-1:123456789012:cert"`,
		`Grafana.LoadBalancer.SubnetIDs[0]: must be a subnet ID (subnet- and 8 or 17 hexadecimal digits), got "subnet-x"`,
		`Grafana.LoadBalancer.SubnetIDs[1]: must be a subnet ID (subnet- and 8 or 17 hexadecimal digits), got "subnet-x"`,
		`Grafana.LoadBalancer.SubnetIDs[1]: duplicate name "subnet-x" (first used at index 0)`,
	}, problems(t, a))

	a = validArgs(t)
	a.Grafana.LoadBalancer, a.Grafana.AllowedCIDRs = nil, nil
	assert.Empty(t, problems(t, a), "without a load balancer, no allowed network means nothing outside reaches Grafana")
}

func TestAnExistingClusterMustBeInThePlatformsAccountAndRegion(t *testing.T) {
	a := validArgs(t)
	a.ClusterARN = "arn:aws:ecs:eu-west-1:123456789012:cluster/monitoring"
	assert.Empty(t, problems(t, a))
	a.ClusterARN = "arn:aws:ecs:eu-central-1:123456789012:cluster/monitoring"
	assert.Equal(t, []string{"ClusterARN: is in 123456789012 eu-central-1, not the platform's account and region"}, problems(t, a))
	a.ClusterARN = "monitoring"
	assert.Equal(t, []string{`ClusterARN: must be an ECS cluster ARN, got "monitoring"`}, problems(t, a))
}

func TestImagesMustBePinned(t *testing.T) {
	tests := map[string]bool{
		"quay.io/prometheus/prometheus:v3.10.0":          true,
		"localhost:5000/prometheus:v3":                   true,
		"quay.io/prometheus/prometheus@sha256:" + hex64:  true,
		"123456789012.dkr.ecr.eu-west-1.amazonaws.com/p": false,
		"quay.io/prometheus/prometheus:latest":           false,
		"localhost:5000/prometheus":                      false,
		"prometheus:":                                    false,
		"quay.io/prometheus/prometheus@sha256:abc":       false,
	}
	for image, ok := range tests {
		a := validArgs(t)
		a.Prometheus.Image = image
		got := problems(t, a)
		if ok {
			assert.Empty(t, got, image)
		} else {
			assert.Equal(t, []string{`Prometheus.Image: must be pinned by version or digest, got "` + image + `"`}, got, image)
		}
	}
}

const hex64 = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

func TestGrafanasDashboardProviderMustPointWhereTheDashboardsAreCopied(t *testing.T) {
	a := validArgs(t)
	a.Grafana.Files["provisioning/dashboards/vigil.yaml"] = []byte("apiVersion: 1\nproviders:\n  - name: vigil\n    options:\n      path: /etc/grafana/dashboards/vigil\n")
	assert.Equal(t, []string{`Grafana.Files[provisioning/dashboards/vigil.yaml].providers[0].options.path: is "/etc/grafana/dashboards/vigil", where no dashboard is`}, problems(t, a))
	a.Grafana.Files["provisioning/dashboards/vigil.yaml"] = []byte("providers: [")
	got := problems(t, a)
	require.Len(t, got, 1)
	assert.Contains(t, got[0], "Grafana.Files[provisioning/dashboards/vigil.yaml]: is not YAML")
}

func TestNamesFollowThePrefix(t *testing.T) {
	assert.Equal(t, "vigil-dev-prom-task", Family("vigil-dev", Prometheus))
	assert.Equal(t, "/ecs/vigil-dev-prom-task", LogGroupName("vigil-dev", Prometheus))
	assert.Equal(t, "vigil-dev-alertmanager-task", Family("vigil-dev", Alertmanager))
	assert.Equal(t, "vigil-dev-grafana-task", Family("vigil-dev", Grafana))
	assert.Equal(t, "vigil-dev-blackbox-task", Family("vigil-dev", Blackbox))
	assert.Equal(t, "vigil-dev-blackbox", ServiceName("vigil-dev", Blackbox))
	assert.Equal(t, map[string]int{Prometheus: 9090, Alertmanager: 9093, Grafana: 3000, Blackbox: 9115},
		map[string]int{Prometheus: Port(Prometheus), Alertmanager: Port(Alertmanager), Grafana: Port(Grafana), Blackbox: Port(Blackbox)})
}

func TestWhatTheConfigStoreWouldRefuseIsRefusedFirstAtTheArgsPaths(t *testing.T) {
	a := validArgs(t)
	a.Prometheus.Files["../etc/passwd"] = []byte("x")
	a.Grafana.Files["dashboards/a//b.json"] = []byte("{}")
	a.Tags = map[string]string{}
	for i := 0; i < 11; i++ {
		a.Tags[string(rune('a'+i))] = "x"
	}
	assert.Equal(t, []string{
		`Grafana.Files["dashboards/a//b.json"]: the path has an empty element (a doubled or trailing slash)`,
		`Prometheus.Files["../etc/passwd"]: the path has a ".." element`,
		"Tags: has 11 tags, more than 10",
	}, problems(t, a))
	a = validArgs(t)
	a.Tags = map[string]string{"a": "1", "b": "2", "c": "3", "d": "4", "e": "5", "f": "6", "g": "7", "h": "8", "i": "9", "j": "10"}
	assert.Empty(t, problems(t, a), "ten tags are S3's most for an object")
}
