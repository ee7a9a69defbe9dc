// Package dashboards will hold the Grafana dashboard models and CloudWatch dashboard
// bodies that vigil generates (overview, HTTP, runtime, infrastructure, SLO, alerts).
// It is pure Go like alerts/: plain values in, JSON out, no Pulumi import. It is empty
// until the dashboards issue of the roadmap is taken; the folder exists now so that the
// layout of DESIGN.md holds from the start.
package dashboards
