package validate

import (
	"net/netip"
	"regexp"
)

var (
	vpcIDRe      = regexp.MustCompile(`^vpc-([0-9a-f]{8}|[0-9a-f]{17})$`)
	subnetIDRe   = regexp.MustCompile(`^subnet-([0-9a-f]{8}|[0-9a-f]{17})$`)
	clusterARNRe = regexp.MustCompile(`^arn:aws(-cn|-us-gov)?:ecs:[a-z]{2}(-[a-z]+)+-\d:\d{12}:cluster/[A-Za-z0-9_-]{1,255}$`)
)

// VPCID checks an EC2 VPC ID: vpc- and 8 or 17 hexadecimal digits.
func VPCID(ps *Problems, path, v string) {
	if !vpcIDRe.MatchString(v) {
		ps.Addf(path, "the ID the VPC console or `aws ec2 describe-vpcs` shows, such as vpc-0123456789abcdef0",
			"must be a VPC ID (vpc- and 8 or 17 hexadecimal digits), got %q", v)
	}
}

// SubnetID checks an EC2 subnet ID: subnet- and 8 or 17 hexadecimal digits.
func SubnetID(ps *Problems, path, v string) {
	if !subnetIDRe.MatchString(v) {
		ps.Addf(path, "the ID `aws ec2 describe-subnets` shows, such as subnet-0123456789abcdef0",
			"must be a subnet ID (subnet- and 8 or 17 hexadecimal digits), got %q", v)
	}
}

// ECSClusterARN checks the ARN of an ECS cluster.
func ECSClusterARN(ps *Problems, path, v string) {
	if !clusterARNRe.MatchString(v) {
		ps.Addf(path, "such as arn:aws:ecs:eu-west-1:123456789012:cluster/monitoring",
			"must be an ECS cluster ARN, got %q", v)
	}
}

// PrivateCIDR checks an IPv4 or IPv6 CIDR block that may be let in to a monitoring
// port: a valid prefix written in its canonical form (no host bits set), and not one
// that admits the whole internet (0.0.0.0/0, ::/0, or any prefix shorter than /8 for
// IPv4 and /16 for IPv6).
func PrivateCIDR(ps *Problems, path, v string) {
	p, err := netip.ParsePrefix(v)
	if err != nil {
		ps.Addf(path, "a CIDR block such as 10.0.0.0/16", "must be a CIDR block, got %q", v)
		return
	}
	if p.Masked() != p {
		ps.Addf(path, "write the network address: "+p.Masked().String(), "has host bits set: %q", v)
		return
	}
	min := 8
	if p.Addr().Is6() {
		min = 16
	}
	if p.Bits() < min {
		ps.Addf(path, "monitoring ports are never open to the internet: name the office or VPN ranges, such as 10.0.0.0/16",
			"admits too much of the internet, got %q (at least /%d)", v, min)
	}
}

// ec2DescriptionRe is what EC2 takes in the description of a security group or of a
// security group rule (CreateSecurityGroup, AuthorizeSecurityGroupIngress).
var ec2DescriptionRe = regexp.MustCompile(`^[a-zA-Z0-9 ._\-:/()#,@\[\]+=&;{}!$*]{1,255}$`)

// EC2Description reports whether EC2 takes s as a security group's or a rule's
// description: 1 to 255 letters, digits, spaces and ._-:/()#,@[]+=&;{}!$*, so no
// apostrophe.
func EC2Description(s string) bool { return ec2DescriptionRe.MatchString(s) }

// SecurityGroupDescription checks a description for EC2.
func SecurityGroupDescription(ps *Problems, path, v string) {
	if !EC2Description(v) {
		ps.Addf(path, "EC2 takes 1 to 255 letters, digits, spaces and ._-:/()#,@[]+=&;{}!$* in a description: no apostrophe",
			"has characters EC2 refuses, got %q", v)
	}
}
