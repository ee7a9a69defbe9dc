package platform

import (
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/lb"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// TLSPolicy is the load balancer listener's security policy: TLS 1.3 and 1.2 with
// forward-secret ciphers only.
const TLSPolicy = "ELBSecurityPolicy-TLS13-1-2-2021-06"

// loadBalancer is Grafana's internal HTTPS load balancer.
type loadBalancer struct {
	targetGroupArn pulumi.StringOutput
	dnsName        pulumi.StringOutput
}

// newLoadBalancer creates an internal application load balancer in the subnets of
// args (never internet-facing), which drops invalid header fields, listens on 443
// only with the ACM certificate and TLSPolicy, and forwards to an IP target group of
// the Grafana tasks on 3000, checked at /api/health. Its security group admits
// Grafana.AllowedCIDRs on 443 (NetworkRules).
func newLoadBalancer(ctx *pulumi.Context, name string, a PlatformArgs, securityGroup pulumi.StringInput, parent pulumi.ResourceOption) (*loadBalancer, error) {
	args := a.Grafana.LoadBalancer
	tags := pulumi.ToStringMap(a.Tags)
	alb, err := lb.NewLoadBalancer(ctx, name+"-grafana-alb", &lb.LoadBalancerArgs{
		Name:                    pulumi.String(a.NamePrefix + "-grafana"),
		Internal:                pulumi.Bool(true),
		LoadBalancerType:        pulumi.String("application"),
		SecurityGroups:          pulumi.StringArray{securityGroup},
		Subnets:                 pulumi.ToStringArray(args.SubnetIDs),
		DropInvalidHeaderFields: pulumi.Bool(true),
		Tags:                    tags,
	}, parent)
	if err != nil {
		return nil, err
	}
	tg, err := lb.NewTargetGroup(ctx, name+"-grafana-tg", &lb.TargetGroupArgs{
		Name:       pulumi.String(a.NamePrefix + "-grafana"),
		Port:       pulumi.Int(Port(Grafana)),
		Protocol:   pulumi.String("HTTP"),
		TargetType: pulumi.String("ip"),
		VpcId:      pulumi.String(a.VpcID),
		// One Grafana task, replaced stop-first: waiting ELB's default 300 s for
		// requests to drain from a task that is already stopping only delays the new one.
		DeregistrationDelay: pulumi.Int(30),
		HealthCheck: lb.TargetGroupHealthCheckArgs{
			Enabled:  pulumi.Bool(true),
			Path:     pulumi.String("/api/health"),
			Protocol: pulumi.String("HTTP"),
			Port:     pulumi.String("traffic-port"),
			Matcher:  pulumi.String("200"),
		},
		Tags: tags,
	}, parent)
	if err != nil {
		return nil, err
	}
	if _, err := lb.NewListener(ctx, name+"-grafana-https", &lb.ListenerArgs{
		LoadBalancerArn: alb.Arn,
		Port:            pulumi.Int(443),
		Protocol:        pulumi.String("HTTPS"),
		SslPolicy:       pulumi.String(TLSPolicy),
		CertificateArn:  pulumi.String(args.CertificateARN),
		DefaultActions: lb.ListenerDefaultActionArray{lb.ListenerDefaultActionArgs{
			Type: pulumi.String("forward"), TargetGroupArn: tg.Arn,
		}},
		Tags: tags,
	}, parent); err != nil {
		return nil, err
	}
	return &loadBalancer{targetGroupArn: tg.Arn, dnsName: alb.DnsName}, nil
}
