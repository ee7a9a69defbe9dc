package message_test

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/prometheus/alertmanager/config"
	"github.com/prometheus/alertmanager/template"
	"github.com/stretchr/testify/require"

	"github.com/vigilops/vigil/notifier/internal/fixture"
)

var update = flag.Bool("update", false, "rewrite the Alertmanager test messages from Alertmanager's own rendering")

// vigilTemplates are the subject and message templates of the SNS receivers that
// alerts/routing writes, read from its reviewed output rather than copied.
func vigilTemplates(t *testing.T) (subject, msg string) {
	t.Helper()
	cfg, err := config.LoadFile(filepath.Join("..", "..", "alerts", "routing", "testdata", "prod.yaml"))
	require.NoError(t, err)
	for _, r := range cfg.Receivers {
		if r.Name == "sns-critical" {
			require.Len(t, r.SNSConfigs, 1)
			return r.SNSConfigs[0].Subject, r.SNSConfigs[0].Message
		}
	}
	t.Fatal("alerts/routing/testdata/prod.yaml has no sns-critical receiver")
	return "", ""
}

var at = time.Date(2026, 12, 1, 19, 40, 0, 0, time.UTC)

func alert(status string, labels, annotations template.KV, started time.Duration, ended time.Duration) template.Alert {
	a := template.Alert{Status: status, Labels: labels, Annotations: annotations, StartsAt: at.Add(started)}
	if status == "resolved" {
		a.EndsAt = at.Add(ended)
	}
	return a
}

func group(receiver string, groupLabels template.KV, alerts ...template.Alert) template.Data {
	d := template.Data{Receiver: receiver, Status: "resolved", Alerts: alerts, GroupLabels: groupLabels,
		CommonLabels: template.KV{}, CommonAnnotations: template.KV{}}
	for _, a := range alerts {
		if a.Status == "firing" {
			d.Status = "firing"
		}
	}
	// Alertmanager's common labels: those every alert has with the same value.
	for k, v := range alerts[0].Labels {
		common := true
		for _, a := range alerts[1:] {
			if a.Labels[k] != v {
				common = false
			}
		}
		if common {
			d.CommonLabels[k] = v
		}
	}
	return d
}

// alertmanagerCases are the groups behind the alertmanager-* test messages.
func alertmanagerCases() map[string]template.Data {
	api := template.KV{"alertname": "HighErrorRate", "service": "api", "severity": "critical", "environment": "prod", "team": "reservations"}
	web := func(instance string) template.KV {
		return template.KV{"alertname": "HighLatency", "service": "web", "severity": "high", "environment": "prod", "instance": instance}
	}
	var targets []template.Alert
	for i := 1; i <= 60; i++ {
		targets = append(targets, alert("firing",
			template.KV{"alertname": "TargetDown", "service": "worker", "severity": "medium", "environment": "prod", "instance": fmt.Sprintf("10.0.%d.%d:9100", i/10, i)},
			template.KV{"summary": fmt.Sprintf("worker target 10.0.%d.%d:9100 is down", i/10, i), "runbook_url": "https://runbooks.example.com/targetdown"},
			time.Duration(-i)*time.Minute, 0))
	}
	return map[string]template.Data{
		"alertmanager-firing": group("sns-critical", template.KV{"alertname": "HighErrorRate", "service": "api"},
			alert("firing", api, template.KV{
				"summary":     "api answers 7.2% errors",
				"description": "More than 5% of api's requests failed for 3 minutes.",
				"runbook_url": "https://runbooks.example.com/higherrorrate",
			}, 0, 0)),
		"alertmanager-group": group("sns-high", template.KV{"alertname": "HighLatency", "service": "web"},
			alert("firing", web("10.0.1.11:8080"), template.KV{
				"summary":     "web p99 latency is 2.4s",
				"description": "p99 latency above 2s for 10 minutes.\nCheck the database dashboard first: slow queries show there.",
				"runbook_url": "https://runbooks.example.com/highlatency",
			}, -12*time.Minute, 0),
			alert("firing", web("10.0.1.12:8080"), template.KV{"summary": "web p99 latency is 2.1s"}, -5*time.Minute, 0),
			alert("resolved", web("10.0.1.13:8080"), template.KV{"summary": "web p99 latency is 2.0s"}, -30*time.Minute, -2*time.Minute)),
		"alertmanager-resolved": group("sns-high", template.KV{"alertname": "DiskAlmostFull", "service": "db"},
			alert("resolved",
				template.KV{"alertname": "DiskAlmostFull", "service": "db", "severity": "high", "environment": "dev"},
				template.KV{"summary": "db disk 91% full", "runbook_url": "https://runbooks.example.com/diskalmostfull"},
				-40*time.Minute, 15*time.Minute)),
		"alertmanager-large-group": group("sns-medium", template.KV{"alertname": "TargetDown", "service": "worker"}, targets...),
	}
}

// The alertmanager-* test messages are what Alertmanager itself renders from vigil's
// SNS templates: regenerate them with -update when alerts/routing changes its
// templates, and this test fails until then.
func TestTheAlertmanagerTestMessagesAreWhatAlertmanagerRendersFromVigilsTemplates(t *testing.T) {
	subjectTmpl, messageTmpl := vigilTemplates(t)
	tmpl, err := template.FromGlobs(nil)
	require.NoError(t, err)
	for name, data := range alertmanagerCases() {
		t.Run(name, func(t *testing.T) {
			subject, err := tmpl.ExecuteTextString(subjectTmpl, &data)
			require.NoError(t, err)
			msg, err := tmpl.ExecuteTextString(messageTmpl, &data)
			require.NoError(t, err)
			subjectPath := filepath.Join(fixture.Dir(), name+".subject")
			messagePath := filepath.Join(fixture.Dir(), name+".txt")
			if *update {
				require.NoError(t, os.WriteFile(subjectPath, []byte(subject+"\n"), 0o644))
				require.NoError(t, os.WriteFile(messagePath, []byte(msg), 0o644))
			}
			wantSubject, err := os.ReadFile(subjectPath)
			require.NoError(t, err, "run go test ./notifier/message -run AlertmanagerTestMessages -update")
			wantMessage, err := os.ReadFile(messagePath)
			require.NoError(t, err)
			require.Equal(t, string(wantSubject), subject+"\n")
			require.Equal(t, string(wantMessage), msg)
		})
	}
}
