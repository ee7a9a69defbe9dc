package main

import (
	"encoding/json"
	"fmt"

	"github.com/vigilops/vigil/stacks"
)

// generatedEstate returns the config values of a prod stack with n services and, in
// proportion, databases, caches, queues and certificates, as the engine would pass
// them; with a host group, a CloudTrail trail and the notifier, so that every
// component of a plan is measured.
func generatedEstate(n int) map[string]string {
	var services, dbs, caches, queues, certs []map[string]any
	for i := 0; i < n; i++ {
		name := fmt.Sprintf("svc-%04d", i)
		services = append(services, map[string]any{
			"name":           name,
			"ecs":            map[string]any{"cluster": "prod-main", "service": name},
			"logGroup":       "/ecs/prod/" + name,
			"loadBalancer":   "app/prod-public/50dc6c495c0c9188",
			"targetGroup":    fmt.Sprintf("targetgroup/%s/%016x", name, i),
			"healthCheckUrl": fmt.Sprintf("https://%s.example.com/health", name),
			"alarms":         map[string]any{"cpuPercent": 70 + i%20},
		})
		if i%5 == 0 {
			dbs = append(dbs, map[string]any{"name": name + "-db", "engine": "postgres", "instanceId": "prod-" + name, "maxConnections": 400})
			caches = append(caches, map[string]any{"name": name + "-cache", "engine": "redis", "clusterId": "prod-" + name + "-001"})
			queues = append(queues, map[string]any{"name": name + "-events"})
			certs = append(certs, map[string]any{"domain": name + ".example.com",
				"arn": fmt.Sprintf("arn:aws:acm:eu-west-1:123456789012:certificate/%08x-0000-4000-8000-000000000000", i)})
		}
	}
	enc := func(v any) string {
		b, err := json.Marshal(v)
		if err != nil {
			panic(err)
		}
		return string(b)
	}
	return map[string]string{
		"aws:region":          "eu-west-1",
		"vigil:tier":          "prod",
		"vigil:accountId":     "123456789012",
		"vigil:notifications": enc(map[string]any{"critical": map[string]any{"emails": []string{"oncall@example.com"}, "sms": []string{"+4915112345678"}}, "high": map[string]any{"emails": []string{"oncall@example.com"}, "sms": []string{"+4915112345678"}}}),
		"vigil:services":      enc(services),
		"vigil:databases":     enc(dbs),
		"vigil:caches":        enc(caches),
		"vigil:queues":        enc(queues),
		"vigil:certificates":  enc(certs),
		"vigil:hosts": enc([]map[string]any{{"name": "bastion", "selector": `job="node",group="bastion"`,
			"instanceIds": []string{"i-0123456789abcdef0", "i-0123456789abcdef1"}}}),
		"vigil:cloudTrail": enc(map[string]any{"create": true}),
		// The ECS platform, so that the benchmark covers it and the files it delivers.
		"vigil:platform": enc(map[string]any{"mode": "ecs", "vpcId": "vpc-0a1b2c3d4e5f60718",
			"subnetIds": []string{"subnet-0a1b2c3d4e5f60718", "subnet-0f1e2d3c4b5a69788"},
			"scrapeEgress": []map[string]any{{"cidr": "10.0.0.0/16", "fromPort": 8080}},
			"grafana": map[string]any{"adminPassword": "bench-password", "allowedCidrs": []string{"10.0.0.0/16"},
				"certificateArn": "arn:aws:acm:eu-west-1:123456789012:certificate/0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"}}),
		"vigil:notifier": enc(map[string]any{
			"channels": []map[string]any{{"name": "team-chat", "target": "googlechat", "severities": []string{"critical", "high", "medium"},
				"webhook": "https://chat.googleapis.com/v1/spaces/BENCH/messages?key=k&token=t"}},
			"alarmEmails": []string{"oncall@example.com"}, "dailySummaryAt": "09:00", "timeZone": "Europe/Berlin"}),
	}
}

func stacksFromValues(values map[string]string) (*stacks.Environment, error) {
	return stacks.FromValues("vigil", "bench", values, []string{"vigil:notifier", "vigil:platform"})
}
