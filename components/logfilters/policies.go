package logfilters

import (
	"fmt"

	"github.com/vigilops/vigil/components/iampolicy"
)

// arns are the ARNs the trail's policies name, derived from the names alone so that
// no policy waits for a resource it grants access to.
type arns struct {
	partition, region, account string
	trail, bucket, logGroup    string
}

func newARNs(region, account, trailName, bucket, logGroup string) arns {
	p := iampolicy.Partition(region)
	return arns{
		partition: p, region: region, account: account,
		trail:    fmt.Sprintf("arn:%s:cloudtrail:%s:%s:trail/%s", p, region, account, trailName),
		bucket:   fmt.Sprintf("arn:%s:s3:::%s", p, bucket),
		logGroup: fmt.Sprintf("arn:%s:logs:%s:%s:log-group:%s", p, region, account, logGroup),
	}
}

func (a arns) root() string { return fmt.Sprintf("arn:%s:iam::%s:root", a.partition, a.account) }

func (a arns) logsService() string {
	suffix := "amazonaws.com"
	if a.partition == "aws-cn" {
		suffix = "amazonaws.com.cn"
	}
	return "logs." + a.region + "." + suffix
}

// KeyPolicy is the policy of the key that encrypts the trail's log files and its log
// group, as the CloudTrail and CloudWatch Logs guides write it:
//   - AccountAdministersKey: the account administers the key (iampolicy.KeyAdminActions).
//   - CloudTrailEncryptsLogFiles: CloudTrail generates data keys for this trail only
//     (aws:SourceArn) and for trails of this account (the encryption context).
//   - CloudTrailDescribesKey: CloudTrail checks the key when the trail is created.
//   - AccountDecryptsLogFiles: principals of the account, given kms:Decrypt by IAM,
//     read the log files of this account's trails.
//   - CloudWatchLogsUsesKey: CloudWatch Logs encrypts and decrypts this log group only
//     (kms:EncryptionContext:aws:logs:arn).
func KeyPolicy(region, account, trailName, bucket, logGroup string) iampolicy.Document {
	a := newARNs(region, account, trailName, bucket, logGroup)
	trailsOfAccount := fmt.Sprintf("arn:%s:cloudtrail:*:%s:trail/*", a.partition, a.account)
	cloudtrail := &iampolicy.Principal{Service: []string{"cloudtrail.amazonaws.com"}}
	return iampolicy.Document{Version: iampolicy.Version, Statement: []iampolicy.Statement{
		{Sid: "AccountAdministersKey", Effect: iampolicy.Allow, Principal: &iampolicy.Principal{AWS: []string{a.root()}},
			Action: iampolicy.KeyAdminActions, Resource: []string{"*"}},
		{Sid: "CloudTrailEncryptsLogFiles", Effect: iampolicy.Allow, Principal: cloudtrail,
			Action: []string{"kms:GenerateDataKey*"}, Resource: []string{"*"},
			Condition: map[string]map[string][]string{
				"StringEquals": {"aws:SourceArn": {a.trail}},
				"StringLike":   {"kms:EncryptionContext:aws:cloudtrail:arn": {trailsOfAccount}},
			}},
		{Sid: "CloudTrailDescribesKey", Effect: iampolicy.Allow, Principal: cloudtrail,
			Action: []string{"kms:DescribeKey"}, Resource: []string{"*"},
			Condition: map[string]map[string][]string{"StringEquals": {"aws:SourceArn": {a.trail}}}},
		{Sid: "AccountDecryptsLogFiles", Effect: iampolicy.Allow, Principal: &iampolicy.Principal{AWS: []string{a.root()}},
			Action: []string{"kms:Decrypt", "kms:ReEncryptFrom"}, Resource: []string{"*"},
			Condition: map[string]map[string][]string{
				"StringEquals": {"kms:CallerAccount": {a.account}},
				"StringLike":   {"kms:EncryptionContext:aws:cloudtrail:arn": {trailsOfAccount}},
			}},
		{Sid: "CloudWatchLogsUsesKey", Effect: iampolicy.Allow, Principal: &iampolicy.Principal{Service: []string{a.logsService()}},
			Action:   []string{"kms:Encrypt", "kms:Decrypt", "kms:ReEncryptFrom", "kms:ReEncryptTo", "kms:GenerateDataKey*", "kms:DescribeKey"},
			Resource: []string{"*"},
			Condition: map[string]map[string][]string{
				"ArnEquals": {"kms:EncryptionContext:aws:logs:arn": {a.logGroup}},
			}},
	}}
}

// BucketPolicy is the policy of the trail's bucket:
//   - CloudTrailChecksBucketAcl and CloudTrailWritesLogFiles: this trail only
//     (aws:SourceArn) reads the bucket's ACL and writes under AWSLogs/<account>/,
//     handing the objects to the bucket owner.
//   - DenyInsecureTransport: nobody reaches the bucket without TLS.
func BucketPolicy(region, account, trailName, bucket string) iampolicy.Document {
	a := newARNs(region, account, trailName, bucket, "")
	cloudtrail := &iampolicy.Principal{Service: []string{"cloudtrail.amazonaws.com"}}
	return iampolicy.Document{Version: iampolicy.Version, Statement: []iampolicy.Statement{
		{Sid: "CloudTrailChecksBucketAcl", Effect: iampolicy.Allow, Principal: cloudtrail,
			Action: []string{"s3:GetBucketAcl"}, Resource: []string{a.bucket},
			Condition: map[string]map[string][]string{"StringEquals": {"aws:SourceArn": {a.trail}}}},
		{Sid: "CloudTrailWritesLogFiles", Effect: iampolicy.Allow, Principal: cloudtrail,
			Action: []string{"s3:PutObject"}, Resource: []string{a.bucket + "/AWSLogs/" + account + "/*"},
			Condition: map[string]map[string][]string{"StringEquals": {
				"aws:SourceArn": {a.trail}, "s3:x-amz-acl": {"bucket-owner-full-control"},
			}}},
		{Sid: "DenyInsecureTransport", Effect: iampolicy.Deny, Principal: &iampolicy.Principal{AWS: []string{"*"}},
			Action: []string{"s3:*"}, Resource: []string{a.bucket, a.bucket + "/*"},
			Condition: map[string]map[string][]string{"Bool": {"aws:SecureTransport": {"false"}}}},
	}}
}

// TrustDocument and TrustStatement are iampolicy's: a role's trust policy.
type (
	TrustDocument  = iampolicy.TrustDocument
	TrustStatement = iampolicy.TrustStatement
)

// TrustPolicy lets CloudTrail assume the delivery role, for this trail only.
func TrustPolicy(region, account, trailName string) TrustDocument {
	a := newARNs(region, account, trailName, "", "")
	return TrustDocument{Version: iampolicy.Version, Statement: []TrustStatement{
		{Sid: "CloudTrailAssumesRole", Effect: iampolicy.Allow, Principal: iampolicy.Principal{Service: []string{"cloudtrail.amazonaws.com"}},
			Action:    []string{"sts:AssumeRole"},
			Condition: map[string]map[string][]string{"StringEquals": {"aws:SourceArn": {a.trail}}}},
	}}
}

// DeliveryPolicy lets the role write the trail's events into its log group only.
func DeliveryPolicy(region, account, logGroup string) iampolicy.Document {
	a := newARNs(region, account, "", "", logGroup)
	return iampolicy.Document{Version: iampolicy.Version, Statement: []iampolicy.Statement{
		{Sid: "DeliverTrailEvents", Effect: iampolicy.Allow,
			Action: []string{"logs:CreateLogStream", "logs:PutLogEvents"}, Resource: []string{a.logGroup + ":log-stream:*"}},
	}}
}
