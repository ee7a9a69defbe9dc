package platform

import (
	"encoding/base64"
	"fmt"
	"path"
	"regexp"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/s3"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/vigilops/vigil/components/iampolicy"
	"github.com/vigilops/vigil/platform/config"
	"github.com/vigilops/vigil/validate"
)

// ConfigStoreTypeToken is the Pulumi type of the ConfigStore component.
const ConfigStoreTypeToken = "vigil:platform:ConfigStore"

// The limits of ConfigStoreArgs.
const (
	// DefaultNoncurrentVersionDays is how long a replaced or deleted configuration file
	// stays recoverable when ConfigStoreArgs.NoncurrentVersionDays is zero.
	DefaultNoncurrentVersionDays = 30
	// MaxNoncurrentVersionDays bounds NoncurrentVersionDays: ten years is vigil's
	// choice, S3 itself takes any positive number of days.
	MaxNoncurrentVersionDays = 3650
	// maxBucketName is S3's limit on a general purpose bucket's name.
	maxBucketName = 63
	// maxObjectKey is S3's limit on an object key, in UTF-8 bytes.
	maxObjectKey = 1024
	// maxObjectTags is S3's limit on the tags of one object (a bucket takes 50).
	maxObjectTags = 10
	// abortMultipartDays is when an upload that never completed is cleaned up.
	abortMultipartDays = 7
)

// ConfigStoreArgs configures the bucket that holds the generated configuration files
// (prometheus.yml, rule files, alertmanager.yml, Grafana's provisioning and dashboards),
// which each task's init container copies into a shared volume before its main
// container starts.
type ConfigStoreArgs struct {
	// NamePrefix starts the bucket name, <prefix>-config-<account>-<region>, which must
	// be a valid S3 bucket name of at most 63 characters: the prefix is lower-case
	// letters, digits and hyphens, starting with a letter or digit (no dots: a dotted
	// name breaks the TLS certificate of virtual-hosted requests). Required.
	NamePrefix string
	// AccountID is the 12-digit account of the bucket; Region its region, such as
	// eu-west-1. Both are part of the name, which makes it globally unique. Required.
	AccountID, Region string
	// KeyArn is the customer-managed KMS key (the platform's key) that encrypts every
	// object (SSE-KMS, with an S3 Bucket Key to cut KMS requests). Give its key ARN, not
	// an alias: the bucket policy refuses uploads that name any other key, compared as
	// written. Required.
	KeyArn pulumi.StringInput
	// Sets are the file sets by app name ("prometheus", "alertmanager", "grafana",
	// "blackbox"): path -> bytes. Each set's objects go under "<app>/<hash>/<path>",
	// hash being config.ContentHash of the set. App names are lower-case letters, digits
	// and hyphens, starting with a letter. Paths are untrusted: each is relative, clean
	// (path.Clean leaves it as is), without "." or ".." elements, backslashes or control
	// characters, and no path is a directory of another, so nothing written from them
	// can leave the app's folder. Required: at least one set, each with a file.
	Sets map[string]map[string][]byte
	// NoncurrentVersionDays is how long a version that was replaced or deleted (the
	// objects of a changed set's old prefix) is kept before S3 expires it, 1 to 3650.
	// Zero means 30.
	NoncurrentVersionDays int
	// ForceDestroy lets `pulumi destroy` delete the bucket with its objects and versions
	// in it. Defaults to false: the bucket must be emptied first.
	ForceDestroy bool
	// Tags are set on the bucket and on every object. S3 takes at most 10 tags an
	// object, so at most 10 here. Defaults to none.
	Tags map[string]string
}

// ConfigStore is the component: the bucket, its encryption, versioning, public access
// block, ownership controls, policy and lifecycle, and one object per file.
type ConfigStore struct {
	pulumi.ResourceState

	// Bucket is the bucket name.
	Bucket pulumi.StringOutput `pulumi:"bucket"`
	// BucketArn is the bucket ARN, arn:<partition>:s3:::<bucket>.
	BucketArn pulumi.StringOutput `pulumi:"bucketArn"`
	// Hashes maps each app to config.ContentHash of its set (known at plan time).
	Hashes map[string]string
	// Prefixes maps each app to "<app>/<hash>/", where its objects are.
	Prefixes map[string]string
	// BucketName and BucketARN are Bucket and BucketArn as plain strings (they are
	// derived from the Args alone), for pure policy builders such as ReadPolicy.
	BucketName, BucketARN string
	// Objects maps each app to the objects of its set. A task definition names its
	// prefix as a plain string, which makes no dependency: the app's service should
	// depend on these (pulumi.DependsOn), so that a new revision never starts before
	// its files are uploaded.
	Objects map[string][]pulumi.Resource
}

// Validate returns one error listing every problem of the arguments, or nil.
func (a *ConfigStoreArgs) Validate() error {
	var ps validate.Problems
	if validate.Required(&ps, "NamePrefix", a.NamePrefix, "for example vigil-prod") {
		bucketName(&ps, "NamePrefix", a.NamePrefix, configBucketName(a.NamePrefix, a.AccountID, a.Region))
	}
	validate.AccountID(&ps, "AccountID", a.AccountID)
	validate.Region(&ps, "Region", a.Region)
	if a.KeyArn == nil {
		ps.Add("KeyArn", "is required", "the platform's customer-managed KMS key, which encrypts every object")
	}
	if len(a.Sets) == 0 {
		ps.Add("Sets", "is empty", `give each app's files, for example "prometheus": config.PrometheusFiles(...)`)
	}
	for _, app := range keysInOrder(a.Sets) {
		checkSet(&ps, "Sets."+app, app, a.Sets[app])
	}
	if a.NoncurrentVersionDays != 0 {
		validate.IntRange(&ps, "NoncurrentVersionDays", a.NoncurrentVersionDays, 1, MaxNoncurrentVersionDays,
			fmt.Sprintf("leave it 0 for %d days", DefaultNoncurrentVersionDays))
	}
	validate.Tags(&ps, "Tags", a.Tags)
	if len(a.Tags) > maxObjectTags {
		ps.Addf("Tags", "S3 takes at most 10 tags an object, and every configuration file is tagged; drop some",
			"has %d tags, more than 10", len(a.Tags))
	}
	return ps.Err(fmt.Sprintf("platform.ConfigStoreArgs %q", a.NamePrefix))
}

var appNameRe = regexp.MustCompile(`^[a-z][a-z0-9]*(-[a-z0-9]+)*$`)

// checkSet adds the problems of one app's file set.
func checkSet(ps *validate.Problems, p, app string, files map[string][]byte) {
	if !appNameRe.MatchString(app) {
		ps.Add(p, "app names are lower-case letters, digits and single hyphens, starting with a letter",
			"for example prometheus or grafana")
	}
	if len(files) == 0 {
		ps.Add(p, "has no files", "an app with nothing to copy needs no set: leave it out")
		return
	}
	prefixLen := len(app) + 1 + 64 + 1 // <app>/<sha256 hex>/
	paths := keysInOrder(files)
	for _, f := range paths {
		fp := fmt.Sprintf("%s[%q]", p, f)
		if msg := unsafePath(f); msg != "" {
			ps.Add(fp, msg, `paths are relative and clean, such as "prometheus.yml" or "rules/catalog.rules.yaml"`)
			continue
		}
		if n := prefixLen + len(f); n > maxObjectKey {
			ps.Addf(fp, "shorten the path", "makes a key of %d bytes with its prefix, more than S3's %d", n, maxObjectKey)
		}
	}
	// A path that is the directory of another cannot be written as both.
	for _, f := range paths {
		for dir := path.Dir(f); dir != "." && dir != "/"; dir = path.Dir(dir) {
			if _, ok := files[dir]; ok {
				ps.Addf(fmt.Sprintf("%s[%q]", p, dir), "rename the file or move the other one",
					"is a file and also the directory of %q", f)
			}
		}
	}
}

// unsafePath says what is wrong with a file path, or "" when it is safe to copy under
// a folder: relative, clean, no "." or ".." element, no backslash or control character.
func unsafePath(p string) string {
	switch {
	case p == "":
		return "the path is empty"
	case !utf8.ValidString(p):
		return "the path is not UTF-8"
	case strings.HasPrefix(p, "/"):
		return "the path is absolute"
	case strings.ContainsRune(p, '\\'):
		return "the path has a backslash, which some copiers read as a separator"
	case strings.IndexFunc(p, unicode.IsControl) >= 0:
		return "the path has a control character"
	}
	for _, e := range strings.Split(p, "/") {
		switch e {
		case "":
			return "the path has an empty element (a doubled or trailing slash)"
		case ".", "..":
			return fmt.Sprintf("the path has a %q element", e)
		}
	}
	if path.Clean(p) != p {
		return "the path is not clean"
	}
	return ""
}

// bucketPrefixRe is what vigil allows in a bucket name's prefix: S3's characters
// without the dot.
var bucketPrefixRe = regexp.MustCompile(`^[a-z0-9][a-z0-9-]*$`)

// bucketName adds the problems of a general purpose bucket name (S3 User Guide,
// "General purpose bucket naming rules"), reported at path, the field it derives from.
// vigil allows no dots, which S3 allows, so a name cannot look like an IP address.
func bucketName(ps *validate.Problems, p, prefix, name string) {
	hint := "the bucket is <prefix>-config-<account>-<region>"
	switch {
	case !bucketPrefixRe.MatchString(prefix):
		ps.Add(p, "must be lower-case letters, digits and hyphens, starting with a letter or digit", hint)
	case len(name) > maxBucketName:
		ps.Addf(p, fmt.Sprintf("shorten the prefix to at most %d characters", maxBucketName-(len(name)-len(prefix))),
			"makes the bucket name %q, %d characters, more than %d", name, len(name), maxBucketName)
	case strings.HasPrefix(name, "xn--") || strings.HasPrefix(name, "sthree-") || strings.HasPrefix(name, "amzn-s3-demo-"):
		ps.Addf(p, hint, "makes the bucket name %q, which starts with a prefix S3 reserves", name)
	}
}

// configBucketName is the bucket's physical name.
func configBucketName(prefix, account, region string) string {
	return prefix + "-config-" + account + "-" + region
}

// bucketArn is the ARN of a bucket: bucket ARNs have no region and no account.
func bucketArn(region, bucket string) string {
	return fmt.Sprintf("arn:%s:s3:::%s", iampolicy.Partition(region), bucket)
}

// NewConfigStore validates args and creates the configuration store: nothing is
// created when args are invalid.
func NewConfigStore(ctx *pulumi.Context, name string, args *ConfigStoreArgs, opts ...pulumi.ResourceOption) (*ConfigStore, error) {
	if args == nil {
		args = &ConfigStoreArgs{}
	}
	if err := args.Validate(); err != nil {
		return nil, err
	}
	c := &ConfigStore{Hashes: map[string]string{}, Prefixes: map[string]string{}, Objects: map[string][]pulumi.Resource{}}
	if err := ctx.RegisterComponentResource(ConfigStoreTypeToken, name, c, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(c)
	c.BucketName = configBucketName(args.NamePrefix, args.AccountID, args.Region)
	c.BucketARN = bucketArn(args.Region, c.BucketName)
	tags := pulumi.ToStringMap(args.Tags)

	bucket, err := s3.NewBucketV2(ctx, name+"-bucket", &s3.BucketV2Args{
		Bucket:       pulumi.String(c.BucketName),
		ForceDestroy: pulumi.Bool(args.ForceDestroy),
		Tags:         tags,
	}, parent)
	if err != nil {
		return nil, err
	}
	// Every setting below names the bucket by its name output, so each waits for it.
	id := bucket.Bucket
	pab, err := s3.NewBucketPublicAccessBlock(ctx, name+"-public-access", &s3.BucketPublicAccessBlockArgs{
		Bucket:                id,
		BlockPublicAcls:       pulumi.Bool(true),
		BlockPublicPolicy:     pulumi.Bool(true),
		IgnorePublicAcls:      pulumi.Bool(true),
		RestrictPublicBuckets: pulumi.Bool(true),
	}, parent)
	if err != nil {
		return nil, err
	}
	ownership, err := s3.NewBucketOwnershipControls(ctx, name+"-ownership", &s3.BucketOwnershipControlsArgs{
		Bucket: id,
		Rule:   &s3.BucketOwnershipControlsRuleArgs{ObjectOwnership: pulumi.String("BucketOwnerEnforced")},
	}, parent)
	if err != nil {
		return nil, err
	}
	sse, err := s3.NewBucketServerSideEncryptionConfigurationV2(ctx, name+"-encryption", &s3.BucketServerSideEncryptionConfigurationV2Args{
		Bucket: id,
		Rules: s3.BucketServerSideEncryptionConfigurationV2RuleArray{&s3.BucketServerSideEncryptionConfigurationV2RuleArgs{
			ApplyServerSideEncryptionByDefault: &s3.BucketServerSideEncryptionConfigurationV2RuleApplyServerSideEncryptionByDefaultArgs{
				SseAlgorithm:   pulumi.String("aws:kms"),
				KmsMasterKeyId: args.KeyArn,
			},
			BucketKeyEnabled: pulumi.Bool(true),
		}},
	}, parent)
	if err != nil {
		return nil, err
	}
	versioning, err := s3.NewBucketVersioningV2(ctx, name+"-versioning", &s3.BucketVersioningV2Args{
		Bucket:                  id,
		VersioningConfiguration: &s3.BucketVersioningV2VersioningConfigurationArgs{Status: pulumi.String("Enabled")},
	}, parent)
	if err != nil {
		return nil, err
	}
	days := args.NoncurrentVersionDays
	if days == 0 {
		days = DefaultNoncurrentVersionDays
	}
	if _, err := s3.NewBucketLifecycleConfigurationV2(ctx, name+"-lifecycle", &s3.BucketLifecycleConfigurationV2Args{
		Bucket: id,
		Rules: s3.BucketLifecycleConfigurationV2RuleArray{&s3.BucketLifecycleConfigurationV2RuleArgs{
			Id:     pulumi.String("expire-old-versions"),
			Status: pulumi.String("Enabled"),
			Filter: &s3.BucketLifecycleConfigurationV2RuleFilterArgs{Prefix: pulumi.String("")},
			NoncurrentVersionExpiration: &s3.BucketLifecycleConfigurationV2RuleNoncurrentVersionExpirationArgs{
				NoncurrentDays: pulumi.Int(days),
			},
			// Once its noncurrent versions have expired, a deleted file's delete marker
			// is removed too, so an old prefix leaves nothing behind.
			Expiration: &s3.BucketLifecycleConfigurationV2RuleExpirationArgs{ExpiredObjectDeleteMarker: pulumi.Bool(true)},
			AbortIncompleteMultipartUpload: &s3.BucketLifecycleConfigurationV2RuleAbortIncompleteMultipartUploadArgs{
				DaysAfterInitiation: pulumi.Int(abortMultipartDays),
			},
		}},
	}, parent, pulumi.DependsOn([]pulumi.Resource{versioning})); err != nil {
		return nil, err
	}
	policy := args.KeyArn.ToStringOutput().ApplyT(func(key string) string {
		return BucketPolicy(c.BucketARN, key).JSON()
	}).(pulumi.StringOutput)
	bucketPolicy, err := s3.NewBucketPolicy(ctx, name+"-policy", &s3.BucketPolicyArgs{
		Bucket: id,
		Policy: policy,
	}, parent, pulumi.DependsOn([]pulumi.Resource{pab}))
	if err != nil {
		return nil, err
	}

	// The objects wait for every setting, so that the first upload is already
	// versioned, encrypted by default, owned by the bucket and under the policy.
	after := pulumi.DependsOn([]pulumi.Resource{pab, ownership, sse, versioning, bucketPolicy})
	for _, app := range keysInOrder(args.Sets) {
		set := args.Sets[app]
		hash := config.ContentHash(set)
		prefix := app + "/" + hash + "/"
		c.Hashes[app], c.Prefixes[app] = hash, prefix
		for _, f := range keysInOrder(set) {
			body, typ := objectBody(f, set[f])
			objArgs := &s3.BucketObjectv2Args{
				Bucket:               id,
				Key:                  pulumi.String(prefix + f),
				ContentType:          pulumi.String(typ),
				ServerSideEncryption: pulumi.String("aws:kms"),
				KmsKeyId:             args.KeyArn,
				BucketKeyEnabled:     pulumi.Bool(true),
				Tags:                 tags,
			}
			if utf8.Valid(set[f]) {
				objArgs.Content = pulumi.String(body)
			} else {
				objArgs.ContentBase64 = pulumi.String(body)
			}
			// The logical name has no hash: a changed set replaces its objects (a new key
			// forces a replacement), and the old versions stay noncurrent in the bucket.
			obj, err := s3.NewBucketObjectv2(ctx, name+"-"+app+"/"+f, objArgs, parent, after)
			if err != nil {
				return nil, err
			}
			c.Objects[app] = append(c.Objects[app], obj)
		}
	}
	c.Bucket = id
	c.BucketArn = id.ApplyT(func(b string) string { return bucketArn(args.Region, b) }).(pulumi.StringOutput)
	if err := ctx.RegisterResourceOutputs(c, pulumi.Map{
		"bucket":    c.Bucket,
		"bucketArn": c.BucketArn,
		"prefixes":  pulumi.ToStringMap(c.Prefixes),
	}); err != nil {
		return nil, err
	}
	return c, nil
}

// objectBody returns a file's content as S3 gets it (text as is, other bytes in
// base64) and its content type, chosen by extension from a fixed table so that every
// machine computes the same inputs.
func objectBody(p string, b []byte) (body, contentType string) {
	text := utf8.Valid(b)
	switch strings.ToLower(path.Ext(p)) {
	case ".yml", ".yaml":
		contentType = "application/yaml"
	case ".json":
		contentType = "application/json"
	default:
		contentType = "application/octet-stream"
		if text {
			contentType = "text/plain; charset=utf-8"
		}
	}
	if !text {
		return base64.StdEncoding.EncodeToString(b), contentType
	}
	return string(b), contentType
}

// BucketPolicy is the configuration bucket's resource policy, Deny statements only
// (who may read is said by identity policies such as ReadPolicy):
//   - DenyInsecureTransport: every request without TLS (aws:SecureTransport false),
//     on the bucket and its objects;
//   - DenyOtherEncryption: an upload asking for an encryption other than SSE-KMS;
//   - DenyOtherKey: an upload naming a KMS key other than keyArn;
//   - DenyDefaultKey: an upload asking for SSE-KMS without naming a key, which S3
//     would encrypt with the AWS managed key aws/s3.
//
// An upload with no encryption header at all gets the bucket's default, keyArn. A
// missing key makes StringNotEquals true (and ...IfExists changes nothing for a
// negated operator), so each "other" statement also asks that its header be present
// (Null false): that lets through the header-less upload and the parts of a
// multipart upload, whose headers were checked when the upload was created. Customer-provided keys (SSE-C)
// are refused by S3 itself on buckets created since April 2026.
func BucketPolicy(bucketArn, keyArn string) iampolicy.Document {
	anyone := &iampolicy.Principal{AWS: []string{"*"}}
	objects := []string{bucketArn + "/*"}
	put := []string{"s3:PutObject"}
	return iampolicy.Document{Version: iampolicy.Version, Statement: []iampolicy.Statement{
		{
			Sid: "DenyInsecureTransport", Effect: iampolicy.Deny, Principal: anyone,
			Action: []string{"s3:*"}, Resource: []string{bucketArn, bucketArn + "/*"},
			Condition: map[string]map[string][]string{"Bool": {"aws:SecureTransport": {"false"}}},
		},
		{
			Sid: "DenyOtherEncryption", Effect: iampolicy.Deny, Principal: anyone, Action: put, Resource: objects,
			Condition: map[string]map[string][]string{
				"StringNotEquals": {"s3:x-amz-server-side-encryption": {"aws:kms"}},
				"Null":            {"s3:x-amz-server-side-encryption": {"false"}},
			},
		},
		{
			Sid: "DenyOtherKey", Effect: iampolicy.Deny, Principal: anyone, Action: put, Resource: objects,
			Condition: map[string]map[string][]string{
				"StringNotEquals": {"s3:x-amz-server-side-encryption-aws-kms-key-id": {keyArn}},
				"Null":            {"s3:x-amz-server-side-encryption-aws-kms-key-id": {"false"}},
			},
		},
		{
			Sid: "DenyDefaultKey", Effect: iampolicy.Deny, Principal: anyone, Action: put, Resource: objects,
			Condition: map[string]map[string][]string{
				"StringEquals": {"s3:x-amz-server-side-encryption": {"aws:kms"}},
				"Null":         {"s3:x-amz-server-side-encryption-aws-kms-key-id": {"true"}},
			},
		},
	}}
}

// ReadPolicy is the task-role identity policy that lets an init container copy one
// app's set, and nothing else:
//   - ReadConfigObjects: s3:GetObject on exactly <bucketArn>/<prefix>*;
//   - ListConfigPrefix: s3:ListBucket on the bucket, only with an s3:prefix under
//     prefix (a copier lists before it gets);
//   - DecryptConfigObjects: kms:Decrypt on the key, only through S3 in region
//     (kms:ViaService s3.<region>.<dns suffix>).
//
// prefix is a ConfigStore.Prefixes value, "<app>/<hash>/". Pure: plain strings in.
func ReadPolicy(region, bucketArn, keyArn, prefix string) iampolicy.Document {
	return iampolicy.Document{Version: iampolicy.Version, Statement: []iampolicy.Statement{
		{
			Sid: "ReadConfigObjects", Effect: iampolicy.Allow,
			Action: []string{"s3:GetObject"}, Resource: []string{bucketArn + "/" + prefix + "*"},
		},
		{
			Sid: "ListConfigPrefix", Effect: iampolicy.Allow,
			Action: []string{"s3:ListBucket"}, Resource: []string{bucketArn},
			Condition: map[string]map[string][]string{"StringLike": {"s3:prefix": {prefix + "*"}}},
		},
		{
			Sid: "DecryptConfigObjects", Effect: iampolicy.Allow,
			Action: []string{"kms:Decrypt"}, Resource: []string{keyArn},
			Condition: map[string]map[string][]string{"StringEquals": {"kms:ViaService": {kmsViaService("s3", region)}}},
		},
	}}
}

// kmsViaService is the kms:ViaService value of a service in a region.
func kmsViaService(service, region string) string {
	suffix := "amazonaws.com"
	if iampolicy.Partition(region) == "aws-cn" {
		suffix = "amazonaws.com.cn"
	}
	return service + "." + region + "." + suffix
}

// keysInOrder returns a map's keys in order, so that resources register in a stable
// order.
func keysInOrder[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
