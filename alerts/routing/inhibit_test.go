package routing

import (
	"context"
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

// mutes runs Alertmanager's own inhibitor (v0.34) with the generated inhibit rules,
// while source fires, and reports whether it mutes target.
func mutes(t *testing.T, source, target model.LabelSet) bool {
	t.Helper()
	loaded := load(t, build(t, prodConfig()))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	logger := promslog.NewNopLogger()
	provider, err := mem.NewAlerts(ctx, time.Hour, 0, nil, logger, eventrecorder.NopRecorder(), prometheus.NewRegistry(), nil)
	require.NoError(t, err)
	defer provider.Close()
	now := time.Now()
	require.NoError(t, provider.Put(ctx, &types.Alert{
		Alert:     model.Alert{Labels: source, StartsAt: now.Add(-time.Minute), EndsAt: now.Add(time.Hour)},
		UpdatedAt: now,
	}))
	ih := inhibit.NewInhibitor(provider, loaded.InhibitRules, logger, eventrecorder.NopRecorder())
	go ih.Run()
	defer ih.Stop()
	ih.WaitForLoading()
	return ih.Mutes(ctx, target)
}

func TestInhibitionMutesWhatItShouldAndNothingElse(t *testing.T) {
	prod := func(labels ...string) model.LabelSet {
		ls := model.LabelSet{"environment": "prod"}
		for i := 0; i < len(labels); i += 2 {
			ls[model.LabelName(labels[i])] = model.LabelValue(labels[i+1])
		}
		return ls
	}
	tests := map[string]struct {
		source, target model.LabelSet
		muted          bool
	}{
		"A critical alert mutes a high alert of the same service.": {
			prod("alertname", "ServiceDown", "severity", "critical", "service", "api"),
			prod("alertname", "HighLatency", "severity", "high", "service", "api"), true,
		},
		"A critical alert mutes a medium alert of the same service.": {
			prod("alertname", "ServiceDown", "severity", "critical", "service", "api"),
			prod("alertname", "HighCPU", "severity", "medium", "service", "api"), true,
		},
		"A critical alert mutes a low alert of the same service.": {
			prod("alertname", "ServiceDown", "severity", "critical", "service", "api"),
			prod("alertname", "Restarts", "severity", "low", "service", "api"), true,
		},
		"A critical alert leaves the alerts of another service alone.": {
			prod("alertname", "ServiceDown", "severity", "critical", "service", "api"),
			prod("alertname", "HighLatency", "severity", "high", "service", "worker"), false,
		},
		"A critical alert leaves another critical alert of the service alone.": {
			prod("alertname", "ServiceDown", "severity", "critical", "service", "api"),
			prod("alertname", "DataLoss", "severity", "critical", "service", "api"), false,
		},
		"A critical alert never mutes the Watchdog, whose silence would raise the heartbeat's alarm.": {
			prod("alertname", "NodeDown", "severity", "critical"),
			prod("alertname", "Watchdog", "severity", "low"), false,
		},
		"A critical alert of another environment mutes nothing of this one.": {
			model.LabelSet{"alertname": "ServiceDown", "severity": "critical", "service": "api", "environment": "dev"},
			prod("alertname", "HighLatency", "severity", "high", "service", "api"), false,
		},
		"An SLO page mutes the ticket of the same SLO.": {
			prod("alertname", "SLOBurn", "sloth_severity", "page", "sloth_id", "api-availability", "severity", "high", "service", "api"),
			prod("alertname", "SLOBurn", "sloth_severity", "ticket", "sloth_id", "api-availability", "severity", "medium", "service", "api"), true,
		},
		"An SLO page leaves the ticket of another SLO alone.": {
			prod("alertname", "SLOBurn", "sloth_severity", "page", "sloth_id", "api-availability", "severity", "high", "service", "api"),
			prod("alertname", "SLOBurn", "sloth_severity", "ticket", "sloth_id", "api-latency", "severity", "medium", "service", "api"), false,
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			assert.Equal(t, tc.muted, mutes(t, tc.source, tc.target))
		})
	}
}
