package catalog

import (
	"fmt"
	"time"

	"github.com/vigilops/vigil/alerts"
	"github.com/vigilops/vigil/validate"
)

// Database is a PostgreSQL server seen through postgres_exporter. Its group,
// database:<Name>, has DatabaseDown, HighDatabaseConnections and HighReplicationLag
// (high), LongRunningTransaction (medium) and HighDatabaseSize (low), per exporter
// instance, labelled database=<Name> and service=<Service>.
type Database struct {
	// Name is the database label of the alerts and names the group: lower-case letters,
	// digits and hyphens. Required and unique.
	Name string
	// Service is the service label of the alerts, so that Alertmanager groups them with
	// the service that owns the database and silences them while it is down. Defaults
	// to Name.
	Service string
	// Selector picks the database's series: label matchers without braces. Defaults to
	// database="<Name>".
	Selector string
	// Metrics are the names of the database's metrics; each empty field takes its
	// default.
	Metrics DatabaseMetrics
	// ConnectionsPercent is the share of max_connections in use above which
	// HighDatabaseConnections fires after 5 minutes. Between 1 and 100; defaults to 80.
	ConnectionsPercent float64
	// ReplicationLag is how far a replica may fall behind before HighReplicationLag
	// fires after 2 minutes. Between 1s and 1d; defaults to 10s.
	ReplicationLag time.Duration
	// LongQuery is how long a transaction may run before LongRunningTransaction fires
	// (after 1 more minute). Between 1s and 1d; defaults to 5m.
	LongQuery time.Duration
	// MaxSizeBytes is the size of all databases of the server above which
	// HighDatabaseSize fires after 30 minutes. At least 1MiB; defaults to 5GiB.
	MaxSizeBytes int64
}

// DatabaseMetrics name a database's metrics. The defaults are postgres_exporter's.
type DatabaseMetrics struct {
	// Up is the gauge the exporter sets to 1 when it reached the server and 0 when
	// not: DatabaseDown fires on it, and when no series of it is scraped at all.
	// Defaults to pg_up.
	Up string
	// Connections is the gauge of open connections (all states and databases are
	// summed). Defaults to pg_stat_activity_count.
	Connections string
	// MaxConnections is the gauge of the server's max_connections. Defaults to
	// pg_settings_max_connections.
	MaxConnections string
	// ReplicationLag is the gauge of a replica's lag in seconds (0 on a primary).
	// Defaults to pg_replication_lag_seconds.
	ReplicationLag string
	// TransactionDuration is the gauge of the age of the oldest open transaction in
	// seconds. Defaults to pg_stat_activity_max_tx_duration.
	TransactionDuration string
	// Size is the gauge of each database's size in bytes. Defaults to
	// pg_database_size_bytes.
	Size string
}

func (m DatabaseMetrics) withDefaults() DatabaseMetrics {
	m.Up = or(m.Up, "pg_up")
	m.Connections = or(m.Connections, "pg_stat_activity_count")
	m.MaxConnections = or(m.MaxConnections, "pg_settings_max_connections")
	m.ReplicationLag = or(m.ReplicationLag, "pg_replication_lag_seconds")
	m.TransactionDuration = or(m.TransactionDuration, "pg_stat_activity_max_tx_duration")
	m.Size = or(m.Size, "pg_database_size_bytes")
	return m
}

func (d Database) withDefaults() Database {
	d.Service = or(d.Service, d.Name)
	d.Selector = or(d.Selector, eq("database", d.Name))
	d.Metrics = d.Metrics.withDefaults()
	d.ConnectionsPercent = or(d.ConnectionsPercent, 80)
	d.ReplicationLag = or(d.ReplicationLag, 10*time.Second)
	d.LongQuery = or(d.LongQuery, 5*time.Minute)
	d.MaxSizeBytes = or(d.MaxSizeBytes, 5*gib)
	return d
}

func (d Database) check(ps *validate.Problems, path string) {
	checkName(ps, path+".Name", d.Name)
	checkOptionalName(ps, path+".Service", d.Service)
	checkSelector(ps, path+".Selector", d.Selector)
	checkMetric(ps, path+".Metrics.Up", d.Metrics.Up)
	checkMetric(ps, path+".Metrics.Connections", d.Metrics.Connections)
	checkMetric(ps, path+".Metrics.MaxConnections", d.Metrics.MaxConnections)
	checkMetric(ps, path+".Metrics.ReplicationLag", d.Metrics.ReplicationLag)
	checkMetric(ps, path+".Metrics.TransactionDuration", d.Metrics.TransactionDuration)
	checkMetric(ps, path+".Metrics.Size", d.Metrics.Size)
	checkPercent(ps, path+".ConnectionsPercent", d.ConnectionsPercent, 1, "a percentage of max_connections, such as 80")
	checkDuration(ps, path+".ReplicationLag", d.ReplicationLag, time.Second, 24*time.Hour, "a lag such as 10s")
	checkDuration(ps, path+".LongQuery", d.LongQuery, time.Second, 24*time.Hour, "a duration such as 5m")
	checkBytes(ps, path+".MaxSizeBytes", d.MaxSizeBytes, mib, pib, "a size in bytes, such as 5368709120 for 5GiB")
}

func databaseGroup(o Options, d Database) alerts.Group {
	sel, m := mustSelector(d.Selector), d.Metrics
	return o.group("database:"+d.Name, []string{"service", d.Service, "database", d.Name},
		alert{
			name: "DatabaseDown", severity: alerts.High, forDuration: notMeasuredFor,
			expr: downOrAbsent(sel.metric(m.Up)),
			summary: instanceOrAll(fmt.Sprintf("The exporter of %s cannot reach {{ $labels.instance }}", d.Name),
				fmt.Sprintf("%s is not measured: no %s series", d.Name, m.Up)),
			description: instanceOrAll(
				fmt.Sprintf("postgres_exporter at {{ $labels.instance }} has not reached %s for 5m: the server is down, "+
					"refuses the exporter's connection, or the exporter's credentials are wrong.", d.Name),
				fmt.Sprintf("No series of %s matches the selector of %s for 5m: postgres_exporter is down or no longer "+
					"scraped, and the other alerts of %s cannot fire.", m.Up, d.Name, d.Name)),
		},
		alert{
			name: "HighDatabaseConnections", severity: alerts.High, forDuration: 5 * time.Minute,
			expr: fmt.Sprintf("100 * sum by (instance) (%s) / max by (instance) (%s) > %s",
				sel.metric(m.Connections), sel.metric(m.MaxConnections), num(d.ConnectionsPercent)),
			summary: fmt.Sprintf("%s has used more than %s%% of its connections for 5m", d.Name, num(d.ConnectionsPercent)),
			description: fmt.Sprintf("{{ $labels.instance }} of %s has {{ $value | humanize }}%% of max_connections open. "+
				"When none is left, new connections are refused.", d.Name),
		},
		alert{
			name: "HighReplicationLag", severity: alerts.High, forDuration: 2 * time.Minute,
			expr:    fmt.Sprintf("max by (instance) (%s) > %s", sel.metric(m.ReplicationLag), seconds(d.ReplicationLag)),
			summary: fmt.Sprintf("A replica of %s lags more than %s behind", d.Name, durText(d.ReplicationLag)),
			description: fmt.Sprintf("{{ $labels.instance }} of %s replays changes {{ $value | humanizeDuration }} late; "+
				"reads from it are stale, and a failover would lose the difference.", d.Name),
		},
		alert{
			name: "LongRunningTransaction", severity: alerts.Medium, forDuration: time.Minute,
			expr:    fmt.Sprintf("max by (instance) (%s) > %s", sel.metric(m.TransactionDuration), seconds(d.LongQuery)),
			summary: fmt.Sprintf("A transaction on %s has run for more than %s", d.Name, durText(d.LongQuery)),
			description: fmt.Sprintf("The oldest transaction on {{ $labels.instance }} of %s has been open for {{ $value | humanizeDuration }}. "+
				"It holds locks and keeps vacuum from reclaiming rows.", d.Name),
		},
		alert{
			name: "HighDatabaseSize", severity: alerts.Low, forDuration: 30 * time.Minute,
			expr:    fmt.Sprintf("sum by (instance) (%s) > %d", sel.metric(m.Size), d.MaxSizeBytes),
			summary: fmt.Sprintf("%s holds more than %s", d.Name, bytesText(d.MaxSizeBytes)),
			description: fmt.Sprintf("The databases of {{ $labels.instance }} of %s take {{ $value | humanize1024 }}B, above %s: "+
				"plan storage, backups and retention.", d.Name, bytesText(d.MaxSizeBytes)),
		},
	)
}
