package platform_test

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vigilops/vigil/components/iampolicy"
	"github.com/vigilops/vigil/components/platform"
	"github.com/vigilops/vigil/validate"
	"github.com/vigilops/vigil/vigiltest"
)

const (
	efsVPC       = "vpc-0123456789abcdef0"
	efsSubnetA   = "subnet-0123456789abcdef0"
	efsSubnetB   = "subnet-89abcdef"
	efsPromSG    = "sg-0aaaaaaaaaaaaaaa1"
	efsGrafanaSG = "sg-0bbbbbbbbbbbbbbb2"
)

// efsArn is the ARN vigiltest's cloud gives an EFS file system or access point of
// logical name: EFS's own form, file-system/fs-<17 hex> or access-point/fsap-<17 hex>,
// the digits derived from the account, region, type and name as the mock derives them.
func efsArn(kind, logical string) string {
	typ, id := "aws:efs/fileSystem:FileSystem", "fs-"
	if kind == "access-point" {
		typ, id = "aws:efs/accessPoint:AccessPoint", "fsap-"
	}
	h := sha256.Sum256([]byte("id:123456789012eu-west-1" + typ + logical))
	return "arn:aws:elasticfilesystem:eu-west-1:123456789012:" + kind + "/" + id + hex.EncodeToString(h[:])[:17]
}

func fsArgs() *platform.FileSystemArgs {
	return &platform.FileSystemArgs{
		NamePrefix: "vigil-prod", VpcID: efsVPC, SubnetIDs: []string{efsSubnetA, efsSubnetB},
		KeyArn: pulumi.String(storeKey),
		ClientSecurityGroups: map[string]pulumi.StringInput{
			"prometheus": pulumi.String(efsPromSG), "grafana": pulumi.String(efsGrafanaSG),
		},
		AccessPoints: map[string]platform.AccessPoint{
			"prometheus": {UID: 65534, GID: 65534, Path: "/prometheus"},
			"grafana":    {UID: 472, GID: 472, Path: "/grafana"},
		},
		Tags: map[string]string{"team": "sre"},
	}
}

func runFS(t *testing.T, args *platform.FileSystemArgs) (*vigiltest.Cloud, *vigiltest.Outputs, error) {
	t.Helper()
	outs := &vigiltest.Outputs{}
	cloud, err := vigiltest.Run(func(ctx *pulumi.Context) error {
		f, err := platform.NewFileSystem(ctx, "storage", args)
		if err != nil {
			return err
		}
		outs.Capture("id", f.FileSystemId)
		outs.Capture("arn", f.FileSystemArn)
		outs.Capture("sg", f.SecurityGroupId)
		for i, m := range f.MountTargets {
			outs.Capture(fmt.Sprintf("mount-%d", i), m.URN())
		}
		for app := range f.AccessPointArns {
			outs.Capture("ap-arn-"+app, f.AccessPointArns[app])
			outs.Capture("ap-id-"+app, f.AccessPointIds[app])
		}
		return nil
	})
	return cloud, outs, err
}

func mustFS(t *testing.T, args *platform.FileSystemArgs) (*vigiltest.Cloud, *vigiltest.Outputs) {
	t.Helper()
	cloud, outs, err := runFS(t, args)
	require.NoError(t, err)
	return cloud, outs
}

func TestTheFileSystemIsEncryptedWithTheKeyGeneralPurposeBurstingAndBackedUp(t *testing.T) {
	cloud, outs := mustFS(t, fsArgs())
	fs := onlyOfType(t, cloud, "aws:efs/fileSystem:FileSystem")
	assert.Equal(t, "storage-fs", fs.Name)
	assert.Equal(t, true, inputAt(t, fs, "encrypted"))
	assert.Equal(t, storeKey, inputAt(t, fs, "kmsKeyId"))
	assert.Equal(t, "generalPurpose", inputAt(t, fs, "performanceMode"))
	assert.Equal(t, "bursting", inputAt(t, fs, "throughputMode"))
	assert.Equal(t, "vigil-prod-efs", inputAt(t, fs, "creationToken"))
	assert.Equal(t, map[string]any{"team": "sre", "Name": "vigil-prod-efs"}, inputAt(t, fs, "tags"))
	assert.Equal(t, []any{
		map[string]any{"transitionToIa": "AFTER_30_DAYS"},
		map[string]any{"transitionToPrimaryStorageClass": "AFTER_1_ACCESS"},
	}, inputAt(t, fs, "lifecyclePolicies"))

	backup := onlyOfType(t, cloud, "aws:efs/backupPolicy:BackupPolicy")
	assert.Equal(t, "storage-fs", inputAt(t, backup, "fileSystemId"))
	assert.Equal(t, "ENABLED", inputAt(t, backup, "backupPolicy.status"))

	id, err := outs.Get("id")
	require.NoError(t, err)
	assert.Equal(t, "storage-fs", id)
	arn, err := outs.Get("arn")
	require.NoError(t, err)
	assert.Equal(t, efsArn("file-system", "storage-fs"), arn)

	for _, r := range cloud.Resources() {
		if r.Custom {
			assert.Equal(t, "urn:pulumi:test::vigiltest::vigil:platform:FileSystem::storage", r.Parent, r.Name)
			assert.True(t, strings.HasPrefix(r.Name, "storage-"), r.Name)
		}
	}
}

func TestTheLifecycleAndBackupKnobsReachTheFileSystem(t *testing.T) {
	args := fsArgs()
	args.TransitionToIA, args.DisableBackups = "AFTER_7_DAYS", true
	args.Tags = map[string]string{"Name": "mine"}
	cloud, _ := mustFS(t, args)
	fs := onlyOfType(t, cloud, "aws:efs/fileSystem:FileSystem")
	assert.Equal(t, "AFTER_7_DAYS", inputAt(t, fs, "lifecyclePolicies[0].transitionToIa"))
	assert.Equal(t, "mine", inputAt(t, fs, "tags.Name"), "a Name tag given is kept")
	assert.Equal(t, "DISABLED", inputAt(t, onlyOfType(t, cloud, "aws:efs/backupPolicy:BackupPolicy"), "backupPolicy.status"))

	args = fsArgs()
	args.TransitionToIA = platform.NoTransition
	cloud, _ = mustFS(t, args)
	_, has := onlyOfType(t, cloud, "aws:efs/fileSystem:FileSystem").Input("lifecyclePolicies")
	assert.False(t, has, "NEVER sets no lifecycle policy")
}

func TestEachSubnetGetsOneMountTargetInTheFileSystemsGroup(t *testing.T) {
	cloud, outs := mustFS(t, fsArgs())
	sg := onlyOfType(t, cloud, "aws:ec2/securityGroup:SecurityGroup")
	sgID, err := outs.Get("sg")
	require.NoError(t, err)
	assert.Equal(t, sg.Name, sgID)
	mounts := cloud.ByType("aws:efs/mountTarget:MountTarget")
	require.Len(t, mounts, 2)
	subnets := map[string]string{}
	for _, m := range mounts {
		subnets[inputAt(t, m, "subnetId").(string)] = m.Name
		assert.Equal(t, "storage-fs", inputAt(t, m, "fileSystemId"))
		assert.Equal(t, []any{sg.Name}, inputAt(t, m, "securityGroups"))
	}
	assert.Equal(t, map[string]string{efsSubnetA: "storage-mount-" + efsSubnetA, efsSubnetB: "storage-mount-" + efsSubnetB}, subnets)
	for i, subnet := range []string{efsSubnetA, efsSubnetB} {
		urn, err := outs.Get(fmt.Sprintf("mount-%d", i))
		require.NoError(t, err)
		assert.True(t, strings.HasSuffix(urn.(string), "::storage-mount-"+subnet), "MountTargets[%d] is %s's, for a service to depend on: %s", i, subnet, urn)
	}
	_, err = outs.Get("mount-2")
	assert.Error(t, err, "one mount target a subnet, no more")

	args := fsArgs()
	args.SubnetIDs = []string{efsSubnetB}
	cloud, _ = mustFS(t, args)
	mounts = cloud.ByType("aws:efs/mountTarget:MountTarget")
	require.Len(t, mounts, 1)
	assert.Equal(t, "storage-mount-"+efsSubnetB, mounts[0].Name, "a mount target is named by its subnet, so dropping one subnet keeps the other")
}

func TestOnlyEachClientGroupReachesTheMountTargetsAndOnlyOnNFS(t *testing.T) {
	cloud, _ := mustFS(t, fsArgs())
	sg := onlyOfType(t, cloud, "aws:ec2/securityGroup:SecurityGroup")
	assert.Equal(t, "vigil-prod-efs", inputAt(t, sg, "name"))
	assert.Equal(t, efsVPC, inputAt(t, sg, "vpcId"))
	assert.Equal(t, "sre", inputAt(t, sg, "tags.team"))
	desc, _ := sg.String("description")
	assert.True(t, validate.EC2Description(desc), desc)
	for _, inline := range []string{"ingress", "egress"} {
		_, has := sg.Input(inline)
		assert.False(t, has, "the group has no inline %s rules", inline)
	}
	assert.Empty(t, cloud.ByType("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"), "the mount targets open no connection")
	assert.Empty(t, cloud.ByType("aws:ec2/securityGroupRule:SecurityGroupRule"))

	rules := cloud.ByType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")
	require.Len(t, rules, 2)
	got := map[string]map[string]any{}
	for _, r := range rules {
		plain := r.Plain()
		for _, k := range []string{"cidrIpv4", "cidrIpv6", "prefixListId"} {
			assert.NotContains(t, plain, k, "%s admits a network, not a group", r.Name)
		}
		assert.True(t, validate.EC2Description(plain["description"].(string)), plain["description"])
		delete(plain, "tags")
		got[r.Name] = plain
		assert.Equal(t, "sre", inputAt(t, r, "tags.team"))
	}
	assert.Equal(t, map[string]map[string]any{
		"storage-nfs-from-grafana": {"securityGroupId": sg.Name, "ipProtocol": "tcp", "fromPort": float64(2049), "toPort": float64(2049),
			"referencedSecurityGroupId": efsGrafanaSG, "description": "NFS from the grafana tasks"},
		"storage-nfs-from-prometheus": {"securityGroupId": sg.Name, "ipProtocol": "tcp", "fromPort": float64(2049), "toPort": float64(2049),
			"referencedSecurityGroupId": efsPromSG, "description": "NFS from the prometheus tasks"},
	}, got)
}

func TestEachAppHasAnAccessPointAsItsImagesUserRootedAtItsOwnDirectory(t *testing.T) {
	cloud, outs := mustFS(t, fsArgs())
	aps := cloud.ByType("aws:efs/accessPoint:AccessPoint")
	require.Len(t, aps, 2)
	for app, want := range map[string][3]any{"prometheus": {65534, 65534, "/prometheus"}, "grafana": {472, 472, "/grafana"}} {
		ap, ok := cloud.Named("aws:efs/accessPoint:AccessPoint", "storage-"+app+"-ap")
		require.True(t, ok, app)
		uid, gid := float64(want[0].(int)), float64(want[1].(int))
		assert.Equal(t, "storage-fs", inputAt(t, ap, "fileSystemId"))
		assert.Equal(t, map[string]any{"uid": uid, "gid": gid}, inputAt(t, ap, "posixUser"))
		assert.Equal(t, map[string]any{
			"path":         want[2],
			"creationInfo": map[string]any{"ownerUid": uid, "ownerGid": gid, "permissions": "750"},
		}, inputAt(t, ap, "rootDirectory"))
		assert.Equal(t, map[string]any{"team": "sre", "Name": "vigil-prod-" + app}, inputAt(t, ap, "tags"))
		arn, err := outs.Get("ap-arn-" + app)
		require.NoError(t, err)
		assert.Equal(t, efsArn("access-point", "storage-"+app+"-ap"), arn)
		id, err := outs.Get("ap-id-" + app)
		require.NoError(t, err)
		assert.Equal(t, "storage-"+app+"-ap", id)
	}
}

func TestTheFileSystemPolicyDeniesMountsWithoutTLSOrOutsideTheAccessPoints(t *testing.T) {
	cloud, _ := mustFS(t, fsArgs())
	pol := onlyOfType(t, cloud, "aws:efs/fileSystemPolicy:FileSystemPolicy")
	assert.Equal(t, "storage-fs", inputAt(t, pol, "fileSystemId"))
	_, bypass := pol.Input("bypassPolicyLockoutSafetyCheck")
	assert.False(t, bypass)
	text, ok := pol.String("policy")
	require.True(t, ok)
	doc, err := iampolicy.Parse(text)
	require.NoError(t, err)
	assert.Empty(t, doc.Lint())
	fsArn := efsArn("file-system", "storage-fs")
	anyone := &iampolicy.Principal{AWS: []string{"*"}}
	assert.Equal(t, iampolicy.Document{Version: "2012-10-17", Statement: []iampolicy.Statement{
		{Sid: "DenyInsecureTransport", Effect: "Deny", Principal: anyone, Action: []string{"*"}, Resource: []string{fsArn},
			Condition: policyConds{"Bool": {"aws:SecureTransport": {"false"}}}},
		{Sid: "DenyMountsOutsideAccessPoints", Effect: "Deny", Principal: anyone,
			Action:   []string{"elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite", "elasticfilesystem:ClientRootAccess"},
			Resource: []string{fsArn},
			Condition: policyConds{"StringNotEquals": {"elasticfilesystem:AccessPointArn": {
				efsArn("access-point", "storage-grafana-ap"), efsArn("access-point", "storage-prometheus-ap"),
			}}}},
	}}, doc)
}

func TestMountPolicyLetsATaskMountThroughItsAccessPointOnly(t *testing.T) {
	fsArn := "arn:aws:elasticfilesystem:eu-west-1:123456789012:file-system/fs-0123456789abcdef0"
	apArn := "arn:aws:elasticfilesystem:eu-west-1:123456789012:access-point/fsap-0123456789abcdef0"
	doc, err := iampolicy.Parse(platform.MountPolicy(fsArn, apArn).JSON())
	require.NoError(t, err)
	assert.Empty(t, doc.Lint())
	assert.Equal(t, iampolicy.Document{Version: "2012-10-17", Statement: []iampolicy.Statement{{
		Sid: "MountThroughAccessPoint", Effect: "Allow",
		Action:    []string{"elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"},
		Resource:  []string{fsArn},
		Condition: policyConds{"StringEquals": {"elasticfilesystem:AccessPointArn": {apArn}}},
	}}}, doc)
}

func TestBadFileSystemArgsGiveOneErrorListingEveryProblemAndCreateNothing(t *testing.T) {
	args := &platform.FileSystemArgs{
		NamePrefix: "vigil prod", VpcID: "vpc-nothex", SubnetIDs: []string{"subnet-1", efsSubnetA, efsSubnetA},
		ClientSecurityGroups: map[string]pulumi.StringInput{"prometheus": pulumi.String(efsPromSG), "alertmanager": nil},
		AccessPoints: map[string]platform.AccessPoint{
			"prometheus": {UID: 0, GID: -1, Path: "prometheus"},
			"Grafana":    {UID: 472, Path: "/grafana"},
		},
		TransitionToIA: "AFTER_2_DAYS",
	}
	cloud, _, err := runFS(t, args)
	require.Error(t, err)
	msg := err.Error()
	for _, want := range []string{
		"NamePrefix: must be 1-60 letters",
		"VpcID: is not a VPC ID",
		`SubnetIDs[0]: "subnet-1" is not a subnet ID`,
		"SubnetIDs[2]: repeats SubnetIDs[1]",
		"KeyArn: is required",
		"ClientSecurityGroups.alertmanager: is nil",
		"ClientSecurityGroups.alertmanager: has no access point",
		"AccessPoints.Grafana: app names are lower-case",
		"AccessPoints.Grafana: has no client security group",
		"AccessPoints.prometheus.UID: is 0 (root)",
		"AccessPoints.prometheus.GID: must be between 1 and 4294967295, got -1",
		"AccessPoints.prometheus.Path: must be absolute",
		"TransitionToIA:",
	} {
		assert.Contains(t, msg, want)
	}
	assert.Empty(t, cloud.Resources(), "nothing is registered, not even the component")

	cloud, _, err = runFS(t, &platform.FileSystemArgs{})
	require.Error(t, err)
	for _, want := range []string{"NamePrefix: is required", "VpcID: is required", "SubnetIDs: is empty",
		"KeyArn: is required", "AccessPoints: is empty", "ClientSecurityGroups: is empty"} {
		assert.Contains(t, err.Error(), want)
	}
	assert.Empty(t, cloud.Resources())
}

func fsProblem(args *platform.FileSystemArgs) string {
	if err := args.Validate(); err != nil {
		return err.Error()
	}
	return ""
}

func TestPOSIXIDsAreCheckedOnBothSidesAndRootIsRefused(t *testing.T) {
	for _, tc := range []struct {
		uid, gid int
		want     string
	}{
		{1, 1, ""},
		{4294967295, 4294967295, ""},
		{0, 1, "UID: is 0 (root)"},
		{1, 0, "GID: is 0 (root), for which EFS demands elasticfilesystem:ClientRootAccess"},
		{-1, 1, "UID: must be between 1 and 4294967295, got -1"},
		{4294967296, 1, "UID: must be between 1 and 4294967295, got 4294967296"},
		{1, -1, "GID: must be between 1 and 4294967295, got -1"},
		{1, 4294967296, "GID: must be between 1 and 4294967295, got 4294967296"},
	} {
		t.Run(fmt.Sprintf("%d:%d", tc.uid, tc.gid), func(t *testing.T) {
			args := fsArgs()
			args.AccessPoints["prometheus"] = platform.AccessPoint{UID: tc.uid, GID: tc.gid, Path: "/prometheus"}
			got := fsProblem(args)
			if tc.want == "" {
				assert.Empty(t, got)
				return
			}
			assert.Contains(t, got, "AccessPoints.prometheus."+tc.want)
		})
	}
}

func TestAccessPointPathsAreWhatEFSTakesAndEachAppsOwn(t *testing.T) {
	long := "/" + strings.Repeat("a", 99)
	for p, want := range map[string]string{
		"/prometheus":      "",
		"/a/b/c/d":         "",
		"/data/prometheus": "",
		long:               "",
		long + "a":         "is 101 characters, more than EFS's 100",
		"/a/b/c/d/e":       "has 5 elements, more than EFS's 4",
		"":                 "is required",
		"prometheus":       "must be absolute",
		"/":                "is the file system's root",
		"/a/../b":          "is not clean",
		"/prometheus/":     "is not clean",
		"//prometheus":     "is not clean",
		"/.prometheus":     `has the element ".prometheus", which starts with a dot`,
		"/a/.b":            `has the element ".b"`,
		"/prom$":           "holds a character EFS refuses",
		"/prom;rm":         "holds a character EFS refuses",
		"/prom\nx":         "holds a character EFS refuses",
		"/p{x}":            "holds a character EFS refuses",
	} {
		t.Run(fmt.Sprintf("%q", p), func(t *testing.T) {
			args := fsArgs()
			args.AccessPoints["prometheus"] = platform.AccessPoint{UID: 65534, GID: 65534, Path: p}
			got := fsProblem(args)
			if want == "" {
				assert.Empty(t, got)
				return
			}
			assert.Contains(t, got, "AccessPoints.prometheus.Path: "+want)
		})
	}
	for _, tc := range []struct{ prom, grafana, want string }{
		{"/prometheus", "/prometheus", "AccessPoints.prometheus.Path: is also the path of grafana"},
		{"/data", "/data/grafana", "AccessPoints.grafana.Path: is inside prometheus's /data"},
		{"/data/prometheus", "/data", "AccessPoints.prometheus.Path: is inside grafana's /data"},
		{"/data", "/database", ""},
		{"/data/prometheus", "/data/grafana", ""},
	} {
		args := fsArgs()
		args.AccessPoints["prometheus"] = platform.AccessPoint{UID: 65534, GID: 65534, Path: tc.prom}
		args.AccessPoints["grafana"] = platform.AccessPoint{UID: 472, GID: 472, Path: tc.grafana}
		got := fsProblem(args)
		if tc.want == "" {
			assert.Empty(t, got, "%s and %s", tc.prom, tc.grafana)
		} else {
			assert.Contains(t, got, tc.want)
		}
	}
}

func TestFileSystemNamesIDsAndTransitionsAreCheckedOnBothSides(t *testing.T) {
	for prefix, ok := range map[string]bool{
		strings.Repeat("a", 60): true, strings.Repeat("a", 61): false, "a": true, "Vigil-Prod": true,
		"-vigil": false, "vigil_prod": false, "sg-vigil": false, "SG-vigil": false, "vigil-sg-": true,
	} {
		args := fsArgs()
		args.NamePrefix = prefix
		got := fsProblem(args)
		assert.Equal(t, ok, got == "", "%q: %s", prefix, got)
	}
	for subnet, ok := range map[string]bool{
		"subnet-0123abcd": true, "subnet-0123456789abcdef0": true,
		"subnet-0123abc": false, "subnet-0123456789abcdef": false, "subnet-0123ABCD": false, "sg-0123abcd": false,
	} {
		args := fsArgs()
		args.SubnetIDs = []string{subnet}
		got := fsProblem(args)
		assert.Equal(t, ok, got == "", "%q: %s", subnet, got)
	}
	for id, ok := range map[string]bool{"vpc-0123abcd": true, "vpc-0123456789abcdef0": true, "vpc-0123abc": false, "": false} {
		args := fsArgs()
		args.VpcID = id
		got := fsProblem(args)
		assert.Equal(t, ok, got == "", "%q: %s", id, got)
	}
	for _, tr := range append(append([]string{""}, platform.TransitionsToIA...), platform.NoTransition) {
		args := fsArgs()
		args.TransitionToIA = tr
		assert.Empty(t, fsProblem(args), tr)
	}
	for _, tr := range []string{"AFTER_2_DAYS", "after_30_days", "AFTER_1_ACCESS"} {
		args := fsArgs()
		args.TransitionToIA = tr
		assert.Contains(t, fsProblem(args), "TransitionToIA:", tr)
	}
}

func TestAClientWithoutAnAccessPointOrAnAccessPointWithoutAClientIsRefused(t *testing.T) {
	args := fsArgs()
	args.ClientSecurityGroups["alertmanager"] = pulumi.String("sg-0ccccccccccccccc3")
	assert.Contains(t, fsProblem(args), "ClientSecurityGroups.alertmanager: has no access point")
	args = fsArgs()
	delete(args.ClientSecurityGroups, "grafana")
	assert.Contains(t, fsProblem(args), "AccessPoints.grafana: has no client security group")
}

// policyDenies says whether a Deny statement of doc matches a request: its action and
// resource, and every condition, evaluated as the IAM User Guide's "IAM JSON policy
// elements: Condition operators" states: a key missing from the request makes
// StringEquals, StringLike and Bool false and StringNotEquals true; ...IfExists is
// true when the key is missing; Null "true" holds when the key is missing. Operators
// and keys are ANDed, a key's values ORed. Only the operators vigil writes are known;
// any other fails the test.
func policyDenies(t *testing.T, doc iampolicy.Document, action, resource string, request map[string]string) bool {
	t.Helper()
	for _, s := range doc.Statement {
		if s.Effect != iampolicy.Deny || !anyGlob(s.Action, action) || !anyGlob(s.Resource, resource) {
			continue
		}
		holds := true
		for op, keys := range s.Condition {
			for key, values := range keys {
				v, present := request[key]
				var ok bool
				switch op {
				case "StringEquals":
					ok = present && slices.Contains(values, v)
				case "StringNotEquals":
					ok = !present || !slices.Contains(values, v)
				case "StringNotEqualsIfExists":
					ok = !present || !slices.Contains(values, v)
				case "StringLike":
					ok = present && anyGlob(values, v)
				case "Bool":
					ok = present && slices.Contains(values, v)
				case "Null":
					ok = slices.Contains(values, fmt.Sprint(!present))
				default:
					t.Fatalf("policyDenies knows no operator %s", op)
				}
				holds = holds && ok
			}
		}
		if holds {
			return true
		}
	}
	return false
}

// anyGlob matches v against IAM patterns, where * is any run of characters and ? one.
func anyGlob(patterns []string, v string) bool {
	for _, p := range patterns {
		re := "^" + strings.NewReplacer(`\*`, ".*", `\?`, ".").Replace(regexp.QuoteMeta(p)) + "$"
		if regexp.MustCompile(re).MatchString(v) {
			return true
		}
	}
	return false
}

func TestTheBucketPolicyDeniesExactlyTheUploadsThatWouldNotUseTheKey(t *testing.T) {
	doc := platform.BucketPolicy(storeArn, storeKey)
	object := storeArn + "/prometheus/h/prometheus.yml"
	tls := map[string]string{"aws:SecureTransport": "true"}
	with := func(kv ...string) map[string]string {
		out := map[string]string{"aws:SecureTransport": "true"}
		for i := 0; i < len(kv); i += 2 {
			out[kv[i]] = kv[i+1]
		}
		return out
	}
	const sse, keyID = "s3:x-amz-server-side-encryption", "s3:x-amz-server-side-encryption-aws-kms-key-id"
	for name, tc := range map[string]struct {
		action, resource string
		request          map[string]string
		denied           bool
	}{
		"an upload naming the key, as Pulumi's objects do":               {"s3:PutObject", object, with(sse, "aws:kms", keyID, storeKey), false},
		"an upload without encryption headers gets the bucket's default": {"s3:PutObject", object, tls, false},
		"a part of a multipart upload carries no encryption headers":     {"s3:PutObject", object, tls, false},
		"an upload naming another key":                                   {"s3:PutObject", object, with(sse, "aws:kms", keyID, storeKey+"x"), true},
		"an upload asking for SSE-S3":                                    {"s3:PutObject", object, with(sse, "AES256"), true},
		"an upload asking for DSSE-KMS":                                  {"s3:PutObject", object, with(sse, "aws:kms:dsse", keyID, storeKey), true},
		"an upload asking for SSE-KMS with the AWS managed key":          {"s3:PutObject", object, with(sse, "aws:kms"), true},
		"a read over TLS":                        {"s3:GetObject", object, tls, false},
		"a read without TLS":                     {"s3:GetObject", object, map[string]string{"aws:SecureTransport": "false"}, true},
		"a listing without TLS":                  {"s3:ListBucket", storeArn, map[string]string{"aws:SecureTransport": "false"}, true},
		"an upload of the right key without TLS": {"s3:PutObject", object, map[string]string{"aws:SecureTransport": "false", sse: "aws:kms", keyID: storeKey}, true},
	} {
		assert.Equal(t, tc.denied, policyDenies(t, doc, tc.action, tc.resource, tc.request), name)
	}
}

func TestTheFileSystemPolicyDeniesExactlyTheMountsOutsideTheAccessPointsOrTLS(t *testing.T) {
	fsArn := "arn:aws:elasticfilesystem:eu-west-1:123456789012:file-system/fs-0123456789abcdef0"
	prom := "arn:aws:elasticfilesystem:eu-west-1:123456789012:access-point/fsap-0aaaaaaaaaaaaaaa1"
	grafana := "arn:aws:elasticfilesystem:eu-west-1:123456789012:access-point/fsap-0bbbbbbbbbbbbbbb2"
	doc := platform.FileSystemPolicy(fsArn, []string{grafana, prom})
	const ap = "elasticfilesystem:AccessPointArn"
	for name, tc := range map[string]struct {
		action  string
		request map[string]string
		denied  bool
	}{
		"a TLS mount through Prometheus's access point":   {"elasticfilesystem:ClientMount", map[string]string{"aws:SecureTransport": "true", ap: prom}, false},
		"a TLS write through Grafana's access point":      {"elasticfilesystem:ClientWrite", map[string]string{"aws:SecureTransport": "true", ap: grafana}, false},
		"a mount through an access point made by hand":    {"elasticfilesystem:ClientMount", map[string]string{"aws:SecureTransport": "true", ap: prom + "x"}, true},
		"a mount of the file system's root":               {"elasticfilesystem:ClientMount", map[string]string{"aws:SecureTransport": "true"}, true},
		"root access even through an access point":        {"elasticfilesystem:ClientRootAccess", map[string]string{"aws:SecureTransport": "true"}, true},
		"a mount through an access point without TLS":     {"elasticfilesystem:ClientMount", map[string]string{"aws:SecureTransport": "false", ap: prom}, true},
		"an API call over TLS is not the policy's affair": {"elasticfilesystem:DescribeMountTargets", map[string]string{"aws:SecureTransport": "true"}, false},
	} {
		assert.Equal(t, tc.denied, policyDenies(t, doc, tc.action, fsArn, tc.request), name)
	}
	// MountPolicy's condition admits the one access point it names.
	mount := platform.MountPolicy(fsArn, prom)
	assert.Equal(t, []string{prom}, mount.Statement[0].Condition["StringEquals"][ap])
}
