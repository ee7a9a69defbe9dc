package platform_test

import (
	"encoding/base64"
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vigilops/vigil/components/iampolicy"
	"github.com/vigilops/vigil/components/platform"
	"github.com/vigilops/vigil/vigiltest"
)

const (
	storeKey    = "arn:aws:kms:eu-west-1:123456789012:key/0b1c2d3e-4f50-4a6b-8c7d-8e9f0a1b2c3d"
	storeBucket = "vigil-prod-config-123456789012-eu-west-1"
	storeArn    = "arn:aws:s3:::" + storeBucket
)

type policyConds = map[string]map[string][]string

func storeSets() map[string]map[string][]byte {
	return map[string]map[string][]byte{
		"prometheus":   {"prometheus.yml": []byte("global: {}\n"), "rules/catalog.rules.yaml": []byte("groups: []\n")},
		"alertmanager": {"alertmanager.yml": []byte("route: {receiver: x}\n")},
		"grafana":      {"provisioning/datasources/vigil.yaml": []byte("apiVersion: 1\n"), "dashboards/app.json": []byte("{}")},
	}
}

func storeArgs() *platform.ConfigStoreArgs {
	return &platform.ConfigStoreArgs{
		NamePrefix: "vigil-prod", AccountID: vigiltest.DefaultAccount, Region: vigiltest.DefaultRegion,
		KeyArn: pulumi.String(storeKey), Sets: storeSets(), Tags: map[string]string{"team": "sre"},
	}
}

// runStore runs NewConfigStore under the mock cloud and returns the cloud, the
// component and its captured outputs.
func runStore(t *testing.T, args *platform.ConfigStoreArgs, opts ...vigiltest.Option) (*vigiltest.Cloud, *platform.ConfigStore, *vigiltest.Outputs, error) {
	t.Helper()
	var store *platform.ConfigStore
	outs := &vigiltest.Outputs{}
	cloud, err := vigiltest.Run(func(ctx *pulumi.Context) error {
		s, err := platform.NewConfigStore(ctx, "config", args)
		if err != nil {
			return err
		}
		store = s
		outs.Capture("bucket", s.Bucket)
		outs.Capture("bucketArn", s.BucketArn)
		for app, objs := range s.Objects {
			for i, o := range objs {
				outs.Capture(fmt.Sprintf("urn-%s-%d", app, i), o.URN())
			}
		}
		return nil
	}, opts...)
	return cloud, store, outs, err
}

func mustStore(t *testing.T, args *platform.ConfigStoreArgs) (*vigiltest.Cloud, *platform.ConfigStore, *vigiltest.Outputs) {
	t.Helper()
	cloud, s, outs, err := runStore(t, args)
	require.NoError(t, err)
	return cloud, s, outs
}

func onlyOfType(t *testing.T, cloud *vigiltest.Cloud, typ string) vigiltest.Resource {
	t.Helper()
	rs := cloud.ByType(typ)
	require.Len(t, rs, 1, typ)
	return rs[0]
}

func inputAt(t *testing.T, r vigiltest.Resource, path string) any {
	t.Helper()
	v, ok := r.Input(path)
	require.True(t, ok, "%s %s has no input %s", r.Type, r.Name, path)
	return v
}

func TestTheBucketIsEncryptedWithTheKeyVersionedPrivateAndOwnedByItsAccount(t *testing.T) {
	cloud, store, outs := mustStore(t, storeArgs())

	bucket := onlyOfType(t, cloud, "aws:s3/bucketV2:BucketV2")
	assert.Equal(t, "config-bucket", bucket.Name)
	assert.Equal(t, storeBucket, inputAt(t, bucket, "bucket"))
	assert.Equal(t, "sre", inputAt(t, bucket, "tags.team"))
	assert.Equal(t, false, inputAt(t, bucket, "forceDestroy"))
	got, err := outs.Get("bucket")
	require.NoError(t, err)
	assert.Equal(t, storeBucket, got)
	got, err = outs.Get("bucketArn")
	require.NoError(t, err)
	assert.Equal(t, storeArn, got)
	assert.Equal(t, storeBucket, store.BucketName)
	assert.Equal(t, storeArn, store.BucketARN)

	sse := onlyOfType(t, cloud, "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2")
	assert.Equal(t, storeBucket, inputAt(t, sse, "bucket"))
	assert.Equal(t, []any{map[string]any{
		"applyServerSideEncryptionByDefault": map[string]any{"sseAlgorithm": "aws:kms", "kmsMasterKeyId": storeKey},
		"bucketKeyEnabled":                   true,
	}}, inputAt(t, sse, "rules"))

	versioning := onlyOfType(t, cloud, "aws:s3/bucketVersioningV2:BucketVersioningV2")
	assert.Equal(t, storeBucket, inputAt(t, versioning, "bucket"))
	assert.Equal(t, "Enabled", inputAt(t, versioning, "versioningConfiguration.status"))

	pab := onlyOfType(t, cloud, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock")
	assert.Equal(t, storeBucket, inputAt(t, pab, "bucket"))
	for _, k := range []string{"blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"} {
		assert.Equal(t, true, inputAt(t, pab, k), k)
	}

	own := onlyOfType(t, cloud, "aws:s3/bucketOwnershipControls:BucketOwnershipControls")
	assert.Equal(t, storeBucket, inputAt(t, own, "bucket"))
	assert.Equal(t, "BucketOwnerEnforced", inputAt(t, own, "rule.objectOwnership"))

	for _, r := range cloud.Resources() {
		if r.Custom {
			assert.Equal(t, "urn:pulumi:test::vigiltest::vigil:platform:ConfigStore::config", r.Parent, r.Name)
			assert.True(t, strings.HasPrefix(r.Name, "config-"), r.Name)
		}
	}
}

func TestForceDestroyReachesTheBucket(t *testing.T) {
	args := storeArgs()
	args.ForceDestroy = true
	cloud, _, _ := mustStore(t, args)
	assert.Equal(t, true, inputAt(t, onlyOfType(t, cloud, "aws:s3/bucketV2:BucketV2"), "forceDestroy"))
}

func TestTheLifecycleExpiresNoncurrentVersionsAfterTheDaysGivenOrThirty(t *testing.T) {
	for _, tc := range []struct {
		given, want int
	}{{0, 30}, {1, 1}, {3650, 3650}} {
		t.Run(fmt.Sprint(tc.given), func(t *testing.T) {
			args := storeArgs()
			args.NoncurrentVersionDays = tc.given
			cloud, _, _ := mustStore(t, args)
			lc := onlyOfType(t, cloud, "aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2")
			assert.Equal(t, storeBucket, inputAt(t, lc, "bucket"))
			assert.Equal(t, []any{map[string]any{
				"id": "expire-old-versions", "status": "Enabled",
				"filter":                         map[string]any{"prefix": ""},
				"noncurrentVersionExpiration":    map[string]any{"noncurrentDays": float64(tc.want)},
				"expiration":                     map[string]any{"expiredObjectDeleteMarker": true},
				"abortIncompleteMultipartUpload": map[string]any{"daysAfterInitiation": float64(7)},
			}}, inputAt(t, lc, "rules"))
		})
	}
}

func TestTheBucketPolicyDeniesRequestsWithoutTLSAndUploadsUnderAnyOtherKey(t *testing.T) {
	cloud, _, _ := mustStore(t, storeArgs())
	pol := onlyOfType(t, cloud, "aws:s3/bucketPolicy:BucketPolicy")
	assert.Equal(t, storeBucket, inputAt(t, pol, "bucket"))
	text, ok := pol.String("policy")
	require.True(t, ok)
	doc, err := iampolicy.Parse(text)
	require.NoError(t, err)
	assert.Empty(t, doc.Lint())
	anyone := &iampolicy.Principal{AWS: []string{"*"}}
	objects := []string{storeArn + "/*"}
	assert.Equal(t, iampolicy.Document{Version: "2012-10-17", Statement: []iampolicy.Statement{
		{Sid: "DenyInsecureTransport", Effect: "Deny", Principal: anyone, Action: []string{"s3:*"},
			Resource:  []string{storeArn, storeArn + "/*"},
			Condition: policyConds{"Bool": {"aws:SecureTransport": {"false"}}}},
		{Sid: "DenyOtherEncryption", Effect: "Deny", Principal: anyone, Action: []string{"s3:PutObject"}, Resource: objects,
			Condition: policyConds{
				"StringNotEquals": {"s3:x-amz-server-side-encryption": {"aws:kms"}},
				"Null":            {"s3:x-amz-server-side-encryption": {"false"}},
			}},
		{Sid: "DenyOtherKey", Effect: "Deny", Principal: anyone, Action: []string{"s3:PutObject"}, Resource: objects,
			Condition: policyConds{
				"StringNotEquals": {"s3:x-amz-server-side-encryption-aws-kms-key-id": {storeKey}},
				"Null":            {"s3:x-amz-server-side-encryption-aws-kms-key-id": {"false"}},
			}},
		{Sid: "DenyDefaultKey", Effect: "Deny", Principal: anyone, Action: []string{"s3:PutObject"}, Resource: objects,
			Condition: policyConds{
				"StringEquals": {"s3:x-amz-server-side-encryption": {"aws:kms"}},
				"Null":         {"s3:x-amz-server-side-encryption-aws-kms-key-id": {"true"}},
			}},
	}}, doc)
	for _, s := range doc.Statement {
		assert.Equal(t, "Deny", s.Effect, "the bucket policy grants nothing: %s", s.Sid)
	}
}

// objects returns the registered objects by key.
func storeObjects(t *testing.T, cloud *vigiltest.Cloud) map[string]vigiltest.Resource {
	t.Helper()
	out := map[string]vigiltest.Resource{}
	for _, o := range cloud.ByType("aws:s3/bucketObjectv2:BucketObjectv2") {
		key, ok := o.String("key")
		require.True(t, ok, o.Name)
		out[key] = o
	}
	return out
}

func TestEveryFileIsOneEncryptedObjectUnderItsAppsPrefix(t *testing.T) {
	args := storeArgs()
	cloud, store, outs := mustStore(t, args)
	objs := storeObjects(t, cloud)
	want := 0
	for app, set := range args.Sets {
		prefix := store.Prefixes[app]
		assert.Equal(t, app+"/"+store.Hashes[app]+"/", prefix)
		assert.Len(t, store.Hashes[app], 64)
		for path, body := range set {
			want++
			o, ok := objs[prefix+path]
			require.True(t, ok, "no object for %s", prefix+path)
			assert.Equal(t, "config-"+app+"/"+path, o.Name)
			assert.Equal(t, string(body), inputAt(t, o, "content"))
			assert.Equal(t, storeBucket, inputAt(t, o, "bucket"))
			assert.Equal(t, "aws:kms", inputAt(t, o, "serverSideEncryption"))
			assert.Equal(t, storeKey, inputAt(t, o, "kmsKeyId"))
			assert.Equal(t, true, inputAt(t, o, "bucketKeyEnabled"))
			assert.Equal(t, "sre", inputAt(t, o, "tags.team"))
		}
	}
	assert.Len(t, objs, want)
	for app, set := range args.Sets {
		require.Len(t, store.Objects[app], len(set), "Objects holds each of %s's objects, for a service to depend on", app)
		var urns, registered []string
		for i := range store.Objects[app] {
			urn, err := outs.Get(fmt.Sprintf("urn-%s-%d", app, i))
			require.NoError(t, err)
			urns = append(urns, urn.(string))
		}
		for _, k := range storeKeysOf(objs, app) {
			registered = append(registered, objs[k].URN)
		}
		assert.ElementsMatch(t, registered, urns, app)
	}
	for key, o := range objs {
		app := strings.SplitN(key, "/", 2)[0]
		assert.True(t, strings.HasPrefix(key, store.Prefixes[app]), "%s is outside %s", key, store.Prefixes[app])
		_, hasBase64 := o.Input("contentBase64")
		assert.False(t, hasBase64, key)
	}
	assert.Equal(t, "application/yaml", inputAt(t, objs[store.Prefixes["prometheus"]+"prometheus.yml"], "contentType"))
	assert.Equal(t, "application/yaml", inputAt(t, objs[store.Prefixes["prometheus"]+"rules/catalog.rules.yaml"], "contentType"))
	assert.Equal(t, "application/json", inputAt(t, objs[store.Prefixes["grafana"]+"dashboards/app.json"], "contentType"))
}

func TestAFileThatIsNotTextIsUploadedInBase64AndOtherTextAsPlainText(t *testing.T) {
	args := storeArgs()
	binary := []byte{0xff, 0xfe, 0x00, 0x01}
	args.Sets["blackbox"] = map[string][]byte{"ca.der": binary, "README": []byte("probes\n")}
	cloud, store, _ := mustStore(t, args)
	objs := storeObjects(t, cloud)
	der := objs[store.Prefixes["blackbox"]+"ca.der"]
	assert.Equal(t, base64.StdEncoding.EncodeToString(binary), inputAt(t, der, "contentBase64"))
	_, hasContent := der.Input("content")
	assert.False(t, hasContent)
	assert.Equal(t, "application/octet-stream", inputAt(t, der, "contentType"))
	readme := objs[store.Prefixes["blackbox"]+"README"]
	assert.Equal(t, "probes\n", inputAt(t, readme, "content"))
	assert.Equal(t, "text/plain; charset=utf-8", inputAt(t, readme, "contentType"))
}

// keysOf returns the object keys of one app, sorted.
func storeKeysOf(objs map[string]vigiltest.Resource, app string) []string {
	var out []string
	for k := range objs {
		if strings.HasPrefix(k, app+"/") {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

func TestTheHashChangesExactlyWhenThatAppsContentChanges(t *testing.T) {
	base := storeArgs()
	baseCloud, baseStore, _ := mustStore(t, base)
	baseObjs := storeObjects(t, baseCloud)

	changes := map[string]func(map[string]map[string][]byte){
		"a changed byte": func(s map[string]map[string][]byte) { s["prometheus"]["prometheus.yml"] = []byte("global: {} \n") },
		"a renamed file": func(s map[string]map[string][]byte) {
			s["prometheus"]["rules/c.rules.yaml"] = s["prometheus"]["rules/catalog.rules.yaml"]
			delete(s["prometheus"], "rules/catalog.rules.yaml")
		},
		"an added file":  func(s map[string]map[string][]byte) { s["prometheus"]["rules/new.rules.yaml"] = []byte("groups: []\n") },
		"a removed file": func(s map[string]map[string][]byte) { delete(s["prometheus"], "rules/catalog.rules.yaml") },
		"bytes moved from one file to the next": func(s map[string]map[string][]byte) {
			s["prometheus"]["prometheus.yml"] = []byte("global: {}\ngroups: []\n")
			s["prometheus"]["rules/catalog.rules.yaml"] = []byte("")
		},
	}
	for name, change := range changes {
		t.Run(name, func(t *testing.T) {
			args := storeArgs()
			change(args.Sets)
			cloud, store, _ := mustStore(t, args)
			objs := storeObjects(t, cloud)
			assert.NotEqual(t, baseStore.Hashes["prometheus"], store.Hashes["prometheus"])
			for _, k := range storeKeysOf(objs, "prometheus") {
				assert.True(t, strings.HasPrefix(k, store.Prefixes["prometheus"]), k)
				_, old := baseObjs[k]
				assert.False(t, old, "%s kept its old key", k)
			}
			for _, app := range []string{"alertmanager", "grafana"} {
				assert.Equal(t, baseStore.Hashes[app], store.Hashes[app], app)
				assert.Equal(t, baseStore.Prefixes[app], store.Prefixes[app], app)
				assert.Equal(t, storeKeysOf(baseObjs, app), storeKeysOf(objs, app), app)
			}
		})
	}
	t.Run("the same content in a new map", func(t *testing.T) {
		_, store, _ := mustStore(t, storeArgs())
		assert.Equal(t, baseStore.Hashes, store.Hashes)
		assert.Equal(t, baseStore.Prefixes, store.Prefixes)
	})
}

func TestBadArgsGiveOneErrorListingEveryProblemAndCreateNothing(t *testing.T) {
	args := &platform.ConfigStoreArgs{
		NamePrefix: "Vigil_Prod", AccountID: "12345", Region: "mars",
		Sets: map[string]map[string][]byte{
			"Prometheus": {"/etc/prometheus.yml": nil, "../x": nil},
			"grafana":    {},
		},
		NoncurrentVersionDays: -1,
	}
	cloud, _, _, err := runStore(t, args)
	require.Error(t, err)
	msg := err.Error()
	for _, want := range []string{
		"NamePrefix: must be lower-case letters, digits and hyphens",
		"AccountID:",
		"Region:",
		"KeyArn: is required",
		`Sets.Prometheus: app names are lower-case letters`,
		`Sets.Prometheus["/etc/prometheus.yml"]: the path is absolute`,
		`Sets.Prometheus["../x"]: the path has a ".." element`,
		"Sets.grafana: has no files",
		"NoncurrentVersionDays:",
	} {
		assert.Contains(t, msg, want)
	}
	assert.Empty(t, cloud.Resources(), "nothing is registered, not even the component")

	cloud, _, _, err = runStore(t, &platform.ConfigStoreArgs{NamePrefix: "vigil-prod", AccountID: vigiltest.DefaultAccount,
		Region: vigiltest.DefaultRegion, KeyArn: pulumi.String(storeKey)})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "Sets: is empty")
	assert.Empty(t, cloud.Resources())
}

// storeProblem returns the error text of args, "" when they are valid.
func storeProblem(args *platform.ConfigStoreArgs) string {
	if err := args.Validate(); err != nil {
		return err.Error()
	}
	return ""
}

func TestFilePathsThatCouldLeaveTheAppsFolderAreRefused(t *testing.T) {
	for path, want := range map[string]string{
		"prometheus.yml":              "",
		"rules/catalog.rules.yaml":    "",
		"dashboards/team a/über.json": "",
		"a..b/c":                      "",
		".hidden":                     "",
		"":                            "the path is empty",
		"/etc/passwd":                 "the path is absolute",
		"../../etc/passwd":            `the path has a ".." element`,
		"rules/../../x":               `the path has a ".." element`,
		"..":                          `the path has a ".." element`,
		"./prometheus.yml":            `the path has a "." element`,
		"rules//x.yaml":               "the path has an empty element",
		"rules/":                      "the path has an empty element",
		`rules\..\x`:                  "the path has a backslash",
		"rules/x\n.yaml":              "the path has a control character",
		"rules/\x00":                  "the path has a control character",
		string([]byte{'r', 0xff}):     "the path is not UTF-8",
		strings.Repeat("a", 1024-len("prometheus/")-65): "",
		strings.Repeat("a", 1024-len("prometheus/")-64): "makes a key of 1025 bytes",
	} {
		t.Run(fmt.Sprintf("%q", path), func(t *testing.T) {
			args := storeArgs()
			args.Sets["prometheus"][path] = []byte("x")
			got := storeProblem(args)
			if want == "" {
				assert.Empty(t, got)
				return
			}
			assert.Contains(t, got, want)
			assert.Contains(t, got, fmt.Sprintf("Sets.prometheus[%q]", path))
		})
	}
}

func TestAPathThatIsAlsoAnotherPathsDirectoryIsRefused(t *testing.T) {
	args := storeArgs()
	args.Sets["prometheus"]["rules"] = []byte("x")
	assert.Contains(t, storeProblem(args), `Sets.prometheus["rules"]: is a file and also the directory of "rules/catalog.rules.yaml"`)
	args = storeArgs()
	args.Sets["prometheus"]["rules/catalog.rules.yaml/deeper/x"] = []byte("x")
	assert.Contains(t, storeProblem(args), `Sets.prometheus["rules/catalog.rules.yaml"]: is a file and also the directory of`)
	args = storeArgs()
	args.Sets["prometheus"]["rulesx/y"] = []byte("x") // shares a prefix, not a directory
	assert.Empty(t, storeProblem(args))
}

func TestAppNamesAreLowerCaseLettersDigitsAndHyphens(t *testing.T) {
	for app, ok := range map[string]bool{
		"prometheus": true, "blackbox-2": true, "a": true, "node-exporter": true,
		"Prometheus": false, "1prom": false, "-prom": false, "prom-": false, "pro--m": false,
		"prom_x": false, "prom/x": false, "prom.x": false, "": false,
	} {
		t.Run(app, func(t *testing.T) {
			args := storeArgs()
			args.Sets[app] = map[string][]byte{"f.yml": []byte("x")}
			got := storeProblem(args)
			if ok {
				assert.Empty(t, got)
			} else {
				assert.Contains(t, got, "Sets."+app+": app names are lower-case letters")
			}
		})
	}
}

func TestTheBucketNameIsAtMost63CharactersAndAValidS3Name(t *testing.T) {
	// <prefix>-config-123456789012-eu-west-1 is 30 characters besides the prefix.
	for prefix, want := range map[string]string{
		strings.Repeat("a", 33): "",
		strings.Repeat("a", 34): "more than 63",
		"a":                     "",
		"9lives":                "",
		"vigil.prod":            "must be lower-case letters, digits and hyphens",
		"-vigil":                "must be lower-case letters, digits and hyphens",
		"Vigil":                 "must be lower-case letters, digits and hyphens",
		"xn--vigil":             "starts with a prefix S3 reserves",
		"sthree-vigil":          "starts with a prefix S3 reserves",
		"amzn-s3-demo-vigil":    "starts with a prefix S3 reserves",
		"":                      "NamePrefix: is required",
	} {
		t.Run(prefix, func(t *testing.T) {
			args := storeArgs()
			args.NamePrefix = prefix
			got := storeProblem(args)
			if want == "" {
				assert.Empty(t, got)
				return
			}
			assert.Contains(t, got, want)
		})
	}
	args := storeArgs()
	args.NamePrefix = strings.Repeat("a", 34)
	assert.Contains(t, storeProblem(args), "shorten the prefix to at most 33 characters")
}

func TestNoncurrentVersionDaysAndTagsAreCheckedOnBothSides(t *testing.T) {
	for days, ok := range map[int]bool{0: true, 1: true, 3650: true, -1: false, 3651: false} {
		args := storeArgs()
		args.NoncurrentVersionDays = days
		got := storeProblem(args)
		assert.Equal(t, ok, got == "", "%d days: %s", days, got)
		if !ok {
			assert.Contains(t, got, "NoncurrentVersionDays:")
		}
	}
	for n, ok := range map[int]bool{0: true, 10: true, 11: false} {
		args := storeArgs()
		args.Tags = map[string]string{}
		for i := 0; i < n; i++ {
			args.Tags[fmt.Sprintf("k%d", i)] = "v"
		}
		got := storeProblem(args)
		assert.Equal(t, ok, got == "", "%d tags: %s", n, got)
		if !ok {
			assert.Contains(t, got, "Tags: has 11 tags, more than 10")
		}
	}
}

func TestReadPolicyGrantsOneAppsPrefixAndTheKeyOnlyThroughS3(t *testing.T) {
	prefix := "prometheus/" + strings.Repeat("ab", 32) + "/"
	doc, err := iampolicy.Parse(platform.ReadPolicy("eu-west-1", storeArn, storeKey, prefix).JSON())
	require.NoError(t, err)
	assert.Empty(t, doc.Lint())
	assert.Equal(t, iampolicy.Document{Version: "2012-10-17", Statement: []iampolicy.Statement{
		{Sid: "ReadConfigObjects", Effect: "Allow", Action: []string{"s3:GetObject"}, Resource: []string{storeArn + "/" + prefix + "*"}},
		{Sid: "ListConfigPrefix", Effect: "Allow", Action: []string{"s3:ListBucket"}, Resource: []string{storeArn},
			Condition: policyConds{"StringLike": {"s3:prefix": {prefix + "*"}}}},
		{Sid: "DecryptConfigObjects", Effect: "Allow", Action: []string{"kms:Decrypt"}, Resource: []string{storeKey},
			Condition: policyConds{"StringEquals": {"kms:ViaService": {"s3.eu-west-1.amazonaws.com"}}}},
	}}, doc)

	cn := platform.ReadPolicy("cn-north-1", "arn:aws-cn:s3:::b", "arn:aws-cn:kms:cn-north-1:123456789012:key/k", "grafana/h/")
	assert.Equal(t, []string{"s3.cn-north-1.amazonaws.com.cn"}, cn.Statement[2].Condition["StringEquals"]["kms:ViaService"])
}

func TestTheStoreInChinaHasAnAwsCnBucketArn(t *testing.T) {
	args := storeArgs()
	args.Region = "cn-north-1"
	args.KeyArn = pulumi.String("arn:aws-cn:kms:cn-north-1:123456789012:key/k")
	_, store, outs, err := runStore(t, args, vigiltest.WithRegion("cn-north-1"))
	require.NoError(t, err)
	assert.Equal(t, "arn:aws-cn:s3:::vigil-prod-config-123456789012-cn-north-1", store.BucketARN)
	got, err := outs.Get("bucketArn")
	require.NoError(t, err)
	assert.Equal(t, store.BucketARN, got)
}
