package stacks

import (
	"fmt"
	"net"
	"net/url"
	"path"
	"regexp"
	"sort"
	"strings"

	"github.com/vigilops/vigil/components/platform"
	"github.com/vigilops/vigil/dashboards"
	pconfig "github.com/vigilops/vigil/platform/config"
	"github.com/vigilops/vigil/validate"
)

// The platform modes of vigil:platform.mode.
const (
	// PlatformNone runs nothing: `vigil plan --out` writes the rules and the
	// Alertmanager configuration for a Prometheus someone else runs.
	PlatformNone = "none"
	// PlatformECS runs Prometheus, Alertmanager, Grafana and the blackbox exporter as
	// ECS Fargate services (components/platform).
	PlatformECS = "ecs"
	// PlatformManaged uses Amazon Managed Service for Prometheus and Amazon Managed
	// Grafana (components/managed).
	PlatformManaged = "managed"
)

// PlatformModes are the values vigil:platform.mode takes.
func PlatformModes() []string { return []string{PlatformNone, PlatformECS, PlatformManaged} }

// The paths of the platform's generated files, as `vigil plan --out` writes them,
// beside the rules (prometheus/rules/...) and alertmanager/alertmanager.yml.
const (
	PrometheusConfigPath = "prometheus/prometheus.yml"
	BlackboxConfigPath   = "blackbox/blackbox.yml"
	GrafanaDatasources   = GrafanaDir + "/" + pconfig.DatasourcesPath
)

// PlatformConfig is vigil:platform: where the stack's Prometheus, Alertmanager and
// Grafana run.
type PlatformConfig struct {
	// Mode is none (the default: vigil writes the files and runs nothing), ecs
	// (Prometheus, Alertmanager, Grafana and the blackbox exporter on ECS Fargate) or
	// managed (Amazon Managed Service for Prometheus and Amazon Managed Grafana).
	Mode string `json:"mode"`
	// VpcID is the VPC the ECS services (and the Cloud Map namespace) live in.
	// Required with ecs.
	VpcID string `json:"vpcId"`
	// SubnetIDs are private subnets of the VPC for the tasks and EFS mount targets:
	// 1 to 16, two or more in different zones for prod. Required with ecs.
	SubnetIDs []string `json:"subnetIds"`
	// ClusterARN is an existing ECS cluster to run in. Defaults to a cluster of
	// vigil's own, <namePrefix>, with Container Insights.
	ClusterARN string `json:"clusterArn"`
	// Namespace is the Cloud Map private DNS namespace through which Prometheus finds
	// its targets (DNS SRV <name>.<namespace>) and the tasks find each other.
	// Defaults to <namePrefix>.vigil.internal, in lower case.
	Namespace string `json:"namespace"`
	// RetentionDays is how long Prometheus keeps samples on its EFS volume: 1 to 3650.
	// Defaults to the tier's (dev 7, prod 30).
	RetentionDays int `json:"retentionDays"`
	// ScrapeEgress are the networks and ports the ecs mode's Prometheus may scrape
	// beyond its peers, such as the VPC's range on the services' metrics ports.
	// Defaults to none: a target outside them is down (up == 0), and ServiceDown says
	// so.
	ScrapeEgress []PlatformEgress `json:"scrapeEgress"`
	// ProbeEgress are the networks and ports beyond 443 the blackbox exporter may
	// probe, such as plain-http health URLs inside the VPC. Defaults to none.
	ProbeEgress []PlatformEgress `json:"probeEgress"`
	// Grafana configures the platform's Grafana.
	Grafana PlatformGrafana `json:"grafana"`
	// Images replace the pinned images, for example with a mirror in ECR or a
	// repository@sha256:digest. Each defaults to the release vigil validates its
	// configuration against.
	Images PlatformImages `json:"images"`
}

// PlatformEgress lets a task of the ecs platform reach a network on TCP ports.
type PlatformEgress struct {
	// CIDR is a private range such as 10.0.0.0/16; never 0.0.0.0/0. Required.
	CIDR string `json:"cidr"`
	// FromPort and ToPort are 1 to 65535; toPort defaults to fromPort.
	FromPort int `json:"fromPort"`
	ToPort   int `json:"toPort"`
	// Description says what is reached. Defaults to "scrape targets" or "probe
	// targets".
	Description string `json:"description"`
}

// PlatformGrafana configures Grafana.
type PlatformGrafana struct {
	// AdminPassword is the admin user's password, kept in Secrets Manager and handed
	// to the container by ARN. Required with ecs. Secret: set it with `pulumi config
	// set --secret --path 'platform.grafana.adminPassword'`.
	AdminPassword Secret `json:"adminPassword"`
	// AllowedCIDRs may reach Grafana (through the load balancer when there is one):
	// private ranges such as the VPN's, never 0.0.0.0/0. Defaults to none: Grafana is
	// reachable from nothing but the load balancer.
	AllowedCIDRs []string `json:"allowedCidrs"`
	// CertificateARN is an ACM certificate for an internal HTTPS load balancer in
	// front of Grafana (ecs). Defaults to none: no load balancer.
	CertificateARN string `json:"certificateArn"`
	// LoadBalancerSubnetIDs are the load balancer's subnets, at least two in
	// different zones. Defaults to subnetIds.
	LoadBalancerSubnetIDs []string `json:"loadBalancerSubnetIds"`
	// Workspace creates an Amazon Managed Grafana workspace (managed). Defaults to
	// true.
	Workspace *bool `json:"workspace"`
	// AuthenticationProviders of the managed workspace: AWS_SSO, SAML or both.
	// Defaults to AWS_SSO.
	AuthenticationProviders []string `json:"authenticationProviders"`
}

// PlatformImages replace the pinned container images of the ecs mode.
type PlatformImages struct {
	Prometheus   string `json:"prometheus"`
	Alertmanager string `json:"alertmanager"`
	Grafana      string `json:"grafana"`
	Blackbox     string `json:"blackbox"`
}

// Platform is vigil:platform resolved.
type Platform struct {
	Mode                    string
	VpcID                   string
	SubnetIDs               []string
	ClusterARN              string
	Namespace               string
	RetentionDays           int
	GrafanaPassword         Secret
	AllowedCIDRs            []string
	CertificateARN          string
	LoadBalancerSubnetIDs   []string
	GrafanaWorkspace        bool
	AuthenticationProviders []string
	Images                  PlatformImages
	ScrapeEgress            []PlatformEgress
	ProbeEgress             []PlatformEgress
	// Files are the file sets of the ECS tasks, by app (prometheus, alertmanager,
	// grafana, blackbox): path inside the app's configuration directory -> bytes.
	Files map[string]map[string][]byte
}

var (
	dnsNameRe = regexp.MustCompile(`^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$`)
	imageRe   = regexp.MustCompile(`^[a-z0-9]+([._/:-][a-z0-9]+)*(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(@sha256:[0-9a-f]{64})?$`)
)

// resolvePlatform checks vigil:platform and fills env.Platform.
func resolvePlatform(ps *validate.Problems, env *Environment, cfg *Config, d TierDefaults) {
	const p = Namespace + ":platform"
	c := cfg.Platform
	pl := Platform{Mode: c.Mode, VpcID: c.VpcID, SubnetIDs: c.SubnetIDs, ClusterARN: c.ClusterARN,
		Namespace: c.Namespace, RetentionDays: d.PrometheusRetentionDays, GrafanaPassword: c.Grafana.AdminPassword,
		AllowedCIDRs: c.Grafana.AllowedCIDRs, CertificateARN: c.Grafana.CertificateARN,
		LoadBalancerSubnetIDs: c.Grafana.LoadBalancerSubnetIDs, GrafanaWorkspace: true,
		AuthenticationProviders: c.Grafana.AuthenticationProviders, Images: c.Images,
		ScrapeEgress: c.ScrapeEgress, ProbeEgress: c.ProbeEgress}
	if pl.Mode == "" {
		pl.Mode = PlatformNone
	}
	validate.OneOf(ps, p+".mode", pl.Mode, PlatformModes())
	if c.Grafana.Workspace != nil {
		pl.GrafanaWorkspace = *c.Grafana.Workspace
	}
	if pl.Namespace == "" {
		pl.Namespace = strings.ToLower(strings.ReplaceAll(env.NamePrefix, "_", "-")) + ".vigil.internal"
	} else if !dnsNameRe.MatchString(pl.Namespace) || len(pl.Namespace) > 253 {
		ps.Addf(p+".namespace", "a private DNS name such as monitoring.internal",
			"must be a lower-case DNS name of two or more labels, got %q", pl.Namespace)
	}
	if c.RetentionDays != 0 {
		validate.IntRange(ps, p+".retentionDays", c.RetentionDays, 1, 3650, "days of samples Prometheus keeps on EFS")
		pl.RetentionDays = c.RetentionDays
	}
	ecsOnly := func(key string, set bool) {
		if set && pl.Mode != PlatformECS {
			ps.Addf(p+"."+key, "set platform.mode to ecs, or remove it", "is used by the ecs mode only; the mode is %s", pl.Mode)
		}
	}
	managedOnly := func(key string, set bool) {
		if set && pl.Mode != PlatformManaged {
			ps.Addf(p+"."+key, "set platform.mode to managed, or remove it", "is used by the managed mode only; the mode is %s", pl.Mode)
		}
	}
	ecsOnly("vpcId", c.VpcID != "")
	ecsOnly("subnetIds", len(c.SubnetIDs) > 0)
	ecsOnly("clusterArn", c.ClusterARN != "")
	ecsOnly("namespace", c.Namespace != "")
	ecsOnly("retentionDays", c.RetentionDays != 0)
	ecsOnly("grafana.adminPassword", c.Grafana.AdminPassword != "")
	ecsOnly("grafana.allowedCidrs", len(c.Grafana.AllowedCIDRs) > 0)
	ecsOnly("grafana.certificateArn", c.Grafana.CertificateARN != "")
	ecsOnly("grafana.loadBalancerSubnetIds", len(c.Grafana.LoadBalancerSubnetIDs) > 0)
	ecsOnly("images", c.Images != (PlatformImages{}))
	ecsOnly("scrapeEgress", len(c.ScrapeEgress) > 0)
	ecsOnly("probeEgress", len(c.ProbeEgress) > 0)
	managedOnly("grafana.workspace", c.Grafana.Workspace != nil)
	managedOnly("grafana.authenticationProviders", len(c.Grafana.AuthenticationProviders) > 0)

	if pl.Mode == PlatformECS {
		if validate.Required(ps, p+".vpcId", c.VpcID, "the VPC of the private subnets the tasks run in") {
			validate.VPCID(ps, p+".vpcId", c.VpcID)
		}
		subnets(ps, p+".subnetIds", c.SubnetIDs)
		if c.ClusterARN != "" {
			before := ps.Len()
			validate.ECSClusterARN(ps, p+".clusterArn", c.ClusterARN)
			if parts := strings.Split(c.ClusterARN, ":"); ps.Len() == before && (parts[3] != env.Region || parts[4] != env.AccountID) {
				ps.Addf(p+".clusterArn", "name a cluster of "+env.AccountID+" in "+env.Region+", or leave it out for a cluster of vigil's own",
					"is in account %s, region %s: the tasks run in the stack's account and region", parts[4], parts[3])
			}
		}
		validate.Required(ps, p+".grafana.adminPassword", string(c.Grafana.AdminPassword),
			"set it with `pulumi config set --secret --path 'platform.grafana.adminPassword' <password>`")
		for i, cidr := range c.Grafana.AllowedCIDRs {
			validate.PrivateCIDR(ps, fmt.Sprintf("%s.grafana.allowedCidrs[%d]", p, i), cidr)
		}
		if c.Grafana.CertificateARN != "" {
			if acct := validate.ACMCertificateARN(ps, p+".grafana.certificateArn", c.Grafana.CertificateARN); acct != "" {
				if parts := strings.Split(c.Grafana.CertificateARN, ":"); acct != env.AccountID || parts[3] != env.Region {
					ps.Addf(p+".grafana.certificateArn", "a load balancer takes certificates of its own account and region: request or import one in "+env.AccountID+" "+env.Region,
						"is in account %s, region %s", acct, parts[3])
				}
			}
			if len(c.Grafana.LoadBalancerSubnetIDs) > 0 {
				subnets(ps, p+".grafana.loadBalancerSubnetIds", c.Grafana.LoadBalancerSubnetIDs)
			}
		} else if len(c.Grafana.LoadBalancerSubnetIDs) > 0 {
			ps.Add(p+".grafana.loadBalancerSubnetIds", "needs grafana.certificateArn",
				"the load balancer serves HTTPS only: give it an ACM certificate, or remove its subnets")
		}
		if len(pl.LoadBalancerSubnetIDs) == 0 {
			pl.LoadBalancerSubnetIDs = c.SubnetIDs
		}
		if c.Grafana.CertificateARN != "" && len(pl.LoadBalancerSubnetIDs) < 2 {
			ps.Add(p+".grafana.loadBalancerSubnetIds", "a load balancer needs subnets in at least two zones",
				"list two or more subnets (or two or more platform.subnetIds)")
		}
		// S3 takes at most 10 tags on an object, and the configuration objects carry
		// the stack's tags.
		if len(env.Tags) > 10 {
			ps.Addf(Namespace+":tags", "vigil adds managed-by, vigil:stack and vigil:tier: keep at most 7 of your own",
				"are %d with vigil's own, and the ecs platform's configuration objects take at most 10 (S3's limit)", len(env.Tags))
		}
		egress(ps, p+".scrapeEgress", c.ScrapeEgress)
		egress(ps, p+".probeEgress", c.ProbeEgress)
		// The platform's physical names (the load balancer's <prefix>-grafana, 32 at
		// most) need a short, lower-case prefix.
		if !ecsPrefixRe.MatchString(env.NamePrefix) || strings.Contains(env.NamePrefix, "--") {
			ps.Addf(Namespace+":namePrefix", "set vigil:namePrefix to something such as vigil-prod",
				"must be 1 to 24 lower-case letters, digits and single hyphens, starting with a letter, for the ecs platform's names, got %q", env.NamePrefix)
		}
		for _, img := range []struct{ key, v string }{{"prometheus", c.Images.Prometheus}, {"alertmanager", c.Images.Alertmanager},
			{"grafana", c.Images.Grafana}, {"blackbox", c.Images.Blackbox}} {
			if img.v == "" {
				continue
			}
			if !imageRe.MatchString(img.v) || !(strings.Contains(path.Base(img.v), ":") || strings.Contains(img.v, "@sha256:")) ||
				strings.HasSuffix(img.v, ":latest") {
				ps.Addf(p+".images."+img.key, "pin it: repository:tag or repository@sha256:<digest>, never latest",
					"must be an image reference with a version tag or a digest, got %q", img.v)
			}
		}
	}
	if pl.Mode == PlatformManaged && cfg.Alertmanager.HeartbeatURL != "" {
		ps.Add(Namespace+":alertmanager.heartbeatUrl", "Amazon Managed Service for Prometheus delivers to SNS topics only, so it cannot call a heartbeat URL",
			"remove it, or subscribe the heartbeat service to a topic; the managed mode's Watchdog notifies nobody")
	}
	if pl.Mode == PlatformManaged {
		for i, a := range c.Grafana.AuthenticationProviders {
			validate.OneOf(ps, fmt.Sprintf("%s.grafana.authenticationProviders[%d]", p, i), a, []string{"AWS_SSO", "SAML"})
		}
	}
	for i, s := range cfg.Services {
		at := fmt.Sprintf("%s:services[%d].metrics", Namespace, i)
		for j, t := range s.Metrics.Targets {
			hostPort(ps, fmt.Sprintf("%s.targets[%d]", at, j), t)
		}
		if s.Metrics.Path != "" && (!strings.HasPrefix(s.Metrics.Path, "/") || strings.ContainsAny(s.Metrics.Path, "?# ")) {
			ps.Addf(at+".path", "such as /metrics", "must be a URL path starting with /, got %q", s.Metrics.Path)
		}
		if pl.Mode != PlatformECS {
			ecsOnlyItem(ps, at+".targets", len(s.Metrics.Targets) > 0, pl.Mode)
			ecsOnlyItem(ps, at+".path", s.Metrics.Path != "", pl.Mode)
		}
	}
	env.Platform = pl
}

var ecsPrefixRe = regexp.MustCompile(`^[a-z]([a-z0-9-]{0,22}[a-z0-9])?$`)

func egress(ps *validate.Problems, key string, rules []PlatformEgress) {
	for i, r := range rules {
		at := fmt.Sprintf("%s[%d]", key, i)
		validate.PrivateCIDR(ps, at+".cidr", r.CIDR)
		validate.IntRange(ps, at+".fromPort", r.FromPort, 1, 65535, "a TCP port, such as 8080")
		if r.Description != "" {
			validate.SecurityGroupDescription(ps, at+".description", r.Description)
		}
		if r.ToPort != 0 {
			validate.IntRange(ps, at+".toPort", r.ToPort, r.FromPort, 65535, "the upper end of the range, at least fromPort; leave it out for one port")
		}
	}
}

func ecsOnlyItem(ps *validate.Problems, key string, set bool, mode string) {
	if set {
		ps.Addf(key, "set platform.mode to ecs, or remove it",
			"is read by the Prometheus of the ecs mode only; the mode is %s", mode)
	}
}

func subnets(ps *validate.Problems, key string, ids []string) {
	if len(ids) == 0 || len(ids) > 16 {
		ps.Addf(key, "list the private subnets, such as [subnet-0123456789abcdef0, subnet-0fedcba9876543210]",
			"must list 1 to 16 subnets, got %d", len(ids))
	}
	for i, id := range ids {
		validate.SubnetID(ps, fmt.Sprintf("%s[%d]", key, i), id)
	}
	validate.Unique(ps, key+"[%d]", ids, "each subnet once")
}

func hostPort(ps *validate.Problems, key, v string) {
	host, port, err := net.SplitHostPort(v)
	if err != nil || host == "" || port == "" {
		ps.Addf(key, "such as api.internal:8080 or 10.0.1.5:9100", "must be host:port, got %q", v)
	}
}

// buildPlatformFiles generates the ecs mode's file sets from the artifacts built
// before it (rules, Alertmanager configuration, Grafana provisioning) and the estate.
func buildPlatformFiles(ps *validate.Problems, env *Environment) {
	pl := &env.Platform
	if pl.Mode != PlatformECS {
		return
	}
	const at = Namespace + ":platform"
	report := func(err error) bool { return reportAt(ps, at, err) }
	ns := pl.Namespace
	prom := pconfig.Prometheus{
		Stack:        env.Stack,
		Namespace:    ns,
		Alertmanager: pconfig.Alertmanager{DNSName: "alertmanager." + ns},
		Blackbox:     pconfig.Blackbox{Address: "blackbox." + ns + ":9115"},
	}
	for _, s := range env.Services {
		prom.Services = append(prom.Services, pconfig.Service{Name: s.Name, Targets: s.Metrics.Targets,
			MetricsPath: s.Metrics.Path, HealthURL: s.HealthCheckURL})
	}
	for _, d := range env.Databases {
		if strings.Contains(d.Engine, "postgres") {
			prom.Exporters = append(prom.Exporters, pconfig.Exporter{Kind: pconfig.Postgres, Name: d.Name})
		}
	}
	for _, c := range env.Caches {
		if c.Engine != "memcached" {
			prom.Exporters = append(prom.Exporters, pconfig.Exporter{Kind: pconfig.Redis, Name: c.Name})
		}
	}
	for _, h := range env.Hosts {
		prom.Exporters = append(prom.Exporters, pconfig.Exporter{Kind: pconfig.Node, Name: h.Name})
	}
	for _, c := range env.Certificates {
		prom.Certificates = append(prom.Certificates, pconfig.Certificate{Name: c.Domain, Targets: tlsTargets(c)})
	}
	promFiles, err := pconfig.PrometheusFiles(prom, ruleFiles(env))
	if report(err) {
		return
	}
	bb, err := pconfig.BlackboxYAML(0)
	if report(err) {
		return
	}
	dash := map[string][]byte{}
	for p, data := range env.Artifacts {
		if rest, ok := strings.CutPrefix(p, GrafanaDir+"/"); ok {
			dash[rest] = data
		}
	}
	grafana, err := pconfig.GrafanaFiles(pconfig.Grafana{
		PrometheusURL:   "http://prometheus." + ns + ":9090",
		AlertmanagerURL: "http://alertmanager." + ns + ":9093",
		Region:          env.Region,
	}, dash)
	if report(err) {
		return
	}
	pl.Files = map[string]map[string][]byte{
		"prometheus":   promFiles,
		"alertmanager": {"alertmanager.yml": env.Artifacts[AlertmanagerPath]},
		"blackbox":     {"blackbox.yml": bb},
		"grafana":      grafana,
	}
	env.Artifacts[PrometheusConfigPath] = promFiles["prometheus.yml"]
	env.Artifacts[BlackboxConfigPath] = bb
	env.Artifacts[GrafanaDatasources] = grafana[pconfig.DatasourcesPath]
}

// ruleFiles are the stack's generated rule files by file name (catalog.rules.yaml,
// slos.rules.yaml), as the platform's Prometheus and AMP load them.
func ruleFiles(env *Environment) map[string][]byte {
	rules := map[string][]byte{}
	for _, p := range []string{CatalogRulesPath, SLORulesPath} {
		if data, ok := env.Artifacts[p]; ok {
			rules[path.Base(p)] = data
		}
	}
	return rules
}

// tlsTargets are the host:port endpoints the platform's blackbox exporter probes
// for a certificate: its probe targets' hosts and ports (443 by default), or the
// domain's own host on 443. The catalog selects the same instances (certificateProbes).
func tlsTargets(c Certificate) []string {
	if len(c.ProbeTargets) == 0 {
		return []string{net.JoinHostPort(c.Domain, "443")}
	}
	out := make([]string, 0, len(c.ProbeTargets))
	for _, t := range c.ProbeTargets {
		u, err := url.Parse(t)
		if err != nil || u.Hostname() == "" {
			out = append(out, t)
			continue
		}
		port := u.Port()
		if port == "" {
			port = "443"
		}
		out = append(out, net.JoinHostPort(u.Hostname(), port))
	}
	sort.Strings(out)
	return out
}

// grafanaProvisioning is where the platform's Grafana reads the dashboards: under its
// configuration root in the ecs mode, Grafana's own default otherwise.
func grafanaProvisioning(env *Environment) dashboards.Provisioning {
	p := dashboards.Provisioning{Folder: "vigil " + env.Stack}
	if env.Platform.Mode == PlatformECS {
		p.Path = platform.GrafanaDashboardsPath
	}
	return p
}

// platformCluster is the name of the cluster the ecs platform runs in: the one
// platform.clusterArn names, or the platform's own, <namePrefix>.
func platformCluster(env *Environment) string {
	if arn := env.Platform.ClusterARN; arn != "" {
		return arn[strings.LastIndex(arn, "/")+1:]
	}
	return env.NamePrefix
}
