package main

import (
	"fmt"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/vigilops/vigil/alerts"
	"github.com/vigilops/vigil/alerts/catalog"
	"github.com/vigilops/vigil/alerts/routing"
	"github.com/vigilops/vigil/components/iampolicy"
	"github.com/vigilops/vigil/components/notify"
	"github.com/vigilops/vigil/validate"
)

// Estate is what the payments team watches in one environment, and who it tells.
type Estate struct {
	// Team names the team; with Environment it makes the prefix of every physical
	// name, <team>-<environment>. Required: lower-case letters, digits, hyphens.
	Team string
	// Environment is dev or prod. Only prod pages (PagerDuty for critical and high).
	// Required.
	Environment string
	// AccountID is the 12-digit AWS account of the topics; Region their region.
	// Required.
	AccountID, Region string
	// Services are the team's HTTP services, each scraped by Prometheus under
	// job="<name>". At least one.
	Services []Service
	// OnCall receives critical and high alerts by e-mail. Required.
	OnCall string
	// Team's list receives medium and low alerts by e-mail. Defaults to OnCall.
	TeamList string
	// PagerDuty is the integration URL that pages for critical and high alerts in
	// prod: a secret. Required in prod, refused in dev.
	PagerDuty pulumi.StringInput
	// Chat is a chat webhook that receives medium alerts: a secret. Defaults to none.
	Chat pulumi.StringInput
	// RunbookBaseURL is where the alerts' runbooks live. Required.
	RunbookBaseURL string
}

// Service is one HTTP service of the estate.
type Service struct {
	// Name is the service label and the Prometheus job. Required and unique.
	Name string
	// DownFor is how long the service may be down before it pages. Defaults to 5m.
	DownFor time.Duration
}

// Monitoring is what Deploy created and generated.
type Monitoring struct {
	// Topics are vigil's severity topics.
	Topics *notify.Topics
	// Rules is the Prometheus rule file of the estate's alerts.
	Rules []byte
	// Alertmanager is the Alertmanager configuration that routes them to the topics.
	Alertmanager []byte
}

// Validate returns one error listing every problem of the estate's own fields; the
// builders and the component check the rest, each with its own error.
func (e *Estate) Validate() error {
	var ps validate.Problems
	validate.OneOf(&ps, "Environment", e.Environment, []string{"dev", "prod"})
	validate.Required(&ps, "Team", e.Team, "for example payments")
	validate.Required(&ps, "OnCall", e.OnCall, "the on-call rota's address")
	if len(e.Services) == 0 {
		ps.Add("Services", "must list at least one service", "")
	}
	switch {
	case e.Environment == "prod" && e.PagerDuty == nil:
		ps.Add("PagerDuty", "is required in prod: critical and high alerts page", "pulumi config set --secret pagerdutyUrl https://events.pagerduty.com/integration/<key>/enqueue")
	case e.Environment == "dev" && e.PagerDuty != nil:
		ps.Add("PagerDuty", "must not be set in dev: dev never pages", "remove pagerdutyUrl from the dev stack")
	}
	return ps.Err("Estate")
}

func (e *Estate) prefix() string { return e.Team + "-" + e.Environment }

// Deploy generates the estate's alert rules and Alertmanager configuration with
// vigil's pure builders, then creates vigil's severity topics with the subscriptions
// that match it. Nothing is created when anything is invalid.
func Deploy(ctx *pulumi.Context, name string, e *Estate) (*Monitoring, error) {
	if err := e.Validate(); err != nil {
		return nil, err
	}
	rules, err := e.rules()
	if err != nil {
		return nil, err
	}
	am, err := routing.Build(e.routing())
	if err != nil {
		return nil, err
	}
	topics, err := notify.NewTopics(ctx, name, &notify.TopicsArgs{
		NamePrefix:  e.prefix(),
		AccountID:   e.AccountID,
		Region:      e.Region,
		Subscribers: e.subscribers(),
		Tags:        map[string]string{"team": e.Team, "environment": e.Environment},
	})
	if err != nil {
		return nil, err
	}
	return &Monitoring{Topics: topics, Rules: rules, Alertmanager: am.YAML()}, nil
}

func (e *Estate) pages() bool { return e.Environment == "prod" }

// subscribers: the on-call rota hears about critical and high (and is paged in prod),
// the team about medium (also in chat) and low.
func (e *Estate) subscribers() map[alerts.Severity]notify.Subscribers {
	list := e.TeamList
	if list == "" {
		list = e.OnCall
	}
	urgent := notify.Subscribers{Emails: []string{e.OnCall}}
	if e.pages() {
		urgent.PagerDuty = []pulumi.StringInput{e.PagerDuty}
	}
	medium := notify.Subscribers{Emails: []string{list}}
	if e.Chat != nil {
		medium.Webhooks = []pulumi.StringInput{e.Chat}
	}
	return map[alerts.Severity]notify.Subscribers{
		alerts.Critical: urgent,
		alerts.High:     urgent,
		alerts.Medium:   medium,
		alerts.Low:      {Emails: []string{list}},
	}
}

func (e *Estate) rules() ([]byte, error) {
	c := catalog.Catalog{Options: catalog.Options{
		RunbookBaseURL: e.RunbookBaseURL,
		Labels:         map[string]string{"environment": e.Environment},
	}}
	for _, s := range e.Services {
		c.Services = append(c.Services, catalog.Service{
			Name:     s.Name,
			Selector: fmt.Sprintf("job=%q", s.Name),
			DownFor:  s.DownFor,
		})
	}
	file, err := catalog.Build(c)
	if err != nil {
		return nil, err
	}
	return file.Render()
}

// routing sends each severity to the topic Deploy creates for it: notify.TopicARN
// gives the ARN from the prefix alone, before the topic exists.
func (e *Estate) routing() routing.Config {
	cfg := routing.Config{Environment: e.Environment, Targets: map[alerts.Severity]routing.Target{}}
	if e.pages() {
		cfg.PagingSeverities = []alerts.Severity{alerts.Critical, alerts.High}
	}
	for _, sev := range alerts.Severities() {
		cfg.Targets[sev] = routing.Target{
			TopicARN: notify.TopicARN(iampolicy.Partition(e.Region), e.Region, e.AccountID, e.prefix(), sev),
			Pages:    e.pages() && (sev == alerts.Critical || sev == alerts.High),
		}
	}
	return cfg
}
