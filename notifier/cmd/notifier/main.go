// Command notifier is vigil's notification Lambda (runtime provided.al2023, built as
// bootstrap with -tags lambda.norpc). Subscribed to the severity topics, it posts
// every CloudWatch alarm, Alertmanager group and text message to the chat channels
// of its configuration; invoked by the daily schedule, it posts the daily summary.
//
// Environment:
//
//	VIGIL_NOTIFIER_CONFIG          the channels and routing (notifier/config); no secret
//	AWS_REGION                     set by Lambda
//	VIGIL_SECRETSMANAGER_ENDPOINT  tests only: where Secrets Manager is
//	VIGIL_CLOUDWATCH_ENDPOINT      tests only: where CloudWatch is
//
// Run as "notifier render --target googlechat < message.json" it prints the body
// it would post instead (notifier/preview), without any AWS access.
//
// The channels' webhook URLs are read from Secrets Manager at cold start. A
// delivery that still fails after its retries fails the invocation, so Lambda's
// asynchronous retries, then the function's dead-letter queue, take the event.
package main

import (
	"context"
	"log/slog"
	"os"
	"time"
	_ "time/tzdata" // provided.al2023 has no zoneinfo for the configured time zone

	"github.com/aws/aws-lambda-go/lambda"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"

	"github.com/vigilops/vigil/notifier/config"
	"github.com/vigilops/vigil/notifier/handler"
	"github.com/vigilops/vigil/notifier/preview"
)

func main() {
	// Outside Lambda, "notifier render ..." previews a message (vigil notifier render).
	if len(os.Args) > 1 && os.Args[1] == "render" {
		os.Exit(preview.Run(os.Args[2:], os.Stdin, os.Stdout, os.Stderr))
	}
	log := slog.New(slog.NewJSONHandler(os.Stdout, nil))
	cfg, err := config.Parse([]byte(os.Getenv(config.EnvVar)))
	if err != nil {
		log.Error("bad configuration", "error", err.Error())
		os.Exit(1)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 8*time.Second)
	defer cancel()
	aws, err := awsconfig.LoadDefaultConfig(ctx)
	if err != nil {
		log.Error("no AWS configuration", "error", err.Error())
		os.Exit(1)
	}
	secrets := secretsmanager.NewFromConfig(aws, func(o *secretsmanager.Options) {
		if ep := os.Getenv("VIGIL_SECRETSMANAGER_ENDPOINT"); ep != "" {
			o.BaseEndpoint = &ep
		}
	})
	cw := cloudwatch.NewFromConfig(aws, func(o *cloudwatch.Options) {
		if ep := os.Getenv("VIGIL_CLOUDWATCH_ENDPOINT"); ep != "" {
			o.BaseEndpoint = &ep
		}
	})
	h, err := handler.New(cfg, handler.Deps{
		Secrets: secretReader{secrets},
		Alarms:  alarmReader{cw},
		Logger:  log,
		Region:  aws.Region,
	})
	if err != nil {
		log.Error("cannot start", "error", err.Error())
		os.Exit(1)
	}
	// Cold start: read every webhook URL now. What fails is read again by the
	// first invocation, which fails (and is retried) if it still cannot.
	if err := h.LoadSecrets(ctx); err != nil {
		log.Warn("some webhook URLs could not be read at cold start", "error", err.Error())
	}
	lambda.Start(h.Invoke)
}
