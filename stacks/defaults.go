package stacks

import "github.com/vigilops/vigil/alerts"

// Tier is the kind of environment a stack is. It decides who gets woken up, how long
// things are kept and how big vigil's own tasks are.
type Tier string

const (
	// Dev never pages: its alerts go to e-mail and chat only.
	Dev Tier = "dev"
	// Prod pages for critical and high.
	Prod Tier = "prod"
)

// Tiers lists the tiers a stack may have.
func Tiers() []string { return []string{string(Dev), string(Prod)} }

// TierDefaults are the values a stack gets from its tier unless its config overrides
// them. This is the one place where tier defaults live.
type TierDefaults struct {
	// Paging are the severities whose endpoints may page a human (PagerDuty, SMS).
	Paging []alerts.Severity
	// LogRetentionDays of vigil's own log groups.
	LogRetentionDays int
	// TaskSize of vigil's own Fargate tasks (Prometheus, Alertmanager, Grafana).
	TaskSize TaskSize
	// KeyDeletionWindowDays of vigil's KMS keys.
	KeyDeletionWindowDays int
	// PrometheusRetentionDays is how long the ecs platform's Prometheus keeps samples.
	PrometheusRetentionDays int

	Service     ServiceAlarms
	Database    DatabaseAlarms
	Cache       CacheAlarms
	Queue       QueueAlarms
	Certificate CertificateAlarms
}

// DefaultsFor returns the defaults of a tier. Prod's thresholds are the ones of
// REQUIREMENTS.md; dev's are looser, because a dev alarm is read, not acted on at once.
func DefaultsFor(t Tier) TierDefaults {
	if t == Prod {
		return TierDefaults{
			Paging:                []alerts.Severity{alerts.Critical, alerts.High},
			LogRetentionDays:      90,
			TaskSize:              TaskSize{CPU: 512, MemoryMiB: 1024},
			KeyDeletionWindowDays: 30,
			// A month of history: the SLO burn-rate windows reach 30 days back.
			PrometheusRetentionDays: 30,
			Service: ServiceAlarms{
				CPUPercent: 80, MemoryPercent: 85, ErrorRatePercent: 5,
				LatencyP95Ms: 1000, LatencyP99Ms: 2000, DownMinutes: 5,
			},
			Database: DatabaseAlarms{
				CPUPercent: 80, ConnectionsPercent: 80, ReplicaLagSeconds: 10,
				IOLatencyMs: 200, FreeStorageGiB: 5, LongQuerySeconds: 300,
			},
			Cache: CacheAlarms{
				CPUPercent: 80, MemoryPercent: 85, Connections: 1000,
				EvictionsPer5Minutes: 100, CommandLatencyMs: 100,
			},
			Queue:       QueueAlarms{Backlog: 1000, OldestMessageMinutes: 15, FailureRatePercent: 10},
			Certificate: CertificateAlarms{DaysToExpiry: 30},
		}
	}
	return TierDefaults{
		Paging:                  nil,
		LogRetentionDays:        14,
		TaskSize:                TaskSize{CPU: 256, MemoryMiB: 512},
		KeyDeletionWindowDays:   7,
		PrometheusRetentionDays: 7,
		Service: ServiceAlarms{
			CPUPercent: 90, MemoryPercent: 90, ErrorRatePercent: 10,
			LatencyP95Ms: 2000, LatencyP99Ms: 4000, DownMinutes: 10,
		},
		Database: DatabaseAlarms{
			CPUPercent: 90, ConnectionsPercent: 90, ReplicaLagSeconds: 60,
			IOLatencyMs: 500, FreeStorageGiB: 2, LongQuerySeconds: 600,
		},
		Cache: CacheAlarms{
			CPUPercent: 90, MemoryPercent: 90, Connections: 1000,
			EvictionsPer5Minutes: 1000, CommandLatencyMs: 200,
		},
		Queue:       QueueAlarms{Backlog: 5000, OldestMessageMinutes: 60, FailureRatePercent: 20},
		Certificate: CertificateAlarms{DaysToExpiry: 14},
	}
}
