package stacks

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/prometheus/prometheus/promql/parser"

	"github.com/vigilops/vigil/alerts"
	"github.com/vigilops/vigil/alerts/logs"
	"github.com/vigilops/vigil/validate"
)

// resolve applies the tier defaults to cfg and checks every rule, recording each
// problem in ps. It returns the Environment, complete when ps stays empty.
func resolve(ps *validate.Problems, project, stack string, cfg *Config, region string, secretKeys map[string]bool) *Environment {
	const p = Namespace + ":"
	env := &Environment{Project: project, Stack: stack, AccountID: cfg.AccountID, Region: region}

	if validate.Required(ps, p+"tier", cfg.Tier, "set it with `pulumi config set tier dev` (or prod)") {
		validate.OneOf(ps, p+"tier", cfg.Tier, Tiers())
	}
	env.Tier = Tier(cfg.Tier)
	d := DefaultsFor(env.Tier)

	if validate.Required(ps, p+"accountId", cfg.AccountID, "set it with `pulumi config set accountId 123456789012`") {
		validate.AccountID(ps, p+"accountId", cfg.AccountID)
	}
	if validate.Required(ps, RegionKey, region, "set it with `pulumi config set aws:region eu-west-1`") {
		validate.Region(ps, RegionKey, region)
	}

	env.NamePrefix = cfg.NamePrefix
	if env.NamePrefix == "" {
		env.NamePrefix = project + "-" + stack
	}
	// The longest physical name vigil derives from the prefix is the KMS alias.
	if len(env.NamePrefix) > 40 || !validNamePrefix(env.NamePrefix) {
		ps.Addf(p+"namePrefix", "set vigil:namePrefix to something short such as vigil-prod",
			"must be 1 to 40 letters, digits, hyphens or underscores (it starts every physical name), got %q", env.NamePrefix)
	}

	env.Tags = map[string]string{"managed-by": "vigil", "vigil:stack": stack, "vigil:tier": cfg.Tier}
	validate.Tags(ps, p+"tags", cfg.Tags)
	for k, v := range cfg.Tags {
		env.Tags[k] = v
	}

	env.LogRetentionDays = d.LogRetentionDays
	if cfg.LogRetentionDays != 0 {
		validate.LogRetentionDays(ps, p+"logRetentionDays", cfg.LogRetentionDays)
		env.LogRetentionDays = cfg.LogRetentionDays
	}
	env.TaskSize = d.TaskSize
	if cfg.TaskSize != (TaskSize{}) {
		validate.FargateSize(ps, p+"taskSize", cfg.TaskSize.CPU, cfg.TaskSize.MemoryMiB)
		env.TaskSize = cfg.TaskSize
		// Refused rather than ignored: a size that sizes nothing would look like it did.
		if cfg.Platform.Mode != PlatformECS {
			ps.Add(p+"taskSize", "sizes the tasks of the ecs platform only, and platform.mode is not ecs",
				"set platform.mode to ecs, or remove it")
		}
	}
	env.KeyDeletionWindowDays = d.KeyDeletionWindowDays
	env.Paging = d.Paging

	resolveNotifications(ps, env, cfg, secretKeys)

	for i, r := range cfg.PublisherRoles {
		validate.IAMRoleARN(ps, fmt.Sprintf("%spublisherRoles[%d]", p, i), r)
	}
	env.PublisherRoles = cfg.PublisherRoles

	env.AlarmOverrides = cfg.AlarmOverrides
	env.DashboardsConfig = cfg.Dashboards
	resolveNotifier(ps, env, cfg)
	if cfg.CloudTrail != (logs.CloudTrail{}) {
		ct := cfg.CloudTrail
		env.CloudTrail = &ct
	}
	resolveEstate(ps, env, cfg, d)
	resolvePrometheus(ps, env, cfg)
	resolvePlatform(ps, env, cfg, d)
	warnNotUsedYet(env, cfg)
	return env
}

var runtimes = []string{"go", "jvm", "nodejs"}

// resolvePrometheus checks what only the Prometheus side reads: selectors, runtimes,
// host groups, runbooks and the heartbeat.
func resolvePrometheus(ps *validate.Problems, env *Environment, cfg *Config) {
	const p = Namespace + ":"
	env.RunbookBaseURL = cfg.RunbookBaseURL
	if env.RunbookBaseURL == "" {
		env.RunbookBaseURL = DefaultRunbookBaseURL
	} else if u, err := url.Parse(env.RunbookBaseURL); err != nil || !u.IsAbs() || u.Fragment != "" {
		ps.Addf(p+"runbookBaseUrl", "each alert adds #<alert name> to it", "must be an absolute URL without a #fragment, got %q", env.RunbookBaseURL)
	}
	for i, s := range env.Services {
		path := fmt.Sprintf("%sservices[%d]", p, i)
		selector(ps, path+".metrics.selector", s.Metrics.Selector)
		if s.Runtime != "" {
			validate.OneOf(ps, path+".runtime", s.Runtime, runtimes)
		}
	}
	for i, d := range env.Databases {
		selector(ps, fmt.Sprintf("%sdatabases[%d].selector", p, i), d.Selector)
		if !strings.Contains(d.Engine, "postgres") {
			env.Warnings = append(env.Warnings, fmt.Sprintf("%sdatabases[%d]: no Prometheus alerts for engine %s: the catalog reads postgres_exporter (CloudWatch alarms still apply)", p, i, d.Engine))
		}
	}
	for i, c := range env.Caches {
		selector(ps, fmt.Sprintf("%scaches[%d].selector", p, i), c.Selector)
		if c.Engine == "memcached" {
			env.Warnings = append(env.Warnings, fmt.Sprintf("%scaches[%d]: no Prometheus alerts for memcached: the catalog reads redis_exporter", p, i))
		}
	}
	for i, q := range env.Queues {
		selector(ps, fmt.Sprintf("%squeues[%d].selector", p, i), q.Selector)
	}
	names := make([]string, len(cfg.Hosts))
	for i, h := range cfg.Hosts {
		path := fmt.Sprintf("%shosts[%d]", p, i)
		names[i] = h.Name
		validate.Name(ps, path+".name", h.Name, 32)
		selector(ps, path+".selector", h.Selector)
	}
	validate.Unique(ps, p+"hosts[%d].name", names, "host group names must be unique")
	env.Hosts = cfg.Hosts

	am := cfg.Alertmanager
	if am.HeartbeatURL != "" && am.HeartbeatCredentialsFile == "" {
		ps.Add(p+"alertmanager.heartbeatCredentialsFile", "is required with heartbeatUrl",
			"the path where the heartbeat token is mounted in the Alertmanager container, such as /run/secrets/heartbeat")
	}
	env.Alertmanager = am
}

// selector checks label matchers written without braces, as Prometheus would parse
// them.
func selector(ps *validate.Problems, path, s string) {
	if s == "" {
		return
	}
	if _, err := parser.ParseMetricSelector("{" + s + "}"); err != nil {
		ps.Addf(path, `label matchers without braces, such as job="api",env="prod"`, "is not a label selector: %v", err)
	}
}

func validNamePrefix(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return false
		}
	}
	return true
}

// resolveNotifications checks the endpoints of each severity: their form, that paging
// endpoints appear only where the tier pages, and that secrets are stored as secrets.
func resolveNotifications(ps *validate.Problems, env *Environment, cfg *Config, secretKeys map[string]bool) {
	const key = Namespace + ":notifications"
	byName := map[alerts.Severity]*Endpoints{
		alerts.Critical: cfg.Notifications.Critical,
		alerts.High:     cfg.Notifications.High,
		alerts.Medium:   cfg.Notifications.Medium,
		alerts.Low:      cfg.Notifications.Low,
	}
	env.Notifications = map[alerts.Severity]Endpoints{}
	for _, sev := range alerts.Severities() {
		ep := Endpoints{}
		if byName[sev] != nil {
			ep = *byName[sev]
		}
		env.Notifications[sev] = ep
		path := key + "." + string(sev)
		for i, e := range ep.Emails {
			validate.Email(ps, fmt.Sprintf("%s.emails[%d]", path, i), e)
		}
		for i, n := range ep.SMS {
			validate.PhoneE164(ps, fmt.Sprintf("%s.sms[%d]", path, i), n)
		}
		if ep.PagerDuty != "" {
			checkSecretURL(ps, path+".pagerduty", ep.PagerDuty, secretKeys[key], true)
		}
		for i, w := range ep.Webhooks {
			checkSecretURL(ps, fmt.Sprintf("%s.webhooks[%d]", path, i), w, secretKeys[key], false)
		}

		pages := ep.PagerDuty != "" || len(ep.SMS) > 0
		switch {
		case pages && !env.Pages(sev) && env.Tier == Dev:
			ps.Add(path, "dev stacks never page, but this severity has PagerDuty or SMS endpoints",
				"send dev alerts to e-mail or webhooks, or set vigil:tier to prod")
		case pages && !env.Pages(sev):
			ps.Addf(path, "give PagerDuty and SMS to critical or high only",
				"%s alerts wait for business hours and must not page, but this severity has PagerDuty or SMS endpoints", sev)
		case !pages && env.Pages(sev):
			env.Warnings = append(env.Warnings, fmt.Sprintf("%s: %s alerts page nobody (no pagerduty or sms endpoint)", path, sev))
		}
		if len(ep.Emails)+len(ep.SMS)+len(ep.Webhooks) == 0 && ep.PagerDuty == "" {
			env.Warnings = append(env.Warnings, fmt.Sprintf("%s: no endpoints; %s notifications reach nobody", path, sev))
		}
	}
}

// checkSecretURL checks a secret endpoint without ever printing it. A value is stored
// as a secret when Pulumi holds its key as a secret, or when it is the plan's
// placeholder for an encrypted value.
func checkSecretURL(ps *validate.Problems, path string, s Secret, keyIsSecret, pagerDuty bool) {
	if s.Placeholder() {
		return
	}
	if !keyIsSecret {
		ps.Add(path, "is stored in plain text",
			fmt.Sprintf("encrypt it: pulumi config set --secret --path '%s' <value>", strings.TrimPrefix(path, Namespace+":")))
	}
	validate.HTTPSURL(ps, path, s.Reveal())
	if u, err := url.Parse(s.Reveal()); pagerDuty && err == nil && u.Host != "" &&
		u.Host != "pagerduty.com" && !strings.HasSuffix(u.Host, ".pagerduty.com") {
		ps.Add(path, "must be a PagerDuty integration URL (host *.pagerduty.com)",
			"copy the Integration URL of an Amazon CloudWatch integration in PagerDuty")
	}
}

var databaseEngines = []string{"postgres", "mysql", "mariadb", "aurora-postgresql", "aurora-mysql"}
var cacheEngines = []string{"redis", "valkey", "memcached"}

// resolveEstate checks the monitored estate and resolves each item's thresholds: tier
// default, then vigil:thresholds.<kind>, then the item's own alarms.
func resolveEstate(ps *validate.Problems, env *Environment, cfg *Config, d TierDefaults) {
	const p = Namespace + ":"
	validate.Overlay(ps, p+"thresholds.service", cfg.Thresholds.Service, &d.Service)
	validate.Overlay(ps, p+"thresholds.database", cfg.Thresholds.Database, &d.Database)
	validate.Overlay(ps, p+"thresholds.cache", cfg.Thresholds.Cache, &d.Cache)
	validate.Overlay(ps, p+"thresholds.queue", cfg.Thresholds.Queue, &d.Queue)
	validate.Overlay(ps, p+"thresholds.certificate", cfg.Thresholds.Certificate, &d.Certificate)
	checkLatencyOrder(ps, p+"thresholds.service", d.Service)

	names := make([]string, len(cfg.Services))
	for i, s := range cfg.Services {
		path := fmt.Sprintf("%sservices[%d]", p, i)
		names[i] = s.Name
		validate.Name(ps, path+".name", s.Name, 32)
		if s.ECS != nil {
			validate.ECSName(ps, path+".ecs.cluster", s.ECS.Cluster)
			validate.ECSName(ps, path+".ecs.service", s.ECS.Service)
		}
		if s.LogGroup != "" {
			validate.LogGroupName(ps, path+".logGroup", s.LogGroup)
		}
		if s.LoadBalancer != "" {
			validate.LoadBalancerDimension(ps, path+".loadBalancer", s.LoadBalancer)
		}
		if s.TargetGroup != "" {
			validate.TargetGroupDimension(ps, path+".targetGroup", s.TargetGroup)
			if s.LoadBalancer == "" {
				ps.Add(path+".targetGroup", "needs loadBalancer",
					"CloudWatch reports target group metrics per load balancer; set loadBalancer too")
			}
		}
		if s.HealthCheckURL != "" {
			validate.HTTPURL(ps, path+".healthCheckUrl", s.HealthCheckURL)
		}
		if s.ECS == nil && s.LoadBalancer == "" && s.TargetGroup == "" && s.HealthCheckURL == "" && s.LogGroup == "" {
			ps.Add(path, "has nothing to watch", "give it ecs, loadBalancer, healthCheckUrl or logGroup")
		}
		s.Alarms = d.Service
		validate.Overlay(ps, path+".alarms", s.Overrides, &s.Alarms)
		if sets(s.Overrides, "latencyP95Ms") || sets(s.Overrides, "latencyP99Ms") {
			checkLatencyOrder(ps, path+".alarms", s.Alarms)
		}
		env.Services = append(env.Services, s)
	}
	validate.Unique(ps, p+"services[%d].name", names, "service names must be unique")

	names = make([]string, len(cfg.Databases))
	for i, db := range cfg.Databases {
		path := fmt.Sprintf("%sdatabases[%d]", p, i)
		names[i] = db.Name
		validate.Name(ps, path+".name", db.Name, 32)
		if validate.Required(ps, path+".engine", db.Engine, "one of "+strings.Join(databaseEngines, ", ")) {
			validate.OneOf(ps, path+".engine", db.Engine, databaseEngines)
		}
		if validate.Required(ps, path+".instanceId", db.InstanceID, "the DB instance identifier, as in the RDS console") {
			validate.RDSInstanceID(ps, path+".instanceId", db.InstanceID)
		}
		validate.IntRange(ps, path+".maxConnections", db.MaxConnections, 1, 262143,
			"the engine's max_connections: `SHOW max_connections;` in Postgres or MySQL")
		db.Alarms = d.Database
		validate.Overlay(ps, path+".alarms", db.Overrides, &db.Alarms)
		env.Databases = append(env.Databases, db)
	}
	validate.Unique(ps, p+"databases[%d].name", names, "database names must be unique")

	names = make([]string, len(cfg.Caches))
	for i, c := range cfg.Caches {
		path := fmt.Sprintf("%scaches[%d]", p, i)
		names[i] = c.Name
		validate.Name(ps, path+".name", c.Name, 32)
		if validate.Required(ps, path+".engine", c.Engine, "one of "+strings.Join(cacheEngines, ", ")) {
			validate.OneOf(ps, path+".engine", c.Engine, cacheEngines)
		}
		if validate.Required(ps, path+".clusterId", c.ClusterID, "the cache cluster (node) ID, such as prod-sessions-001") {
			validate.ElastiCacheClusterID(ps, path+".clusterId", c.ClusterID)
		}
		c.Alarms = d.Cache
		validate.Overlay(ps, path+".alarms", c.Overrides, &c.Alarms)
		env.Caches = append(env.Caches, c)
	}
	validate.Unique(ps, p+"caches[%d].name", names, "cache names must be unique")

	names = make([]string, len(cfg.Queues))
	for i, q := range cfg.Queues {
		path := fmt.Sprintf("%squeues[%d]", p, i)
		names[i] = q.Name
		if validate.Required(ps, path+".name", q.Name, "the SQS queue name") {
			validate.SQSQueueName(ps, path+".name", q.Name)
		}
		if q.DeadLetterQueue != "" {
			validate.SQSQueueName(ps, path+".deadLetterQueue", q.DeadLetterQueue)
		}
		q.Alarms = d.Queue
		validate.Overlay(ps, path+".alarms", q.Overrides, &q.Alarms)
		env.Queues = append(env.Queues, q)
	}
	validate.Unique(ps, p+"queues[%d].name", names, "queue names must be unique")

	names = make([]string, len(cfg.Certificates))
	for i, c := range cfg.Certificates {
		path := fmt.Sprintf("%scertificates[%d]", p, i)
		names[i] = c.Domain
		if validate.Required(ps, path+".domain", c.Domain, "the certificate's main domain name") {
			validate.Hostname(ps, path+".domain", c.Domain)
		}
		if validate.Required(ps, path+".arn", c.ARN, "the ACM certificate ARN") {
			if account := validate.ACMCertificateARN(ps, path+".arn", c.ARN); account != "" && account != cfg.AccountID && cfg.AccountID != "" {
				ps.Addf(path+".arn", "ACM reports expiry only to the account that holds the certificate; watch it from that account's stack",
					"is in account %s, not in this stack's account %s", account, cfg.AccountID)
			}
		}
		c.Alarms = d.Certificate
		validate.Overlay(ps, path+".alarms", c.Overrides, &c.Alarms)
		env.Certificates = append(env.Certificates, c)
	}
	validate.Unique(ps, p+"certificates[%d].domain", names, "watch each certificate once")
}

// checkLatencyOrder holds p95 at or below p99: a lower percentile cannot be slower.
func checkLatencyOrder(ps *validate.Problems, path string, a ServiceAlarms) {
	if a.LatencyP95Ms > a.LatencyP99Ms {
		ps.Addf(path+".latencyP95Ms", "raise latencyP99Ms or lower latencyP95Ms",
			"must not be above latencyP99Ms (%d), got %d", a.LatencyP99Ms, a.LatencyP95Ms)
	}
}

// sets reports whether raw overrides, as written, set key.
func sets(raw any, key string) bool {
	m, ok := raw.(map[string]any)
	_, set := m[key]
	return ok && set
}
