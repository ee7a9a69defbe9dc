package stacks

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/vigilops/vigil/alerts"
	cw "github.com/vigilops/vigil/alerts/cloudwatch"
	"github.com/vigilops/vigil/components/platform"
	"github.com/vigilops/vigil/validate"
)

// DetectionReportPath is where `vigil plan --out` writes, for every CloudWatch alarm,
// its worst-case time from the start of a breach to the notification.
const DetectionReportPath = "cloudwatch/detection.txt"

// The critical CPU and memory levels of a service, unless an alarm override says
// otherwise (seed 001). A service whose own level is higher gets that as critical.
const (
	serviceCPUCriticalPercent    = 90
	serviceMemoryCriticalPercent = 95
)

// buildAlarms turns the estate into its CloudWatch alarm set (alerts/cloudwatch),
// reporting problems at the config keys that caused them.
func buildAlarms(ps *validate.Problems, env *Environment) {
	const p = Namespace + ":"
	o := env.AlarmOverrides
	e := cw.Estate{Options: cw.Options{
		NamePrefix: env.NamePrefix, RunbookBaseURL: env.RunbookBaseURL, Tags: env.Tags, Region: env.Region,
	}}
	from := cwOrigins{}
	for i, s := range env.Services {
		svc := cw.Service{
			Name: s.Name, Path: fmt.Sprintf("Services[%d]", i),
			LoadBalancer: s.LoadBalancer, TargetGroup: s.TargetGroup, HealthCheckURL: s.HealthCheckURL,
			Thresholds: cw.ServiceThresholds{
				CPUPercent: s.Alarms.CPUPercent, CPUCriticalPercent: math.Max(serviceCPUCriticalPercent, s.Alarms.CPUPercent),
				MemoryPercent: s.Alarms.MemoryPercent, MemoryCriticalPercent: math.Max(serviceMemoryCriticalPercent, s.Alarms.MemoryPercent),
				DownMinutes: s.Alarms.DownMinutes, ErrorRatePercent: s.Alarms.ErrorRatePercent,
				LatencyP95: time.Duration(s.Alarms.LatencyP95Ms) * time.Millisecond,
				LatencyP99: time.Duration(s.Alarms.LatencyP99Ms) * time.Millisecond,
			},
			Overrides: overridesOf(nil, s.AlarmOverrides),
		}
		if s.ECS != nil {
			svc.ECS = &cw.ECSService{Cluster: s.ECS.Cluster, Service: s.ECS.Service}
		}
		from.add(svc.Path, fmt.Sprintf("%sservices[%d]", p, i), "service", s.AlarmOverrides)
		e.Services = append(e.Services, svc)
	}
	// The ecs platform's own tasks: running below desired, CPU and memory, at the
	// tier's service thresholds.
	if env.Platform.Mode == PlatformECS {
		t := DefaultsFor(env.Tier).Service
		for _, app := range platform.Apps() {
			svc := cw.Service{
				Name: "platform-" + app, Path: fmt.Sprintf("Services[%d]", len(e.Services)),
				ECS: &cw.ECSService{Cluster: platformCluster(env), Service: platform.ServiceName(env.NamePrefix, app)},
				Thresholds: cw.ServiceThresholds{
					CPUPercent: t.CPUPercent, CPUCriticalPercent: math.Max(serviceCPUCriticalPercent, t.CPUPercent),
					MemoryPercent: t.MemoryPercent, MemoryCriticalPercent: math.Max(serviceMemoryCriticalPercent, t.MemoryPercent),
					DownMinutes: t.DownMinutes,
				},
			}
			from.add(svc.Path, p+"platform", "service", nil)
			e.Services = append(e.Services, svc)
		}
	}
	for i, d := range env.Databases {
		db := cw.Database{
			Name: d.Name, Path: fmt.Sprintf("Databases[%d]", i), InstanceID: d.InstanceID, MaxConnections: d.MaxConnections,
			Replica: d.Replica, MemoryGiB: d.MemoryGiB,
			Thresholds: cw.DatabaseThresholds{
				CPUPercent: d.Alarms.CPUPercent, FreeStorageGiB: d.Alarms.FreeStorageGiB,
				ConnectionsPercent: d.Alarms.ConnectionsPercent, ReplicaLagSeconds: float64(d.Alarms.ReplicaLagSeconds),
				IOLatencyMs: float64(d.Alarms.IOLatencyMs),
			},
			Overrides: overridesOf(nil, d.AlarmOverrides),
		}
		from.add(db.Path, fmt.Sprintf("%sdatabases[%d]", p, i), "database", d.AlarmOverrides)
		e.Databases = append(e.Databases, db)
	}
	for i, c := range env.Caches {
		if c.Engine == "memcached" {
			// The cache alarms watch Redis and Valkey engine metrics.
			env.Warnings = append(env.Warnings, fmt.Sprintf("%scaches[%d]: no CloudWatch alarms for memcached yet", p, i))
			continue
		}
		cache := cw.Cache{
			Name: c.Name, Path: fmt.Sprintf("Caches[%d]", len(e.Caches)), ClusterID: c.ClusterID,
			Thresholds: cw.CacheThresholds{
				CPUPercent: c.Alarms.CPUPercent, MemoryPercent: c.Alarms.MemoryPercent,
				EvictionsPer5Minutes: float64(c.Alarms.EvictionsPer5Minutes), Connections: float64(c.Alarms.Connections),
			},
			Overrides: overridesOf(nil, c.AlarmOverrides),
		}
		from.add(cache.Path, fmt.Sprintf("%scaches[%d]", p, i), "cache", c.AlarmOverrides)
		e.Caches = append(e.Caches, cache)
	}
	for i, q := range env.Queues {
		queue := cw.Queue{
			Name: q.Name, Path: fmt.Sprintf("Queues[%d]", i), DeadLetterQueue: q.DeadLetterQueue,
			Thresholds: cw.QueueThresholds{OldestMessageMinutes: float64(q.Alarms.OldestMessageMinutes), Backlog: float64(q.Alarms.Backlog)},
			Overrides:  overridesOf(nil, q.AlarmOverrides),
		}
		from.add(queue.Path, fmt.Sprintf("%squeues[%d]", p, i), "queue", q.AlarmOverrides)
		e.Queues = append(e.Queues, queue)
	}
	for i, h := range env.Hosts {
		if len(h.InstanceIDs) == 0 {
			continue // watched through node_exporter only
		}
		host := cw.HostGroup{
			Name: h.Name, Path: fmt.Sprintf("Hosts[%d]", len(e.Hosts)), InstanceIDs: h.InstanceIDs, MountPaths: h.MountPaths,
			Overrides: overridesOf(nil, h.AlarmOverrides),
		}
		from.add(host.Path, fmt.Sprintf("%shosts[%d]", p, i), "host", h.AlarmOverrides)
		e.Hosts = append(e.Hosts, host)
	}
	names := make([]string, len(env.Certificates))
	for i, c := range env.Certificates {
		names[i] = c.Domain
	}
	names = plainNames("cert", names)
	for i, c := range env.Certificates {
		cert := cw.Certificate{
			Name: names[i], Path: fmt.Sprintf("Certificates[%d]", i), ARN: c.ARN,
			DaysToExpiry: float64(c.Alarms.DaysToExpiry),
			// The critical level may not pass the high one: a dev stack warns at 14 days.
			CriticalDaysToExpiry: math.Min(7, float64(c.Alarms.DaysToExpiry)),
			Overrides:            overridesOf(nil, c.AlarmOverrides),
		}
		if r := certificateRegion(c.ARN); r != "" && r != env.Region {
			cert.Region = r
		}
		from.add(cert.Path, fmt.Sprintf("%scertificates[%d]", p, i), "certificate", c.AlarmOverrides)
		e.Certificates = append(e.Certificates, cert)
	}
	keepKindOverrides(ps, &e, o)
	env.CloudWatchEstate = e
	set, err := cw.Build(e)
	if err != nil {
		if invalid, ok := err.(*validate.Error); ok {
			seen := map[string]bool{} // a kind's override is checked once per item
			for _, pr := range invalid.Problems {
				key := from.configPath(pr.Path)
				if !seen[key+pr.Message] {
					seen[key+pr.Message] = true
					ps.Add(key, pr.Message, pr.Hint)
				}
			}
		} else {
			ps.Add(p+"services", err.Error(), "")
		}
		return
	}
	env.Alarms = set
	if len(set.Alarms)+len(set.Composites) > 0 {
		env.Artifacts[DetectionReportPath] = []byte(cw.DetectionReport(set))
	}
}

func certificateRegion(arn string) string {
	parts := strings.Split(arn, ":")
	if len(parts) < 4 {
		return ""
	}
	return parts[3]
}

// overridesOf merges a kind's alarm overrides with an item's own.
func overridesOf(kind, item map[string]AlarmOverride) cw.Overrides {
	conv := func(m map[string]AlarmOverride) cw.Overrides {
		out := cw.Overrides{}
		for slug, o := range m {
			out[slug] = cw.Override{
				Threshold: o.Threshold, Period: o.Period, EvaluationPeriods: o.EvaluationPeriods,
				DatapointsToAlarm: o.DatapointsToAlarm, Severity: alerts.Severity(o.Severity), Disabled: o.Disabled,
			}
		}
		return out
	}
	return cw.MergeOverrides(conv(kind), conv(item))
}

// cwOrigins carries the alarm builder's problem paths (Services[0].alarms.x) back to
// config keys.
type cwOrigins map[string]cwOrigin

// cwOrigin is the config item an estate item came from: its key, its kind and the
// overrides it sets itself.
type cwOrigin struct {
	key, kind string
	own       map[string]AlarmOverride
}

func (o cwOrigins) add(path, key, kind string, own map[string]AlarmOverride) {
	o[path] = cwOrigin{key, kind, own}
}

// cwFields maps the builder's field paths under an item to the config keys.
var cwFields = map[string]string{
	"Name": "name", "ECS.Cluster": "ecs.cluster", "ECS.Service": "ecs.service",
	"LoadBalancer": "loadBalancer", "TargetGroup": "targetGroup", "HealthCheckURL": "healthCheckUrl",
	"InstanceID": "instanceId", "MaxConnections": "maxConnections", "ClusterID": "clusterId",
	"DeadLetterQueue": "deadLetterQueue", "InstanceIDs": "instanceIds", "MountPaths": "mountPaths",
	"ARN": "arn", "DaysToExpiry": "alarms.daysToExpiry",
	"Thresholds.CPUPercent": "alarms.cpuPercent", "Thresholds.MemoryPercent": "alarms.memoryPercent",
	"Thresholds.DownMinutes": "alarms.downMinutes", "Thresholds.ErrorRatePercent": "alarms.errorRatePercent",
	"Thresholds.LatencyP95": "alarms.latencyP95Ms", "Thresholds.LatencyP99": "alarms.latencyP99Ms",
	"Thresholds.FreeStorageGiB": "alarms.freeStorageGiB", "Thresholds.ConnectionsPercent": "alarms.connectionsPercent",
}

func (o cwOrigins) configPath(path string) string {
	const p = Namespace + ":"
	m := itemPathRe.FindStringSubmatch(path)
	if m == nil {
		return p + "alarmOverrides (" + path + ")"
	}
	item, ok := o[m[1]+"["+m[2]+"]"]
	if !ok {
		return p + "alarmOverrides (" + path + ")"
	}
	rest := m[3]
	if slug, ok := strings.CutPrefix(rest, "alarms."); ok {
		// An override: the item's own, or its kind's.
		name, field, _ := strings.Cut(slug, ".")
		key := item.key + ".alarmOverrides." + name
		if _, own := item.own[name]; !own {
			key = p + "alarmOverrides." + item.kind + "." + name
		}
		switch strings.ToLower(field) {
		case "threshold", "period", "evaluationperiods", "datapointstoalarm", "severity":
			key += "." + strings.ToLower(field[:1]) + field[1:]
		case "name":
			return p + "namePrefix" // alarm names are the prefix, the item and the slug
		}
		return key
	}
	if f, ok := longestField(cwFields, rest); ok {
		return item.key + "." + cwFields[f] + strings.TrimPrefix(rest, f)
	}
	if rest == "" {
		return item.key
	}
	// An alarm's own limits (period, datapoints) after an override: the item's key.
	return item.key + ".alarmOverrides"
}

// keepKindOverrides narrows each item's overrides to the alarms it has: an override of
// vigil:alarmOverrides.service.lb-latency-p99 applies to the services behind a load
// balancer and leaves the others alone. A kind's override that names no alarm any item
// of that kind can have is reported at its key.
func keepKindOverrides(ps *validate.Problems, e *cw.Estate, kinds AlarmOverridesByKind) {
	byKind := map[string]map[string]AlarmOverride{
		"service": kinds.Service, "database": kinds.Database, "cache": kinds.Cache,
		"queue": kinds.Queue, "host": kinds.Host, "certificate": kinds.Certificate,
	}
	// Which alarms each item has: the estate built without any override.
	bare := *e
	bare.Services, bare.Databases, bare.Caches = slices.Clone(e.Services), slices.Clone(e.Databases), slices.Clone(e.Caches)
	bare.Queues, bare.Hosts, bare.Certificates = slices.Clone(e.Queues), slices.Clone(e.Hosts), slices.Clone(e.Certificates)
	eachItem(&bare, func(_, _ string, ov *cw.Overrides) { *ov = nil })
	has := map[string]map[string]bool{} // item path -> slugs
	if set, err := cw.Build(bare); err == nil {
		for _, a := range set.Alarms {
			if has[a.Path] == nil {
				has[a.Path] = map[string]bool{}
			}
			has[a.Path][a.Slug] = true
		}
	}
	// The kind's overrides of the alarms an item has, under the item's own.
	eachItem(e, func(kind, path string, ov *cw.Overrides) {
		mine := map[string]AlarmOverride{}
		for slug, v := range byKind[kind] {
			if has[path][slug] {
				mine[slug] = v
			}
		}
		*ov = cw.MergeOverrides(overridesOf(nil, mine), *ov)
	})
	for kind, ov := range byKind {
		known := kindSlugs()[kind]
		for slug := range ov {
			if !slices.Contains(known, slug) {
				ps.Add(Namespace+":alarmOverrides."+kind+"."+slug, "is not an alarm of a "+kind, validate.UnknownHint(slug, known))
			}
		}
	}
}

// eachItem calls f with the kind, the path and the overrides of every item of e.
func eachItem(e *cw.Estate, f func(kind, path string, ov *cw.Overrides)) {
	for i := range e.Services {
		f("service", e.Services[i].Path, &e.Services[i].Overrides)
	}
	for i := range e.Databases {
		f("database", e.Databases[i].Path, &e.Databases[i].Overrides)
	}
	for i := range e.Caches {
		f("cache", e.Caches[i].Path, &e.Caches[i].Overrides)
	}
	for i := range e.Queues {
		f("queue", e.Queues[i].Path, &e.Queues[i].Overrides)
	}
	for i := range e.Hosts {
		f("host", e.Hosts[i].Path, &e.Hosts[i].Overrides)
	}
	for i := range e.Certificates {
		f("certificate", e.Certificates[i].Path, &e.Certificates[i].Overrides)
	}
}

// kindSlugs lists, per kind, every metric alarm an item of that kind can have: the
// alarms of one item with every optional part set.
var kindSlugs = sync.OnceValue(func() map[string][]string {
	e := cw.Estate{
		Options: cw.Options{NamePrefix: "vigil", RunbookBaseURL: DefaultRunbookBaseURL, Region: "eu-west-1"},
		Services: []cw.Service{{Name: "s", Path: "service", ECS: &cw.ECSService{Cluster: "c", Service: "s"},
			LoadBalancer: "app/a/0123456789abcdef", TargetGroup: "targetgroup/t/0123456789abcdef", HealthCheckURL: "https://s.example.com/health"}},
		Databases:    []cw.Database{{Name: "d", Path: "database", InstanceID: "d", MaxConnections: 100, Replica: true, MemoryGiB: 1}},
		Caches:       []cw.Cache{{Name: "c", Path: "cache", ClusterID: "c-001"}},
		Queues:       []cw.Queue{{Name: "q", Path: "queue", DeadLetterQueue: "q-dlq"}},
		Hosts:        []cw.HostGroup{{Name: "h", Path: "host", InstanceIDs: []string{"i-0123456789abcdef0"}}},
		Certificates: []cw.Certificate{{Name: "c", Path: "certificate", ARN: "arn:aws:acm:eu-west-1:123456789012:certificate/9f8e7d6c-5b4a-4c3d-9e2f-1a0b9c8d7e6f"}},
	}
	set, err := cw.Build(e)
	if err != nil {
		panic("stacks: the reference estate of the alarm slugs does not build: " + err.Error())
	}
	out := map[string][]string{}
	for _, a := range set.Alarms {
		out[a.Path] = append(out[a.Path], a.Slug)
	}
	// Composites have no overrides: they follow their children.
	return out
})
