package catalog

import (
	"fmt"
	"time"

	"github.com/vigilops/vigil/alerts"
	"github.com/vigilops/vigil/validate"
)

// Queue is a work queue and its workers. Its group, queue:<Name>, has
// HighQueueBacklog and HighQueueFailureRate (high) and QueueMetricsAbsent (medium),
// for the queue as a whole, labelled queue=<Name> and service=<Service>.
type Queue struct {
	// Name is the queue label of the alerts and names the group: lower-case letters,
	// digits and hyphens. Required and unique.
	Name string
	// Service is the service label of the alerts, so that Alertmanager groups them with
	// the service whose workers drain the queue. Defaults to Name.
	Service string
	// Selector picks the queue's series: label matchers without braces. Defaults to
	// queue="<Name>".
	Selector string
	// Metrics are the names of the queue's metrics; each empty field takes its default.
	Metrics QueueMetrics
	// Backlog is the number of waiting messages above which HighQueueBacklog fires
	// after 10 minutes. Between 1 and 1000000000; defaults to 1000.
	Backlog int
	// FailureRatePercent is the share of processed messages that fail above which
	// HighQueueFailureRate fires after 5 minutes. Between 0.01 and 100; defaults to 10.
	FailureRatePercent float64
	// MinProcessed is the minimum-traffic guard of HighQueueFailureRate: the fewest
	// processed messages over Options.RateWindow for it to fire, so that one failed
	// message out of one does not page. Between 1 and 1000000000; defaults to the
	// smallest count at which one failed message alone is not above
	// FailureRatePercent, and at least 20 (20 at the default 10%). 1 switches the
	// guard off.
	MinProcessed int
}

// QueueMetrics name a queue's metrics. Queues have no common exporter, so the defaults
// are plain names that a worker can expose with any Prometheus client, or that a
// recording rule can give to an exporter's series (for SQS through YACE,
// aws_sqs_approximate_number_of_messages_visible_maximum).
type QueueMetrics struct {
	// Waiting is the gauge of messages waiting to be received; when several series
	// match (each worker reporting the queue's depth), the largest counts. Defaults to
	// queue_messages_waiting.
	Waiting string
	// Processed counts messages that workers finished with, failed or not. Defaults to
	// queue_messages_processed_total.
	Processed string
	// Failed counts messages whose processing failed. Defaults to
	// queue_messages_failed_total.
	Failed string
}

func (m QueueMetrics) withDefaults() QueueMetrics {
	m.Waiting = or(m.Waiting, "queue_messages_waiting")
	m.Processed = or(m.Processed, "queue_messages_processed_total")
	m.Failed = or(m.Failed, "queue_messages_failed_total")
	return m
}

func (q Queue) withDefaults() Queue {
	q.Service = or(q.Service, q.Name)
	q.Selector = or(q.Selector, eq("queue", q.Name))
	q.Metrics = q.Metrics.withDefaults()
	q.Backlog = or(q.Backlog, 1000)
	q.FailureRatePercent = or(q.FailureRatePercent, 10)
	q.MinProcessed = or(q.MinProcessed, minimumTraffic(q.FailureRatePercent))
	return q
}

func (q Queue) check(ps *validate.Problems, path string) {
	checkName(ps, path+".Name", q.Name)
	checkOptionalName(ps, path+".Service", q.Service)
	checkSelector(ps, path+".Selector", q.Selector)
	checkMetric(ps, path+".Metrics.Waiting", q.Metrics.Waiting)
	checkMetric(ps, path+".Metrics.Processed", q.Metrics.Processed)
	checkMetric(ps, path+".Metrics.Failed", q.Metrics.Failed)
	checkInt(ps, path+".Backlog", q.Backlog, 1, 1_000_000_000, "a number of messages, such as 1000")
	checkPercent(ps, path+".FailureRatePercent", q.FailureRatePercent, 0.01, "a percentage of processed messages, such as 10")
	checkInt(ps, path+".MinProcessed", q.MinProcessed, 1, 1_000_000_000, "a number of messages over the rate window, such as 20")
}

func queueGroup(o Options, q Queue) alerts.Group {
	sel, m := mustSelector(q.Selector), q.Metrics
	return o.group("queue:"+q.Name, []string{"service", q.Service, "queue", q.Name},
		alert{
			name: "HighQueueBacklog", severity: alerts.High, forDuration: 10 * time.Minute,
			// A burst above the threshold is normal for a queue; ten minutes of it means
			// the workers do not keep up.
			expr:    fmt.Sprintf("max(%s) > %d", sel.metric(m.Waiting), q.Backlog),
			summary: fmt.Sprintf("%s has more than %d messages waiting", q.Name, q.Backlog),
			description: fmt.Sprintf("{{ $value }} messages have been waiting in %s, above %d for 10m: "+
				"its workers do not keep up, or are stuck.", q.Name, q.Backlog),
		},
		alert{
			name: "HighQueueFailureRate", severity: alerts.High, forDuration: 5 * time.Minute,
			expr: fmt.Sprintf("100 * sum(%s) / sum(%s) > %s and %s",
				o.rate(m.Failed, sel), o.rate(m.Processed, sel), num(q.FailureRatePercent), o.enoughTraffic(m.Processed, sel, q.MinProcessed)),
			summary: fmt.Sprintf("More than %s%% of the messages of %s fail", num(q.FailureRatePercent), q.Name),
			description: fmt.Sprintf("{{ $value | humanize }}%% of the messages processed from %s over the last %s (at least %d) failed; "+
				"the share has been above %s%% for 5m.", q.Name, dur(o.RateWindow), q.MinProcessed, num(q.FailureRatePercent)),
		},
		alert{
			name: "QueueMetricsAbsent", severity: alerts.Medium, forDuration: 2 * notMeasuredFor,
			// Queues have no health gauge: the backlog gauge itself is the proof that the
			// queue is measured. Ten minutes, as exporters of cloud queues (YACE for SQS)
			// read CloudWatch every few minutes.
			expr:    absentOnly(sel.metric(m.Waiting)),
			summary: fmt.Sprintf("%s is not measured: no %s series", q.Name, m.Waiting),
			description: fmt.Sprintf("No series of %s matches the selector of %s: its exporter or workers are down, "+
				"or the metric was renamed. HighQueueBacklog cannot fire while it lasts.", m.Waiting, q.Name),
		},
	)
}
