package dashboards

import (
	"fmt"
	"sort"
	"strconv"

	gcw "github.com/grafana/grafana-foundation-sdk/go/cloudwatch"
	"github.com/grafana/grafana-foundation-sdk/go/cog"
	"github.com/grafana/grafana-foundation-sdk/go/cog/variants"
	"github.com/grafana/grafana-foundation-sdk/go/common"
	"github.com/grafana/grafana-foundation-sdk/go/dashboard"
	"github.com/grafana/grafana-foundation-sdk/go/timeseries"

	"github.com/vigilops/vigil/alerts/cloudwatch"
)

// cwMetric is one CloudWatch metric of a Grafana panel; hidden when an expression
// of the panel combines it.
func (g Grafana) cwMetric(region, ref, id string, m cloudwatch.MetricStat, label string, hide bool) cog.Builder[variants.Dataquery] {
	dims := gcw.Dimensions{}
	for k, v := range m.Dimensions {
		dims[k] = gcw.StringOrArrayOfString{String: cog.ToPtr(v)}
	}
	q := gcw.NewMetricsQueryBuilder().RefId(ref).Id(id).Datasource(g.cloudwatchDS()).
		QueryMode(gcw.QueryModeMetrics).MetricQueryType(gcw.MetricQueryTypeSearch).MetricEditorMode(gcw.MetricEditorModeBuilder).
		Region(region).Namespace(m.Namespace).MetricName(m.MetricName).Dimensions(dims).MatchExact(true).
		Statistic(m.Stat).Period(strconv.Itoa(m.Period)).Label(label).Hide(hide)
	return gcw.NewMetricsQueryOrLogsQueryOrAnnotationQueryBuilder().MetricsQuery(q)
}

// cwExpression is a metric-math line over the panel's other queries' ids.
func (g Grafana) cwExpression(region, ref, id, expr, label string) cog.Builder[variants.Dataquery] {
	q := gcw.NewMetricsQueryBuilder().RefId(ref).Id(id).Datasource(g.cloudwatchDS()).
		QueryMode(gcw.QueryModeMetrics).MetricQueryType(gcw.MetricQueryTypeSearch).MetricEditorMode(gcw.MetricEditorModeCode).
		Region(region).Expression(expr).Label(label)
	return gcw.NewMetricsQueryOrLogsQueryOrAnnotationQueryBuilder().MetricsQuery(q)
}

// alarmIndex finds the alarm of a kind on a resource.
type alarmIndex map[[2]string]cloudwatch.Alarm

func indexAlarms(set cloudwatch.Set) alarmIndex {
	idx := make(alarmIndex, len(set.Alarms))
	for _, a := range set.Alarms {
		if _, dup := idx[[2]string{a.Resource, a.Slug}]; !dup {
			idx[[2]string{a.Resource, a.Slug}] = a
		}
	}
	return idx
}

// alarmPanel is a panel that draws an alarm's metric, or the expression it
// compares, with the alarm's threshold as a red line. It returns false when the
// resource has no such alarm (it was left out by an override).
func (g Grafana) alarmPanel(l *layout, idx alarmIndex, resource, slug, title, unit string) (*timeseries.PanelBuilder, bool) {
	a, ok := idx[[2]string{resource, slug}]
	if !ok {
		return nil, false
	}
	var qs []cog.Builder[variants.Dataquery]
	ref := 'A'
	region := g.Region
	if a.Region != "" {
		region = a.Region // us-east-1 for Route 53 and CloudFront metrics
	}
	if len(a.Metrics) == 0 {
		stat := a.Statistic
		if stat == "" {
			stat = a.ExtendedStatistic
		}
		qs = append(qs, g.cwMetric(region, "A", "m1", cloudwatch.MetricStat{Namespace: a.Namespace, MetricName: a.MetricName,
			Dimensions: a.Dimensions, Stat: stat, Period: a.Period}, a.MetricName, false))
	}
	for _, m := range a.Metrics {
		switch {
		case m.Metric != nil:
			qs = append(qs, g.cwMetric(region, string(ref), m.ID, *m.Metric, m.Label, !m.ReturnData))
		default:
			qs = append(qs, g.cwExpression(region, string(ref), m.ID, m.Expression, m.Label))
		}
		ref++
	}
	p := panel{
		title: title, ds: g.cloudwatchDS(), height: 7, unit: unit, runbook: a.Slug, targets: qs,
		description: fmt.Sprintf("%s The red line is the threshold of alarm %s: %s.", a.Summary, a.Name, cloudwatch.Condition(a)),
	}
	if a.ThresholdMetricID == "" {
		p.thresholds = []step{{a.Threshold, "red"}}
	}
	return configure(l, newTimeseries(), p).
		ThresholdsStyle(common.NewGraphThresholdsStyleConfigBuilder().Mode(common.GraphThresholdsStyleModeLine)), true
}

// infrastructure shows, through the CloudWatch data source, a row per watched
// resource with a panel per alarm kind: the same metrics, dimensions and thresholds
// as the alarms.
func (g Grafana) infrastructure() *dashboard.DashboardBuilder {
	l := &layout{g: g}
	idx := indexAlarms(g.Alarms)
	b := g.newDashboard("infrastructure", "Infrastructure",
		"ECS tasks, container CPU and memory, load balancers, RDS, ElastiCache and SQS from CloudWatch, with the thresholds of their alarms.")
	type kind struct{ slug, title, unit string }
	section := func(resource, title string, kinds []kind) {
		var panels []*timeseries.PanelBuilder
		for _, k := range kinds {
			if p, ok := g.alarmPanel(l, idx, resource, k.slug, k.title, k.unit); ok {
				panels = append(panels, p)
			}
		}
		if len(panels) == 0 {
			return
		}
		row := l.row(title).Collapsed(true)
		spans := spread(len(panels))
		for i, p := range panels {
			row.WithPanel(p.Span(spans[i]))
		}
		b.WithRow(row)
	}
	for _, s := range g.Estate.Services {
		section(s.Name, "Service "+s.Name, []kind{
			{"ecs-tasks-below-desired", "Tasks missing", "short"},
			{"ecs-no-running-tasks", "Running tasks", "short"},
			{"ecs-cpu-high", "CPU, % of reserved", "percent"},
			{"ecs-memory-high", "Memory, % of reserved", "percent"},
			{"lb-target-5xx-rate", "Target 5xx, % of requests", "percent"},
			{"lb-elb-5xx", "Load balancer 5xx", "short"},
			{"lb-latency-p95", "Response time p95", "s"},
			{"lb-latency-p99", "Response time p99", "s"},
			{"lb-unhealthy-hosts", "Unhealthy targets", "short"},
			{"lb-no-healthy-host", "Healthy targets", "short"},
		})
	}
	for _, d := range g.Estate.Databases {
		section(d.Name, "Database "+d.Name, []kind{
			{"rds-cpu-high", "CPU", "percent"},
			{"rds-connections-high", "Connections", "short"},
			{"rds-free-storage-low", "Free storage", "bytes"},
			{"rds-freeable-memory-low", "Freeable memory", "bytes"},
			{"rds-read-latency", "Read latency", "s"},
			{"rds-write-latency", "Write latency", "s"},
			{"rds-replica-lag", "Replica lag", "s"},
		})
	}
	for _, c := range g.Estate.Caches {
		section(c.Name, "Cache "+c.Name, []kind{
			{"cache-cpu-high", "Host CPU", "percent"},
			{"cache-engine-cpu-high", "Engine CPU", "percent"},
			{"cache-memory-high", "Memory used", "percent"},
			{"cache-evictions", "Evictions", "short"},
			{"cache-connections-high", "Connections", "short"},
		})
	}
	for _, q := range g.Estate.Queues {
		kinds := []kind{{"sqs-backlog", "Visible messages", "short"}, {"sqs-oldest-message", "Age of oldest message", "s"}}
		if q.DeadLetterQueue != "" {
			kinds = append(kinds, kind{"sqs-dlq-not-empty", "Dead-letter messages", "short"})
		}
		section(q.Name, "Queue "+q.Name, kinds)
	}
	return b
}

// spread returns the widths of n panels filling rows of 24 columns: four a row, the
// last row's panels widened to fill it.
func spread(n int) []uint32 {
	out := make([]uint32, n)
	for i := 0; i < n; i += 4 {
		k := min(4, n-i)
		for j := 0; j < k; j++ {
			out[i+j] = uint32(24 / k)
		}
	}
	return out
}

// sortedKeys returns m's keys in order.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
