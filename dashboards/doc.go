// Package dashboards builds vigil's dashboards from the monitored estate, the
// CloudWatch alarm set (alerts/cloudwatch) and the SLOs (alerts/slo): Grafana
// dashboards made with the grafana-foundation-sdk builders (application overview,
// HTTP detail, one per runtime, infrastructure, SLOs and alerts) and CloudWatch
// dashboard bodies (an overview per environment and a detail dashboard per resource,
// split at CloudWatch's limits). It validates both kinds, and teams' own dashboards,
// before anything is deployed, and lists the alarms no dashboard shows. It is pure Go
// like alerts/: plain values in, JSON out, no Pulumi import; components/dashboards
// deploys what it builds.
package dashboards
