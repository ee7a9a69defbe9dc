package platform

import (
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"gopkg.in/yaml.v3"

	"github.com/vigilops/vigil/platform/config"
	"github.com/vigilops/vigil/validate"
)

// The apps of the platform: each is a Fargate service, a Cloud Map service of that
// name in the namespace (SRV and A records) and a port.
const (
	Prometheus   = "prometheus"
	Alertmanager = "alertmanager"
	Grafana      = "grafana"
	Blackbox     = "blackbox"
)

// Apps lists the apps in the order they are created.
func Apps() []string { return []string{Prometheus, Alertmanager, Grafana, Blackbox} }

type app struct {
	port         int
	familySuffix string
	user         string
	configDir    string
	healthPath   string
	startPeriod  int
	requiredFile string
}

var apps = map[string]app{
	Prometheus:   {port: 9090, familySuffix: "prom-task", user: NobodyUser, configDir: PrometheusConfigDir, healthPath: "/-/healthy", startPeriod: 120, requiredFile: "prometheus.yml"},
	Alertmanager: {port: 9093, familySuffix: "alertmanager-task", user: NobodyUser, configDir: AlertmanagerConfigDir, healthPath: "/-/healthy", startPeriod: 30, requiredFile: "alertmanager.yml"},
	Grafana:      {port: 3000, familySuffix: "grafana-task", user: GrafanaUser, configDir: GrafanaConfigDir, healthPath: "/api/health", startPeriod: 120, requiredFile: config.DatasourcesPath},
	Blackbox:     {port: 9115, familySuffix: "blackbox-task", user: NobodyUser, configDir: BlackboxConfigDir, healthPath: "/-/healthy", startPeriod: 30, requiredFile: "blackbox.yml"},
}

// Port is the port an app listens on: prometheus 9090, alertmanager 9093, grafana
// 3000, blackbox 9115 (0 for an unknown app).
func Port(appName string) int { return apps[appName].port }

// Family is the task family of an app: <prefix>-prom-task, <prefix>-alertmanager-task,
// <prefix>-grafana-task, <prefix>-blackbox-task. The requirement names the family
// prom-task and its log group /ecs/prom-task; the prefix lets dev and prod share an
// account.
func Family(prefix, appName string) string { return prefix + "-" + apps[appName].familySuffix }

// LogGroupName is the log group of an app's task: /ecs/<family>.
func LogGroupName(prefix, appName string) string { return "/ecs/" + Family(prefix, appName) }

// ServiceName is the ECS service of an app: <prefix>-<app>.
func ServiceName(prefix, appName string) string { return prefix + "-" + appName }

// TaskSize is a Fargate task's size, checked with validate.FargateSize (the allowed
// pairs are named in the error). The zero value means DefaultTaskSize.
type TaskSize struct{ CPU, MemoryMiB int }

// DefaultTaskSize is 256 CPU units and 512 MiB, the requirement's Prometheus size in
// dev; stacks/ gives prod larger sizes.
var DefaultTaskSize = TaskSize{CPU: 256, MemoryMiB: 512}

// EgressRule lets a task reach CIDR on TCP ports FromPort to ToPort.
type EgressRule struct {
	// CIDR is an IPv4 or IPv6 block, checked with validate.PrivateCIDR (no
	// 0.0.0.0/0). Required.
	CIDR string
	// FromPort and ToPort are 1..65535, FromPort <= ToPort. ToPort 0 means FromPort.
	FromPort, ToPort int
	// Description says what is reached; defaults to "scrape targets" or "probe
	// targets".
	Description string
}

// PrometheusArgs configures the Prometheus task.
type PrometheusArgs struct {
	// Size defaults to DefaultTaskSize.
	Size TaskSize
	// RetentionDays is the TSDB retention, 1..3650 days; defaults to 15.
	RetentionDays int
	// Files is config.PrometheusFiles' set: prometheus.yml and rules/*.rules.yaml.
	// prometheus.yml is required.
	Files map[string][]byte
	// Image overrides PrometheusImage: a tag other than latest, or a digest
	// (repo@sha256:...). Defaults to PrometheusImage.
	Image string
	// ScrapeEgress are the scrape targets outside the platform that Prometheus may
	// reach (its peers are always reachable), such as the VPC's CIDR on the services'
	// ports. Defaults to none: a target not covered is down (up == 0), which
	// ServiceDown reports loudly.
	ScrapeEgress []EgressRule
}

// AppArgs configures the Alertmanager or the blackbox exporter task.
type AppArgs struct {
	// Size defaults to DefaultTaskSize.
	Size TaskSize
	// Files is the app's file set: alertmanager.yml (alerts/routing), or blackbox.yml
	// (config.BlackboxYAML). That file is required.
	Files map[string][]byte
	// Image overrides AlertmanagerImage or BlackboxImage, as PrometheusArgs.Image.
	Image string
}

// GrafanaArgs configures the Grafana task.
type GrafanaArgs struct {
	// Size defaults to DefaultTaskSize.
	Size TaskSize
	// Files is config.GrafanaFiles' set; provisioning/datasources/vigil.yaml is
	// required, and a dashboard provider's path must be GrafanaDashboardsPath.
	Files map[string][]byte
	// Image overrides GrafanaImage, as PrometheusArgs.Image.
	Image string
	// AdminPassword is the admin user's password: kept secret, stored in a Secrets
	// Manager secret under the platform key and given to the container by the
	// secret's ARN (ECS secrets), never by value. Required.
	AdminPassword pulumi.StringInput
	// AllowedCIDRs may reach Grafana: on 443 of the load balancer when there is one,
	// else on 3000 of the tasks. Checked with validate.PrivateCIDR: 0.0.0.0/0 and ::/0
	// are refused. Required with a LoadBalancer; without one, none means that nothing
	// outside the platform reaches Grafana.
	AllowedCIDRs []string
	// LoadBalancer adds an internal HTTPS load balancer in front of Grafana. None by
	// default.
	LoadBalancer *LoadBalancerArgs
}

// LoadBalancerArgs configures Grafana's internal HTTPS load balancer.
type LoadBalancerArgs struct {
	// CertificateARN is an ACM certificate of the platform's account and region.
	// Required.
	CertificateARN string
	// SubnetIDs are two or more private subnets in different Availability Zones.
	// Required.
	SubnetIDs []string
}

// PlatformArgs configures the platform.
type PlatformArgs struct {
	// NamePrefix starts every physical name, such as vigil-prod: lower-case letters,
	// digits and hyphens, 1..24 characters (the load balancer's name is
	// <prefix>-grafana, 32 at most). Required.
	NamePrefix string
	// AccountID and Region are where the platform runs. Required.
	AccountID, Region string
	// VpcID and SubnetIDs (private subnets, one or more, unique) place the tasks,
	// which get no public IP. Required.
	VpcID     string
	SubnetIDs []string
	// ClusterARN is an existing ECS cluster in Region and AccountID; empty creates
	// the cluster <prefix> with Container Insights enabled.
	ClusterARN string
	// Namespace is the Cloud Map private DNS namespace created in the VPC, such as
	// vigil-prod.local: the one prometheus.yml discovers Alertmanager and the
	// services in (platform/config Prometheus.Namespace). Required.
	Namespace    string
	Prometheus   PrometheusArgs
	Alertmanager AppArgs
	Blackbox     AppArgs
	Grafana      GrafanaArgs
	// ProbeEgress are the ports beyond 443 that the blackbox exporter may reach, such
	// as plain-http health URLs inside the VPC. Defaults to none.
	ProbeEgress []EgressRule
	// Publisher makes Alertmanager's task role (by name) a publisher of the severity
	// topics; the stack passes notify's Topics.GrantPublish. Required.
	Publisher func(ctx *pulumi.Context, name string, role pulumi.StringInput, opts ...pulumi.ResourceOption) error
	// LogRetentionDays is the retention of the log groups /ecs/<family>: one of
	// CloudWatch Logs' values (validate.LogRetentionValues). Required.
	LogRetentionDays int
	// KeyDeletionWindowDays is the platform key's deletion window, 7..30; defaults
	// to 30.
	KeyDeletionWindowDays int
	// Tags are set on every resource that takes tags, the configuration objects
	// included, so at most 10 (S3's limit for an object). Defaults to none.
	Tags map[string]string
}

var (
	prefixRe = regexp.MustCompile(`^[a-z]([a-z0-9-]{0,22}[a-z0-9])?$`)
	labelRe  = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$`)
	digestRe = regexp.MustCompile(`@sha256:[0-9a-f]{64}$`)
)

// withDefaults returns a copy of a with every default applied.
func (a PlatformArgs) withDefaults() PlatformArgs {
	size := func(s *TaskSize) {
		if *s == (TaskSize{}) {
			*s = DefaultTaskSize
		}
	}
	size(&a.Prometheus.Size)
	size(&a.Alertmanager.Size)
	size(&a.Blackbox.Size)
	size(&a.Grafana.Size)
	if a.Prometheus.RetentionDays == 0 {
		a.Prometheus.RetentionDays = 15
	}
	if a.KeyDeletionWindowDays == 0 {
		a.KeyDeletionWindowDays = 30
	}
	if a.Prometheus.Image == "" {
		a.Prometheus.Image = PrometheusImage
	}
	if a.Alertmanager.Image == "" {
		a.Alertmanager.Image = AlertmanagerImage
	}
	if a.Blackbox.Image == "" {
		a.Blackbox.Image = BlackboxImage
	}
	if a.Grafana.Image == "" {
		a.Grafana.Image = GrafanaImage
	}
	return a
}

// Validate returns one error listing every problem of the arguments (defaults
// applied), or nil.
func (a *PlatformArgs) Validate() error {
	d := a.withDefaults()
	var ps validate.Problems
	if !prefixRe.MatchString(d.NamePrefix) || strings.Contains(d.NamePrefix, "--") {
		ps.Addf("NamePrefix", "lower-case letters, digits and single hyphens, starting with a letter, 1 to 24 characters, such as vigil-prod",
			"must be a name prefix, got %q", d.NamePrefix)
	}
	if strings.HasPrefix(d.NamePrefix, "sg-") {
		ps.Add("NamePrefix", "must not start with sg-", "EC2 refuses security group names that start with sg-, and the groups are <prefix>-<app>")
	}
	if d.Grafana.LoadBalancer != nil && (d.NamePrefix == "internal" || strings.HasPrefix(d.NamePrefix, "internal-")) {
		ps.Add("NamePrefix", "must not make the load balancer's name start with internal-", "Elastic Load Balancing refuses such names, and the load balancer is <prefix>-grafana")
	}
	validate.AccountID(&ps, "AccountID", d.AccountID)
	validate.Region(&ps, "Region", d.Region)
	validate.VPCID(&ps, "VpcID", d.VpcID)
	checkSubnets(&ps, "SubnetIDs", d.SubnetIDs, 1)
	if d.ClusterARN != "" {
		before := ps.Len()
		validate.ECSClusterARN(&ps, "ClusterARN", d.ClusterARN)
		if ps.Len() == before {
			parts := strings.Split(d.ClusterARN, ":")
			if parts[3] != d.Region || parts[4] != d.AccountID {
				ps.Addf("ClusterARN", "the tasks' subnets and roles are in "+d.AccountID+" "+d.Region+": name a cluster there, or leave ClusterARN empty to create one",
					"is in %s %s, not the platform's account and region", parts[4], parts[3])
			}
		}
	}
	if checkDNSName(&ps, "Namespace", d.Namespace) {
		checkPeers(&ps, d)
	}
	sized := func(path string, s TaskSize) { validate.FargateSize(&ps, path+".Size", s.CPU, s.MemoryMiB) }
	sized("Prometheus", d.Prometheus.Size)
	sized("Alertmanager", d.Alertmanager.Size)
	sized("Blackbox", d.Blackbox.Size)
	sized("Grafana", d.Grafana.Size)
	validate.IntRange(&ps, "Prometheus.RetentionDays", d.Prometheus.RetentionDays, 1, 3650, "15 days by default; the TSDB on EFS grows with it")
	checkImage(&ps, "Prometheus.Image", d.Prometheus.Image)
	checkImage(&ps, "Alertmanager.Image", d.Alertmanager.Image)
	checkImage(&ps, "Blackbox.Image", d.Blackbox.Image)
	checkImage(&ps, "Grafana.Image", d.Grafana.Image)
	checkFiles(&ps, "Prometheus.Files", Prometheus, d.Prometheus.Files)
	checkFiles(&ps, "Alertmanager.Files", Alertmanager, d.Alertmanager.Files)
	checkFiles(&ps, "Blackbox.Files", Blackbox, d.Blackbox.Files)
	checkFiles(&ps, "Grafana.Files", Grafana, d.Grafana.Files)
	checkEgress(&ps, "Prometheus.ScrapeEgress", d.Prometheus.ScrapeEgress)
	checkEgress(&ps, "ProbeEgress", d.ProbeEgress)
	if d.Grafana.AdminPassword == nil {
		ps.Add("Grafana.AdminPassword", "is required", "pass a Pulumi secret, such as config.RequireSecret(ctx, \"grafanaAdminPassword\")")
	}
	for i, c := range d.Grafana.AllowedCIDRs {
		validate.PrivateCIDR(&ps, fmt.Sprintf("Grafana.AllowedCIDRs[%d]", i), c)
	}
	validate.Unique(&ps, "Grafana.AllowedCIDRs[%d]", d.Grafana.AllowedCIDRs, "each block needs one rule")
	if lb := d.Grafana.LoadBalancer; lb != nil {
		if acct := validate.ACMCertificateARN(&ps, "Grafana.LoadBalancer.CertificateARN", lb.CertificateARN); acct != "" {
			parts := strings.Split(lb.CertificateARN, ":")
			if acct != d.AccountID || parts[3] != d.Region {
				ps.Addf("Grafana.LoadBalancer.CertificateARN", "a load balancer takes certificates of its own account and region: request or import one in "+d.AccountID+" "+d.Region,
					"is in %s %s, not the platform's account and region", acct, parts[3])
			}
		}
		checkSubnets(&ps, "Grafana.LoadBalancer.SubnetIDs", lb.SubnetIDs, 2)
		if len(d.Grafana.AllowedCIDRs) == 0 {
			ps.Add("Grafana.AllowedCIDRs", "is required with a load balancer: nobody could reach it", "name the office or VPN ranges, such as 10.0.0.0/16")
		}
	}
	if d.Publisher == nil {
		ps.Add("Publisher", "is required: Alertmanager could publish to no topic", "pass func(...) error { _, err := topics.GrantPublish(ctx, name, role, opts...); return err }")
	}
	validate.LogRetentionDays(&ps, "LogRetentionDays", d.LogRetentionDays)
	validate.IntRange(&ps, "KeyDeletionWindowDays", d.KeyDeletionWindowDays, 7, 30, "KMS waits 7 to 30 days before deleting a key; 30 by default")
	validate.Tags(&ps, "Tags", d.Tags)
	d.checkStore(&ps)
	return ps.Err("platform.PlatformArgs")
}

// fileSets are the apps' file sets, as ConfigStore takes them.
func (a PlatformArgs) fileSets() map[string]map[string][]byte {
	return map[string]map[string][]byte{
		Prometheus: a.Prometheus.Files, Alertmanager: a.Alertmanager.Files, Grafana: a.Grafana.Files, Blackbox: a.Blackbox.Files,
	}
}

// filesField is the Args field of each app's file set.
var filesField = map[string]string{
	Prometheus: "Prometheus.Files", Alertmanager: "Alertmanager.Files", Grafana: "Grafana.Files", Blackbox: "Blackbox.Files",
}

// checkStore adds what ConfigStore would refuse of the file sets and the tags (unsafe
// paths, S3's key length, its 10 tags an object), at the paths of these Args, so that
// an invalid set is refused before anything is registered. The fields this Validate
// checks itself (the prefix, account and region, a missing set) are not repeated.
func (a PlatformArgs) checkStore(ps *validate.Problems) {
	store := ConfigStoreArgs{
		NamePrefix: a.NamePrefix, AccountID: a.AccountID, Region: a.Region,
		KeyArn: pulumi.String("arn:aws:kms:" + a.Region + ":" + a.AccountID + ":key/validation"), Sets: a.fileSets(), Tags: a.Tags,
	}
	err := store.Validate()
	var ve *validate.Error
	if !errors.As(err, &ve) {
		return
	}
	for _, p := range ve.Problems {
		path := p.Path
		switch {
		case path == "Tags" && strings.Contains(p.Message, "more than 10"):
		case strings.HasPrefix(path, "Sets."):
			rest := strings.TrimPrefix(path, "Sets.")
			i := strings.Index(rest, "[")
			if i < 0 {
				continue // a set with no file: checkFiles reports its missing file
			}
			path = filesField[rest[:i]] + rest[i:]
		default:
			continue
		}
		ps.Add(path, p.Message, p.Hint)
	}
}

func checkSubnets(ps *validate.Problems, path string, ids []string, min int) {
	if len(ids) < min {
		hint := "the private subnets of the VPC, such as subnet-0123456789abcdef0"
		if min > 1 {
			hint = fmt.Sprintf("a load balancer needs subnets in at least %d Availability Zones", min)
		}
		ps.Addf(path, hint, "must list at least %d subnet(s), got %d", min, len(ids))
	}
	for i, s := range ids {
		validate.SubnetID(ps, fmt.Sprintf("%s[%d]", path, i), s)
	}
	validate.Unique(ps, path+"[%d]", ids, "list each subnet once")
}

func checkDNSName(ps *validate.Problems, path, v string) bool {
	ok := v != "" && len(v) <= 253 && strings.Contains(v, ".")
	for _, l := range strings.Split(v, ".") {
		ok = ok && labelRe.MatchString(l)
	}
	if !ok {
		ps.Addf(path, "dot-separated lower-case DNS labels, such as vigil-prod.local", "must be a DNS namespace name, got %q", v)
	}
	return ok
}

// checkImage refuses an image without a version: no tag, the tag latest, and no
// digest.
func checkImage(ps *validate.Problems, path, image string) {
	last := image[strings.LastIndex(image, "/")+1:]
	tag := ""
	if i := strings.LastIndex(last, ":"); i >= 0 {
		tag = last[i+1:]
	}
	bad := tag == "" || tag == "latest"
	if strings.Contains(image, "@") {
		bad = !digestRe.MatchString(image)
	}
	if bad || strings.ContainsAny(image, " \t") {
		ps.Addf(path, "pin a version, such as "+PrometheusImage+", or a digest, repo@sha256:<64 hex digits>",
			"must be pinned by version or digest, got %q", image)
	}
}

func checkFiles(ps *validate.Problems, path, appName string, files map[string][]byte) {
	want := apps[appName].requiredFile
	if _, ok := files[want]; !ok {
		ps.Addf(path, "pass the file set platform/config (or alerts/routing) builds", "has no %s", want)
	}
	if appName != Grafana {
		return
	}
	const providers = "provisioning/dashboards/vigil.yaml"
	b, ok := files[providers]
	if !ok {
		return
	}
	var doc struct {
		Providers []struct {
			Options struct {
				Path string `yaml:"path"`
			} `yaml:"options"`
		} `yaml:"providers"`
	}
	if err := yaml.Unmarshal(b, &doc); err != nil {
		ps.Addf(path+"["+providers+"]", "pass dashboards.ProvisioningFiles' file", "is not YAML: %v", err)
		return
	}
	for i, p := range doc.Providers {
		if p.Options.Path != GrafanaDashboardsPath {
			ps.Addf(fmt.Sprintf("%s[%s].providers[%d].options.path", path, providers, i),
				"build the files with dashboards.Provisioning{Path: platform.GrafanaDashboardsPath}: the dashboards are copied there",
				"is %q, where no dashboard is", p.Options.Path)
		}
	}
}

func checkEgress(ps *validate.Problems, path string, rules []EgressRule) {
	for i, r := range rules {
		at := fmt.Sprintf("%s[%d]", path, i)
		validate.PrivateCIDR(ps, at+".CIDR", r.CIDR)
		to := r.ToPort
		if to == 0 {
			to = r.FromPort
		}
		validate.IntRange(ps, at+".FromPort", r.FromPort, 1, 65535, "a TCP port")
		validate.IntRange(ps, at+".ToPort", to, 1, 65535, "a TCP port; 0 means FromPort")
		if r.Description != "" {
			validate.SecurityGroupDescription(ps, at+".Description", r.Description)
		}
		if r.FromPort > to {
			ps.Addf(at, "FromPort is the lower end of the range", "FromPort %d is above ToPort %d", r.FromPort, to)
		}
	}
}
