package stacks

import (
	"fmt"

	"github.com/vigilops/vigil/alerts"
	"github.com/vigilops/vigil/alerts/logs"
	"github.com/vigilops/vigil/validate"
)

// buildLogs turns the services' log groups and the trail into metric filters, their
// alarms and saved queries (alerts/logs), problems at their config keys.
func buildLogs(ps *validate.Problems, env *Environment) {
	subscribed := map[alerts.Severity]bool{}
	for sev, ep := range env.Notifications {
		subscribed[sev] = len(ep.Emails)+len(ep.SMS)+len(ep.Webhooks) > 0 || ep.PagerDuty != ""
	}
	ct := env.CloudTrail // nil when unset or an empty mapping: it asks for nothing
	lc := logs.Config{
		CloudTrailPath: Namespace + ":cloudTrail", CloudTrail: ct,
		Options: logs.Options{
			NamePrefix: env.NamePrefix, RunbookBaseURL: env.RunbookBaseURL, AccountID: env.AccountID,
			Tags: env.Tags, Subscribed: subscribed,
		},
	}
	for i, s := range env.Services {
		if s.LogGroup == "" {
			path := fmt.Sprintf("%s:services[%d]", Namespace, i)
			for key, set := range map[string]bool{
				"logFormat":  s.LogFormat.Type != "" || s.LogFormat.StatusKey != "" || len(s.LogFormat.ErrorLevels) > 0 || s.LogFormat.Fields != (logs.JSONFields{}),
				"logFilters": len(s.LogFilters) > 0, "logAlarms": len(s.LogAlarms) > 0,
			} {
				if set {
					ps.Add(path+"."+key, "needs logGroup", "name the CloudWatch Logs group the service writes to")
				}
			}
			continue
		}
		lc.Services = append(lc.Services, logs.Service{
			Name: s.Name, Path: fmt.Sprintf("%s:services[%d]", Namespace, i), LogGroup: s.LogGroup,
			Format: s.LogFormat, Filters: s.LogFilters, Alarms: s.LogAlarms,
		})
	}
	if len(lc.Services) == 0 && lc.CloudTrail == nil {
		return
	}
	set, err := logs.Build(lc)
	if err != nil {
		if invalid, ok := err.(*validate.Error); ok {
			for _, p := range invalid.Problems {
				ps.Add(p.Path, p.Message, p.Hint)
			}
			return
		}
		ps.Add(Namespace+":services", err.Error(), "")
		return
	}
	env.Logs = set
}
