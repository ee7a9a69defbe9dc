package logfilters

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vigilops/vigil/components/iampolicy"
	"github.com/vigilops/vigil/internal/mockcloud"
)

func named(t *testing.T, c *mockcloud.Cloud, typ, name string) mockcloud.Resource {
	t.Helper()
	r, ok := c.Named(typ, name)
	require.True(t, ok, "no %s %s", typ, name)
	return r
}

func statement(t *testing.T, d iampolicy.Document, sid string) iampolicy.Statement {
	t.Helper()
	for _, s := range d.Statement {
		if s.Sid == sid {
			return s
		}
	}
	t.Fatalf("no statement %s in %+v", sid, d)
	return iampolicy.Statement{}
}

const (
	trailARN    = "arn:aws:cloudtrail:eu-west-1:123456789012:trail/vigil-prod-trail"
	bucketARN   = "arn:aws:s3:::vigil-prod-cloudtrail-123456789012"
	logGroupARN = "arn:aws:logs:eu-west-1:123456789012:log-group:/vigil/vigil-prod/cloudtrail"
)

func TestACreatedTrailIsMultiRegionValidatedEncryptedAndDeliversToItsLogGroup(t *testing.T) {
	set := build(t, true)
	c, err := deploy(t, args(set))
	require.NoError(t, err)
	comp := named(t, c, TypeToken, "logs")
	for _, r := range c.Resources() {
		if r.Type != TypeToken && r.Type != "vigil:alarms:Alarms" && r.Type != alarmType {
			assert.Equal(t, comp.URN, r.Parent, "%s %s is a child of the component", r.Type, r.Name)
		}
	}

	trail := named(t, c, "aws:cloudtrail/trail:Trail", "logs-trail-trail")
	assert.Equal(t, "vigil-prod-trail", str(t, trail, "name"))
	assert.Equal(t, true, in(t, trail, "isMultiRegionTrail"))
	assert.Equal(t, true, in(t, trail, "includeGlobalServiceEvents"))
	assert.Equal(t, true, in(t, trail, "enableLogFileValidation"))
	assert.Equal(t, true, in(t, trail, "enableLogging"))
	assert.Equal(t, "vigil-prod-cloudtrail-123456789012", str(t, trail, "s3BucketName"), "the bucket's ID, its name")
	key := named(t, c, "aws:kms/key:Key", "logs-trail-key")
	logGroup := named(t, c, "aws:cloudwatch/logGroup:LogGroup", "logs-trail-log-group")
	assert.Equal(t, "arn:aws:logs:eu-west-1:123456789012:log-group:/vigil/vigil-prod/cloudtrail:*", str(t, trail, "cloudWatchLogsGroupArn"),
		"the log group's ARN (as the mock cloud computes it) with :* for its streams")
	assert.Equal(t, "arn:aws:iam::123456789012:role/vigil-prod-cloudtrail-logs", str(t, trail, "cloudWatchLogsRoleArn"))
	keyARN := str(t, trail, "kmsKeyId")
	assert.Regexp(t, `^arn:aws:kms:eu-west-1:123456789012:key/[0-9a-f-]{36}$`, keyARN, "the trail's log files are encrypted with the key")
	assert.Equal(t, "prod", str(t, trail, `tags["vigil:stack"]`))
	assert.Equal(t, "reservations", str(t, trail, "tags.team"))

	assert.Equal(t, "/vigil/vigil-prod/cloudtrail", str(t, logGroup, "name"))
	assert.Equal(t, 400.0, in(t, logGroup, "retentionInDays"))
	assert.Equal(t, str(t, trail, "kmsKeyId"), str(t, logGroup, "kmsKeyId"), "the log group is encrypted with the same key")

	cis := named(t, c, filterType, "logs-cloudtrail-cis-unauthorized-api-calls")
	assert.Equal(t, "/vigil/vigil-prod/cloudtrail", str(t, cis, "logGroupName"), "the CIS filters read the created log group")

	assert.Equal(t, true, in(t, key, "enableKeyRotation"))
	assert.Equal(t, 30.0, in(t, key, "deletionWindowInDays"))
	alias := named(t, c, "aws:kms/alias:Alias", "logs-trail-key-alias")
	assert.Equal(t, "alias/vigil-prod-cloudtrail", str(t, alias, "name"))
	assert.Equal(t, "arn:aws:kms:eu-west-1:123456789012:key/"+str(t, alias, "targetKeyId"), keyARN, "the alias names the trail's key")
}

func TestTheTrailsKeyPolicyGrantsEachServiceOnlyWhatItNeeds(t *testing.T) {
	c, err := deploy(t, args(build(t, true)))
	require.NoError(t, err)
	var d iampolicy.Document
	require.NoError(t, named(t, c, "aws:kms/key:Key", "logs-trail-key").DecodeJSON("policy", &d))
	assert.Empty(t, d.Lint())
	require.Len(t, d.Statement, 5)

	admin := statement(t, d, "AccountAdministersKey")
	assert.Equal(t, iampolicy.Allow, admin.Effect)
	assert.Equal(t, []string{"arn:aws:iam::123456789012:root"}, admin.Principal.AWS)
	assert.Equal(t, iampolicy.KeyAdminActions, admin.Action)
	assert.NotContains(t, admin.Action, "kms:Decrypt")
	assert.NotContains(t, admin.Action, "kms:DisableKeyRotation")
	assert.Equal(t, []string{"*"}, admin.Resource)

	enc := statement(t, d, "CloudTrailEncryptsLogFiles")
	assert.Equal(t, iampolicy.Allow, enc.Effect)
	assert.Equal(t, []string{"cloudtrail.amazonaws.com"}, enc.Principal.Service)
	assert.Equal(t, []string{"kms:GenerateDataKey*"}, enc.Action)
	assert.Equal(t, map[string]map[string][]string{
		"StringEquals": {"aws:SourceArn": {trailARN}},
		"StringLike":   {"kms:EncryptionContext:aws:cloudtrail:arn": {"arn:aws:cloudtrail:*:123456789012:trail/*"}},
	}, enc.Condition)

	desc := statement(t, d, "CloudTrailDescribesKey")
	assert.Equal(t, []string{"kms:DescribeKey"}, desc.Action)
	assert.Equal(t, map[string]map[string][]string{"StringEquals": {"aws:SourceArn": {trailARN}}}, desc.Condition)

	read := statement(t, d, "AccountDecryptsLogFiles")
	assert.Equal(t, []string{"arn:aws:iam::123456789012:root"}, read.Principal.AWS)
	assert.Equal(t, []string{"kms:Decrypt", "kms:ReEncryptFrom"}, read.Action)
	assert.Equal(t, []string{"123456789012"}, read.Condition["StringEquals"]["kms:CallerAccount"])

	logsUse := statement(t, d, "CloudWatchLogsUsesKey")
	assert.Equal(t, []string{"logs.eu-west-1.amazonaws.com"}, logsUse.Principal.Service)
	assert.Equal(t, []string{"kms:Encrypt", "kms:Decrypt", "kms:ReEncryptFrom", "kms:ReEncryptTo", "kms:GenerateDataKey*", "kms:DescribeKey"}, logsUse.Action)
	assert.Equal(t, map[string]map[string][]string{"ArnEquals": {"kms:EncryptionContext:aws:logs:arn": {logGroupARN}}}, logsUse.Condition,
		"CloudWatch Logs may use the key for the trail's log group only")
}

func TestTheTrailsBucketIsPrivateVersionedEncryptedAndTakesOnlyTheTrail(t *testing.T) {
	c, err := deploy(t, args(build(t, true)))
	require.NoError(t, err)
	bucket := named(t, c, "aws:s3/bucketV2:BucketV2", "logs-trail-bucket")
	assert.Equal(t, "vigil-prod-cloudtrail-123456789012", str(t, bucket, "bucket"))
	_, force := bucket.Input("forceDestroy")
	assert.False(t, force, "the audit log's bucket is never emptied by a destroy")

	block := named(t, c, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "logs-trail-bucket-public-access")
	assert.Equal(t, "vigil-prod-cloudtrail-123456789012", str(t, block, "bucket"))
	for _, k := range []string{"blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"} {
		assert.Equal(t, true, in(t, block, k), k)
	}
	own := named(t, c, "aws:s3/bucketOwnershipControls:BucketOwnershipControls", "logs-trail-bucket-ownership")
	assert.Equal(t, "BucketOwnerEnforced", str(t, own, "rule.objectOwnership"), "ACLs are off")

	sse := named(t, c, "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2", "logs-trail-bucket-encryption")
	assert.Equal(t, "vigil-prod-cloudtrail-123456789012", str(t, sse, "bucket"))
	assert.Equal(t, "aws:kms", str(t, sse, "rules[0].applyServerSideEncryptionByDefault.sseAlgorithm"))
	trail := named(t, c, "aws:cloudtrail/trail:Trail", "logs-trail-trail")
	assert.Equal(t, str(t, trail, "kmsKeyId"), str(t, sse, "rules[0].applyServerSideEncryptionByDefault.kmsMasterKeyId"), "the bucket's default key is the trail's")
	assert.Equal(t, true, in(t, sse, "rules[0].bucketKeyEnabled"))

	ver := named(t, c, "aws:s3/bucketVersioningV2:BucketVersioningV2", "logs-trail-bucket-versioning")
	assert.Equal(t, "Enabled", str(t, ver, "versioningConfiguration.status"))

	pol := named(t, c, "aws:s3/bucketPolicy:BucketPolicy", "logs-trail-bucket-policy")
	assert.Equal(t, "vigil-prod-cloudtrail-123456789012", str(t, pol, "bucket"))
	var d iampolicy.Document
	require.NoError(t, pol.DecodeJSON("policy", &d))
	assert.Empty(t, d.Lint())
	require.Len(t, d.Statement, 3)
	acl := statement(t, d, "CloudTrailChecksBucketAcl")
	assert.Equal(t, iampolicy.Allow, acl.Effect)
	assert.Equal(t, []string{"cloudtrail.amazonaws.com"}, acl.Principal.Service)
	assert.Equal(t, []string{"s3:GetBucketAcl"}, acl.Action)
	assert.Equal(t, []string{bucketARN}, acl.Resource)
	assert.Equal(t, map[string]map[string][]string{"StringEquals": {"aws:SourceArn": {trailARN}}}, acl.Condition)
	put := statement(t, d, "CloudTrailWritesLogFiles")
	assert.Equal(t, []string{"s3:PutObject"}, put.Action)
	assert.Equal(t, []string{bucketARN + "/AWSLogs/123456789012/*"}, put.Resource)
	assert.Equal(t, map[string]map[string][]string{"StringEquals": {
		"aws:SourceArn": {trailARN}, "s3:x-amz-acl": {"bucket-owner-full-control"},
	}}, put.Condition)
	tls := statement(t, d, "DenyInsecureTransport")
	assert.Equal(t, iampolicy.Deny, tls.Effect)
	assert.Equal(t, []string{"*"}, tls.Principal.AWS)
	assert.Equal(t, []string{"s3:*"}, tls.Action)
	assert.Equal(t, []string{bucketARN, bucketARN + "/*"}, tls.Resource)
	assert.Equal(t, map[string]map[string][]string{"Bool": {"aws:SecureTransport": {"false"}}}, tls.Condition)
}

func TestTheDeliveryRoleIsForThisTrailAndThisLogGroupOnly(t *testing.T) {
	c, err := deploy(t, args(build(t, true)))
	require.NoError(t, err)
	role := named(t, c, "aws:iam/role:Role", "logs-trail-role")
	assert.Equal(t, "vigil-prod-cloudtrail-logs", str(t, role, "name"))
	var trust TrustDocument
	require.NoError(t, role.DecodeJSON("assumeRolePolicy", &trust))
	require.Len(t, trust.Statement, 1)
	s := trust.Statement[0]
	assert.Equal(t, iampolicy.Allow, s.Effect)
	assert.Equal(t, []string{"cloudtrail.amazonaws.com"}, s.Principal.Service)
	assert.Empty(t, s.Principal.AWS)
	assert.Equal(t, []string{"sts:AssumeRole"}, s.Action)
	assert.Equal(t, map[string]map[string][]string{"StringEquals": {"aws:SourceArn": {trailARN}}}, s.Condition)

	rp := named(t, c, "aws:iam/rolePolicy:RolePolicy", "logs-trail-role-policy")
	assert.Equal(t, "vigil-prod-cloudtrail-logs", str(t, rp, "role"))
	var d iampolicy.Document
	require.NoError(t, rp.DecodeJSON("policy", &d))
	assert.Empty(t, d.Lint())
	require.Len(t, d.Statement, 1)
	assert.Equal(t, iampolicy.Allow, d.Statement[0].Effect)
	assert.Nil(t, d.Statement[0].Principal)
	assert.Equal(t, []string{"logs:CreateLogStream", "logs:PutLogEvents"}, d.Statement[0].Action)
	assert.Equal(t, []string{logGroupARN + ":log-stream:*"}, d.Statement[0].Resource)
	assert.Empty(t, d.Statement[0].Condition)
}

func TestEveryTaggableResourceOfTheTrailIsTagged(t *testing.T) {
	c, err := deploy(t, args(build(t, true)))
	require.NoError(t, err)
	tagged := 0
	for _, r := range c.Resources() {
		if !r.Custom || r.Type == alarmType {
			continue
		}
		switch r.Type {
		case "aws:kms/key:Key", "aws:s3/bucketV2:BucketV2", "aws:cloudwatch/logGroup:LogGroup", "aws:iam/role:Role", "aws:cloudtrail/trail:Trail":
			tagged++
			assert.Equal(t, map[string]any{"vigil:stack": "prod", "team": "reservations", "vigil:resource": "cloudtrail"}, in(t, r, "tags"), r.Name)
		}
	}
	assert.Equal(t, 5, tagged)
	key := named(t, c, "aws:kms/key:Key", "logs-trail-key")
	assert.Equal(t, "vigil: encrypts the log files and the log group of trail vigil-prod-trail", str(t, key, "description"))
	role := named(t, c, "aws:iam/role:Role", "logs-trail-role")
	assert.Equal(t, "vigil: lets trail vigil-prod-trail deliver its events to /vigil/vigil-prod/cloudtrail", str(t, role, "description"))
	assert.Equal(t, "deliver-to-log-group", str(t, named(t, c, "aws:iam/rolePolicy:RolePolicy", "logs-trail-role-policy"), "name"))
}
