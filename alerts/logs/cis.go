package logs

import (
	"fmt"
	"strings"
)

// CISControl is one monitoring control of the CIS AWS Foundations Benchmark: a metric
// filter on the CloudTrail log group and an alarm on Sum >= 1 over 300 seconds.
type CISControl struct {
	// ID is the control's number in v1.4 (4.1 to 4.15); v3.0 numbers section 4 the
	// same way.
	ID string
	// Slug names the filter, its metric and its alarm (cis-root-account-usage).
	Slug string
	// Summary says what happened when the alarm fires.
	Summary string
	// Pattern is the benchmark's filter pattern.
	Pattern string
}

// eventNames is a JSON condition that holds when eventName is one of names.
func eventNames(names ...string) string {
	parts := make([]string, len(names))
	for i, n := range names {
		parts[i] = fmt.Sprintf("($.eventName = %s)", n)
	}
	return strings.Join(parts, " || ")
}

// fromSource is a pattern that holds for the named events of one event source.
func fromSource(source string, names ...string) string {
	return fmt.Sprintf("{ ($.eventSource = %s) && (%s) }", source, eventNames(names...))
}

// CISControls are the fifteen controls, in the benchmark's order, with its patterns.
// Where v1.4 offers a variant, the one chosen is noted.
var CISControls = []CISControl{
	{"4.1", "cis-unauthorized-api-calls", "An API call was refused as unauthorized or access denied.",
		// v1.4's pattern leaves out S3's HeadBucket probes and the log delivery
		// service, which fail by design; the parentheses make the && apply to both
		// error codes, as the benchmark means.
		`{ (($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*")) && ($.sourceIPAddress != "delivery.logs.amazonaws.com") && ($.eventName != "HeadBucket") }`},
	{"4.2", "cis-console-signin-without-mfa", "An IAM user signed in to the console without MFA.",
		// v1.4's variant for accounts that also sign in through SSO: only IAM users'
		// successful sign-ins count (SSO sign-ins carry no MFAUsed = Yes).
		`{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") && ($.userIdentity.type = "IAMUser") && ($.responseElements.ConsoleLogin = "Success") }`},
	{"4.3", "cis-root-account-usage", "The root user was used.",
		`{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }`},
	{"4.4", "cis-iam-policy-changes", "An IAM policy was created, changed, attached or detached.",
		"{ " + eventNames("DeleteGroupPolicy", "DeleteRolePolicy", "DeleteUserPolicy", "PutGroupPolicy", "PutRolePolicy", "PutUserPolicy",
			"CreatePolicy", "DeletePolicy", "CreatePolicyVersion", "DeletePolicyVersion", "AttachRolePolicy", "DetachRolePolicy",
			"AttachUserPolicy", "DetachUserPolicy", "AttachGroupPolicy", "DetachGroupPolicy") + " }"},
	{"4.5", "cis-cloudtrail-config-changes", "A CloudTrail trail was created, changed, deleted, started or stopped.",
		"{ " + eventNames("CreateTrail", "UpdateTrail", "DeleteTrail", "StartLogging", "StopLogging") + " }"},
	{"4.6", "cis-console-signin-failures", "A console sign-in failed authentication.",
		`{ ($.eventName = ConsoleLogin) && ($.errorMessage = "Failed authentication") }`},
	{"4.7", "cis-kms-key-disabled-or-deleted", "A customer-managed KMS key was disabled or scheduled for deletion.",
		fromSource("kms.amazonaws.com", "DisableKey", "ScheduleKeyDeletion")},
	{"4.8", "cis-s3-bucket-policy-changes", "An S3 bucket's policy, ACL, CORS, lifecycle or replication was changed.",
		fromSource("s3.amazonaws.com", "PutBucketAcl", "PutBucketPolicy", "PutBucketCors", "PutBucketLifecycle", "PutBucketReplication",
			"DeleteBucketPolicy", "DeleteBucketCors", "DeleteBucketLifecycle", "DeleteBucketReplication")},
	{"4.9", "cis-aws-config-changes", "AWS Config recording or delivery was stopped or changed.",
		fromSource("config.amazonaws.com", "StopConfigurationRecorder", "DeleteDeliveryChannel", "PutDeliveryChannel", "PutConfigurationRecorder")},
	{"4.10", "cis-security-group-changes", "A security group was created, changed or deleted.",
		"{ " + eventNames("AuthorizeSecurityGroupIngress", "AuthorizeSecurityGroupEgress", "RevokeSecurityGroupIngress",
			"RevokeSecurityGroupEgress", "CreateSecurityGroup", "DeleteSecurityGroup") + " }"},
	{"4.11", "cis-nacl-changes", "A network ACL was created, changed or deleted.",
		"{ " + eventNames("CreateNetworkAcl", "CreateNetworkAclEntry", "DeleteNetworkAcl", "DeleteNetworkAclEntry",
			"ReplaceNetworkAclEntry", "ReplaceNetworkAclAssociation") + " }"},
	{"4.12", "cis-network-gateway-changes", "A customer or internet gateway was created, attached, detached or deleted.",
		"{ " + eventNames("CreateCustomerGateway", "DeleteCustomerGateway", "AttachInternetGateway", "CreateInternetGateway",
			"DeleteInternetGateway", "DetachInternetGateway") + " }"},
	{"4.13", "cis-route-table-changes", "A route or route table was created, changed or deleted.",
		// v1.4 adds the event source to the v1.2 list.
		fromSource("ec2.amazonaws.com", "CreateRoute", "CreateRouteTable", "ReplaceRoute", "ReplaceRouteTableAssociation",
			"DeleteRouteTable", "DeleteRoute", "DisassociateRouteTable")},
	{"4.14", "cis-vpc-changes", "A VPC, its attributes, peering or ClassicLink was changed.",
		"{ " + eventNames("CreateVpc", "DeleteVpc", "ModifyVpcAttribute", "AcceptVpcPeeringConnection", "CreateVpcPeeringConnection",
			"DeleteVpcPeeringConnection", "RejectVpcPeeringConnection", "AttachClassicLinkVpc", "DetachClassicLinkVpc",
			"DisableVpcClassicLink", "EnableVpcClassicLink") + " }"},
	{"4.15", "cis-organizations-changes", "AWS Organizations' accounts, units, policies or handshakes were changed.",
		fromSource("organizations.amazonaws.com", "AcceptHandshake", "AttachPolicy", "CreateAccount", "CreateOrganizationalUnit",
			"CreatePolicy", "DeclineHandshake", "DeleteOrganization", "DeleteOrganizationalUnit", "DeletePolicy", "DetachPolicy",
			"DisablePolicyType", "EnablePolicyType", "InviteAccountToOrganization", "LeaveOrganization", "MoveAccount",
			"RemoveAccountFromOrganization", "UpdatePolicy", "UpdateOrganizationalUnit")},
}

// The CIS alarm: Sum >= 1 over 300 seconds, as every control of the benchmark asks.
const (
	CISPeriod    = 300
	CISThreshold = 1
)
