package catalog

import (
	"fmt"
	"strings"
	"time"

	"github.com/vigilops/vigil/alerts"
	"github.com/vigilops/vigil/validate"
)

// RuntimeKind is the language runtime of a service's process: it decides which metrics
// show memory pressure and pauses.
type RuntimeKind string

const (
	// Go processes instrumented with client_golang.
	Go RuntimeKind = "go"
	// JVM processes instrumented with Micrometer or the Prometheus Java client.
	JVM RuntimeKind = "jvm"
	// NodeJS processes instrumented with prom-client.
	NodeJS RuntimeKind = "nodejs"
)

// RuntimeKinds lists every runtime kind.
func RuntimeKinds() []RuntimeKind { return []RuntimeKind{Go, JVM, NodeJS} }

// Runtime adds a service's runtime:<Name> group, all medium: HighProcessMemory (go,
// nodejs) or HighJVMHeapUsage (jvm), LongGCPauses (go, jvm) and HighEventLoopLag
// (nodejs). It selects series with the service's Selector.
type Runtime struct {
	// Kind is go, jvm or nodejs. Required.
	Kind RuntimeKind
	// MemoryLimitBytes is the memory a go or nodejs process may use, such as its
	// container's hard limit: HighProcessMemory compares resident memory with it. At
	// least 1MiB; defaults to 512MiB, the smallest Fargate task. Not for jvm, whose
	// heap maximum is a metric.
	MemoryLimitBytes int64
	// MemoryPercent is the share of MemoryLimitBytes (go, nodejs) or of the heap
	// maximum (jvm) above which the memory alert fires after 10 minutes. Between 1 and
	// 100; defaults to 90.
	MemoryPercent float64
	// GCPause (go, jvm) is the average garbage-collection pause above which
	// LongGCPauses fires after 10 minutes. Between 1ms and 1m; defaults to 100ms for
	// go, whose pauses are normally well under a millisecond, and 500ms for jvm.
	GCPause time.Duration
	// EventLoopLag (nodejs) is the 99th percentile of event-loop lag above which
	// HighEventLoopLag fires after 5 minutes. Between 1ms and 1m; defaults to 200ms.
	EventLoopLag time.Duration
	// Metrics are the names of the runtime's metrics; each empty field takes the
	// default of Kind.
	Metrics RuntimeMetrics
}

// RuntimeMetrics name a runtime's metrics. Each applies to some kinds only; setting one
// for another kind is refused, as it would be ignored.
type RuntimeMetrics struct {
	// ResidentMemory (go, nodejs) is the gauge of the process's resident memory in
	// bytes. Defaults to process_resident_memory_bytes.
	ResidentMemory string
	// HeapUsed and HeapMax (jvm) are the gauges of heap bytes in use and of the most
	// the heap may grow to, labelled area="heap" (pools without a maximum report -1 and
	// are left out). Default to Micrometer's jvm_memory_used_bytes and
	// jvm_memory_max_bytes; the Prometheus Java client calls them jvm_memory_bytes_used
	// and jvm_memory_bytes_max.
	HeapUsed string
	HeapMax  string
	// GCPause (go, jvm) is the summary or histogram of GC pauses in seconds, without
	// its _sum and _count suffixes. Defaults to go_gc_duration_seconds (go) and
	// jvm_gc_pause_seconds (jvm).
	GCPause string
	// EventLoopLag (nodejs) is the gauge of the 99th percentile of event-loop lag in
	// seconds. Defaults to nodejs_eventloop_lag_p99_seconds.
	EventLoopLag string
}

func (m RuntimeMetrics) withDefaults(kind RuntimeKind) RuntimeMetrics {
	switch kind {
	case Go:
		m.ResidentMemory = or(m.ResidentMemory, "process_resident_memory_bytes")
		m.GCPause = or(m.GCPause, "go_gc_duration_seconds")
	case JVM:
		m.HeapUsed = or(m.HeapUsed, "jvm_memory_used_bytes")
		m.HeapMax = or(m.HeapMax, "jvm_memory_max_bytes")
		m.GCPause = or(m.GCPause, "jvm_gc_pause_seconds")
	case NodeJS:
		m.ResidentMemory = or(m.ResidentMemory, "process_resident_memory_bytes")
		m.EventLoopLag = or(m.EventLoopLag, "nodejs_eventloop_lag_p99_seconds")
	}
	return m
}

func (r Runtime) withDefaults() Runtime {
	if r.Kind != JVM {
		r.MemoryLimitBytes = or(r.MemoryLimitBytes, 512*mib)
	}
	r.MemoryPercent = or(r.MemoryPercent, 90)
	switch r.Kind {
	case Go:
		r.GCPause = or(r.GCPause, 100*time.Millisecond)
	case JVM:
		r.GCPause = or(r.GCPause, 500*time.Millisecond)
	case NodeJS:
		r.EventLoopLag = or(r.EventLoopLag, 200*time.Millisecond)
	}
	r.Metrics = r.Metrics.withDefaults(r.Kind)
	return r
}

func (r Runtime) check(ps *validate.Problems, path string) {
	kinds := make([]string, 0, 3)
	for _, k := range RuntimeKinds() {
		kinds = append(kinds, string(k))
	}
	if validate.Required(ps, path+".Kind", string(r.Kind), "one of "+strings.Join(kinds, ", ")) {
		validate.OneOf(ps, path+".Kind", string(r.Kind), kinds)
	}
	validKind := contains(kinds, string(r.Kind))
	// A field of another runtime would be silently ignored; refusing it catches a
	// wrong Kind or a copied block.
	only := func(field string, set bool, kinds ...RuntimeKind) {
		if validKind && set && !contains(kindNames(kinds), string(r.Kind)) {
			ps.Addf(path+"."+field, "remove it, or correct Kind", "applies to %s only, not to %s", strings.Join(kindNames(kinds), " and "), r.Kind)
		}
	}
	only("MemoryLimitBytes", r.MemoryLimitBytes != 0, Go, NodeJS)
	only("GCPause", r.GCPause != 0, Go, JVM)
	only("EventLoopLag", r.EventLoopLag != 0, NodeJS)
	only("Metrics.ResidentMemory", r.Metrics.ResidentMemory != "", Go, NodeJS)
	only("Metrics.HeapUsed", r.Metrics.HeapUsed != "", JVM)
	only("Metrics.HeapMax", r.Metrics.HeapMax != "", JVM)
	only("Metrics.GCPause", r.Metrics.GCPause != "", Go, JVM)
	only("Metrics.EventLoopLag", r.Metrics.EventLoopLag != "", NodeJS)
	checkBytes(ps, path+".MemoryLimitBytes", r.MemoryLimitBytes, mib, tib, "the process's memory limit, such as 536870912 for 512MiB")
	checkPercent(ps, path+".MemoryPercent", r.MemoryPercent, 1, "a percentage of the memory limit, such as 90")
	checkDuration(ps, path+".GCPause", r.GCPause, time.Millisecond, time.Minute, "an average pause such as 100ms")
	checkDuration(ps, path+".EventLoopLag", r.EventLoopLag, time.Millisecond, time.Minute, "a lag such as 200ms")
	checkMetric(ps, path+".Metrics.ResidentMemory", r.Metrics.ResidentMemory)
	checkMetric(ps, path+".Metrics.HeapUsed", r.Metrics.HeapUsed)
	checkMetric(ps, path+".Metrics.HeapMax", r.Metrics.HeapMax)
	checkMetric(ps, path+".Metrics.GCPause", r.Metrics.GCPause)
	checkMetric(ps, path+".Metrics.EventLoopLag", r.Metrics.EventLoopLag)
}

func kindNames(kinds []RuntimeKind) []string {
	out := make([]string, len(kinds))
	for i, k := range kinds {
		out[i] = string(k)
	}
	return out
}

// runtimeGroup's alerts are per instance: one process out of memory is worth knowing
// even when its siblings are fine.
func runtimeGroup(o Options, s Service) alerts.Group {
	r, sel, m := *s.Runtime, mustSelector(s.Selector), s.Runtime.Metrics
	var rules []alert
	if r.Kind == JVM {
		rules = append(rules, alert{
			name: "HighJVMHeapUsage", severity: alerts.Medium, forDuration: 10 * time.Minute,
			expr: fmt.Sprintf("100 * sum by (instance) (%s) / sum by (instance) (%s > 0) > %s",
				sel.metric(m.HeapUsed, eq("area", "heap")), sel.metric(m.HeapMax, eq("area", "heap")), num(r.MemoryPercent)),
			summary: fmt.Sprintf("%s on {{ $labels.instance }} uses more than %s%% of its heap", s.Name, num(r.MemoryPercent)),
			description: fmt.Sprintf("%s on {{ $labels.instance }} has used {{ $value | humanize }}%% of its maximum heap for 10m. "+
				"Expect long garbage collections, then an OutOfMemoryError.", s.Name),
		})
	} else {
		rules = append(rules, alert{
			name: "HighProcessMemory", severity: alerts.Medium, forDuration: 10 * time.Minute,
			expr: fmt.Sprintf("100 * max by (instance) (%s) / %d > %s",
				sel.metric(m.ResidentMemory), r.MemoryLimitBytes, num(r.MemoryPercent)),
			summary: fmt.Sprintf("%s on {{ $labels.instance }} uses more than %s%% of its memory limit", s.Name, num(r.MemoryPercent)),
			description: fmt.Sprintf("%s on {{ $labels.instance }} has used {{ $value | humanize }}%% of its %s memory limit for 10m. "+
				"It risks being killed for running out of memory.", s.Name, bytesText(r.MemoryLimitBytes)),
		})
	}
	if r.Kind == Go || r.Kind == JVM {
		rules = append(rules, alert{
			name: "LongGCPauses", severity: alerts.Medium, forDuration: 10 * time.Minute,
			expr: fmt.Sprintf("sum by (instance) (%s) / sum by (instance) (%s) > %s",
				o.rate(m.GCPause+"_sum", sel), o.rate(m.GCPause+"_count", sel), seconds(r.GCPause)),
			summary: fmt.Sprintf("%s on {{ $labels.instance }} pauses for garbage collection longer than %s", s.Name, durText(r.GCPause)),
			description: fmt.Sprintf("Garbage-collection pauses of %s on {{ $labels.instance }} have lasted {{ $value | humanizeDuration }} "+
				"on average for 10m; requests wait while they last.", s.Name),
		})
	}
	if r.Kind == NodeJS {
		rules = append(rules, alert{
			name: "HighEventLoopLag", severity: alerts.Medium, forDuration: 5 * time.Minute,
			expr:    fmt.Sprintf("max by (instance) (%s) > %s", sel.metric(m.EventLoopLag), seconds(r.EventLoopLag)),
			summary: fmt.Sprintf("%s on {{ $labels.instance }} has an event-loop lag above %s", s.Name, durText(r.EventLoopLag)),
			description: fmt.Sprintf("The 99th percentile of %s's event-loop lag on {{ $labels.instance }} is {{ $value | humanizeDuration }} "+
				"and has been above %s for 5m: something blocks the loop, and every request waits.", s.Name, durText(r.EventLoopLag)),
		})
	}
	return o.group("runtime:"+s.Name, []string{"service", s.Name}, rules...)
}
