package format

import (
	"net/url"
	"regexp"
	"strings"

	"github.com/vigilops/vigil/notifier/message"
)

var regionRe = regexp.MustCompile(`^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-[0-9]$`)

// consoleHost is the AWS console's host for a region's partition.
func consoleHost(region string) string {
	switch {
	case strings.HasPrefix(region, "cn-"):
		return "console.amazonaws.cn"
	case strings.HasPrefix(region, "us-gov-"):
		return "console.amazonaws-us-gov.com"
	}
	return region + ".console.aws.amazon.com"
}

// consoleAlarmURL opens the alarm in the CloudWatch console, or "" when the ARN
// names no region.
func consoleAlarmURL(a *message.Alarm) string {
	if a == nil || !regionRe.MatchString(a.Region) {
		return ""
	}
	return "https://" + consoleHost(a.Region) + "/cloudwatch/home?region=" + a.Region +
		"#alarmsV2:alarm/" + url.PathEscape(a.Name)
}

// consoleAlarmsURL opens the console's list of alarms in ALARM.
func consoleAlarmsURL(region string) string {
	if !regionRe.MatchString(region) {
		return ""
	}
	return "https://" + consoleHost(region) + "/cloudwatch/home?region=" + region + "#alarmsV2:?~(state~'ALARM)"
}

// prometheusLinks are the Alertmanager and Grafana links of an alert group.
func prometheusLinks(n message.Notification, o Options) []link {
	var out []link
	if base := httpBase(o.AlertmanagerURL); base != "" {
		var matchers []string
		for _, kv := range [][2]string{{"alertname", n.Title}, {"service", n.Service}, {"environment", n.Environment}} {
			if kv[1] != "" && (kv[0] != "alertname" || len(n.Alerts) > 0 && allNamed(n.Alerts, kv[1])) {
				matchers = append(matchers, kv[0]+"="+quote(kv[1]))
			}
		}
		u := base + "/#/alerts"
		if len(matchers) > 0 {
			u += "?filter=" + url.QueryEscape("{"+strings.Join(matchers, ",")+"}")
		}
		out = append(out, link{"Alertmanager", u})
	}
	if base := httpBase(o.GrafanaURL); base != "" {
		u := base + "/alerting/list"
		if len(n.Alerts) > 0 && allNamed(n.Alerts, n.Title) {
			u += "?search=" + url.QueryEscape(n.Title)
		}
		out = append(out, link{"Grafana", u})
	}
	return out
}

func allNamed(alerts []message.Alert, name string) bool {
	for _, a := range alerts {
		if a.Name != name {
			return false
		}
	}
	return true
}

// quote writes a PromQL-style quoted label value.
func quote(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}

// httpBase is u without a trailing slash when it is an http(s) URL, else "".
func httpBase(u string) string {
	p, err := url.Parse(u)
	if err != nil || (p.Scheme != "https" && p.Scheme != "http") || p.Host == "" {
		return ""
	}
	return strings.TrimRight(u, "/")
}
