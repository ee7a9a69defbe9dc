package platform

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/vpc"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// The security groups: one per app, and LoadBalancerGroup for Grafana's load
// balancer. EFSGroup is the file system's group (FileSystem makes it and admits the
// Prometheus and Grafana groups to it).
const (
	LoadBalancerGroup = "alb"
	EFSGroup          = "efs"
)

// AnywhereIPv4 is the only CIDR an egress rule may name that admits everything: 443
// out, for what has no fixed address.
const AnywhereIPv4 = "0.0.0.0/0"

// Rule is one security group rule of the platform: TCP ports FromPort..ToPort of
// Group, in from (or out to) PeerGroup or CIDR, exactly one of them set.
type Rule struct {
	Group            string
	Egress           bool
	FromPort, ToPort int
	PeerGroup        string
	CIDR             string
	Description      string
}

// NetworkRules lists every rule of the platform's security groups (a has its
// defaults applied). Every flow between two of the platform's groups is an egress
// rule of the one and an ingress rule of the other, so that both ends say who talks
// to whom:
//   - Prometheus 9090 from Grafana only. The load balancer forwards to Grafana alone,
//     so it is not let in to Prometheus: nothing would use the rule;
//   - Alertmanager 9093 from Prometheus and Grafana only;
//   - Grafana 3000 from the load balancer when there is one, else from
//     Grafana.AllowedCIDRs; the load balancer 443 from Grafana.AllowedCIDRs;
//   - the blackbox exporter 9115 from Prometheus only;
//   - out: every task 443 to anywhere (AnywhereIPv4), for the AWS APIs (S3 for the
//     init container, CloudWatch Logs, Secrets Manager, SNS for Alertmanager,
//     CloudWatch for Grafana), the image registries, and the blackbox exporter's
//     HTTPS probes; Prometheus and Grafana 2049 to the EFS group; Prometheus to
//     PrometheusArgs.ScrapeEgress and the blackbox exporter to ProbeEgress.
//
// No rule is needed for DNS: security groups do not filter traffic to the Amazon DNS
// server of the VPC (nor to the task metadata and credentials endpoint), so Cloud
// Map's names resolve with the rules above. The Pulumi AWS provider removes the
// allow-all egress rule AWS adds to a new group, so these are all the rules there are.
func NetworkRules(a PlatformArgs) []Rule {
	var out []Rule
	flow := func(from, to string, port int, why string) {
		out = append(out,
			Rule{Group: from, Egress: true, FromPort: port, ToPort: port, PeerGroup: to, Description: why},
			Rule{Group: to, FromPort: port, ToPort: port, PeerGroup: from, Description: why})
	}
	flow(Grafana, Prometheus, Port(Prometheus), "Grafana queries Prometheus")
	flow(Prometheus, Alertmanager, Port(Alertmanager), "Prometheus sends alerts to Alertmanager")
	flow(Grafana, Alertmanager, Port(Alertmanager), "Grafana reads the alerts and silences of Alertmanager")
	flow(Prometheus, Blackbox, Port(Blackbox), "Prometheus scrapes the probes of the blackbox exporter")
	if a.Grafana.LoadBalancer != nil {
		flow(LoadBalancerGroup, Grafana, Port(Grafana), "The load balancer forwards to Grafana")
		for _, c := range a.Grafana.AllowedCIDRs {
			out = append(out, Rule{Group: LoadBalancerGroup, FromPort: 443, ToPort: 443, CIDR: c, Description: "HTTPS to Grafana from an allowed network"})
		}
	} else {
		for _, c := range a.Grafana.AllowedCIDRs {
			out = append(out, Rule{Group: Grafana, FromPort: Port(Grafana), ToPort: Port(Grafana), CIDR: c, Description: "Grafana from an allowed network"})
		}
	}
	for _, g := range []string{Prometheus, Grafana} {
		out = append(out, Rule{Group: g, Egress: true, FromPort: 2049, ToPort: 2049, PeerGroup: EFSGroup, Description: "NFS to the platform EFS file system"})
	}
	for _, g := range Apps() {
		out = append(out, Rule{Group: g, Egress: true, FromPort: 443, ToPort: 443, CIDR: AnywhereIPv4,
			Description: "HTTPS to AWS APIs, image registries and probed endpoints"})
	}
	egress := func(g string, rules []EgressRule, what string) {
		for _, r := range rules {
			to := r.ToPort
			if to == 0 {
				to = r.FromPort
			}
			d := r.Description
			if d == "" {
				d = what
			}
			out = append(out, Rule{Group: g, Egress: true, FromPort: r.FromPort, ToPort: to, CIDR: r.CIDR, Description: d})
		}
	}
	egress(Prometheus, a.Prometheus.ScrapeEgress, "Prometheus scrapes targets")
	egress(Blackbox, a.ProbeEgress, "The blackbox exporter probes targets")
	return out
}

// securityGroupNames are the groups NetworkRules uses that the platform creates.
func securityGroupNames(a PlatformArgs) []string {
	out := Apps()
	if a.Grafana.LoadBalancer != nil {
		out = append(out, LoadBalancerGroup)
	}
	return out
}

// newSecurityGroups creates the platform's groups, without rules (newRules adds
// them once the EFS group exists).
func newSecurityGroups(ctx *pulumi.Context, name string, a PlatformArgs, parent pulumi.ResourceOption) (map[string]*ec2.SecurityGroup, error) {
	out := map[string]*ec2.SecurityGroup{}
	for _, g := range securityGroupNames(a) {
		what := "the " + g + " tasks"
		if g == LoadBalancerGroup {
			what = "the Grafana internal load balancer"
		}
		sg, err := ec2.NewSecurityGroup(ctx, name+"-"+g+"-sg", &ec2.SecurityGroupArgs{
			Name:        pulumi.String(a.NamePrefix + "-" + g),
			Description: pulumi.String("vigil: " + what + " of " + a.NamePrefix),
			VpcId:       pulumi.String(a.VpcID),
			Tags:        pulumi.ToStringMap(a.Tags),
		}, parent)
		if err != nil {
			return nil, err
		}
		out[g] = sg
	}
	return out, nil
}

// newRules creates every rule of NetworkRules, each named by what it admits so that a
// changed rule list replaces only the rules that changed.
func newRules(ctx *pulumi.Context, name string, a PlatformArgs, groups map[string]*ec2.SecurityGroup, efsGroup pulumi.StringInput, parent pulumi.ResourceOption) error {
	peerID := func(g string) pulumi.StringPtrInput {
		if g == EFSGroup {
			return efsGroup.ToStringOutput().ToStringPtrOutput()
		}
		return groups[g].ID().ToStringOutput().ToStringPtrOutput()
	}
	for _, r := range NetworkRules(a) {
		peer := r.PeerGroup
		if r.CIDR != "" {
			peer = "cidr-" + shortHash(r.CIDR)
		}
		ports := strconv.Itoa(r.FromPort)
		if r.ToPort != r.FromPort {
			ports += "-" + strconv.Itoa(r.ToPort)
		}
		var cidr, cidr6, ref pulumi.StringPtrInput
		switch {
		case strings.Contains(r.CIDR, ":"):
			cidr6 = pulumi.StringPtr(r.CIDR)
		case r.CIDR != "":
			cidr = pulumi.StringPtr(r.CIDR)
		default:
			ref = peerID(r.PeerGroup)
		}
		var err error
		if r.Egress {
			_, err = vpc.NewSecurityGroupEgressRule(ctx, fmt.Sprintf("%s-%s-to-%s-%s", name, r.Group, peer, ports), &vpc.SecurityGroupEgressRuleArgs{
				SecurityGroupId: groups[r.Group].ID(), IpProtocol: pulumi.String("tcp"),
				FromPort: pulumi.Int(r.FromPort), ToPort: pulumi.Int(r.ToPort),
				CidrIpv4: cidr, CidrIpv6: cidr6, ReferencedSecurityGroupId: ref,
				Description: pulumi.String(r.Description), Tags: pulumi.ToStringMap(a.Tags),
			}, parent)
		} else {
			_, err = vpc.NewSecurityGroupIngressRule(ctx, fmt.Sprintf("%s-%s-from-%s-%s", name, r.Group, peer, ports), &vpc.SecurityGroupIngressRuleArgs{
				SecurityGroupId: groups[r.Group].ID(), IpProtocol: pulumi.String("tcp"),
				FromPort: pulumi.Int(r.FromPort), ToPort: pulumi.Int(r.ToPort),
				CidrIpv4: cidr, CidrIpv6: cidr6, ReferencedSecurityGroupId: ref,
				Description: pulumi.String(r.Description), Tags: pulumi.ToStringMap(a.Tags),
			}, parent)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func shortHash(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:4])
}
