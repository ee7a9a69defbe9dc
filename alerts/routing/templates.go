package routing

// The SNS notification templates. They use only functions that Alertmanager 0.25
// already has (toUpper, reReplaceAll and Go's printf).

// snsSubject names status, severity, environment, service and alert in one line such
// as "[FIRING] critical prod api: HighErrorRate". SNS refuses (and so loses) a message
// whose subject is not printable ASCII under 100 characters, so anything else is
// replaced by ? and the line cut at 99 characters.
const snsSubject = `{{ printf "[%s] %s %s %s: %s" (.Status | toUpper) .CommonLabels.severity .CommonLabels.environment .GroupLabels.service .GroupLabels.alertname | reReplaceAll "[^ -~]" "?" | printf "%.99s" }}`

// snsMessage lists every alert of the notification with what the reader needs: what
// fires, where, how badly, the summary, and the description and runbook when there
// are.
const snsMessage = `{{ len .Alerts.Firing }} firing, {{ len .Alerts.Resolved }} resolved
{{ range .Alerts }}
[{{ .Status | toUpper }}] {{ .Labels.alertname }}
severity: {{ .Labels.severity }}
service: {{ .Labels.service }}
environment: {{ .Labels.environment }}
summary: {{ .Annotations.summary }}
{{ with .Annotations.description }}description: {{ . }}
{{ end }}{{ with .Annotations.runbook_url }}runbook: {{ . }}
{{ end }}started: {{ .StartsAt.UTC.Format "2006-01-02 15:04:05 UTC" }}
{{ if eq .Status "resolved" }}ended: {{ .EndsAt.UTC.Format "2006-01-02 15:04:05 UTC" }}
{{ end }}{{ end }}`
