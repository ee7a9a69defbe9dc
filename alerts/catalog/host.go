package catalog

import (
	"fmt"
	"slices"
	"time"

	"github.com/vigilops/vigil/alerts"
	"github.com/vigilops/vigil/validate"
)

// HostGroup is a set of machines seen through node_exporter. Its group, host:<Name>,
// has HostDown and HighHostDiskUsage (high), HighHostCPU and HighHostMemory (medium)
// and HostOutOfMemory (critical), per instance (the host), all labelled
// host_group=<Name>.
type HostGroup struct {
	// Name names the group and is the host_group label of its alerts: lower-case
	// letters, digits and hyphens. Required and unique.
	Name string
	// Service, when set, is the service label of the alerts, so that Alertmanager
	// groups them with the service the hosts run (and a critical alert of one host
	// then mutes the service's lesser alerts). No service label by default.
	Service string
	// Selector picks the hosts' series: label matchers without braces. Defaults to
	// job="node".
	Selector string
	// FilesystemSelector picks the filesystems that HighHostDiskUsage watches, on top of
	// Selector. Defaults to fstype!~"tmpfs|ramfs|overlay|squashfs|nsfs|fuse.lxcfs",
	// which leaves out memory-backed and read-only filesystems.
	FilesystemSelector string
	// Metrics are the names of the hosts' metrics; each empty field takes its default.
	Metrics HostMetrics
	// CPUPercent is the CPU use above which HighHostCPU fires after 5 minutes. Between
	// 1 and 100; defaults to 80.
	CPUPercent float64
	// MemoryPercent is the memory use above which HighHostMemory fires after 5 minutes.
	// Between 1 and 100; defaults to 85.
	MemoryPercent float64
	// MemoryAvailablePercent is the available memory below which HostOutOfMemory fires
	// after 2 minutes. Between 0.1 and 100; defaults to 5.
	MemoryAvailablePercent float64
	// DiskPercent is the share of a filesystem in use above which HighHostDiskUsage
	// fires after 10 minutes. Between 1 and 100; defaults to 85.
	DiskPercent float64
}

// HostMetrics name the hosts' metrics. The defaults are node_exporter's.
type HostMetrics struct {
	// Up is the gauge of the scrape of each host's node_exporter, 1 when it answered:
	// HostDown fires when it is 0, and when no series of it matches at all. Defaults to
	// up.
	Up string
	// CPU is the counter of CPU seconds per cpu and mode (mode="idle" is used).
	// Defaults to node_cpu_seconds_total.
	CPU string
	// MemoryAvailable and MemoryTotal are the gauges of available and total memory in
	// bytes. Default to node_memory_MemAvailable_bytes and node_memory_MemTotal_bytes.
	MemoryAvailable string
	MemoryTotal     string
	// FilesystemAvailable and FilesystemSize are the gauges of a filesystem's bytes
	// available to users and of its size, labelled mountpoint. Default to
	// node_filesystem_avail_bytes and node_filesystem_size_bytes.
	FilesystemAvailable string
	FilesystemSize      string
}

func (m HostMetrics) withDefaults() HostMetrics {
	m.Up = or(m.Up, "up")
	m.CPU = or(m.CPU, "node_cpu_seconds_total")
	m.MemoryAvailable = or(m.MemoryAvailable, "node_memory_MemAvailable_bytes")
	m.MemoryTotal = or(m.MemoryTotal, "node_memory_MemTotal_bytes")
	m.FilesystemAvailable = or(m.FilesystemAvailable, "node_filesystem_avail_bytes")
	m.FilesystemSize = or(m.FilesystemSize, "node_filesystem_size_bytes")
	return m
}

func (h HostGroup) withDefaults() HostGroup {
	h.Selector = or(h.Selector, eq("job", "node"))
	h.FilesystemSelector = or(h.FilesystemSelector, nre("fstype", "tmpfs|ramfs|overlay|squashfs|nsfs|fuse.lxcfs"))
	h.Metrics = h.Metrics.withDefaults()
	h.CPUPercent = or(h.CPUPercent, 80)
	h.MemoryPercent = or(h.MemoryPercent, 85)
	h.MemoryAvailablePercent = or(h.MemoryAvailablePercent, 5)
	h.DiskPercent = or(h.DiskPercent, 85)
	return h
}

func (h HostGroup) check(ps *validate.Problems, path string) {
	checkName(ps, path+".Name", h.Name)
	checkOptionalName(ps, path+".Service", h.Service)
	checkSelector(ps, path+".Selector", h.Selector)
	checkSelector(ps, path+".FilesystemSelector", h.FilesystemSelector)
	checkMetric(ps, path+".Metrics.Up", h.Metrics.Up)
	checkMetric(ps, path+".Metrics.CPU", h.Metrics.CPU)
	checkMetric(ps, path+".Metrics.MemoryAvailable", h.Metrics.MemoryAvailable)
	checkMetric(ps, path+".Metrics.MemoryTotal", h.Metrics.MemoryTotal)
	checkMetric(ps, path+".Metrics.FilesystemAvailable", h.Metrics.FilesystemAvailable)
	checkMetric(ps, path+".Metrics.FilesystemSize", h.Metrics.FilesystemSize)
	checkPercent(ps, path+".CPUPercent", h.CPUPercent, 1, "a percentage of CPU time, such as 80")
	checkPercent(ps, path+".MemoryPercent", h.MemoryPercent, 1, "a percentage of memory in use, such as 85")
	checkPercent(ps, path+".MemoryAvailablePercent", h.MemoryAvailablePercent, 0.1, "a percentage of memory still available, such as 5")
	checkPercent(ps, path+".DiskPercent", h.DiskPercent, 1, "a percentage of the filesystem in use, such as 85")
}

func hostGroup(o Options, h HostGroup) alerts.Group {
	sel, m := mustSelector(h.Selector), h.Metrics
	fs := append(slices.Clone(sel), mustSelector(h.FilesystemSelector)...)
	scope := []string{labelHostGroup, h.Name}
	if h.Service != "" {
		scope = append(scope, "service", h.Service)
	}
	availableShare := fmt.Sprintf("100 * max by (instance) (%s) / max by (instance) (%s)",
		sel.metric(m.MemoryAvailable), sel.metric(m.MemoryTotal))
	return o.group("host:"+h.Name, scope,
		alert{
			name: "HostDown", severity: alerts.High, forDuration: notMeasuredFor,
			expr: downOrAbsent(sel.metric(m.Up)),
			summary: instanceOrAll("{{ $labels.instance }} does not answer its scrape",
				fmt.Sprintf("The hosts of %s are not measured: no %s series", h.Name, m.Up)),
			description: instanceOrAll(
				fmt.Sprintf("node_exporter on {{ $labels.instance }} (%s) has not answered Prometheus for 5m: the host is down "+
					"or unreachable, or node_exporter stopped; its other alerts cannot fire.", h.Name),
				fmt.Sprintf("No series of %s matches the selector of %s for 5m: Prometheus no longer discovers or scrapes "+
					"these hosts, and none of their alerts can fire.", m.Up, h.Name)),
		},
		alert{
			name: "HighHostCPU", severity: alerts.Medium, forDuration: 5 * time.Minute,
			expr: fmt.Sprintf("100 * (1 - avg by (instance) (%s)) > %s",
				o.rate(m.CPU, sel, eq("mode", "idle")), num(h.CPUPercent)),
			summary: fmt.Sprintf("{{ $labels.instance }} uses more than %s%% of its CPU", num(h.CPUPercent)),
			description: fmt.Sprintf("{{ $labels.instance }} (%s) has been {{ $value | humanize }}%% busy over the last %s, "+
				"above %s%% for 5m.", h.Name, dur(o.RateWindow), num(h.CPUPercent)),
		},
		alert{
			name: "HighHostMemory", severity: alerts.Medium, forDuration: 5 * time.Minute,
			expr:    fmt.Sprintf("100 - %s > %s", availableShare, num(h.MemoryPercent)),
			summary: fmt.Sprintf("{{ $labels.instance }} uses more than %s%% of its memory", num(h.MemoryPercent)),
			description: fmt.Sprintf("{{ $labels.instance }} (%s) has used {{ $value | humanize }}%% of its memory for 5m, "+
				"above %s%%.", h.Name, num(h.MemoryPercent)),
		},
		alert{
			name: "HostOutOfMemory", severity: alerts.Critical, forDuration: 2 * time.Minute,
			expr:    fmt.Sprintf("%s < %s", availableShare, num(h.MemoryAvailablePercent)),
			summary: fmt.Sprintf("{{ $labels.instance }} is out of memory: less than %s%% available", num(h.MemoryAvailablePercent)),
			description: fmt.Sprintf("Only {{ $value | humanize }}%% of the memory of {{ $labels.instance }} (%s) has been available for 2m; "+
				"the kernel is about to kill processes.", h.Name),
		},
		alert{
			name: "HighHostDiskUsage", severity: alerts.High, forDuration: 10 * time.Minute,
			expr: fmt.Sprintf("100 - 100 * max by (instance, mountpoint) (%s) / max by (instance, mountpoint) (%s) > %s",
				fs.metric(m.FilesystemAvailable), fs.metric(m.FilesystemSize), num(h.DiskPercent)),
			summary: fmt.Sprintf("{{ $labels.mountpoint }} on {{ $labels.instance }} is more than %s%% full", num(h.DiskPercent)),
			description: fmt.Sprintf("{{ $labels.mountpoint }} on {{ $labels.instance }} (%s) has been {{ $value | humanize }}%% full for 10m; "+
				"writes fail when it is full.", h.Name),
		},
	)
}
