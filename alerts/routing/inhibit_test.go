package routing

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/alertmanager/eventrecorder"
	"github.com/prometheus/alertmanager/inhibit"
	"github.com/prometheus/alertmanager/provider/mem"
	"github.com/prometheus/alertmanager/types"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/common/model"
	"github.com/prometheus/common/promslog"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// inhibitor runs Alertmanager's own inhibitor (v0.34) with the inhibit rules of the
// file Build generates for cfg, read back by Alertmanager's config.Load, while every
// alert of firing fires. It returns whether the inhibitor mutes an alert.
func inhibitor(t *testing.T, cfg Config, firing ...model.LabelSet) func(model.LabelSet) bool {
	t.Helper()
	loaded := load(t, build(t, cfg))
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	logger := promslog.NewNopLogger()
	provider, err := mem.NewAlerts(ctx, time.Hour, 0, nil, logger, eventrecorder.NopRecorder(), prometheus.NewRegistry(), nil)
	require.NoError(t, err)
	t.Cleanup(provider.Close)
	now := time.Now()
	for _, ls := range firing {
		require.NoError(t, provider.Put(ctx, &types.Alert{
			Alert:     model.Alert{Labels: ls, StartsAt: now.Add(-time.Minute), EndsAt: now.Add(time.Hour)},
			UpdatedAt: now,
		}))
	}
	ih := inhibit.NewInhibitor(provider, loaded.InhibitRules, logger, eventrecorder.NopRecorder())
	go ih.Run()
	t.Cleanup(ih.Stop)
	ih.WaitForLoading()
	return func(target model.LabelSet) bool { return ih.Mutes(ctx, target) }
}

// alertOf builds the labels of an alert: name, severity, then label/value pairs; the
// environment is prod unless a pair sets it ("environment", "" leaves it out).
func alertOf(name, severity string, pairs ...string) model.LabelSet {
	ls := model.LabelSet{"alertname": model.LabelValue(name), "severity": model.LabelValue(severity), "environment": "prod"}
	for i := 0; i+1 < len(pairs); i += 2 {
		ls[model.LabelName(pairs[i])] = model.LabelValue(pairs[i+1])
	}
	for k, v := range ls {
		if v == "" {
			delete(ls, k)
		}
	}
	return ls
}

// The alerts of the catalog's groups, with the labels they fire with (the catalog's
// identifying labels plus the series' instance), and SLO alerts as alerts/slo writes
// them.
var (
	serviceDownAPI     = alertOf("ServiceDown", "critical", "service", "api")
	highErrorsAPI      = alertOf("HighErrorRate", "high", "service", "api")
	highLatencyAPI     = alertOf("HighLatencyP99", "high", "service", "api")
	processMemoryAPI   = alertOf("HighProcessMemory", "medium", "service", "api", "instance", "10.0.0.1:8080")
	highErrorsWorker   = alertOf("HighErrorRate", "high", "service", "worker")
	cacheMemoryAPI     = alertOf("HighCacheMemory", "medium", "service", "api", "cache", "sessions", "instance", "redis-1:9121")
	hostOOM            = alertOf("HostOutOfMemory", "critical", "host_group", "nodes", "instance", "host-1:9100")
	hostDiskSameHost   = alertOf("HighHostDiskUsage", "high", "host_group", "nodes", "instance", "host-1:9100", "mountpoint", "/")
	hostCPUSameHost    = alertOf("HighHostCPU", "medium", "host_group", "nodes", "instance", "host-1:9100")
	hostDiskOtherHost  = alertOf("HighHostDiskUsage", "high", "host_group", "nodes", "instance", "host-2:9100", "mountpoint", "/")
	hostDownWholeGroup = alertOf("HostDown", "high", "host_group", "nodes")
	certProbeFailing   = alertOf("CertificateProbeFailing", "high", "certificate", "api.example.com", "instance", "https://api.example.com")
	certExpiring       = alertOf("CertificateExpiringSoon", "medium", "certificate", "api.example.com", "instance", "https://api.example.com")
	certOtherExpiring  = alertOf("CertificateExpiringSoon", "medium", "certificate", "*.example.com", "instance", "https://www.example.com")
	certCritical       = alertOf("CertificateExpired", "critical", "certificate", "api.example.com")
	dbCritical         = alertOf("DatabaseDown", "critical", "service", "orders", "database", "orders-db", "instance", "db-1:9187")
	dbLagSameDB        = alertOf("HighReplicationLag", "high", "service", "orders", "database", "orders-db", "instance", "db-2:9187")
	dbLagOtherDB       = alertOf("HighReplicationLag", "high", "service", "users", "database", "users-db", "instance", "db-9:9187")
	cacheCritical      = alertOf("CacheDown", "critical", "service", "web", "cache", "sessions", "instance", "redis-1:9121")
	cacheOtherMemory   = alertOf("HighCacheMemory", "medium", "service", "web", "cache", "pages", "instance", "redis-7:9121")
	queueCritical      = alertOf("QueueNotMeasured", "critical", "service", "mailer", "queue", "emails")
	queueSameBacklog   = alertOf("HighQueueBacklog", "high", "service", "mailer", "queue", "emails")
	queueOtherBacklog  = alertOf("HighQueueBacklog", "high", "service", "billing", "queue", "invoices")
	watchdog           = alertOf("Watchdog", "low", "watchdog", "true")
	watchdogOfAPI      = alertOf("Watchdog", "low", "watchdog", "true", "service", "api", "instance", "host-1:9100")
	sloPageFast        = sloAlert("api-availability", "page", "critical", "page-fast")
	sloPageSlow        = sloAlert("api-availability", "page", "high", "page-slow")
	sloTicket          = sloAlert("api-availability", "ticket", "medium", "ticket-fast")
	sloOtherTicket     = sloAlert("api-latency", "ticket", "medium", "ticket-fast")
)

func sloAlert(id, kind, severity, tier string) model.LabelSet {
	return alertOf("SLOErrorBudgetBurn", severity, "service", "api", "sloth_id", id, "sloth_severity", kind, "sloth_tier", tier)
}

// inEnv returns a copy of ls in another environment ("" for none).
func inEnv(ls model.LabelSet, env string) model.LabelSet {
	out := ls.Clone()
	out["environment"] = model.LabelValue(env)
	if env == "" {
		delete(out, "environment")
	}
	return out
}

func TestInhibitionMutesOnlyAlertsAboutTheSameThing(t *testing.T) {
	tests := map[string]struct {
		firing []model.LabelSet
		target model.LabelSet
		muted  bool
	}{
		"A host's critical alert does not mute a certificate's high alert, though neither has a service label.": {
			[]model.LabelSet{hostOOM}, certProbeFailing, false,
		},
		"A certificate's critical alert does not mute a host's high alert, though neither has a service label.": {
			[]model.LabelSet{certCritical}, hostDiskSameHost, false,
		},
		"A host's critical alert mutes the lesser alerts of the same host.": {
			[]model.LabelSet{hostOOM}, hostDiskSameHost, true,
		},
		"A host's critical alert mutes a medium alert of the same host.": {
			[]model.LabelSet{hostOOM}, hostCPUSameHost, true,
		},
		"A host's critical alert does not mute another host of its host group.": {
			[]model.LabelSet{hostOOM}, hostDiskOtherHost, false,
		},
		"A host's critical alert does not mute the alert about its whole host group.": {
			[]model.LabelSet{hostOOM}, hostDownWholeGroup, false,
		},
		"A service's critical alert mutes that service's high alert.": {
			[]model.LabelSet{serviceDownAPI}, highErrorsAPI, true,
		},
		"A service's critical alert mutes the medium alert of one of its instances.": {
			[]model.LabelSet{serviceDownAPI}, processMemoryAPI, true,
		},
		"A service's critical alert mutes the alert of a cache that belongs to it.": {
			[]model.LabelSet{serviceDownAPI}, cacheMemoryAPI, true,
		},
		"A service's critical alert does not mute another service's high alert.": {
			[]model.LabelSet{serviceDownAPI}, highErrorsWorker, false,
		},
		"A service's critical alert does not mute another critical alert of the service.": {
			[]model.LabelSet{serviceDownAPI}, alertOf("DataLoss", "critical", "service", "api"), false,
		},
		"A high alert mutes nothing, not even a low alert of its own service.": {
			[]model.LabelSet{highErrorsAPI}, alertOf("Restarts", "low", "service", "api"), false,
		},
		"A database's critical alert mutes that database's high alert.": {
			[]model.LabelSet{dbCritical}, dbLagSameDB, true,
		},
		"A database's critical alert does not mute another database's high alert.": {
			[]model.LabelSet{dbCritical}, dbLagOtherDB, false,
		},
		"A cache's critical alert does not mute another cache of the same service only by its cache label.": {
			[]model.LabelSet{cacheCritical}, alertOf("HighCacheMemory", "medium", "cache", "pages", "instance", "redis-7:9121"), false,
		},
		"A cache's critical alert mutes the alerts of its service, another cache included.": {
			[]model.LabelSet{cacheCritical}, cacheOtherMemory, true,
		},
		"A queue's critical alert mutes that queue's high alert.": {
			[]model.LabelSet{queueCritical}, queueSameBacklog, true,
		},
		"A queue's critical alert does not mute another queue's high alert.": {
			[]model.LabelSet{queueCritical}, queueOtherBacklog, false,
		},
		"A certificate's critical alert mutes that certificate's medium alert.": {
			[]model.LabelSet{certCritical}, certExpiring, true,
		},
		"A certificate's critical alert does not mute another certificate's medium alert.": {
			[]model.LabelSet{certCritical}, certOtherExpiring, false,
		},
		"A critical alert without any identifying label mutes nothing, even an alert without one either.": {
			[]model.LabelSet{alertOf("ClusterDown", "critical")}, alertOf("Odd", "high"), false,
		},
		"The Watchdog is never muted, whatever fires.": {
			[]model.LabelSet{serviceDownAPI, hostOOM, certCritical, dbCritical, cacheCritical, queueCritical, alertOf("ClusterDown", "critical"), sloPageFast},
			watchdog, false,
		},
		"The Watchdog is never muted, even when it carries a service and an instance.": {
			[]model.LabelSet{serviceDownAPI, hostOOM, alertOf("Everything", "critical", "service", "api", "instance", "host-1:9100", "watchdog", "true")},
			watchdogOfAPI, false,
		},
		"A critical alert of another environment does not mute this one's.": {
			[]model.LabelSet{inEnv(serviceDownAPI, "dev")}, highErrorsAPI, false,
		},
		"A critical alert of this environment does not mute another environment's.": {
			[]model.LabelSet{serviceDownAPI}, inEnv(highErrorsAPI, "dev"), false,
		},
		"Two alerts of another environment, sent to this Alertmanager by mistake, do not mute each other.": {
			[]model.LabelSet{inEnv(serviceDownAPI, "dev")}, inEnv(highErrorsAPI, "dev"), false,
		},
		"Two alerts without an environment label do not mute each other.": {
			[]model.LabelSet{inEnv(serviceDownAPI, "")}, inEnv(highErrorsAPI, ""), false,
		},
		"An SLO page mutes the ticket of the same SLO.": {
			[]model.LabelSet{sloPageSlow}, sloTicket, true,
		},
		"A critical SLO page mutes the ticket of the same SLO.": {
			[]model.LabelSet{sloPageFast}, sloTicket, true,
		},
		"An SLO page does not mute the ticket of another SLO of the service.": {
			[]model.LabelSet{sloPageFast, sloPageSlow}, sloOtherTicket, false,
		},
		"A critical SLO page mutes the slower page of the same SLO.": {
			[]model.LabelSet{sloPageFast}, sloPageSlow, true,
		},
		"A critical SLO page does not mute the slower page of another SLO.": {
			[]model.LabelSet{sloAlert("api-latency", "page", "critical", "page-fast")}, sloPageSlow, false,
		},
		"A high SLO page does not mute another high alert of its SLO that is no ticket.": {
			[]model.LabelSet{sloPageSlow}, sloAlert("api-availability", "page", "high", "page-other"), false,
		},
		"A critical SLO page does not mute the other alerts of its service.": {
			[]model.LabelSet{sloPageFast}, highLatencyAPI, false,
		},
		"An SLO page of another environment does not mute this one's ticket.": {
			[]model.LabelSet{inEnv(sloPageSlow, "dev")}, sloTicket, false,
		},
		"A service's critical alert mutes the SLO ticket of the service.": {
			[]model.LabelSet{serviceDownAPI}, sloTicket, true,
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			assert.Equal(t, tc.muted, inhibitor(t, prodConfig(), tc.firing...)(tc.target))
		})
	}
}

// The rule of the whole matrix, stated independently of the generated rules: an alert
// mutes another of the environment when it is critical and the other is high, medium
// or low and not the Watchdog, the source is no SLO alert, and both carry the same
// value of an identity label. An SLO alert mutes only alerts of its own SLO: its
// tickets when it is a page, its lesser alerts when it is critical.
func shouldMute(source, target model.LabelSet, env string) bool {
	if source["environment"] != model.LabelValue(env) || target["environment"] != model.LabelValue(env) {
		return false
	}
	if id := source["sloth_id"]; id != "" {
		if id != target["sloth_id"] {
			return false
		}
		pageMutesTicket := source["sloth_severity"] == "page" && target["sloth_severity"] == "ticket"
		criticalMutesLesser := source["severity"] == "critical" && slices.Contains([]model.LabelValue{"high", "medium", "low"}, target["severity"])
		return pageMutesTicket || criticalMutesLesser
	}
	if source["severity"] != "critical" || source["sloth_id"] != "" || target["alertname"] == "Watchdog" ||
		!slices.Contains([]model.LabelValue{"high", "medium", "low"}, target["severity"]) {
		return false
	}
	for _, l := range IdentityLabels() {
		if v := source[model.LabelName(l)]; v != "" && v == target[model.LabelName(l)] {
			return true
		}
	}
	return false
}

func TestEveryPairOfAlertsIsMutedExactlyWhenTheyAreAboutTheSameThing(t *testing.T) {
	all := []model.LabelSet{
		serviceDownAPI, highErrorsAPI, highLatencyAPI, processMemoryAPI, highErrorsWorker, cacheMemoryAPI,
		hostOOM, hostDiskSameHost, hostCPUSameHost, hostDiskOtherHost, hostDownWholeGroup,
		certProbeFailing, certExpiring, certOtherExpiring, certCritical,
		dbCritical, dbLagSameDB, dbLagOtherDB, cacheCritical, cacheOtherMemory, queueCritical, queueSameBacklog, queueOtherBacklog,
		watchdog, watchdogOfAPI, sloPageFast, sloPageSlow, sloTicket, sloOtherTicket,
		inEnv(serviceDownAPI, "dev"), inEnv(highErrorsAPI, "dev"), inEnv(hostOOM, ""), inEnv(certExpiring, ""),
	}
	muted := 0
	for _, source := range all {
		mutes := inhibitor(t, prodConfig(), source)
		for _, target := range all {
			if target.Equal(source) {
				continue
			}
			want := shouldMute(source, target, "prod")
			if want {
				muted++
			}
			assert.Equal(t, want, mutes(target), "while %s fires, %s", source, target)
		}
	}
	assert.Greater(t, muted, 10, "the matrix holds enough muted pairs to mean something")
}

func TestDevInhibitsByItsOwnEnvironment(t *testing.T) {
	dev := func(ls model.LabelSet) model.LabelSet { return inEnv(ls, "dev") }
	mutes := inhibitor(t, devConfig(), dev(serviceDownAPI), dev(hostOOM))
	assert.True(t, mutes(dev(highErrorsAPI)), "a dev service's critical mutes its high")
	assert.True(t, mutes(dev(hostDiskSameHost)), "a dev host's critical mutes its high")
	assert.False(t, mutes(dev(certProbeFailing)), "a dev host's critical does not mute a certificate")
	assert.False(t, mutes(highErrorsAPI), "a dev critical does not mute prod")
}

func TestEveryIdentityLabelHasItsRule(t *testing.T) {
	loaded := load(t, build(t, prodConfig()))
	var equal []string
	for _, r := range loaded.InhibitRules {
		equal = append(equal, strings.Join(r.Equal, ","))
	}
	var want []string
	for _, l := range IdentityLabels() {
		want = append(want, "environment,"+l)
	}
	want = append(want, "environment,sloth_id", "environment,sloth_id")
	sort.Strings(equal)
	sort.Strings(want)
	assert.Equal(t, want, equal, "one rule per identity label, and the two SLO rules")
	for _, l := range IdentityLabels() {
		source := alertOf("Down", "critical", l, "x")
		target := alertOf("Degraded", "high", l, "x")
		assert.True(t, inhibitor(t, prodConfig(), source)(target), fmt.Sprintf("a critical alert mutes a high one of the same %s", l))
		target[model.LabelName(l)] = "y"
		assert.False(t, inhibitor(t, prodConfig(), source)(target), fmt.Sprintf("a critical alert does not mute a high one of another %s", l))
	}
}
