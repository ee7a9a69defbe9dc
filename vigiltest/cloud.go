// Package vigiltest runs a Pulumi program in-process under Pulumi's own mock engine
// (pulumi.WithMocks) and records every resource it registers, so that a team can
// unit-test its use of vigil's components the way vigil tests its own: no cloud, no
// credentials, no Pulumi CLI.
//
// Run executes a program and returns the Cloud it ran against; Cloud finds the
// registered resources by type and name, and Resource reads their inputs as plain Go
// values, with every secret masked as Masked. The cloud answers as one AWS account and
// region: custom resources get the IDs and ARNs AWS would compute, derived from their
// names, so two runs of one program answer the same.
//
// The package imports the Pulumi SDK only (no provider SDK), so depending on it is
// light. Its API is stable: fields and functions are only ever added.
package vigiltest

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/vigilops/vigil/components/iampolicy"
)

// Cloud implements pulumi.MockResourceMonitor: it records what a program registers and
// answers as AWS account Account in Region. It is safe for concurrent use, as the
// engine registers resources from many goroutines. Use Run, or pass a Cloud from New to
// pulumi.WithMocks with the same project and stack.
type Cloud struct {
	// Project and Stack name the program's project and stack; they are part of every
	// URN, so they must be the ones given to pulumi.WithMocks.
	Project, Stack string
	// Account is the 12-digit AWS account the cloud answers as; Region its region,
	// such as eu-west-1. ARNs use the region's partition (aws, aws-cn, aws-us-gov).
	Account, Region string

	mu        sync.Mutex
	resources []Resource
}

// New returns a Cloud for the given project and stack (as passed to pulumi.WithMocks)
// that answers as AWS account `account` in `region`.
func New(project, stack, account, region string) *Cloud {
	return &Cloud{Project: project, Stack: stack, Account: account, Region: region}
}

// NewResource records the resource and returns its ID and output state: the inputs
// plus what AWS would add. Component resources get no ID and no state.
func (c *Cloud) NewResource(args pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	parent := ""
	if args.RegisterRPC != nil {
		parent = args.RegisterRPC.GetParent()
	}
	r := Resource{
		URN:    c.urn(parent, args.TypeToken, args.Name),
		Parent: parent,
		Type:   args.TypeToken,
		Name:   args.Name,
		Custom: args.Custom,
		Inputs: args.Inputs,
	}
	if parent != "" && resource.URN(parent).QualifiedType() == resource.RootStackType {
		r.Parent = ""
	}
	c.mu.Lock()
	c.resources = append(c.resources, r)
	c.mu.Unlock()

	if !args.Custom {
		return "", resource.PropertyMap{}, nil
	}
	id, outputs := c.outputs(args.TypeToken, args.Name, args.Inputs)
	state := args.Inputs.Copy()
	for k, v := range outputs {
		state[resource.PropertyKey(k)] = resource.NewPropertyValue(v)
	}
	return id, state, nil
}

// Call answers the provider functions that vigil's components call
// (aws.getCallerIdentity, aws.getRegion, aws.getPartition); any other is an error, so
// that a new function call cannot silently get an empty answer.
func (c *Cloud) Call(args pulumi.MockCallArgs) (resource.PropertyMap, error) {
	switch args.Token {
	case "aws:index/getCallerIdentity:getCallerIdentity":
		return resource.NewPropertyMapFromMap(map[string]any{
			"accountId": c.Account,
			"arn":       fmt.Sprintf("arn:%s:iam::%s:role/vigil-plan", c.partition(), c.Account),
			"userId":    "AROAVIGILPLAN:vigil",
		}), nil
	case "aws:index/getRegion:getRegion":
		return resource.NewPropertyMapFromMap(map[string]any{"name": c.Region, "id": c.Region}), nil
	case "aws:index/getPartition:getPartition":
		return resource.NewPropertyMapFromMap(map[string]any{"partition": c.partition(), "dnsSuffix": dnsSuffix(c.partition())}), nil
	}
	return nil, fmt.Errorf("vigiltest: no answer for function %s", args.Token)
}

// Resources returns every registered resource, components included, sorted by URN.
func (c *Cloud) Resources() []Resource {
	c.mu.Lock()
	out := append([]Resource(nil), c.resources...)
	c.mu.Unlock()
	sort.Slice(out, func(i, j int) bool { return out[i].URN < out[j].URN })
	return out
}

// ByType returns the registered resources of one type token (such as
// aws:sns/topic:Topic or vigil:notify:Topics), sorted by URN; none gives an empty list.
func (c *Cloud) ByType(token string) []Resource {
	var out []Resource
	for _, r := range c.Resources() {
		if r.Type == token {
			out = append(out, r)
		}
	}
	return out
}

// Named returns the resource with the given type token and logical name, or false.
// Logical names are unique per type within a stack only if the program's parents keep
// them so; Named returns the first by URN.
func (c *Cloud) Named(token, name string) (Resource, bool) {
	for _, r := range c.Resources() {
		if r.Type == token && r.Name == name {
			return r, true
		}
	}
	return Resource{}, false
}

// Children returns the resources whose parent is r, sorted by URN.
func (c *Cloud) Children(r Resource) []Resource {
	var out []Resource
	for _, child := range c.Resources() {
		if child.Parent == r.URN && r.URN != "" {
			out = append(out, child)
		}
	}
	return out
}

// Counts returns how many resources of each type token were registered.
func (c *Cloud) Counts() map[string]int {
	out := map[string]int{}
	for _, r := range c.Resources() {
		out[r.Type]++
	}
	return out
}

// urn computes the URN the engine gives the resource, exactly as the mock monitor does.
func (c *Cloud) urn(parent, typ, name string) string {
	parentType := tokens.Type("")
	if p := resource.URN(parent); p != "" && p.QualifiedType() != resource.RootStackType {
		parentType = p.QualifiedType()
	}
	return string(resource.NewURN(tokens.QName(c.Stack), tokens.PackageName(c.Project), parentType, tokens.Type(typ), name))
}

func (c *Cloud) partition() string { return iampolicy.Partition(c.Region) }

// dnsSuffix is the domain of a partition's service endpoints.
func dnsSuffix(partition string) string {
	if partition == "aws-cn" {
		return "amazonaws.com.cn"
	}
	return "amazonaws.com"
}

// outputs returns the ID and the computed outputs of a custom resource. ARNs follow
// each service's format so that policies built from them look as they will in AWS.
// Resources whose ID AWS assigns and programs only pass along (security groups, file
// systems and access points, Cloud Map namespaces and services) keep their logical
// name as ID, so that a test reads which resource another one refers to.
// Resources of other providers than aws get their logical name as ID and no outputs.
func (c *Cloud) outputs(typ, name string, in resource.PropertyMap) (string, map[string]any) {
	str := func(k string) string {
		if v, ok := in[resource.PropertyKey(k)]; ok {
			if v.IsSecret() {
				v = v.SecretValue().Element
			}
			if v.IsString() {
				return v.StringValue()
			}
		}
		return ""
	}
	seed := c.Account + c.Region + typ + name
	arnPrefix := func(service string) string {
		return fmt.Sprintf("arn:%s:%s:%s:%s:", c.partition(), service, c.Region, c.Account)
	}
	switch typ {
	case "aws:kms/key:Key":
		id := fakeUUID(c.Account + c.Region + typ + name)
		return id, map[string]any{"keyId": id, "arn": arnPrefix("kms") + "key/" + id}
	case "aws:kms/alias:Alias":
		return str("name"), map[string]any{"arn": arnPrefix("kms") + str("name")}
	case "aws:sns/topic:Topic":
		arn := arnPrefix("sns") + str("name")
		return arn, map[string]any{"arn": arn}
	case "aws:sns/topicSubscription:TopicSubscription":
		arn := str("topic") + ":" + fakeUUID(c.Account+c.Region+typ+name)
		return arn, map[string]any{"arn": arn}
	case "aws:sns/topicPolicy:TopicPolicy":
		return str("arn"), map[string]any{"owner": c.Account}
	case "aws:iam/role:Role":
		// IAM is global: role ARNs name no region.
		n := or(str("name"), name)
		return n, map[string]any{"name": n, "arn": fmt.Sprintf("arn:%s:iam::%s:role/%s", c.partition(), c.Account, n),
			"uniqueId": "AROA" + strings.ToUpper(hexID(seed, 17))}
	case "aws:cloudwatch/logGroup:LogGroup":
		n := or(str("name"), name)
		return n, map[string]any{"name": n, "arn": arnPrefix("logs") + "log-group:" + n}
	case "aws:ecs/cluster:Cluster":
		n := or(str("name"), name)
		return arnPrefix("ecs") + "cluster/" + n, map[string]any{"name": n, "arn": arnPrefix("ecs") + "cluster/" + n}
	case "aws:ecs/taskDefinition:TaskDefinition":
		arn := arnPrefix("ecs") + "task-definition/" + str("family") + ":1"
		return arn, map[string]any{"arn": arn, "revision": 1, "arnWithoutRevision": arnPrefix("ecs") + "task-definition/" + str("family")}
	case "aws:s3/bucketV2:BucketV2":
		b := or(str("bucket"), name)
		return b, map[string]any{"bucket": b, "arn": fmt.Sprintf("arn:%s:s3:::%s", c.partition(), b)}
	case "aws:secretsmanager/secret:Secret":
		n := or(str("name"), name)
		arn := arnPrefix("secretsmanager") + "secret:" + n + "-" + hexID(seed, 6)
		return arn, map[string]any{"arn": arn}
	case "aws:efs/fileSystem:FileSystem":
		return name, map[string]any{"arn": arnPrefix("elasticfilesystem") + "file-system/fs-" + hexID(seed, 17)}
	case "aws:efs/accessPoint:AccessPoint":
		return name, map[string]any{"arn": arnPrefix("elasticfilesystem") + "access-point/fsap-" + hexID(seed, 17)}
	case "aws:ec2/securityGroup:SecurityGroup":
		return name, map[string]any{"arn": arnPrefix("ec2") + "security-group/sg-" + hexID(seed, 17)}
	case "aws:servicediscovery/privateDnsNamespace:PrivateDnsNamespace":
		return name, map[string]any{"arn": arnPrefix("servicediscovery") + "namespace/ns-" + hexID(seed, 16), "hostedZone": "Z" + strings.ToUpper(hexID(seed, 13))}
	case "aws:servicediscovery/service:Service":
		return name, map[string]any{"arn": arnPrefix("servicediscovery") + "service/srv-" + hexID(seed, 16)}
	case "aws:lb/loadBalancer:LoadBalancer", "aws:lb/targetGroup:TargetGroup":
		n := or(str("name"), name)
		kind, suffix := "loadbalancer", "app/"+n+"/"+hexID(seed, 16)
		out := map[string]any{}
		if typ == "aws:lb/targetGroup:TargetGroup" {
			kind, suffix = "targetgroup", n+"/"+hexID(seed, 16)
		} else {
			prefix := ""
			if v, ok := in["internal"]; ok && v.IsBool() && v.BoolValue() {
				prefix = "internal-"
			}
			out["dnsName"] = fmt.Sprintf("%s%s-%d.%s.elb.%s", prefix, n, 1000000000+int(seed[0])*1000, c.Region, dnsSuffix(c.partition()))
		}
		arn := arnPrefix("elasticloadbalancing") + kind + "/" + suffix
		if kind == "targetgroup" {
			out["arnSuffix"] = "targetgroup/" + suffix
		} else {
			out["arnSuffix"] = suffix
		}
		out["arn"] = arn
		return arn, out
	case "aws:amp/workspace:Workspace":
		id := "ws-" + fakeUUID(c.Account+c.Region+typ+name)
		return id, map[string]any{"arn": arnPrefix("aps") + "workspace/" + id,
			"prometheusEndpoint": fmt.Sprintf("https://aps-workspaces.%s.%s/workspaces/%s/", c.Region, dnsSuffix(c.partition()), id)}
	case "aws:grafana/workspace:Workspace":
		id := "g-" + hexID(seed, 10)
		return id, map[string]any{"arn": arnPrefix("grafana") + "/workspaces/" + id,
			"endpoint": fmt.Sprintf("%s.grafana-workspace.%s.%s", id, c.Region, dnsSuffix(c.partition()))}
	}
	if !strings.HasPrefix(typ, "aws:") {
		return name, map[string]any{}
	}
	service := strings.SplitN(strings.TrimPrefix(typ, "aws:"), "/", 2)[0]
	return name, map[string]any{"arn": arnPrefix(service) + name}
}

func or(v, fallback string) string {
	if v != "" {
		return v
	}
	return fallback
}

// hexID derives n lower-case hexadecimal digits from seed, for the IDs AWS assigns
// (fs-..., sg-...).
func hexID(seed string, n int) string {
	h := sha256.Sum256([]byte("id:" + seed))
	return hex.EncodeToString(h[:])[:n]
}

// fakeUUID derives a UUID-shaped string (version 4, RFC 4122 variant) from seed.
func fakeUUID(seed string) string {
	h := sha256.Sum256([]byte(seed))
	h[6] = h[6]&0x0f | 0x40 // version 4
	h[8] = h[8]&0x3f | 0x80 // RFC 4122 variant
	s := hex.EncodeToString(h[:16])
	return s[0:8] + "-" + s[8:12] + "-" + s[12:16] + "-" + s[16:20] + "-" + s[20:32]
}
