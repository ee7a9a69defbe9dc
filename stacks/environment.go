// Package stacks is the only package that knows about Pulumi config and environments.
// It loads a stack's configuration into a typed Environment, applies the defaults of
// the stack's tier, validates everything at once (each problem with its config path
// and a hint), and composes the components into the stack (Deploy).
package stacks

import (
	"encoding/json"

	"github.com/vigilops/vigil/alerts"
	cw "github.com/vigilops/vigil/alerts/cloudwatch"
	"github.com/vigilops/vigil/alerts/logs"
	"github.com/vigilops/vigil/alerts/slo"
)

// Environment is everything a stack deploys, resolved: tier defaults applied, every
// value validated. Build one with Load (inside a Pulumi program) or FromValues.
type Environment struct {
	// Project and Stack are the Pulumi project and stack names.
	Project string
	Stack   string
	// Tier is dev or prod.
	Tier Tier
	// AccountID and Region are where the stack deploys.
	AccountID string
	Region    string
	// NamePrefix starts every physical name ("vigil-prod").
	NamePrefix string
	// Tags go on every resource: vigil's own, then the stack's vigil:tags.
	Tags map[string]string
	// LogRetentionDays of vigil's own log groups.
	LogRetentionDays int
	// TaskSize of vigil's own Fargate tasks.
	TaskSize TaskSize
	// KeyDeletionWindowDays of vigil's KMS keys.
	KeyDeletionWindowDays int
	// Paging lists the severities allowed to page (none in dev).
	Paging []alerts.Severity
	// Notifications are the endpoints of each severity; every severity has an entry.
	Notifications map[alerts.Severity]Endpoints
	// PublisherRoles may publish to the severity topics.
	PublisherRoles []string

	// The monitored estate, with the thresholds in force on each item.
	Services     []Service
	Databases    []Database
	Caches       []Cache
	Queues       []Queue
	Certificates []Certificate

	// SLOs are the service level objectives read from vigil:sloFiles.
	SLOs []slo.SLO
	// Hosts are the machine groups watched through node_exporter.
	Hosts []Host
	// RunbookBaseURL is where the alerts' runbooks live.
	RunbookBaseURL string
	// Alertmanager configures the routing beyond the severity topics.
	Alertmanager AlertmanagerConfig

	// AlarmOverrides change CloudWatch alarms of every item of a kind.
	AlarmOverrides AlarmOverridesByKind
	// Alarms are the CloudWatch alarms, composites, health checks and agent
	// configurations of the estate, built and validated.
	Alarms cw.Set
	// CloudWatchEstate is what the CloudWatch alarms were built from; the dashboards
	// draw its items.
	CloudWatchEstate cw.Estate
	// Dashboards are the CloudWatch dashboards and Grafana models, built and checked.
	Dashboards Dashboards
	// Platform is where Prometheus, Alertmanager and Grafana run, and the ecs mode's
	// file sets.
	Platform Platform
	// Notifier is the stack's vigil:notifier; no channels means no notifier.
	Notifier NotifierConfig
	// DashboardsConfig is the stack's vigil:dashboards.
	DashboardsConfig DashboardsConfig
	// projectDir is the project folder, which files named in the config are in.
	projectDir string
	// CloudTrail is the trail the CIS filters watch; nil for none.
	CloudTrail *logs.CloudTrail
	// Logs are the log metric filters, their alarms, the saved queries and the trail.
	Logs logs.Set

	// Artifacts are the files the stack generates for Prometheus and Alertmanager,
	// by path (prometheus/rules/catalog.rules.yaml, ...). They are validated by
	// Prometheus's and Alertmanager's own parsers when built.
	Artifacts map[string][]byte

	// Warnings are things that are allowed but probably not meant, such as a prod
	// stack whose critical alerts page nobody.
	Warnings []string
}

// Pages reports whether endpoints of severity s may page a human in this environment.
func (e *Environment) Pages(s alerts.Severity) bool {
	for _, p := range e.Paging {
		if p == s {
			return true
		}
	}
	return false
}

// SecretPlaceholder is what Pulumi's blinding decrypter, and so `vigil plan`, puts in
// place of a value that is stored encrypted (`secure:`) in a stack file.
const SecretPlaceholder = "[secret]"

// Secret is a config value that must stay secret. It prints as [secret], so logging or
// marshalling an Environment never leaks it; Reveal gives the value to the one place
// that hands it to Pulumi as a secret.
type Secret string

// Reveal returns the secret value.
func (s Secret) Reveal() string { return string(s) }

// String hides the value.
func (s Secret) String() string {
	if s == "" {
		return ""
	}
	return SecretPlaceholder
}

// GoString hides the value from %#v too.
func (s Secret) GoString() string { return `stacks.Secret("` + s.String() + `")` }

// MarshalJSON hides the value.
func (s Secret) MarshalJSON() ([]byte, error) { return json.Marshal(s.String()) }

// Placeholder reports whether the value is the plan's stand-in for an encrypted value.
func (s Secret) Placeholder() bool { return string(s) == SecretPlaceholder }
