package cloudwatch

import (
	"fmt"

	"github.com/vigilops/vigil/alerts"
	"github.com/vigilops/vigil/validate"
)

// Estate is everything of a stack that CloudWatch watches. Build turns it into the
// alarm set, in the order of the lists.
type Estate struct {
	Options      Options
	Services     []Service
	Databases    []Database
	Caches       []Cache
	Queues       []Queue
	Hosts        []HostGroup
	Certificates []Certificate
	// Anomalies are anomaly-detection alarms on any metric; Name is set by Build
	// from NamePrefix and the slug when empty.
	Anomalies []AnomalyInput
}

// Build returns the alarm set of the estate: every item's alarms, one composite
// "service health" alarm per service with critical alarms (whose children it makes
// quiet), the health checks and the agent configurations. It returns one error
// listing every problem of the input and of the alarms (Validate) instead.
func Build(e Estate) (Set, error) {
	var ps validate.Problems
	o := e.Options
	o.check(&ps)
	var s Set
	for k, svc := range e.Services {
		if svc.Path == "" {
			svc.Path = fmt.Sprintf("Services[%d]", k)
		}
		alarms, hc := buildService(&ps, o, svc)
		if hc != nil {
			s.HealthChecks = append(s.HealthChecks, *hc)
		}
		c, ok := serviceHealth(o, svc, alarms)
		s.Alarms = append(s.Alarms, alarms...)
		if ok {
			s.Composites = append(s.Composites, c)
		}
	}
	for k, d := range e.Databases {
		d.Path = pathOr(d.Path, "Databases", k)
		s.Alarms = append(s.Alarms, buildDatabase(&ps, o, d)...)
	}
	for k, c := range e.Caches {
		c.Path = pathOr(c.Path, "Caches", k)
		s.Alarms = append(s.Alarms, buildCache(&ps, o, c)...)
	}
	for k, q := range e.Queues {
		q.Path = pathOr(q.Path, "Queues", k)
		s.Alarms = append(s.Alarms, buildQueue(&ps, o, q)...)
	}
	for k, h := range e.Hosts {
		h.Path = pathOr(h.Path, "Hosts", k)
		alarms, cfg := buildHostGroup(&ps, o, h)
		s.Alarms = append(s.Alarms, alarms...)
		s.AgentConfigs = append(s.AgentConfigs, cfg)
	}
	for k, c := range e.Certificates {
		c.Path = pathOr(c.Path, "Certificates", k)
		s.Alarms = append(s.Alarms, buildCertificate(&ps, o, c)...)
	}
	for _, in := range e.Anomalies {
		if in.Name == "" {
			in.Name = o.NamePrefix + "-" + in.Slug
		}
		a := Anomaly(in, o.RunbookBaseURL)
		a.Resource = in.Slug
		a.Tags = mergeTags(o.Tags, map[string]string{"vigil:alarm": a.Slug, "vigil:severity": string(a.Severity)})
		s.Alarms = append(s.Alarms, a)
	}
	if err := ps.Err("CloudWatch estate"); err != nil {
		return Set{}, err
	}
	return s, Validate(s)
}

func pathOr(p, list string, k int) string {
	if p != "" {
		return p
	}
	return fmt.Sprintf("%s[%d]", list, k)
}

// serviceHealth builds the service's composite alarm over its critical alarms of the
// stack's region, and marks those quiet in alarms so that an outage notifies once.
// Alarms of another region (the Route 53 uptime alarm in us-east-1, unless the stack
// is there) cannot be children: a composite names alarms of its own region only, so
// they notify alone.
func serviceHealth(o Options, svc Service, alarms []Alarm) (CompositeAlarm, bool) {
	var children []string
	for k := range alarms {
		if alarms[k].Severity == alerts.Critical && (alarms[k].Region == "" || alarms[k].Region == o.Region) {
			alarms[k].Quiet = true
			children = append(children, alarms[k].Name)
		}
	}
	if len(children) == 0 {
		return CompositeAlarm{}, false
	}
	c := CompositeAlarm{
		Slug: "service-health", Name: AlarmName(o.NamePrefix, svc.Name, "service-health"), Resource: svc.Name, Path: svc.Path,
		Severity: alerts.Critical, Children: children, Rule: Rule(children),
		Summary:    fmt.Sprintf("Service %s is down or about to be.", svc.Name),
		RunbookURL: RunbookURL(o.RunbookBaseURL, "service-health"),
		Tags:       mergeTags(o.Tags, map[string]string{"vigil:alarm": "service-health", "vigil:resource": svc.Name, "vigil:severity": string(alerts.Critical)}),
	}
	c.Description = fmt.Sprintf("%s Fires when any of its %d critical alarms fires; each is listed in the alarm rule. Runbook: %s", c.Summary, len(children), c.RunbookURL)
	return c, true
}
