package notify

import (
	"fmt"

	"github.com/vigilops/vigil/components/iampolicy"
	"github.com/vigilops/vigil/validate"
)

// KeyUse says what, besides the topics, the topics' key encrypts: vigil has one
// customer-managed key per stack and region, and the notifier (NewNotifier) keeps its
// webhook secrets, its dead-letter queue and its log group under it. The zero value
// adds nothing to the key policy.
type KeyUse struct {
	// LogGroups are the names of the log groups CloudWatch Logs may encrypt with the
	// key, such as /aws/lambda/vigil-prod-notifier. Each becomes the encryption
	// context a statement for logs.<region>.amazonaws.com is conditioned on, as AWS
	// documents it, so the key encrypts those log groups and no other. Defaults to
	// none.
	LogGroups []string
	// SecretsManager lets this account's principals use the key through Secrets
	// Manager in the region (kms:ViaService), for secrets encrypted with it: who may
	// read which secret is still decided by identity policies. Defaults to false.
	SecretsManager bool
	// SQS lets this account's principals use the key through SQS in the region, for
	// queues encrypted with it, likewise. Defaults to false.
	SQS bool
	// ManagedPrometheus lets the alert managers of this account's Amazon Managed
	// Service for Prometheus workspaces in the region publish to the topics: every
	// topic policy gets AMPWorkspacesPublish and the key policy AMPUsesKey
	// (AMPKeyStatement). Defaults to false.
	ManagedPrometheus bool
}

// NotifierKeyUse is the KeyUse that NewNotifier needs of the topics of prefix: its log
// group, its webhook secrets and its dead-letter queue.
func NotifierKeyUse(prefix string) KeyUse {
	return KeyUse{LogGroups: []string{NotifierLogGroupName(prefix)}, SecretsManager: true, SQS: true}
}

func (k KeyUse) check(ps *validate.Problems, path string) {
	for i, g := range k.LogGroups {
		validate.LogGroupName(ps, fmt.Sprintf("%s.LogGroups[%d]", path, i), g)
	}
	validate.Unique(ps, path+".LogGroups[%d]", k.LogGroups, "each log group needs one statement only")
}

// covers says whether k allows everything need does.
func (k KeyUse) covers(need KeyUse) bool {
	if need.SecretsManager && !k.SecretsManager || need.SQS && !k.SQS || need.ManagedPrometheus && !k.ManagedPrometheus {
		return false
	}
	for _, want := range need.LogGroups {
		found := false
		for _, g := range k.LogGroups {
			found = found || g == want
		}
		if !found {
			return false
		}
	}
	return true
}

// dataKeyActions are what a principal needs of the key of a Secrets Manager secret or
// an SQS queue it writes to (reading needs kms:Decrypt only).
var dataKeyActions = []string{"kms:Decrypt", "kms:GenerateDataKey"}

// LogGroupARN is the ARN of a log group by name, without the trailing :* (the form
// of the kms:EncryptionContext:aws:logs:arn condition).
func LogGroupARN(partition, region, account, name string) string {
	return iampolicy.LogGroupARN(partition, region, account, name)
}

// KeyPolicyFor is KeyPolicy with the statements of use appended:
//   - CloudWatchLogsEncryptsLogGroups, when use has LogGroups: logs.<region> may use
//     the key with iampolicy.LogsKeyActions, only for those log groups (ArnEquals on
//     kms:EncryptionContext:aws:logs:arn, as AWS documents).
//   - AccountPrincipalsUseKeyThroughSecretsManager and
//     AccountPrincipalsUseKeyThroughSQS, when asked: the account's principals may use
//     the key with dataKeyActions through that service in the region
//     (kms:ViaService, kms:CallerAccount), when their identity policy allows it.
func KeyPolicyFor(partition, account, region string, publisherRoles []string, use KeyUse) iampolicy.Document {
	doc := KeyPolicy(partition, account, region, publisherRoles)
	root := fmt.Sprintf("arn:%s:iam::%s:root", partition, account)
	if len(use.LogGroups) > 0 {
		var arns []string
		for _, g := range use.LogGroups {
			arns = append(arns, LogGroupARN(partition, region, account, g))
		}
		doc.Statement = append(doc.Statement, iampolicy.Statement{
			Sid:       "CloudWatchLogsEncryptsLogGroups",
			Effect:    iampolicy.Allow,
			Principal: &iampolicy.Principal{Service: []string{iampolicy.ServiceHost("logs", region)}},
			Action:    iampolicy.LogsKeyActions,
			Resource:  []string{"*"},
			Condition: map[string]map[string][]string{
				"ArnEquals": {"kms:EncryptionContext:aws:logs:arn": arns},
			},
		})
	}
	through := func(sid, service string) iampolicy.Statement {
		return iampolicy.Statement{
			Sid:       sid,
			Effect:    iampolicy.Allow,
			Principal: &iampolicy.Principal{AWS: []string{root}},
			Action:    dataKeyActions,
			Resource:  []string{"*"},
			Condition: map[string]map[string][]string{
				"StringEquals": {
					"kms:CallerAccount": {account},
					"kms:ViaService":    {iampolicy.ServiceHost(service, region)},
				},
			},
		}
	}
	if use.SecretsManager {
		doc.Statement = append(doc.Statement, through("AccountPrincipalsUseKeyThroughSecretsManager", "secretsmanager"))
	}
	if use.SQS {
		doc.Statement = append(doc.Statement, through("AccountPrincipalsUseKeyThroughSQS", "sqs"))
	}
	if use.ManagedPrometheus {
		doc.Statement = append(doc.Statement, AMPKeyStatement())
	}
	return doc
}

// APSPrincipal is the service principal of Amazon Managed Service for Prometheus.
const APSPrincipal = "aps.amazonaws.com"

// AMPKeyStatement lets Amazon Managed Service for Prometheus use the topics' key to
// publish to them, in the form AWS documents for an alert manager whose SNS topic is
// encrypted ("Giving Amazon Managed Service for Prometheus permission to send alert
// messages to your Amazon SNS topic"): kms:Decrypt and kms:GenerateDataKey* for
// aps.amazonaws.com, without conditions. Which workspaces may publish is narrowed by
// each topic's policy (AMPTopicStatement), which carries aws:SourceAccount and
// aws:SourceArn.
func AMPKeyStatement() iampolicy.Statement {
	return iampolicy.Statement{
		Sid:       "AMPUsesKey",
		Effect:    iampolicy.Allow,
		Principal: &iampolicy.Principal{Service: []string{APSPrincipal}},
		Action:    publishKeyActions,
		Resource:  []string{"*"},
	}
}

// AMPTopicStatement lets the alert managers of this account's AMP workspaces in the
// region publish to one topic: sns:Publish and sns:GetTopicAttributes (which AMP
// calls first) for aps.amazonaws.com, only from this account (StringEquals
// aws:SourceAccount) and from its workspaces in this region (ArnLike aws:SourceArn
// arn:<partition>:aps:<region>:<account>:workspace/*), against the confused deputy. Any
// workspace of the account, not one: the topics exist before the workspace, whose ID
// AWS assigns.
func AMPTopicStatement(partition, account, region, topicArn string) iampolicy.Statement {
	return iampolicy.Statement{
		Sid:       "AMPWorkspacesPublish",
		Effect:    iampolicy.Allow,
		Principal: &iampolicy.Principal{Service: []string{APSPrincipal}},
		Action:    []string{"sns:GetTopicAttributes", "sns:Publish"},
		Resource:  []string{topicArn},
		Condition: map[string]map[string][]string{
			"StringEquals": {"aws:SourceAccount": {account}},
			"ArnLike":      {"aws:SourceArn": {fmt.Sprintf("arn:%s:aps:%s:%s:workspace/*", partition, region, account)}},
		},
	}
}
