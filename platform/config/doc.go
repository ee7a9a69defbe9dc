// Package config builds the configuration files that vigil's monitoring platform runs
// on ECS Fargate: prometheus.yml, the blackbox exporter's blackbox.yml and Grafana's
// data source provisioning, plus the content hash of a file set that a task definition
// carries so that changed content rolls the service. It is pure Go (no Pulumi, no I/O):
// stacks/ fills its typed inputs from the estate, and the platform component takes the
// bytes it returns as Args.
//
// The labels the scrape configurations attach are the ones alerts/catalog selects by:
//
//	what                        job label        identifying labels
//	Service (its /metrics)      <Name>           service=<Name>
//	postgres_exporter           postgres-<Name>  database=<Name>
//	redis_exporter              redis-<Name>     cache=<Name>
//	node_exporter               node             host_group=<Name>
//	certificate probe (tls)     blackbox         certificate=<Name>, module=tls_connect
//	health probe (http_2xx)     blackbox_http    probe_service=<Name>, module=http_2xx
//
// Only a service's own targets carry service=<Name>: the catalog's ServiceDown sums
// up{service="<Name>"}, so an exporter or probe labelled so would keep it silent while
// the service itself is down. That is why health probes say probe_service instead.
package config
