package stacks

import (
	"crypto/sha256"
	"encoding/hex"
	"regexp"
	"strings"
)

// The generators (alerts/catalog, alerts/routing) report problems at the paths of
// their own Go Args (Services[0].Metrics.ErrorStatus). A user never wrote those: this
// file carries each problem back to the config key it came from
// (vigil:services[0].metrics.errorStatus), so that every problem a user can cause is
// reported in the same form as the rest.

// origins maps a generator's item paths ("Databases[0]") to the config paths of the
// items they were built from ("vigil:databases[2]"): some items (a memcached cache, a
// MySQL database) have no Prometheus alerts, so the indices differ.
type origins map[string]string

// generatedFields maps, per kind of item, a Go field path of the generator's Args to
// the config key under the item that sets it. A field not listed is reported at the
// item itself.
var generatedFields = map[string]map[string]string{
	"Services": {
		"Name": "name", "Selector": "metrics.selector",
		"Metrics.Up": "metrics.up", "Metrics.Requests": "metrics.requests",
		"Metrics.StatusLabel": "metrics.statusLabel", "Metrics.ErrorStatus": "metrics.errorStatus",
		"Metrics.DurationBucket": "metrics.durationBucket",
		"DownFor":                "alarms.downMinutes", "ErrorRatePercent": "alarms.errorRatePercent",
		"LatencyP95": "alarms.latencyP95Ms", "LatencyP99": "alarms.latencyP99Ms",
		"MinRequests": "alarms.minRequests",
		"Runtime":     "runtime",
	},
	"Databases": {
		"Name": "name", "Selector": "selector",
		"ConnectionsPercent": "alarms.connectionsPercent", "ReplicationLag": "alarms.replicaLagSeconds",
		"LongQuery": "alarms.longQuerySeconds",
	},
	"Caches": {
		"Name": "name", "Selector": "selector",
		"MemoryPercent": "alarms.memoryPercent", "Connections": "alarms.connections",
		"EvictionsPerSecond": "alarms.evictionsPer5Minutes", "CommandLatencyP99": "alarms.commandLatencyMs",
	},
	"Queues": {
		"Name": "name", "Selector": "selector",
		"Backlog": "alarms.backlog", "FailureRatePercent": "alarms.failureRatePercent",
		"MinProcessed": "alarms.minProcessed",
	},
	"Certificates": {
		"Name": "domain", "Domain": "domain", "Selector": "domain", "ExpiresWithin": "alarms.daysToExpiry",
		"ProbeTargets": "probeTargets",
	},
	"Hosts": {"Name": "name", "Selector": "selector"},
}

// generatedTopLevel maps the generators' paths outside the estate to config keys.
var generatedTopLevel = map[string]string{
	"Options.RunbookBaseURL":             Namespace + ":runbookBaseUrl",
	"Watchdog.Heartbeat.URL":             Namespace + ":alertmanager.heartbeatUrl",
	"Watchdog.Heartbeat.CredentialsFile": Namespace + ":alertmanager.heartbeatCredentialsFile",
	"Watchdog.Heartbeat.AuthScheme":      Namespace + ":alertmanager.heartbeatUrl",
	"Environment":                        "stack name",
}

var itemPathRe = regexp.MustCompile(`^([A-Za-z]+)\[(\d+)\](?:\.(.+))?$`)

// configPath returns the config key behind a generator's problem path, and whether
// there is one. Without one the problem is vigil's own (a generator refusing what
// stacks/ produced) and is reported under the generated file's name.
func (o origins) configPath(path string) (string, bool) {
	if key, ok := generatedTopLevel[path]; ok {
		return key, true
	}
	for prefix, key := range generatedTopLevel {
		if strings.HasPrefix(path, prefix+".") || strings.HasPrefix(path, prefix+"[") {
			return key, true
		}
	}
	m := itemPathRe.FindStringSubmatch(path)
	if m == nil {
		return "", false
	}
	base, ok := o[m[1]+"["+m[2]+"]"]
	if !ok {
		return "", false
	}
	if m[3] == "" {
		return base, true
	}
	if f, ok := longestField(generatedFields[m[1]], m[3]); ok {
		return base + "." + generatedFields[m[1]][f], true
	}
	return base, true
}

// plainNames turns names as written (queue names, domains) into the plain, unique
// names the catalog wants (lower-case letters, digits and hyphens, starting with a
// letter, at most 63): orders.fifo -> orders-fifo, *.example.com ->
// wildcard-example-com. Two names that would come out alike (orders_events and
// orders-events), or one too long, get a short hash of what was written, so that
// distinct items never collide and the result depends on the input only.
func plainNames(kind string, written []string) []string {
	const max = 63
	out := make([]string, len(written))
	taken := map[string]bool{}
	for i, w := range written {
		n := strings.ReplaceAll(w, "*", "wildcard")
		n = labelName(n)
		if n == "" || n[0] < 'a' || n[0] > 'z' {
			n = strings.Trim(kind+"-"+n, "-")
		}
		if len(n) > max || taken[n] {
			sum := sha256.Sum256([]byte(w))
			n = strings.TrimRight(truncate(n, max-7), "-") + "-" + hex.EncodeToString(sum[:3])
		}
		taken[n] = true
		out[i] = n
	}
	return out
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}

// longestField returns the longest Go field path of fields that path is, or starts
// with (Runtime.Kind starts with Runtime), and whether there is one.
func longestField(fields map[string]string, path string) (string, bool) {
	best, found := "", false
	for f := range fields {
		if (path == f || strings.HasPrefix(path, f+".") || strings.HasPrefix(path, f+"[")) && len(f) >= len(best) {
			best, found = f, true
		}
	}
	return best, found
}
