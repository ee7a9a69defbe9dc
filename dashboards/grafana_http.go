package dashboards

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/grafana/grafana-foundation-sdk/go/cog"
	"github.com/grafana/grafana-foundation-sdk/go/cog/variants"
	"github.com/grafana/grafana-foundation-sdk/go/common"
	"github.com/grafana/grafana-foundation-sdk/go/dashboard"
	"github.com/grafana/grafana-foundation-sdk/go/heatmap"
	"github.com/grafana/grafana-foundation-sdk/go/prometheus"
	"github.com/grafana/grafana-foundation-sdk/go/table"
	"github.com/grafana/grafana-foundation-sdk/go/timeseries"

	"github.com/vigilops/vigil/alerts/catalog"
)

// promQuery is one Prometheus target of a panel.
func (g Grafana) promQuery(ref, expr, legend string) *prometheus.DataqueryBuilder {
	return prometheus.NewDataqueryBuilder().RefId(ref).Expr(expr).LegendFormat(legend).Datasource(g.prometheus())
}

func targets(bs ...cog.Builder[variants.Dataquery]) []cog.Builder[variants.Dataquery] { return bs }

// The thresholds of the services' Prometheus alerts, as the catalog defaults them
// (alerts/catalog Service): a panel shows the strictest of the selected services.
const (
	defaultErrorRatePercent = 5
	defaultLatencyP95       = time.Second
	defaultLatencyP99       = 2 * time.Second
)

// serviceThresholds are the strictest error-rate and latency thresholds among the
// services, with a sentence listing each service's own.
type serviceThresholds struct {
	errorRate        float64
	p95, p99         time.Duration
	errorWords       string
	p95Words, p99Wds string
}

func (g Grafana) thresholds() serviceThresholds {
	t := serviceThresholds{errorRate: defaultErrorRatePercent, p95: defaultLatencyP95, p99: defaultLatencyP99}
	var errs, p95s, p99s []string
	for k, s := range g.Services {
		e, p95, p99 := s.ErrorRatePercent, s.LatencyP95, s.LatencyP99
		if e == 0 {
			e = defaultErrorRatePercent
		}
		if p95 == 0 {
			p95 = defaultLatencyP95
		}
		if p99 == 0 {
			p99 = defaultLatencyP99
		}
		if k == 0 || e < t.errorRate {
			t.errorRate = e
		}
		if k == 0 || p95 < t.p95 {
			t.p95 = p95
		}
		if k == 0 || p99 < t.p99 {
			t.p99 = p99
		}
		errs = append(errs, fmt.Sprintf("%s %g%%", s.Name, e))
		p95s = append(p95s, fmt.Sprintf("%s %s", s.Name, p95))
		p99s = append(p99s, fmt.Sprintf("%s %s", s.Name, p99))
	}
	t.errorWords, t.p95Words, t.p99Wds = strings.Join(errs, ", "), strings.Join(p95s, ", "), strings.Join(p99s, ", ")
	return t
}

// seconds converts a histogram quantile to seconds when the histogram is not in
// seconds.
func (g Grafana) seconds(q string) string {
	if g.Metrics.DurationUnit == time.Second {
		return q
	}
	return fmt.Sprintf("(%s) / %g", q, float64(time.Second)/float64(g.Metrics.DurationUnit))
}

func (g Grafana) quantile(q float64, by string) string {
	m := g.Metrics
	return g.seconds(fmt.Sprintf("histogram_quantile(%g, sum by (%s) (rate(%s%s[$__rate_interval])))",
		q, by, m.DurationBucket, g.sel(`service=~"$service"`)))
}

func (g Grafana) requestRate(by string, extra ...string) string {
	return fmt.Sprintf("sum by (%s) (rate(%s%s[$__rate_interval]))", by, g.Metrics.Requests,
		g.sel(append([]string{`service=~"$service"`}, extra...)...))
}

func (g Grafana) errorMatcher() string {
	return fmt.Sprintf("%s=~%q", g.Metrics.StatusLabel, g.Metrics.ErrorStatus)
}

func (g Grafana) overview() *dashboard.DashboardBuilder {
	l := &layout{g: g}
	t := g.thresholds()
	m := g.Metrics
	b := g.newDashboard("overview", "Application overview",
		"Request rate, errors, latency and health of every service, from the metrics of their HTTP middleware.").
		WithVariable(serviceVariable(serviceNames(g.Services)))
	b.WithRow(l.row("Traffic"))
	b.WithPanel(configure(l, newTimeseries(), panel{
		title: "Request rate", description: "Requests per second each service handles, all status codes.",
		ds: g.prometheus(), span: 8, height: 8, unit: "reqps",
		targets: targets(g.promQuery("A", g.requestRate("service"), "{{service}}")),
	}))
	b.WithPanel(configure(l, newTimeseries(), panel{
		title: "Error rate", ds: g.prometheus(), span: 8, height: 8, unit: "percent", runbook: "higherrorrate",
		description: fmt.Sprintf("Share of requests answered with %s=~%q. The red line is the strictest HighErrorRate threshold of the services (%s).",
			m.StatusLabel, m.ErrorStatus, t.errorWords),
		thresholds: []step{{t.errorRate, "red"}},
		targets:    targets(g.promQuery("A", fmt.Sprintf("100 * %s\n/\n%s", g.requestRate("service", g.errorMatcher()), g.requestRate("service")), "{{service}}")),
	}).ThresholdsStyle(common.NewGraphThresholdsStyleConfigBuilder().Mode(common.GraphThresholdsStyleModeLine)))
	b.WithPanel(configure(l, newTimeseries(), panel{
		title: "Latency p50, p95, p99", ds: g.prometheus(), span: 8, height: 8, unit: "s", runbook: "highlatencyp99",
		description: fmt.Sprintf("Response-time percentiles from %s. Orange is the strictest HighLatencyP95 threshold (%s), red HighLatencyP99's (%s).",
			m.DurationBucket, t.p95Words, t.p99Wds),
		thresholds: []step{{t.p95.Seconds(), "orange"}, {t.p99.Seconds(), "red"}},
		targets: targets(
			g.promQuery("A", g.quantile(0.5, "service, le"), "{{service}} p50"),
			g.promQuery("B", g.quantile(0.95, "service, le"), "{{service}} p95"),
			g.promQuery("C", g.quantile(0.99, "service, le"), "{{service}} p99"),
		),
	}).ThresholdsStyle(common.NewGraphThresholdsStyleConfigBuilder().Mode(common.GraphThresholdsStyleModeLine)))
	b.WithRow(l.row("Health"))
	b.WithPanel(configure(l, newStat(), panel{
		title: "Targets up", ds: g.prometheus(), span: 8, height: 8, unit: "short", runbook: "servicedown",
		description: fmt.Sprintf("Scrape targets of each service that answered (%s). 0 is red: ServiceDown fires when it stays there.", m.Up),
		thresholds:  []step{{1, "green"}},
		targets:     targets(g.promQuery("A", fmt.Sprintf("sum by (service) (%s%s)", m.Up, g.sel(`service=~"$service"`)), "{{service}}").Instant()),
	}).ColorMode(common.BigValueColorModeBackground).Thresholds(dashboard.NewThresholdsConfigBuilder().Mode(dashboard.ThresholdsModeAbsolute).
		Steps([]dashboard.Threshold{{Color: "red"}, {Value: cog.ToPtr(1.0), Color: "green"}})))
	b.WithPanel(configure(l, table.NewPanelBuilder(), panel{
		title: "Top endpoints", ds: g.prometheus(), span: 16, height: 8, unit: "reqps",
		description: fmt.Sprintf("The ten busiest endpoints (%s label) over the dashboard's time range.", g.EndpointLabel),
		targets: targets(g.promQuery("A", fmt.Sprintf("topk(10, sum by (service, %s) (rate(%s%s[$__range])))",
			g.EndpointLabel, m.Requests, g.sel(`service=~"$service"`)), "").Instant().Format(prometheus.PromQueryFormatTable)),
	}).Footer(tableFooter()))
	return b
}

func (g Grafana) httpDetail() *dashboard.DashboardBuilder {
	l := &layout{g: g}
	t := g.thresholds()
	e := g.EndpointLabel
	b := g.newDashboard("http", "HTTP detail", "Rate, errors and latency per endpoint and status code of the selected services.").
		WithVariable(serviceVariable(serviceNames(g.Services)))
	b.WithRow(l.row("Endpoints"))
	b.WithPanel(configure(l, newTimeseries(), panel{
		title: "Rate per endpoint", description: fmt.Sprintf("Requests per second by %s.", e),
		ds: g.prometheus(), span: 12, height: 8, unit: "reqps",
		targets: targets(g.promQuery("A", g.requestRate(e), "{{"+e+"}}")),
	}))
	b.WithPanel(configure(l, newTimeseries(), panel{
		title: "Errors per endpoint", ds: g.prometheus(), span: 12, height: 8, unit: "reqps", runbook: "higherrorrate",
		description: fmt.Sprintf("Failed requests (%s) per second by %s.", g.errorMatcher(), e),
		targets:     targets(g.promQuery("A", g.requestRate(e, g.errorMatcher()), "{{"+e+"}}")),
	}))
	b.WithRow(l.row("Latency and status"))
	b.WithPanel(configure(l, heatmap.NewPanelBuilder(), panel{
		title: "Latency heatmap", description: fmt.Sprintf("How many requests took how long, from the buckets of %s.", g.Metrics.DurationBucket),
		ds: g.prometheus(), span: 12, height: 9, unit: "s",
		targets: targets(g.promQuery("A", fmt.Sprintf("sum by (le) (increase(%s%s[$__rate_interval]))", g.Metrics.DurationBucket, g.sel(`service=~"$service"`)), "{{le}}").
			Format(prometheus.PromQueryFormatHeatmap)),
	}).Calculate(false).Tooltip(heatmap.NewHeatmapTooltipBuilder().Mode(common.TooltipDisplayModeSingle)).
		YAxis(heatmap.NewYAxisConfigBuilder().Unit("s")))
	b.WithPanel(configure(l, newTimeseries(), panel{
		title: "Status codes", description: fmt.Sprintf("Requests per second by %s.", g.Metrics.StatusLabel),
		ds: g.prometheus(), span: 12, height: 9, unit: "reqps",
		targets: targets(g.promQuery("A", g.requestRate(g.Metrics.StatusLabel), "{{"+g.Metrics.StatusLabel+"}}")),
	}).Stacking(common.NewStackingConfigBuilder().Mode(common.StackingModeNormal)))
	b.WithPanel(configure(l, newTimeseries(), panel{
		title: "p99 per endpoint", ds: g.prometheus(), span: 24, height: 8, unit: "s", runbook: "highlatencyp99",
		description: fmt.Sprintf("99th percentile of response time by %s; red is the strictest HighLatencyP99 threshold (%s).", e, t.p99Wds),
		thresholds:  []step{{t.p99.Seconds(), "red"}},
		targets:     targets(g.promQuery("A", g.quantile(0.99, e+", le"), "{{"+e+"}}")),
	}).ThresholdsStyle(common.NewGraphThresholdsStyleConfigBuilder().Mode(common.GraphThresholdsStyleModeLine)))
	return b
}

// runtime is the dashboard of one runtime kind, for the services that use it.
func (g Grafana) runtime(kind catalog.RuntimeKind) *dashboard.DashboardBuilder {
	l := &layout{g: g}
	svcs := g.servicesOf(kind)
	names := serviceNames(svcs)
	sort.Strings(names)
	lang := map[catalog.RuntimeKind]string{catalog.Go: "Go", catalog.JVM: "JVM", catalog.NodeJS: "Node.js"}[kind]
	what := map[catalog.RuntimeKind]string{catalog.Go: "Memory, garbage collection and goroutines",
		catalog.JVM: "Heap, garbage collection and threads", catalog.NodeJS: "Memory, event loop and handles"}[kind]
	b := g.newDashboard("runtime-"+string(kind), lang+" runtime", what+" of the services on "+lang+": "+strings.Join(names, ", ")+".").
		WithVariable(serviceVariable(names))
	s := g.sel(`service=~"$service"`)
	lim := runtimeLimits(svcs, kind)
	ts := func(title, desc, unit, runbook string, span uint32, qs ...cog.Builder[variants.Dataquery]) *timeseries.PanelBuilder {
		p := panel{title: title, description: desc, ds: g.prometheus(), span: span, height: 8, unit: unit, runbook: runbook, targets: qs}
		if v, ok := lim[runbook]; ok {
			p.thresholds = []step{{v.value, "red"}}
			p.description += fmt.Sprintf(" The red line is the strictest threshold of the services (%s).", v.words)
		}
		return configure(l, newTimeseries(), p).ThresholdsStyle(common.NewGraphThresholdsStyleConfigBuilder().Mode(common.GraphThresholdsStyleModeLine))
	}
	r := runtimeMetrics(svcs, kind)
	b.WithRow(l.row("Memory"))
	switch kind {
	case catalog.Go, catalog.NodeJS:
		b.WithPanel(ts("Resident memory", fmt.Sprintf("%s of each process; HighProcessMemory compares it with the container's limit.", r.ResidentMemory),
			"bytes", "highprocessmemory", 12, g.promQuery("A", fmt.Sprintf("sum by (service, instance) (%s%s)", r.ResidentMemory, s), "{{service}} {{instance}}")))
	case catalog.JVM:
		b.WithPanel(ts("Heap used, % of max", fmt.Sprintf("%s over %s, area=\"heap\"; HighJVMHeapUsage fires above its threshold.", r.HeapUsed, r.HeapMax),
			"percent", "highjvmheapusage", 12, g.promQuery("A", fmt.Sprintf("100 * sum by (service, instance) (%s%s)\n/\nsum by (service, instance) (%s%s > 0)",
				r.HeapUsed, g.sel(`service=~"$service"`, `area="heap"`), r.HeapMax, g.sel(`service=~"$service"`, `area="heap"`)), "{{service}} {{instance}}")))
	}
	switch kind {
	case catalog.Go:
		b.WithPanel(ts("Heap in use", "Bytes of the Go heap in use (go_memstats_heap_inuse_bytes).", "bytes", "", 12,
			g.promQuery("A", fmt.Sprintf("sum by (service, instance) (go_memstats_heap_inuse_bytes%s)", s), "{{service}} {{instance}}")))
		b.WithRow(l.row("Garbage collection and goroutines"))
		b.WithPanel(ts("GC pause, average", fmt.Sprintf("Average pause of %s; LongGCPauses fires above its threshold.", r.GCPause), "s", "longgcpauses", 12,
			g.promQuery("A", gcAverage(r.GCPause, s), "{{service}} {{instance}}")))
		b.WithPanel(ts("Goroutines", "go_goroutines of each process: a steady climb is a leak.", "short", "", 12,
			g.promQuery("A", fmt.Sprintf("sum by (service, instance) (go_goroutines%s)", s), "{{service}} {{instance}}")))
	case catalog.JVM:
		b.WithPanel(ts("Heap used", fmt.Sprintf("%s, area=\"heap\".", r.HeapUsed), "bytes", "", 12,
			g.promQuery("A", fmt.Sprintf("sum by (service, instance) (%s%s)", r.HeapUsed, g.sel(`service=~"$service"`, `area="heap"`)), "{{service}} {{instance}}")))
		b.WithRow(l.row("Garbage collection and threads"))
		b.WithPanel(ts("GC pause, average", fmt.Sprintf("Average pause of %s; LongGCPauses fires above its threshold.", r.GCPause), "s", "longgcpauses", 12,
			g.promQuery("A", gcAverage(r.GCPause, s), "{{service}} {{instance}}")))
		b.WithPanel(ts("Live threads", "jvm_threads_live_threads of each process.", "short", "", 12,
			g.promQuery("A", fmt.Sprintf("sum by (service, instance) (jvm_threads_live_threads%s)", s), "{{service}} {{instance}}")))
	case catalog.NodeJS:
		b.WithPanel(ts("Heap used", "nodejs_heap_size_used_bytes of each process.", "bytes", "", 12,
			g.promQuery("A", fmt.Sprintf("sum by (service, instance) (nodejs_heap_size_used_bytes%s)", s), "{{service}} {{instance}}")))
		b.WithRow(l.row("Event loop and handles"))
		b.WithPanel(ts("Event-loop lag p99", fmt.Sprintf("%s; HighEventLoopLag fires above its threshold.", r.EventLoopLag), "s", "higheventlooplag", 12,
			g.promQuery("A", fmt.Sprintf("max by (service, instance) (%s%s)", r.EventLoopLag, s), "{{service}} {{instance}}")))
		b.WithPanel(ts("Active handles", "nodejs_active_handles_total of each process: a steady climb is a leak.", "short", "", 12,
			g.promQuery("A", fmt.Sprintf("sum by (service, instance) (nodejs_active_handles_total%s)", s), "{{service}} {{instance}}")))
	}
	return b
}

func gcAverage(summary, sel string) string {
	return fmt.Sprintf("sum by (service, instance) (rate(%s_sum%s[$__rate_interval]))\n/\nsum by (service, instance) (rate(%s_count%s[$__rate_interval]) > 0)",
		summary, sel, summary, sel)
}

// runtimeMetrics are the metric names of a runtime: the first service's own names,
// or the catalog's defaults (alerts/catalog RuntimeMetrics).
func runtimeMetrics(svcs []catalog.Service, kind catalog.RuntimeKind) catalog.RuntimeMetrics {
	var m catalog.RuntimeMetrics
	if len(svcs) > 0 && svcs[0].Runtime != nil {
		m = svcs[0].Runtime.Metrics
	}
	switch kind {
	case catalog.Go:
		m.ResidentMemory = or(m.ResidentMemory, "process_resident_memory_bytes")
		m.GCPause = or(m.GCPause, "go_gc_duration_seconds")
	case catalog.JVM:
		m.HeapUsed = or(m.HeapUsed, "jvm_memory_used_bytes")
		m.HeapMax = or(m.HeapMax, "jvm_memory_max_bytes")
		m.GCPause = or(m.GCPause, "jvm_gc_pause_seconds")
	case catalog.NodeJS:
		m.ResidentMemory = or(m.ResidentMemory, "process_resident_memory_bytes")
		m.EventLoopLag = or(m.EventLoopLag, "nodejs_eventloop_lag_p99_seconds")
	}
	return m
}

// tableFooter is a hidden footer: the SDK's default leaves its reducer null, which
// its own strict unmarshalling then refuses.
func tableFooter() *common.TableFooterOptionsBuilder {
	return common.NewTableFooterOptionsBuilder().Show(false).Reducer([]string{"sum"})
}

// limit is the strictest threshold of a runtime alert among services, with each
// service's in words.
type limit struct {
	value float64
	words string
}

// runtimeLimits are the thresholds of the runtime alerts of the services of a kind,
// by the alert's runbook slug, as alerts/catalog defaults them (Runtime): resident
// memory 90% of 512MiB, heap 90%, GC pauses 100ms (go) or 500ms (jvm), event-loop
// lag 200ms.
func runtimeLimits(svcs []catalog.Service, kind catalog.RuntimeKind) map[string]limit {
	out := map[string]limit{}
	add := func(slug, svc string, v float64, shown string) {
		l, ok := out[slug]
		if !ok || v < l.value {
			l.value = v
		}
		if l.words != "" {
			l.words += ", "
		}
		l.words += svc + " " + shown
		out[slug] = l
	}
	for _, s := range svcs {
		r := *s.Runtime
		pct := r.MemoryPercent
		if pct == 0 {
			pct = 90
		}
		switch kind {
		case catalog.Go, catalog.NodeJS:
			limitBytes := r.MemoryLimitBytes
			if limitBytes == 0 {
				limitBytes = 512 << 20
			}
			v := pct / 100 * float64(limitBytes)
			add("highprocessmemory", s.Name, v, fmt.Sprintf("%g%% of %dMiB", pct, limitBytes>>20))
		case catalog.JVM:
			add("highjvmheapusage", s.Name, pct, fmt.Sprintf("%g%%", pct))
		}
		switch kind {
		case catalog.Go, catalog.JVM:
			d := r.GCPause
			if d == 0 {
				d = map[catalog.RuntimeKind]time.Duration{catalog.Go: 100 * time.Millisecond, catalog.JVM: 500 * time.Millisecond}[kind]
			}
			add("longgcpauses", s.Name, d.Seconds(), d.String())
		case catalog.NodeJS:
			d := r.EventLoopLag
			if d == 0 {
				d = 200 * time.Millisecond
			}
			add("higheventlooplag", s.Name, d.Seconds(), d.String())
		}
	}
	return out
}
