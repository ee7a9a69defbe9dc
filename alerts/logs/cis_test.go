package logs

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vigilops/vigil/alerts"
	"github.com/vigilops/vigil/alerts/cloudwatch"
	"github.com/vigilops/vigil/alerts/logfilter"
)

// event is a CloudTrail record as CloudTrail delivers it to CloudWatch Logs (one JSON
// object per log event): an IAM user's API call from outside AWS, with the fields of
// set (dotted keys reach into objects; a nil value removes the field).
func event(source, name string, set map[string]any) string {
	e := map[string]any{
		"eventVersion": "1.09",
		"userIdentity": map[string]any{
			"type": "IAMUser", "principalId": "AIDAEXAMPLEUSERID", "arn": "arn:aws:iam::123456789012:user/alice",
			"accountId": "123456789012", "accessKeyId": "AKIAIOSFODNN7EXAMPLE", "userName": "alice",
		},
		"eventTime":          "2026-12-01T20:00:00Z",
		"eventSource":        source,
		"eventName":          name,
		"awsRegion":          "eu-west-1",
		"sourceIPAddress":    "203.0.113.7",
		"userAgent":          "aws-cli/2.15.0",
		"requestParameters":  map[string]any{},
		"responseElements":   nil,
		"requestID":          "6f1b1b2c-1111-4c3e-9d5e-000000000001",
		"eventID":            "0b8c2f2e-2222-4f9a-8e7d-000000000002",
		"readOnly":           false,
		"eventType":          "AwsApiCall",
		"managementEvent":    true,
		"recipientAccountId": "123456789012",
		"eventCategory":      "Management",
	}
	for k, v := range set {
		parts := strings.Split(k, ".")
		m := e
		for _, p := range parts[:len(parts)-1] {
			next, ok := m[p].(map[string]any)
			if !ok {
				next = map[string]any{}
				m[p] = next
			}
			m = next
		}
		if v == nil {
			delete(m, parts[len(parts)-1])
		} else {
			m[parts[len(parts)-1]] = v
		}
	}
	b, err := json.Marshal(e)
	if err != nil {
		panic(err)
	}
	return string(b)
}

// signIn is a ConsoleLogin record: CloudTrail writes it with eventType
// AwsConsoleSignIn, the result in responseElements and MFAUsed in
// additionalEventData.
func signIn(userType, result, mfa string, set map[string]any) string {
	all := map[string]any{
		"eventType": "AwsConsoleSignIn", "userIdentity.type": userType,
		"responseElements": map[string]any{"ConsoleLogin": result},
		"additionalEventData": map[string]any{
			"LoginTo": "https://console.aws.amazon.com/console/home", "MobileVersion": "No", "MFAUsed": mfa,
		},
	}
	if result == "Failure" {
		all["errorMessage"] = "Failed authentication"
	}
	for k, v := range set {
		all[k] = v
	}
	return event("signin.amazonaws.com", "ConsoleLogin", all)
}

// cisSamples holds, per control, CloudTrail records its filter must count and records
// it must not.
var cisSamples = map[string]samples{
	"4.1": {
		match: []string{
			event("ec2.amazonaws.com", "RunInstances", map[string]any{"errorCode": "Client.UnauthorizedOperation", "errorMessage": "You are not authorized to perform this operation."}),
			event("s3.amazonaws.com", "GetObject", map[string]any{"errorCode": "AccessDenied"}),
			event("iam.amazonaws.com", "ListUsers", map[string]any{"errorCode": "AccessDeniedException"}),
		},
		noMatch: []string{
			event("ec2.amazonaws.com", "RunInstances", nil),
			event("s3.amazonaws.com", "HeadBucket", map[string]any{"errorCode": "AccessDenied"}),
			event("s3.amazonaws.com", "PutObject", map[string]any{"errorCode": "AccessDenied", "sourceIPAddress": "delivery.logs.amazonaws.com"}),
			event("dynamodb.amazonaws.com", "PutItem", map[string]any{"errorCode": "ThrottlingException"}),
		},
	},
	"4.2": {
		match: []string{signIn("IAMUser", "Success", "No", nil)},
		noMatch: []string{
			signIn("IAMUser", "Success", "Yes", nil),
			signIn("IAMUser", "Failure", "No", nil),
			signIn("AssumedRole", "Success", "No", nil),
			signIn("IAMUser", "Success", "No", map[string]any{"additionalEventData": map[string]any{"MFAUsed": "Yes", "MobileVersion": "No"}}),
		},
	},
	"4.3": {
		match: []string{
			signIn("Root", "Success", "Yes", nil),
			event("iam.amazonaws.com", "CreateAccessKey", map[string]any{"userIdentity.type": "Root", "userIdentity.arn": "arn:aws:iam::123456789012:root"}),
		},
		noMatch: []string{
			event("iam.amazonaws.com", "CreateAccessKey", nil),
			event("kms.amazonaws.com", "Decrypt", map[string]any{"userIdentity.type": "Root", "userIdentity.invokedBy": "cloudtrail.amazonaws.com"}),
			event("sts.amazonaws.com", "AssumeRole", map[string]any{"userIdentity.type": "Root", "eventType": "AwsServiceEvent"}),
		},
	},
	"4.4": {
		match: []string{
			event("iam.amazonaws.com", "PutRolePolicy", nil),
			event("iam.amazonaws.com", "AttachUserPolicy", nil),
			event("iam.amazonaws.com", "CreatePolicyVersion", nil),
			event("iam.amazonaws.com", "DetachGroupPolicy", nil),
		},
		noMatch: []string{event("iam.amazonaws.com", "GetPolicy", nil), event("iam.amazonaws.com", "CreateUser", nil), event("iam.amazonaws.com", "ListAttachedRolePolicies", nil)},
	},
	"4.5": {
		match:   []string{event("cloudtrail.amazonaws.com", "StopLogging", nil), event("cloudtrail.amazonaws.com", "UpdateTrail", nil), event("cloudtrail.amazonaws.com", "DeleteTrail", nil)},
		noMatch: []string{event("cloudtrail.amazonaws.com", "DescribeTrails", nil), event("cloudtrail.amazonaws.com", "LookupEvents", nil)},
	},
	"4.6": {
		match:   []string{signIn("IAMUser", "Failure", "No", nil)},
		noMatch: []string{signIn("IAMUser", "Success", "Yes", nil), event("iam.amazonaws.com", "CreateUser", map[string]any{"errorMessage": "Failed authentication"})},
	},
	"4.7": {
		match:   []string{event("kms.amazonaws.com", "DisableKey", nil), event("kms.amazonaws.com", "ScheduleKeyDeletion", map[string]any{"requestParameters": map[string]any{"keyId": "1234abcd", "pendingWindowInDays": 7}})},
		noMatch: []string{event("kms.amazonaws.com", "EnableKey", nil), event("kms.amazonaws.com", "CancelKeyDeletion", nil), event("ec2.amazonaws.com", "DisableKey", nil)},
	},
	"4.8": {
		match: []string{
			event("s3.amazonaws.com", "PutBucketPolicy", nil), event("s3.amazonaws.com", "PutBucketAcl", nil),
			event("s3.amazonaws.com", "DeleteBucketCors", nil), event("s3.amazonaws.com", "PutBucketReplication", nil),
		},
		noMatch: []string{event("s3.amazonaws.com", "GetBucketPolicy", nil), event("s3.amazonaws.com", "PutObject", nil), event("ec2.amazonaws.com", "PutBucketPolicy", nil)},
	},
	"4.9": {
		match:   []string{event("config.amazonaws.com", "StopConfigurationRecorder", nil), event("config.amazonaws.com", "DeleteDeliveryChannel", nil)},
		noMatch: []string{event("config.amazonaws.com", "StartConfigurationRecorder", nil), event("config.amazonaws.com", "DescribeConfigRules", nil)},
	},
	"4.10": {
		match:   []string{event("ec2.amazonaws.com", "AuthorizeSecurityGroupIngress", nil), event("ec2.amazonaws.com", "DeleteSecurityGroup", nil)},
		noMatch: []string{event("ec2.amazonaws.com", "DescribeSecurityGroups", nil), event("ec2.amazonaws.com", "ModifySecurityGroupRules", map[string]any{"eventName": "ModifySecurityGroupRulesX"})},
	},
	"4.11": {
		match:   []string{event("ec2.amazonaws.com", "CreateNetworkAclEntry", nil), event("ec2.amazonaws.com", "ReplaceNetworkAclAssociation", nil)},
		noMatch: []string{event("ec2.amazonaws.com", "DescribeNetworkAcls", nil), event("ec2.amazonaws.com", "CreateSecurityGroup", nil)},
	},
	"4.12": {
		match:   []string{event("ec2.amazonaws.com", "AttachInternetGateway", nil), event("ec2.amazonaws.com", "DeleteCustomerGateway", nil)},
		noMatch: []string{event("ec2.amazonaws.com", "CreateNatGateway", nil), event("ec2.amazonaws.com", "DescribeInternetGateways", nil)},
	},
	"4.13": {
		match:   []string{event("ec2.amazonaws.com", "CreateRoute", nil), event("ec2.amazonaws.com", "DisassociateRouteTable", nil)},
		noMatch: []string{event("ec2.amazonaws.com", "DescribeRouteTables", nil), event("route53.amazonaws.com", "CreateRoute", nil)},
	},
	"4.14": {
		match:   []string{event("ec2.amazonaws.com", "CreateVpc", nil), event("ec2.amazonaws.com", "ModifyVpcAttribute", nil), event("ec2.amazonaws.com", "AcceptVpcPeeringConnection", nil)},
		noMatch: []string{event("ec2.amazonaws.com", "DescribeVpcs", nil), event("ec2.amazonaws.com", "CreateSubnet", nil)},
	},
	"4.15": {
		match: []string{
			event("organizations.amazonaws.com", "CreateAccount", nil), event("organizations.amazonaws.com", "LeaveOrganization", nil),
			event("organizations.amazonaws.com", "UpdatePolicy", nil),
		},
		noMatch: []string{event("organizations.amazonaws.com", "ListAccounts", nil), event("iam.amazonaws.com", "CreatePolicy", map[string]any{"eventName": "CreatePolicyVersionX"})},
	},
}

func TestTheFifteenCISControlsAreThereInOrder(t *testing.T) {
	require.Len(t, CISControls, 15)
	slugs := map[string]bool{}
	for i, c := range CISControls {
		assert.Equal(t, fmt.Sprintf("4.%d", i+1), c.ID)
		assert.True(t, strings.HasPrefix(c.Slug, "cis-"), c.Slug)
		assert.False(t, slugs[c.Slug], "slug %s used twice", c.Slug)
		slugs[c.Slug] = true
		p, err := logfilter.Parse(c.Pattern)
		require.NoError(t, err, c.ID)
		assert.Equal(t, logfilter.JSON, p.Kind(), c.ID)
		assert.Zero(t, p.RegexCount(), "%s uses no regular expression, so the trail's log group keeps its 5 for the team", c.ID)
		assert.LessOrEqual(t, len(c.Pattern), logfilter.MaxPatternLength, c.ID)
	}
}

func TestEveryCISFilterCountsItsEventsAndNoOthers(t *testing.T) {
	set, err := Build(Config{Options: Options{NamePrefix: "vigil-prod"}, CloudTrail: &CloudTrail{LogGroup: "aws-cloudtrail-logs-123456789012"}})
	require.NoError(t, err)
	require.Len(t, set.Filters, 15)
	for _, f := range set.Filters {
		t.Run(f.CIS+" "+f.Slug, func(t *testing.T) {
			s, ok := cisSamples[f.CIS]
			require.True(t, ok, "no sample events for CIS %s", f.CIS)
			require.NotEmpty(t, s.match)
			require.NotEmpty(t, s.noMatch)
			mf, err := f.Compile()
			require.NoError(t, err)
			for _, e := range s.match {
				assert.True(t, mf.Match(e).Matched, "%s must match %s", f.Pattern, e)
			}
			for _, e := range s.noMatch {
				assert.False(t, mf.Match(e).Matched, "%s must not match %s", f.Pattern, e)
			}
			// No control counts the events of another: the samples are by an IAM
			// user, and the root ones (4.3) change nothing the others watch.
			for id, other := range cisSamples {
				if id == f.CIS {
					continue
				}
				for _, e := range other.match {
					assert.False(t, mf.Match(e).Matched, "CIS %s must not count the %s event %s", f.CIS, id, e)
				}
			}
		})
	}
}

func TestCISAlarmsFireOnOneEventInFiveMinutes(t *testing.T) {
	set, err := Build(Config{
		Options:    Options{NamePrefix: "vigil-prod", Subscribed: map[alerts.Severity]bool{alerts.Medium: true}},
		CloudTrail: &CloudTrail{LogGroup: "aws-cloudtrail-logs", Severity: "medium"},
	})
	require.NoError(t, err)
	for _, f := range set.Filters {
		a := f.Alarm
		assert.Equal(t, "vigil-prod-cloudtrail-"+f.Slug, f.Name)
		assert.Equal(t, f.Name, f.Metric.Name, "the filter is named like its metric")
		assert.Equal(t, f.Name, a.MetricName)
		assert.Equal(t, f.Name, a.Name)
		assert.Equal(t, DefaultNamespace, a.Namespace)
		assert.Equal(t, "aws-cloudtrail-logs", f.LogGroup)
		assert.Equal(t, "Sum", a.Statistic)
		assert.Equal(t, 300, a.Period)
		assert.Equal(t, 1.0, a.Threshold)
		assert.Equal(t, cloudwatch.GreaterThanOrEqual, a.Comparison)
		assert.Equal(t, 1, a.EvaluationPeriods)
		assert.Equal(t, alerts.Medium, a.Severity)
		assert.Equal(t, f.CIS, a.Tags["vigil:cis"])
		assert.Contains(t, a.Description, "(CIS "+f.CIS+"). Fires when Sum "+f.Name+" is at or above 1 events in 1 of 1 periods of 5m")
		assert.Empty(t, a.Dimensions, "the metric has no dimensions")
		// One matching event in a 5-minute period fires the alarm; none keeps it OK.
		fires := cloudwatch.Evaluate(a, cloudwatch.Values(t0, 0, 0, 1))
		require.NotEmpty(t, fires, f.Slug)
		assert.Equal(t, cloudwatch.StateAlarm, fires[len(fires)-1].To, f.Slug)
		assert.Equal(t, 2, fires[len(fires)-1].Slot, "%s fires in the period of the event", f.Slug)
		for _, tr := range cloudwatch.Evaluate(a, cloudwatch.Values(t0, 0, 0, 0, 0)) {
			assert.NotEqual(t, cloudwatch.StateAlarm, tr.To, f.Slug)
		}
	}
}

var t0 = time.Date(2026, 12, 1, 20, 0, 0, 0, time.UTC)
