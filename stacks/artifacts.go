package stacks

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/vigilops/vigil/alerts"
	"github.com/vigilops/vigil/alerts/catalog"
	"github.com/vigilops/vigil/alerts/routing"
	"github.com/vigilops/vigil/alerts/slo"
	"github.com/vigilops/vigil/components/iampolicy"
	"github.com/vigilops/vigil/components/notify"
	"github.com/vigilops/vigil/validate"
)

// DefaultRunbookBaseURL is vigil's own runbook page, one section per alert.
const DefaultRunbookBaseURL = "https://github.com/vigilops/vigil/blob/main/docs/runbooks.md"

// The paths of the generated files, as `vigil plan --out` writes them.
const (
	CatalogRulesPath = "prometheus/rules/catalog.rules.yaml"
	SLORulesPath     = "prometheus/rules/slos.rules.yaml"
	AlertmanagerPath = "alertmanager/alertmanager.yml"
)

// buildArtifacts generates the stack's Prometheus rules and Alertmanager
// configuration from the environment. Every alert carries environment=<stack>, the
// label the Alertmanager configuration routes on.
func buildArtifacts(ps *validate.Problems, env *Environment) {
	env.Artifacts = map[string][]byte{}
	c, from := catalogOf(env)
	add := func(path string, data []byte, err error) {
		var invalid *validate.Error
		switch {
		case errors.As(err, &invalid):
			for _, p := range invalid.Problems {
				if key, ok := from.configPath(p.Path); ok {
					ps.Add(key, p.Message, p.Hint)
					continue
				}
				// Nothing a user wrote leads here: vigil generated Args its own
				// generator refuses.
				ps.Add(path+": "+p.Path, p.Message, "a bug in vigil: please report it with this message")
			}
		case err != nil:
			ps.Add(path, err.Error(), "")
		default:
			env.Artifacts[path] = data
		}
	}
	render := func(f alerts.RuleFile, err error) ([]byte, error) {
		if err != nil {
			return nil, err
		}
		return f.Render()
	}

	data, err := render(catalog.Build(c))
	add(CatalogRulesPath, data, err)

	if len(env.SLOs) > 0 {
		slos := make([]slo.SLO, len(env.SLOs))
		for i, s := range env.SLOs {
			// The stack's label wins over the file's (issue 7, item 6).
			s.Labels = with(s.Labels, "environment", env.Stack)
			slos[i] = s
		}
		data, err := render(slo.Rules(slos))
		add(SLORulesPath, data, err)
	}

	buildAlarms(ps, env)
	buildLogs(ps, env)
	buildDashboards(ps, env, c)

	am, err := routing.Build(routingOf(env))
	var amYAML []byte
	if err == nil {
		amYAML = am.YAML()
	}
	add(AlertmanagerPath, amYAML, err)
	if ps.Len() == 0 {
		buildPlatformFiles(ps, env)
	}
}

// probeTargets are the instances the catalog's certificate alerts select: in the ecs
// mode those the platform's blackbox exporter probes (host:port), otherwise the
// probe targets as configured.
func probeTargets(env *Environment, c Certificate) []string {
	if env.Platform.Mode == PlatformECS {
		return tlsTargets(c)
	}
	return c.ProbeTargets
}

// with returns a copy of m with k set to v, whatever m held at k.
func with(m map[string]string, k, v string) map[string]string {
	out := map[string]string{}
	for key, val := range m {
		out[key] = val
	}
	out[k] = v
	return out
}

// catalogOf maps the estate and its thresholds onto the alert catalog, and says which
// config item each catalog item came from.
func catalogOf(env *Environment) (catalog.Catalog, origins) {
	const p = Namespace + ":"
	from := origins{}
	c := catalog.Catalog{Options: catalog.Options{
		RunbookBaseURL: env.RunbookBaseURL,
		Labels:         map[string]string{"environment": env.Stack},
	}}
	for i, s := range env.Services {
		from[fmt.Sprintf("Services[%d]", len(c.Services))] = fmt.Sprintf("%sservices[%d]", p, i)
		cs := catalog.Service{
			Name:     s.Name,
			Selector: s.Metrics.Selector,
			Metrics: catalog.ServiceMetrics{
				Up: s.Metrics.Up, Requests: s.Metrics.Requests, StatusLabel: s.Metrics.StatusLabel,
				ErrorStatus: s.Metrics.ErrorStatus, DurationBucket: s.Metrics.DurationBucket,
			},
			DownFor:          time.Duration(s.Alarms.DownMinutes) * time.Minute,
			ErrorRatePercent: s.Alarms.ErrorRatePercent,
			MinRequests:      s.Alarms.MinRequests,
			LatencyP95:       time.Duration(s.Alarms.LatencyP95Ms) * time.Millisecond,
			LatencyP99:       time.Duration(s.Alarms.LatencyP99Ms) * time.Millisecond,
		}
		if s.Runtime != "" {
			cs.Runtime = &catalog.Runtime{Kind: catalog.RuntimeKind(s.Runtime)}
		}
		c.Services = append(c.Services, cs)
	}
	for i, d := range env.Databases {
		if !strings.Contains(d.Engine, "postgres") {
			continue // the catalog reads postgres_exporter; a warning says so
		}
		from[fmt.Sprintf("Databases[%d]", len(c.Databases))] = fmt.Sprintf("%sdatabases[%d]", p, i)
		c.Databases = append(c.Databases, catalog.Database{
			Name: d.Name, Selector: d.Selector,
			ConnectionsPercent: d.Alarms.ConnectionsPercent,
			ReplicationLag:     time.Duration(d.Alarms.ReplicaLagSeconds) * time.Second,
			LongQuery:          time.Duration(d.Alarms.LongQuerySeconds) * time.Second,
		})
	}
	for i, k := range env.Caches {
		if k.Engine == "memcached" {
			continue // the catalog reads redis_exporter; a warning says so
		}
		from[fmt.Sprintf("Caches[%d]", len(c.Caches))] = fmt.Sprintf("%scaches[%d]", p, i)
		c.Caches = append(c.Caches, catalog.Cache{
			Name: k.Name, Selector: k.Selector,
			MemoryPercent:      k.Alarms.MemoryPercent,
			Connections:        k.Alarms.Connections,
			EvictionsPerSecond: float64(k.Alarms.EvictionsPer5Minutes) / 300,
			CommandLatencyP99:  time.Duration(k.Alarms.CommandLatencyMs * float64(time.Millisecond)),
		})
	}
	queueNames := make([]string, len(env.Queues))
	for i, q := range env.Queues {
		queueNames[i] = q.Name
	}
	queueNames = plainNames("queue", queueNames)
	for i, q := range env.Queues {
		from[fmt.Sprintf("Queues[%d]", len(c.Queues))] = fmt.Sprintf("%squeues[%d]", p, i)
		sel := q.Selector
		if sel == "" {
			sel = fmt.Sprintf("queue=%q", q.Name)
		}
		c.Queues = append(c.Queues, catalog.Queue{
			Name: queueNames[i], Selector: sel,
			Backlog: q.Alarms.Backlog, FailureRatePercent: q.Alarms.FailureRatePercent,
			MinProcessed: q.Alarms.MinProcessed,
		})
	}
	certNames := make([]string, len(env.Certificates))
	for i, cert := range env.Certificates {
		certNames[i] = cert.Domain
	}
	certNames = plainNames("cert", certNames)
	for i, cert := range env.Certificates {
		from[fmt.Sprintf("Certificates[%d]", len(c.Certificates))] = fmt.Sprintf("%scertificates[%d]", p, i)
		c.Certificates = append(c.Certificates, catalog.Certificate{
			Name:          certNames[i],
			Domain:        cert.Domain,
			ProbeTargets:  probeTargets(env, cert),
			ExpiresWithin: time.Duration(cert.Alarms.DaysToExpiry) * 24 * time.Hour,
		})
	}
	for i, h := range env.Hosts {
		from[fmt.Sprintf("Hosts[%d]", len(c.Hosts))] = fmt.Sprintf("%shosts[%d]", p, i)
		c.Hosts = append(c.Hosts, catalog.HostGroup{Name: h.Name, Selector: h.Selector})
	}
	return c, from
}

var notName = regexp.MustCompile(`[^a-z0-9]+`)

// labelName turns a queue name or domain into a plain name: orders_events.fifo ->
// orders-events-fifo, api.example.com -> api-example-com.
func labelName(s string) string {
	return strings.Trim(notName.ReplaceAllString(strings.ToLower(s), "-"), "-")
}

// routingOf maps the environment onto the Alertmanager configuration: each severity
// to its SNS topic, which pages when the severity has PagerDuty or SMS endpoints.
func routingOf(env *Environment) routing.Config {
	cfg := routing.Config{
		Environment:      env.Stack,
		Targets:          map[alerts.Severity]routing.Target{},
		PagingSeverities: env.Paging,
	}
	partition := iampolicy.Partition(env.Region)
	for _, sev := range alerts.Severities() {
		ep := env.Notifications[sev]
		cfg.Targets[sev] = routing.Target{
			TopicARN: notify.TopicARN(partition, env.Region, env.AccountID, env.NamePrefix, sev),
			Pages:    ep.PagerDuty != "" || len(ep.SMS) > 0,
		}
	}
	if env.Alertmanager.HeartbeatURL != "" {
		cfg.Watchdog.Heartbeat = &routing.Webhook{
			URL:             env.Alertmanager.HeartbeatURL,
			CredentialsFile: env.Alertmanager.HeartbeatCredentialsFile,
		}
	}
	return cfg
}
