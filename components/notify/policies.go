package notify

import (
	"fmt"

	"github.com/vigilops/vigil/components/iampolicy"
)

// keyAdminActions are what the account (through IAM) may do to administer the key.
// Listed one by one instead of "kms:*": nobody can use the key to decrypt through this
// statement, and turning rotation off is not among them.
var keyAdminActions = []string{
	"kms:CancelKeyDeletion",
	"kms:CreateAlias",
	"kms:DeleteAlias",
	"kms:DescribeKey",
	"kms:DisableKey",
	"kms:EnableKey",
	"kms:EnableKeyRotation",
	"kms:GetKeyPolicy",
	"kms:GetKeyRotationStatus",
	"kms:ListResourceTags",
	"kms:PutKeyPolicy",
	"kms:ScheduleKeyDeletion",
	"kms:TagResource",
	"kms:UntagResource",
	"kms:UpdateAlias",
	"kms:UpdateKeyDescription",
}

// publishKeyActions are what a publisher to an encrypted topic needs of its key.
var publishKeyActions = []string{"kms:Decrypt", "kms:GenerateDataKey"}

// KeyPolicy is the policy of the key that encrypts the topics: the account administers
// it; CloudWatch alarms and EventBridge may use it to publish (as AWS documents for
// encrypted topics; who may publish to which topic is narrowed by the topic policy);
// publisher roles may use it only through SNS in this region.
func KeyPolicy(partition, account, region string, publisherRoles []string) iampolicy.Document {
	doc := iampolicy.Document{
		Version: iampolicy.Version,
		Statement: []iampolicy.Statement{
			{
				Sid:       "AccountAdministersKey",
				Effect:    iampolicy.Allow,
				Principal: &iampolicy.Principal{AWS: []string{fmt.Sprintf("arn:%s:iam::%s:root", partition, account)}},
				Action:    keyAdminActions,
				Resource:  []string{"*"},
			},
			{
				Sid:       "CloudWatchAlarmsUseKey",
				Effect:    iampolicy.Allow,
				Principal: &iampolicy.Principal{Service: []string{"cloudwatch.amazonaws.com"}},
				Action:    publishKeyActions,
				Resource:  []string{"*"},
			},
			{
				Sid:       "EventBridgeUsesKey",
				Effect:    iampolicy.Allow,
				Principal: &iampolicy.Principal{Service: []string{"events.amazonaws.com"}},
				Action:    publishKeyActions,
				Resource:  []string{"*"},
			},
		},
	}
	if len(publisherRoles) > 0 {
		doc.Statement = append(doc.Statement, iampolicy.Statement{
			Sid:       "PublisherRolesUseKeyThroughSNS",
			Effect:    iampolicy.Allow,
			Principal: &iampolicy.Principal{AWS: publisherRoles},
			Action:    publishKeyActions,
			Resource:  []string{"*"},
			Condition: map[string]map[string][]string{
				"StringEquals": {"kms:ViaService": {"sns." + region + ".amazonaws.com"}},
			},
		})
	}
	return doc
}

// TopicPolicy is the access policy of one topic: this account's CloudWatch alarms and
// EventBridge rules may publish (aws:SourceAccount and aws:SourceArn stop another
// account's alarms from using the topic), named roles may publish, and nothing may
// publish or subscribe over plain HTTP.
func TopicPolicy(partition, account, region, topicArn string, publisherRoles []string) iampolicy.Document {
	doc := iampolicy.Document{
		Version: iampolicy.Version,
		Statement: []iampolicy.Statement{
			{
				Sid:       "CloudWatchAlarmsPublish",
				Effect:    iampolicy.Allow,
				Principal: &iampolicy.Principal{Service: []string{"cloudwatch.amazonaws.com"}},
				Action:    []string{"sns:Publish"},
				Resource:  []string{topicArn},
				Condition: map[string]map[string][]string{
					"StringEquals": {"aws:SourceAccount": {account}},
					"ArnLike":      {"aws:SourceArn": {fmt.Sprintf("arn:%s:cloudwatch:%s:%s:alarm:*", partition, region, account)}},
				},
			},
			{
				Sid:       "EventBridgeRulesPublish",
				Effect:    iampolicy.Allow,
				Principal: &iampolicy.Principal{Service: []string{"events.amazonaws.com"}},
				Action:    []string{"sns:Publish"},
				Resource:  []string{topicArn},
				Condition: map[string]map[string][]string{
					"StringEquals": {"aws:SourceAccount": {account}},
					"ArnLike":      {"aws:SourceArn": {fmt.Sprintf("arn:%s:events:%s:%s:rule/*", partition, region, account)}},
				},
			},
		},
	}
	if len(publisherRoles) > 0 {
		doc.Statement = append(doc.Statement, iampolicy.Statement{
			Sid:       "PublisherRolesPublish",
			Effect:    iampolicy.Allow,
			Principal: &iampolicy.Principal{AWS: publisherRoles},
			Action:    []string{"sns:Publish"},
			Resource:  []string{topicArn},
		})
	}
	doc.Statement = append(doc.Statement, iampolicy.Statement{
		Sid:       "DenyInsecureTransport",
		Effect:    iampolicy.Deny,
		Principal: &iampolicy.Principal{AWS: []string{"*"}},
		Action:    []string{"sns:Publish", "sns:Subscribe"},
		Resource:  []string{topicArn},
		Condition: map[string]map[string][]string{
			"Bool": {"aws:SecureTransport": {"false"}},
		},
	})
	return doc
}
