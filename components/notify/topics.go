// Package notify creates where alerts go: one encrypted SNS topic per severity, the
// customer-managed KMS key that encrypts them, the policies that say who may publish,
// and the subscriptions (e-mail, SMS, PagerDuty, HTTPS webhooks) of each severity.
// CloudWatch alarms and Alertmanager both publish to these topics, so there is one
// notification path for both worlds. Alarms and EventBridge rules of the account may
// publish by the topic and key policies alone; a role, such as the Alertmanager task
// role, is made a publisher by Topics.GrantPublish (the Publisher component), and
// Topics.RequirePublisher refuses a program in which nothing else may publish.
package notify

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"sync"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/kms"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/sns"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/vigilops/vigil/alerts"
	"github.com/vigilops/vigil/components/iampolicy"
	"github.com/vigilops/vigil/validate"
)

// TypeToken is the Pulumi type of the Topics component.
const TypeToken = "vigil:notify:Topics"

// Subscribers are the people and systems that one severity's topic notifies.
type Subscribers struct {
	// Emails receive every notification by e-mail; each address confirms once, by the
	// link in the first message SNS sends. Defaults to none.
	Emails []string
	// SMS are phone numbers in E.164 form (+14155550100). Text messages wake people
	// up: give them to paging severities only. Defaults to none.
	SMS []string
	// PagerDuty are integration URLs of PagerDuty's Amazon CloudWatch integration
	// (https://events.pagerduty.com/integration/<key>/enqueue). They are secrets: the
	// component marks them secret whatever it is given. Defaults to none.
	PagerDuty []pulumi.StringInput
	// Webhooks are HTTPS endpoints that receive the SNS JSON envelope and must confirm
	// the subscription (SNS first posts a SubscriptionConfirmation). Secrets, like
	// PagerDuty. Defaults to none.
	Webhooks []pulumi.StringInput
}

// TopicsArgs configures the notification topics.
type TopicsArgs struct {
	// NamePrefix starts every physical name: the topics are <prefix>-critical,
	// <prefix>-high, <prefix>-medium and <prefix>-low, the key alias is
	// alias/<prefix>-notify. Required; letters, digits, hyphens and underscores.
	NamePrefix string
	// AccountID is the 12-digit AWS account that owns the topics. Only alarms and
	// EventBridge rules of this account may publish, besides the PublisherRoleARNs and
	// the roles of this account granted with Topics.GrantPublish. Required.
	AccountID string
	// Region of the topics, such as eu-west-1. Required.
	Region string
	// Subscribers by severity. Every severity gets its topic even without subscribers,
	// so an alarm can always publish. Defaults to none.
	Subscribers map[alerts.Severity]Subscribers
	// PublisherRoleARNs are roles that exist before the topics and may publish to every
	// topic and use the key for it without an identity policy of this account: the key
	// policy and every topic policy name them. KMS refuses a key policy naming a role
	// that does not exist, so a role created in the same program (the Alertmanager task
	// role of the ECS platform) is granted with Topics.GrantPublish instead. Defaults to
	// none.
	PublisherRoleARNs []string
	// KeyDeletionWindowDays is how long a deleted key stays recoverable, 7 to 30.
	// Zero means 30.
	KeyDeletionWindowDays int
	// Key says what else the key encrypts, such as NotifierKeyUse(NamePrefix) for the
	// notifier of NewNotifier. Defaults to the topics alone.
	Key KeyUse
	// Tags are set on every resource that takes tags. Defaults to none.
	Tags map[string]string
}

// Topics is the component: the key, a topic per severity, and their subscriptions.
type Topics struct {
	pulumi.ResourceState

	// KeyArn is the ARN of the KMS key that encrypts the topics.
	KeyArn pulumi.StringOutput `pulumi:"keyArn"`
	// TopicArns maps each severity ("critical", ...) to its topic's ARN.
	TopicArns pulumi.StringMapOutput `pulumi:"topicArns"`
	// Topic holds the topic of each severity, for callers that wire alarm actions.
	Topic map[alerts.Severity]*sns.Topic

	prefix, region, account string
	keyUse                  KeyUse
	namedRoles              []string
	pages                   map[alerts.Severity]bool
	mu                      sync.Mutex
	grants                  []string // names of the Publishers of GrantPublish
}

// Validate returns one error listing every problem of the arguments, or nil.
func (a *TopicsArgs) Validate() error {
	var ps validate.Problems
	if validate.Required(&ps, "NamePrefix", a.NamePrefix, "for example vigil-prod") {
		// The longest names derived from the prefix are checked; they share its characters.
		before := ps.Len()
		validate.SNSTopicName(&ps, "NamePrefix", topicName(a.NamePrefix, alerts.Critical))
		if ps.Len() == before {
			validate.KMSAliasName(&ps, "NamePrefix", aliasName(a.NamePrefix))
		}
	}
	validate.AccountID(&ps, "AccountID", a.AccountID)
	validate.Region(&ps, "Region", a.Region)
	for sev, subs := range a.Subscribers {
		path := "Subscribers." + string(sev)
		if !sev.Valid() {
			ps.Add(path, "is not a severity", validate.UnknownHint(string(sev), severityNames()))
			continue
		}
		for i, e := range subs.Emails {
			validate.Email(&ps, fmt.Sprintf("%s.Emails[%d]", path, i), e)
		}
		for i, n := range subs.SMS {
			validate.PhoneE164(&ps, fmt.Sprintf("%s.SMS[%d]", path, i), n)
		}
		// Subscriptions are named by a hash of the lower-cased address: a repeated
		// address would register two resources of one name and fail halfway through
		// `pulumi up`, and SNS would send it everything twice.
		onlyOnce(&ps, path+".Emails", subs.Emails)
		onlyOnce(&ps, path+".SMS", subs.SMS)
		for i, in := range subs.PagerDuty {
			if in == nil {
				ps.Addf(fmt.Sprintf("%s.PagerDuty[%d]", path, i), "", "must not be nil")
			}
		}
		for i, in := range subs.Webhooks {
			if in == nil {
				ps.Addf(fmt.Sprintf("%s.Webhooks[%d]", path, i), "", "must not be nil")
			}
		}
	}
	for i, r := range a.PublisherRoleARNs {
		validate.IAMRoleARN(&ps, fmt.Sprintf("PublisherRoleARNs[%d]", i), r)
	}
	if a.KeyDeletionWindowDays != 0 {
		validate.IntRange(&ps, "KeyDeletionWindowDays", a.KeyDeletionWindowDays, 7, 30, "KMS keeps a deleted key 7 to 30 days; 0 means 30")
	}
	a.Key.check(&ps, "Key")
	validate.Tags(&ps, "Tags", a.Tags)
	return ps.Err("notify.TopicsArgs")
}

// onlyOnce reports every address of list that repeats an earlier one, ignoring case.
func onlyOnce(ps *validate.Problems, path string, list []string) {
	first := map[string]int{}
	for i, v := range list {
		k := strings.ToLower(v)
		if j, seen := first[k]; seen {
			ps.Addf(fmt.Sprintf("%s[%d]", path, i), "remove the repetition: SNS would deliver every notification to it twice", "repeats %s[%d]", path, j)
			continue
		}
		first[k] = i
	}
}

// Warnings lists what is valid but probably not meant: a severity without
// subscribers, whose alarms and alerts are published and reach nobody. NewTopics does
// not log them, so that a caller that reports the same from its own configuration
// (vigil's stacks do, with the config key) does not show them twice; a program that
// uses the component alone logs them with ctx.Log.Warn.
func (a *TopicsArgs) Warnings() []string {
	var out []string
	for _, sev := range alerts.Severities() {
		s := a.Subscribers[sev]
		if len(s.Emails)+len(s.SMS)+len(s.PagerDuty)+len(s.Webhooks) == 0 {
			out = append(out, fmt.Sprintf("Subscribers.%s: no subscribers: alarms and alerts of severity %s are published to %s and reach nobody",
				sev, sev, topicName(a.NamePrefix, sev)))
		}
	}
	return out
}

// NewTopics creates the KMS key, one topic per severity with its policy, and the
// subscriptions. Invalid arguments create nothing.
func NewTopics(ctx *pulumi.Context, name string, args *TopicsArgs, opts ...pulumi.ResourceOption) (*Topics, error) {
	if args == nil {
		args = &TopicsArgs{}
	}
	if err := args.Validate(); err != nil {
		return nil, err
	}
	t := &Topics{
		Topic:      map[alerts.Severity]*sns.Topic{},
		prefix:     args.NamePrefix,
		region:     args.Region,
		account:    args.AccountID,
		keyUse:     args.Key,
		namedRoles: append([]string(nil), args.PublisherRoleARNs...),
		pages:      pagesBySeverity(args.Subscribers),
	}
	if err := ctx.RegisterComponentResource(TypeToken, name, t, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(t)
	tags := pulumi.ToStringMap(args.Tags)
	partition := iampolicy.Partition(args.Region)

	deletionWindow := args.KeyDeletionWindowDays
	if deletionWindow == 0 {
		deletionWindow = 30
	}
	key, err := kms.NewKey(ctx, name+"-key", &kms.KeyArgs{
		Description:          pulumi.Sprintf("vigil: encrypts the %s notification topics", args.NamePrefix),
		EnableKeyRotation:    pulumi.Bool(true),
		DeletionWindowInDays: pulumi.Int(deletionWindow),
		Policy:               pulumi.String(KeyPolicyFor(partition, args.AccountID, args.Region, args.PublisherRoleARNs, args.Key).JSON()),
		Tags:                 tags,
	}, parent)
	if err != nil {
		return nil, err
	}
	if _, err := kms.NewAlias(ctx, name+"-key-alias", &kms.AliasArgs{
		Name:        pulumi.String(aliasName(args.NamePrefix)),
		TargetKeyId: key.KeyId,
	}, parent); err != nil {
		return nil, err
	}

	arns := pulumi.StringMap{}
	for _, sev := range alerts.Severities() {
		topic, err := sns.NewTopic(ctx, name+"-"+string(sev), &sns.TopicArgs{
			Name:           pulumi.String(topicName(args.NamePrefix, sev)),
			DisplayName:    pulumi.String(displayName(args.NamePrefix, sev)),
			KmsMasterKeyId: key.Arn,
			// Signature version 2 signs deliveries with SHA256 instead of SHA1.
			SignatureVersion: pulumi.Int(2),
			Tags:             tags,
		}, parent)
		if err != nil {
			return nil, err
		}
		t.Topic[sev] = topic
		arns[string(sev)] = topic.Arn

		policy := topic.Arn.ApplyT(func(arn string) string {
			doc := TopicPolicy(partition, args.AccountID, args.Region, arn, args.PublisherRoleARNs)
			if args.Key.ManagedPrometheus {
				// Before the closing Deny, which stays last.
				n := len(doc.Statement)
				doc.Statement = append(doc.Statement[:n-1:n-1], AMPTopicStatement(partition, args.AccountID, args.Region, arn), doc.Statement[n-1])
			}
			return doc.JSON()
		}).(pulumi.StringOutput)
		if _, err := sns.NewTopicPolicy(ctx, name+"-"+string(sev)+"-policy", &sns.TopicPolicyArgs{
			Arn:    topic.Arn,
			Policy: policy,
		}, parent); err != nil {
			return nil, err
		}
		if err := subscribe(ctx, name+"-"+string(sev), sev, topic, args.Subscribers[sev], parent); err != nil {
			return nil, err
		}
	}

	t.KeyArn = key.Arn
	t.TopicArns = arns.ToStringMapOutput()
	if err := ctx.RegisterResourceOutputs(t, pulumi.Map{
		"keyArn":    t.KeyArn,
		"topicArns": t.TopicArns,
	}); err != nil {
		return nil, err
	}
	return t, nil
}

// subscribe creates the subscriptions of one topic. Names of e-mail and SMS
// subscriptions derive from a hash of the address, so removing one leaves the others
// untouched; secret endpoints cannot be hashed into a name without leaking something
// about them, so they are numbered in order.
func subscribe(ctx *pulumi.Context, prefix string, sev alerts.Severity, topic *sns.Topic, subs Subscribers, parent pulumi.ResourceOption) error {
	type sub struct {
		name      string
		protocol  string
		endpoint  pulumi.StringInput
		autoConfs bool
	}
	var all []sub
	for _, e := range subs.Emails {
		all = append(all, sub{prefix + "-email-" + shortHash(e), "email", pulumi.String(e), false})
	}
	for _, n := range subs.SMS {
		all = append(all, sub{prefix + "-sms-" + shortHash(n), "sms", pulumi.String(n), false})
	}
	for i, u := range subs.PagerDuty {
		// PagerDuty confirms SNS subscriptions on its own.
		path := fmt.Sprintf("Subscribers.%s.PagerDuty[%d]", sev, i)
		all = append(all, sub{fmt.Sprintf("%s-pagerduty-%d", prefix, i), "https", httpsSecret(path, u), true})
	}
	for i, u := range subs.Webhooks {
		path := fmt.Sprintf("Subscribers.%s.Webhooks[%d]", sev, i)
		all = append(all, sub{fmt.Sprintf("%s-webhook-%d", prefix, i), "https", httpsSecret(path, u), false})
	}
	for _, s := range all {
		if _, err := sns.NewTopicSubscription(ctx, s.name, &sns.TopicSubscriptionArgs{
			Topic:                topic.Arn,
			Protocol:             pulumi.String(s.protocol),
			Endpoint:             s.endpoint,
			EndpointAutoConfirms: pulumi.Bool(s.autoConfs),
		}, parent); err != nil {
			return err
		}
	}
	return nil
}

// secret marks an endpoint secret, whatever the caller passed, so that it stays
// encrypted in the state and masked in every output.
func secret(in pulumi.StringInput) pulumi.StringOutput {
	return pulumi.ToSecret(in).(pulumi.StringOutput)
}

// httpsSecret is the endpoint of an "https" subscription: secret, and checked to be an
// absolute https URL as soon as its value is known (in `pulumi preview` when it comes
// from the config), because SNS refuses any other endpoint for the protocol only when
// the subscription is created. Its value may be a secret, so the error names the
// argument, never the value.
func httpsSecret(path string, in pulumi.StringInput) pulumi.StringOutput {
	return secret(in).ApplyT(func(v string) (string, error) {
		var ps validate.Problems
		validate.HTTPSURL(&ps, path, v)
		if err := ps.Err("notify.TopicsArgs"); err != nil {
			return "", err
		}
		return v, nil
	}).(pulumi.StringOutput)
}

func topicName(prefix string, sev alerts.Severity) string { return prefix + "-" + string(sev) }

// TopicARN is the ARN the topic of a severity gets: its name derives from the
// prefix alone, so configurations that publish to it (Alertmanager's) can be written
// before the topic exists.
func TopicARN(partition, region, account, prefix string, sev alerts.Severity) string {
	return fmt.Sprintf("arn:%s:sns:%s:%s:%s", partition, region, account, topicName(prefix, sev))
}

// maxDisplayName is the longest display name SNS's console accepts for a topic.
const maxDisplayName = 100

// displayName is "<prefix> <SEVERITY>", the sender shown in e-mails (and the first 10
// characters in text messages). A prefix too long for it is cut short rather than
// refused: the display name is cosmetic, the severity in it is not, so it stays whole.
func displayName(prefix string, sev alerts.Severity) string {
	tail := " " + strings.ToUpper(string(sev))
	if len(prefix)+len(tail) > maxDisplayName {
		prefix = prefix[:maxDisplayName-len(tail)]
	}
	return prefix + tail
}

func aliasName(prefix string) string { return "alias/" + prefix + "-notify" }

func shortHash(s string) string {
	sum := sha256.Sum256([]byte(strings.ToLower(s)))
	return hex.EncodeToString(sum[:4])
}

func severityNames() []string {
	var names []string
	for _, s := range alerts.Severities() {
		names = append(names, string(s))
	}
	return names
}
