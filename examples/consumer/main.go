// The payments team's monitoring: a Pulumi program of the team's own repository that
// composes vigil's severity topics (components/notify) with vigil's pure alert
// catalog and Alertmanager routing (alerts/catalog, alerts/routing), without vigil's
// stacks package. Its config is the team's own (Pulumi.yaml declares it); its tests
// run it under vigil's mock cloud, vigiltest.
package main

import (
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"
)

func main() { pulumi.Run(program) }

// serviceConfig is one entry of the services config key.
type serviceConfig struct {
	Name        string `json:"name"`
	DownMinutes int    `json:"downMinutes"`
}

// program reads the stack's config, deploys the estate and exports the topic ARNs and
// the generated files, which the team loads into its Prometheus and Alertmanager
// (`pulumi stack output alertmanagerConfig > alertmanager.yml`).
func program(ctx *pulumi.Context) error {
	cfg := config.New(ctx, "")
	e := &Estate{
		Team:           cfg.Require("team"),
		Environment:    ctx.Stack(),
		AccountID:      cfg.Require("accountId"),
		Region:         config.New(ctx, "aws").Require("region"),
		OnCall:         cfg.Require("oncallEmail"),
		TeamList:       cfg.Get("teamEmail"),
		RunbookBaseURL: cfg.Require("runbookBaseUrl"),
	}
	if cfg.Get("environment") != "" {
		e.Environment = cfg.Get("environment")
	}
	var services []serviceConfig
	cfg.RequireObject("services", &services)
	for _, s := range services {
		e.Services = append(e.Services, Service{Name: s.Name, DownFor: time.Duration(s.DownMinutes) * time.Minute})
	}
	// Secrets stay secret outputs end to end: never read them with Get.
	if pd, err := cfg.TrySecret("pagerdutyUrl"); err == nil {
		e.PagerDuty = pd
	}
	if chat, err := cfg.TrySecret("chatWebhook"); err == nil {
		e.Chat = chat
	}

	m, err := Deploy(ctx, "notify", e)
	if err != nil {
		return err
	}
	ctx.Export("topicArns", m.Topics.TopicArns)
	ctx.Export("prometheusRules", pulumi.String(string(m.Rules)))
	ctx.Export("alertmanagerConfig", pulumi.String(string(m.Alertmanager)))
	return nil
}
