package stacks

import (
	"fmt"
	"sort"
	"strings"
)

// NotUsedYetPrefix starts the warning that lists the keys a stack sets which vigil
// validates but does not turn into anything yet.
const NotUsedYetPrefix = "not used yet"

// notUsedYet names, per kind of item, the keys that are checked but drive nothing
// yet, and what will read them. A test changes every key of the schema alone and
// holds each to changing the plan or being listed here; a key leaves this list when
// the component that reads it lands.
var notUsedYet = struct {
	top                                                     []string
	services, databases, caches, queues, certificates       []string
	serviceAlarms, databaseAlarms, cacheAlarms, queueAlarms []string
}{
	// vigil's own log groups and Fargate tasks come with the ECS platform.
	top: []string{"logRetentionDays"},
}

// The CloudWatch alarms read every other key: the lists above that are empty today
// stay, so that a key added without a reader has a place to be declared.

// warnNotUsedYet adds one warning listing every key of cfg that is set but drives
// nothing yet, so that nobody believes it watches something.
func warnNotUsedYet(env *Environment, cfg *Config) {
	const p = Namespace + ":"
	var keys []string
	// The notifier's log group keeps logRetentionDays; without it no log group of
	// vigil's own reads it yet.
	if cfg.LogRetentionDays != 0 && len(cfg.Notifier.Channels) == 0 {
		keys = append(keys, p+"logRetentionDays")
	}

	thresholds := func(path string, raw any, names []string) {
		m, _ := raw.(map[string]any)
		for _, n := range names {
			if _, ok := m[n]; ok {
				keys = append(keys, path+"."+n)
			}
		}
	}
	thresholds(p+"thresholds.service", cfg.Thresholds.Service, notUsedYet.serviceAlarms)
	thresholds(p+"thresholds.database", cfg.Thresholds.Database, notUsedYet.databaseAlarms)
	thresholds(p+"thresholds.cache", cfg.Thresholds.Cache, notUsedYet.cacheAlarms)
	thresholds(p+"thresholds.queue", cfg.Thresholds.Queue, notUsedYet.queueAlarms)

	item := func(path string, set map[string]bool, names []string) {
		for _, n := range names {
			if set[n] {
				keys = append(keys, path+"."+n)
			}
		}
	}
	for i, s := range cfg.Services {
		path := fmt.Sprintf("%sservices[%d]", p, i)
		item(path, map[string]bool{"ecs": s.ECS != nil, "logGroup": s.LogGroup != "", "loadBalancer": s.LoadBalancer != "",
			"targetGroup": s.TargetGroup != "", "healthCheckUrl": s.HealthCheckURL != ""}, notUsedYet.services)
		thresholds(path+".alarms", s.Overrides, notUsedYet.serviceAlarms)
	}
	for i, d := range cfg.Databases {
		path := fmt.Sprintf("%sdatabases[%d]", p, i)
		item(path, map[string]bool{"instanceId": d.InstanceID != "", "maxConnections": d.MaxConnections != 0}, notUsedYet.databases)
		thresholds(path+".alarms", d.Overrides, notUsedYet.databaseAlarms)
	}
	for i, c := range cfg.Caches {
		path := fmt.Sprintf("%scaches[%d]", p, i)
		item(path, map[string]bool{"clusterId": c.ClusterID != ""}, notUsedYet.caches)
		thresholds(path+".alarms", c.Overrides, notUsedYet.cacheAlarms)
	}
	for i, q := range cfg.Queues {
		path := fmt.Sprintf("%squeues[%d]", p, i)
		item(path, map[string]bool{"deadLetterQueue": q.DeadLetterQueue != ""}, notUsedYet.queues)
		thresholds(path+".alarms", q.Overrides, notUsedYet.queueAlarms)
	}
	for i, c := range cfg.Certificates {
		item(fmt.Sprintf("%scertificates[%d]", p, i), map[string]bool{"arn": c.ARN != ""}, notUsedYet.certificates)
	}
	if len(keys) == 0 {
		return
	}
	sort.Strings(keys)
	env.Warnings = append(env.Warnings, NotUsedYetPrefix+
		" (checked, but no vigil task or log group of vigil's own reads them before the ECS platform lands): "+
		strings.Join(keys, ", "))
}
