package notify

import (
	"fmt"

	"github.com/vigilops/vigil/components/iampolicy"
)

// publishKeyActions are what a publisher to an encrypted topic needs of its key, in the
// form AWS documents for publishers and for the service principals of CloudWatch and
// EventBridge (Amazon SNS Developer Guide, Key management): SNS generates a data key
// when a message is published and decrypts it to deliver the message.
// kms:GenerateDataKey* is AWS's own wildcard, which iampolicy.Lint lets through as a
// documented exception (iampolicy.DocumentedWildcard).
var publishKeyActions = []string{"kms:Decrypt", "kms:GenerateDataKey*"}

// snsService is the kms:ViaService value of requests that SNS makes to KMS on behalf of
// a publisher in region: the name of SNS's endpoint there, which ends in
// amazonaws.com.cn in the China partition.
func snsService(region string) string {
	suffix := "amazonaws.com"
	if iampolicy.Partition(region) == "aws-cn" {
		suffix = "amazonaws.com.cn"
	}
	return "sns." + region + "." + suffix
}

// alarmARNs matches every CloudWatch alarm of the account in the region.
func alarmARNs(partition, account, region string) string {
	return fmt.Sprintf("arn:%s:cloudwatch:%s:%s:alarm:*", partition, region, account)
}

// KeyPolicy is the policy of the key that encrypts the topics:
//   - AccountAdministersKey: the account (through IAM) administers the key, with the
//     actions of iampolicy.KeyAdminActions only.
//   - CloudWatchAlarmsUseKey: CloudWatch may use the key for this account's alarms in
//     this region only (aws:SourceAccount and aws:SourceArn, as AWS documents against
//     the confused deputy).
//   - EventBridgeUsesKey: EventBridge may use the key, without aws:SourceAccount or
//     aws:SourceArn: AWS documents that these conditions are not supported in a key
//     policy for EventBridge publishing to an encrypted topic (the request carries no
//     such keys, so a conditioned statement would refuse every event). Which rules may
//     publish is narrowed by each topic's policy, which does carry both conditions.
//   - AccountPrincipalsUseKeyThroughSNS: IAM principals of this account may use the key
//     when their identity policy allows it, and only through SNS in this region
//     (kms:ViaService, kms:CallerAccount). This is what makes a role created after the
//     key, such as the Alertmanager task role, a publisher by an identity policy alone
//     (Topics.GrantPublish): the key policy names no role, so it never has to change
//     when a role is created, and KMS never refuses it for naming a role that does not
//     exist yet.
//   - PublisherRolesUseKeyThroughSNS, when publisherRoles are given: those roles may use
//     the key through SNS without an identity policy of this account (roles of other
//     accounts still need one of their own account).
func KeyPolicy(partition, account, region string, publisherRoles []string) iampolicy.Document {
	root := fmt.Sprintf("arn:%s:iam::%s:root", partition, account)
	doc := iampolicy.Document{
		Version: iampolicy.Version,
		Statement: []iampolicy.Statement{
			{
				Sid:       "AccountAdministersKey",
				Effect:    iampolicy.Allow,
				Principal: &iampolicy.Principal{AWS: []string{root}},
				Action:    iampolicy.KeyAdminActions,
				Resource:  []string{"*"},
			},
			{
				Sid:       "CloudWatchAlarmsUseKey",
				Effect:    iampolicy.Allow,
				Principal: &iampolicy.Principal{Service: []string{"cloudwatch.amazonaws.com"}},
				Action:    publishKeyActions,
				Resource:  []string{"*"},
				Condition: map[string]map[string][]string{
					"StringEquals": {"aws:SourceAccount": {account}},
					"ArnLike":      {"aws:SourceArn": {alarmARNs(partition, account, region)}},
				},
			},
			{
				Sid:       "EventBridgeUsesKey",
				Effect:    iampolicy.Allow,
				Principal: &iampolicy.Principal{Service: []string{"events.amazonaws.com"}},
				Action:    publishKeyActions,
				Resource:  []string{"*"},
			},
			{
				Sid:       "AccountPrincipalsUseKeyThroughSNS",
				Effect:    iampolicy.Allow,
				Principal: &iampolicy.Principal{AWS: []string{root}},
				Action:    publishKeyActions,
				Resource:  []string{"*"},
				Condition: map[string]map[string][]string{
					"StringEquals": {
						"kms:CallerAccount": {account},
						"kms:ViaService":    {snsService(region)},
					},
				},
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
				"StringEquals": {"kms:ViaService": {snsService(region)}},
			},
		})
	}
	return doc
}

// PublisherPolicy is the identity policy that lets a role publish to the topics:
// sns:Publish on exactly the topic ARNs, and the key's publishKeyActions on exactly the
// key ARN, only through SNS in the region. It is what Topics.GrantPublish attaches to a
// role; the key policy's AccountPrincipalsUseKeyThroughSNS statement defers to it.
func PublisherPolicy(region, keyArn string, topicArns []string) iampolicy.Document {
	return iampolicy.Document{
		Version: iampolicy.Version,
		Statement: []iampolicy.Statement{
			{
				Sid:      "PublishToSeverityTopics",
				Effect:   iampolicy.Allow,
				Action:   []string{"sns:Publish"},
				Resource: topicArns,
			},
			{
				Sid:      "UseTopicKeyThroughSNS",
				Effect:   iampolicy.Allow,
				Action:   publishKeyActions,
				Resource: []string{keyArn},
				Condition: map[string]map[string][]string{
					"StringEquals": {"kms:ViaService": {snsService(region)}},
				},
			},
		},
	}
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
					"ArnLike":      {"aws:SourceArn": {alarmARNs(partition, account, region)}},
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
