package notify

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/vigilops/vigil/alerts"
	"github.com/vigilops/vigil/validate"
)

// PublisherTypeToken is the Pulumi type of the Publisher component.
const PublisherTypeToken = "vigil:notify:Publisher"

// maxRolePolicyName is IAM's limit on the name of a role's inline policy.
const maxRolePolicyName = 128

// PublisherArgs configures a Publisher.
type PublisherArgs struct {
	// Topics are the severity topics the role may publish to, and whose key it may use
	// through SNS. Required.
	Topics *Topics
	// Role is the name of the IAM role that publishes, such as the Alertmanager task
	// role. It may be an output of a role created after the topics (iam.Role's Name):
	// nothing about the topics or their key changes when it is granted. Required.
	Role pulumi.StringInput
}

// Publisher is the component that lets one IAM role publish to the severity topics:
// an inline policy of the role (PublisherPolicy) with sns:Publish on exactly the four
// topic ARNs and kms:Decrypt and kms:GenerateDataKey* on exactly the topics' key,
// through SNS only.
//
// Why an identity policy, not the key policy: a key policy that names a role is
// refused by KMS while the role does not exist, and would have to be rewritten for
// every new publisher. The key policy instead lets this account's principals use the
// key through SNS when their identity policy allows it (KeyPolicy's
// AccountPrincipalsUseKeyThroughSNS), and SNS lets a principal of the topic's own
// account publish on its identity policy alone. So the path from Alertmanager to the
// topics is complete as soon as this component exists, whenever the role was created.
type Publisher struct {
	pulumi.ResourceState

	// Policy is the role's inline policy.
	Policy *iam.RolePolicy
	// PolicyDocument is the JSON of the policy.
	PolicyDocument pulumi.StringOutput `pulumi:"policyDocument"`
}

// Validate returns one error listing every problem of the arguments, or nil.
func (a *PublisherArgs) Validate() error {
	var ps validate.Problems
	switch {
	case a.Topics == nil:
		ps.Add("Topics", "is required", "pass the *Topics that NewTopics returned")
	case a.Topics.prefix == "":
		ps.Add("Topics", "was not made by NewTopics", "pass the *Topics that NewTopics returned")
	}
	if a.Role == nil {
		ps.Add("Role", "is required", "pass the name of the publishing IAM role, for example the Name output of an iam.Role")
	}
	return ps.Err("notify.PublisherArgs")
}

// NewPublisher attaches PublisherPolicy for args.Topics to args.Role. Invalid
// arguments create nothing.
func NewPublisher(ctx *pulumi.Context, name string, args *PublisherArgs, opts ...pulumi.ResourceOption) (*Publisher, error) {
	if args == nil {
		args = &PublisherArgs{}
	}
	if err := args.Validate(); err != nil {
		return nil, err
	}
	p := &Publisher{}
	if err := ctx.RegisterComponentResource(PublisherTypeToken, name, p, opts...); err != nil {
		return nil, err
	}
	t := args.Topics
	region := t.region
	doc := pulumi.All(t.KeyArn, t.TopicArns).ApplyT(func(v []any) string {
		byName := v[1].(map[string]string)
		var topics []string
		for _, sev := range alerts.Severities() {
			topics = append(topics, byName[string(sev)])
		}
		return PublisherPolicy(region, v[0].(string), topics).JSON()
	}).(pulumi.StringOutput)
	policy, err := iam.NewRolePolicy(ctx, name+"-policy", &iam.RolePolicyArgs{
		Name:   pulumi.String(rolePolicyName(t.prefix, t.region)),
		Role:   args.Role,
		Policy: doc,
	}, pulumi.Parent(p))
	if err != nil {
		return nil, err
	}
	p.Policy = policy
	p.PolicyDocument = doc
	t.mu.Lock()
	t.grants = append(t.grants, name)
	t.mu.Unlock()
	if err := ctx.RegisterResourceOutputs(p, pulumi.Map{"policyDocument": doc}); err != nil {
		return nil, err
	}
	return p, nil
}

// GrantPublish lets the IAM role named role publish to the topics: it is NewPublisher
// with these topics. This is the hook of the ECS platform component: it creates the
// Alertmanager task role, then calls GrantPublish with the role's Name and
// pulumi.Parent(itself), since opts go to the Publisher.
func (t *Topics) GrantPublish(ctx *pulumi.Context, name string, role pulumi.StringInput, opts ...pulumi.ResourceOption) (*Publisher, error) {
	return NewPublisher(ctx, name, &PublisherArgs{Topics: t, Role: role}, opts...)
}

// Publishers lists who may publish to the topics besides CloudWatch alarms and
// EventBridge rules: the PublisherRoleARNs, then the names of the Publishers granted
// so far, in order.
func (t *Topics) Publishers() []string {
	t.mu.Lock()
	defer t.mu.Unlock()
	out := append([]string(nil), t.namedRoles...)
	for _, g := range t.grants {
		out = append(out, "Publisher "+g)
	}
	return out
}

// RequirePublisher returns an error when nothing but CloudWatch alarms and
// EventBridge rules may publish to the topics. Call it once the program has created
// everything, when an Alertmanager configuration publishing to the topics is
// generated: without a publisher, SNS and KMS would refuse every alert it sends.
func (t *Topics) RequirePublisher() error {
	if len(t.Publishers()) > 0 {
		return nil
	}
	var ps validate.Problems
	addNoPublisher(&ps, t.prefix)
	return ps.Err(fmt.Sprintf("notify.Topics %q", t.prefix))
}

func addNoPublisher(ps *validate.Problems, prefix string) {
	ps.Add("Publishers", "no role may publish to the "+prefix+" topics: Alertmanager's SNS notifications would all be refused",
		"call Topics.GrantPublish with the Alertmanager task role, or list an existing role in PublisherRoleARNs")
}

// rolePolicyName is the name of the inline policy of a publisher role:
// <prefix>-<region>-publish. IAM is global and topics of one prefix may exist in two
// regions (alarms of us-east-1 need their own), so the region keeps a role's two grants
// apart. When the name would pass IAM's 128 characters, it is cut short and ends in a
// hash of the whole, so that two long prefixes still give two names.
func rolePolicyName(prefix, region string) string {
	const suffix = "-publish"
	name := prefix + "-" + region
	if len(name)+len(suffix) <= maxRolePolicyName {
		return name + suffix
	}
	h := "-" + shortHash(name)
	return name[:maxRolePolicyName-len(suffix)-len(h)] + h + suffix
}
