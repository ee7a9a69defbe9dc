package platform

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestEveryFlowIsAnEgressOfOneGroupAndAnIngressOfTheOther(t *testing.T) {
	a := validArgs(t).withDefaults()
	const https = "HTTPS to AWS APIs, image registries and probed endpoints"
	want := []Rule{
		{Group: Grafana, Egress: true, FromPort: 9090, ToPort: 9090, PeerGroup: Prometheus, Description: "Grafana queries Prometheus"},
		{Group: Prometheus, FromPort: 9090, ToPort: 9090, PeerGroup: Grafana, Description: "Grafana queries Prometheus"},
		{Group: Prometheus, Egress: true, FromPort: 9093, ToPort: 9093, PeerGroup: Alertmanager, Description: "Prometheus sends alerts to Alertmanager"},
		{Group: Alertmanager, FromPort: 9093, ToPort: 9093, PeerGroup: Prometheus, Description: "Prometheus sends alerts to Alertmanager"},
		{Group: Grafana, Egress: true, FromPort: 9093, ToPort: 9093, PeerGroup: Alertmanager, Description: "Grafana reads the alerts and silences of Alertmanager"},
		{Group: Alertmanager, FromPort: 9093, ToPort: 9093, PeerGroup: Grafana, Description: "Grafana reads the alerts and silences of Alertmanager"},
		{Group: Prometheus, Egress: true, FromPort: 9115, ToPort: 9115, PeerGroup: Blackbox, Description: "Prometheus scrapes the probes of the blackbox exporter"},
		{Group: Blackbox, FromPort: 9115, ToPort: 9115, PeerGroup: Prometheus, Description: "Prometheus scrapes the probes of the blackbox exporter"},
		{Group: LoadBalancerGroup, Egress: true, FromPort: 3000, ToPort: 3000, PeerGroup: Grafana, Description: "The load balancer forwards to Grafana"},
		{Group: Grafana, FromPort: 3000, ToPort: 3000, PeerGroup: LoadBalancerGroup, Description: "The load balancer forwards to Grafana"},
		{Group: LoadBalancerGroup, FromPort: 443, ToPort: 443, CIDR: "10.20.0.0/16", Description: "HTTPS to Grafana from an allowed network"},
		{Group: Prometheus, Egress: true, FromPort: 2049, ToPort: 2049, PeerGroup: EFSGroup, Description: "NFS to the platform EFS file system"},
		{Group: Grafana, Egress: true, FromPort: 2049, ToPort: 2049, PeerGroup: EFSGroup, Description: "NFS to the platform EFS file system"},
		{Group: Prometheus, Egress: true, FromPort: 443, ToPort: 443, CIDR: "0.0.0.0/0", Description: https},
		{Group: Alertmanager, Egress: true, FromPort: 443, ToPort: 443, CIDR: "0.0.0.0/0", Description: https},
		{Group: Grafana, Egress: true, FromPort: 443, ToPort: 443, CIDR: "0.0.0.0/0", Description: https},
		{Group: Blackbox, Egress: true, FromPort: 443, ToPort: 443, CIDR: "0.0.0.0/0", Description: https},
		{Group: Prometheus, Egress: true, FromPort: 8080, ToPort: 9999, CIDR: "10.0.0.0/16", Description: "Prometheus scrapes targets"},
	}
	assert.Equal(t, want, NetworkRules(a))
}

func TestWithoutALoadBalancerGrafanaAdmitsTheAllowedNetworksAndNoRuleAdmitsTheInternet(t *testing.T) {
	a := validArgs(t)
	a.Grafana.LoadBalancer = nil
	a.Grafana.AllowedCIDRs = []string{"10.20.0.0/16", "fd00:1234::/32"}
	a.ProbeEgress = []EgressRule{{CIDR: "10.0.0.0/8", FromPort: 80, Description: "plain-http health URLs"}}
	rules := NetworkRules(a.withDefaults())
	var ingress []Rule
	for _, r := range rules {
		assert.NotEmpty(t, r.Description, "every rule says why")
		assert.True(t, (r.PeerGroup == "") != (r.CIDR == ""), "exactly one peer: %+v", r)
		assert.NotEqual(t, LoadBalancerGroup, r.Group)
		assert.NotEqual(t, LoadBalancerGroup, r.PeerGroup)
		if !r.Egress {
			ingress = append(ingress, r)
			assert.NotContains(t, []string{"0.0.0.0/0", "::/0"}, r.CIDR, "no ingress from the internet")
		} else if r.CIDR == AnywhereIPv4 {
			assert.Equal(t, 443, r.FromPort, "only HTTPS goes out anywhere")
			assert.Equal(t, 443, r.ToPort)
		}
	}
	assert.Contains(t, ingress, Rule{Group: Grafana, FromPort: 3000, ToPort: 3000, CIDR: "10.20.0.0/16", Description: "Grafana from an allowed network"})
	assert.Contains(t, ingress, Rule{Group: Grafana, FromPort: 3000, ToPort: 3000, CIDR: "fd00:1234::/32", Description: "Grafana from an allowed network"})
	assert.Contains(t, rules, Rule{Group: Blackbox, Egress: true, FromPort: 80, ToPort: 80, CIDR: "10.0.0.0/8", Description: "plain-http health URLs"})
	// Who may reach each port, exactly.
	reach := map[string][]string{}
	for _, r := range ingress {
		peer := r.PeerGroup
		if peer == "" {
			peer = r.CIDR
		}
		reach[r.Group] = append(reach[r.Group], peer)
	}
	assert.Equal(t, map[string][]string{
		Prometheus:   {Grafana},
		Alertmanager: {Prometheus, Grafana},
		Blackbox:     {Prometheus},
		Grafana:      {"10.20.0.0/16", "fd00:1234::/32"},
	}, reach)
}
