package routing

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/alertmanager/template"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var started = time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)

func notification(status string, labels, annotations template.KV) template.Data {
	a := template.Alert{Status: status, Labels: labels, Annotations: annotations, StartsAt: started}
	if status == "resolved" {
		a.EndsAt = started.Add(12 * time.Minute)
	}
	return template.Data{
		Receiver:          "sns-" + labels["severity"],
		Status:            status,
		Alerts:            template.Alerts{a},
		GroupLabels:       template.KV{"alertname": labels["alertname"], "service": labels["service"]},
		CommonLabels:      labels,
		CommonAnnotations: annotations,
	}
}

// render034 renders text with the template package of Alertmanager v0.34.
func render034(t *testing.T, text string, data template.Data) string {
	t.Helper()
	tmpl, err := template.FromGlobs(nil)
	require.NoError(t, err)
	out, err := tmpl.ExecuteTextString(text, &data)
	require.NoError(t, err)
	return out
}

// render025 renders text with amtool 0.25's template render.
func render025(t *testing.T, text string, data template.Data) string {
	t.Helper()
	dir := t.TempDir()
	b, err := json.Marshal(data)
	require.NoError(t, err)
	dataPath := filepath.Join(dir, "data.json")
	require.NoError(t, os.WriteFile(dataPath, b, 0o644))
	out, errOut, err := amtool(t, "template", "render",
		"--template.glob="+filepath.Join(dir, "*.tmpl"), "--template.data="+dataPath, "--template.text="+text)
	require.NoError(t, err, "amtool template render:\n%s%s", out, errOut)
	return out
}

func TestTheSNSTemplatesSayWhatFiresWhereAndHowBadly(t *testing.T) {
	firing := notification("firing",
		template.KV{"alertname": "HighErrorRate", "service": "api", "severity": "critical", "environment": "prod"},
		template.KV{
			"summary":     "api answers 7.2% errors",
			"description": "More than 5% of api's requests failed for 3 minutes.",
			"runbook_url": "https://runbooks.example.com/higherrorrate",
		})
	resolved := notification("resolved",
		template.KV{"alertname": "HighLatency", "service": "web", "severity": "high", "environment": "dev"},
		template.KV{"summary": "web answers slowly"})
	long := notification("firing",
		template.KV{"alertname": "QueueBacklog", "service": "reservation-events-consumer-with-a-very-long-name-ÿ-for-the-subject-test", "severity": "medium", "environment": "prod"},
		template.KV{"summary": "backlog"})

	tests := map[string]struct {
		data             template.Data
		subject, message string
	}{
		"A firing alert names status, severity, environment, service and alert, then its summary, description and runbook.": {
			data:    firing,
			subject: "[FIRING] critical prod api: HighErrorRate",
			message: `1 firing, 0 resolved

[FIRING] HighErrorRate
severity: critical
service: api
environment: prod
summary: api answers 7.2% errors
description: More than 5% of api's requests failed for 3 minutes.
runbook: https://runbooks.example.com/higherrorrate
started: 2026-03-01 10:00:00 UTC
`,
		},
		"A recovery notice says when the alert ended, and leaves out what the alert lacks.": {
			data:    resolved,
			subject: "[RESOLVED] high dev web: HighLatency",
			message: `0 firing, 1 resolved

[RESOLVED] HighLatency
severity: high
service: web
environment: dev
summary: web answers slowly
started: 2026-03-01 10:00:00 UTC
ended: 2026-03-01 10:12:00 UTC
`,
		},
		"A subject that SNS would refuse is cut to 99 printable ASCII characters.": {
			data:    long,
			subject: "[FIRING] medium prod reservation-events-consumer-with-a-very-long-name-?-for-the-subject-test: Queu",
			message: `1 firing, 0 resolved

[FIRING] QueueBacklog
severity: medium
service: reservation-events-consumer-with-a-very-long-name-ÿ-for-the-subject-test
environment: prod
summary: backlog
started: 2026-03-01 10:00:00 UTC
`,
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			subject := render034(t, snsSubject, tc.data)
			assert.Equal(t, tc.subject, subject)
			assert.LessOrEqual(t, len(subject), 99, "SNS subjects are under 100 characters")
			assert.NotContains(t, subject, "\n")
			assert.Equal(t, tc.message, render034(t, snsMessage, tc.data))

			assert.Equal(t, tc.subject, render025(t, snsSubject, tc.data), "Alertmanager 0.25 renders the subject alike")
			assert.Equal(t, tc.message, render025(t, snsMessage, tc.data), "Alertmanager 0.25 renders the message alike")
		})
	}
}

// What Alertmanager reads from the file, not the constants, renders the notification:
// a template mangled on its way into YAML would show here.
func TestEverySNSReceiverAsLoadedRendersTheNotification(t *testing.T) {
	loaded := load(t, build(t, prodConfig()))
	n := 0
	for _, r := range loaded.Receivers {
		for _, sns := range r.SNSConfigs {
			n++
			sev := strings.TrimPrefix(r.Name, "sns-")
			data := notification("firing",
				template.KV{"alertname": "HighErrorRate", "service": "api", "severity": sev, "environment": "prod"},
				template.KV{"summary": "api answers 7.2% errors"})
			assert.Equal(t, "[FIRING] "+sev+" prod api: HighErrorRate", render034(t, sns.Subject, data), r.Name)
			assert.Equal(t, `1 firing, 0 resolved

[FIRING] HighErrorRate
severity: `+sev+`
service: api
environment: prod
summary: api answers 7.2% errors
started: 2026-03-01 10:00:00 UTC
`, render034(t, sns.Message, data), r.Name)
		}
	}
	assert.Equal(t, 4, n, "one SNS receiver per severity")
}
