package iampolicy

import "fmt"

// KeyAdminActions are what an account (through IAM) may do to administer one of
// vigil's customer-managed keys, listed one by one instead of "kms:*": nobody can
// decrypt through a statement that grants them, and turning rotation off is not
// among them. Every key policy vigil writes grants its account these. Callers must
// not modify the slice.
var KeyAdminActions = []string{
	"kms:CancelKeyDeletion",
	"kms:CreateAlias",
	"kms:DeleteAlias",
	"kms:DescribeKey",
	"kms:DisableKey",
	"kms:EnableKey",
	"kms:EnableKeyRotation",
	"kms:GetKeyPolicy",
	"kms:GetKeyRotationStatus",
	"kms:ListResourceTags",
	"kms:PutKeyPolicy",
	"kms:ScheduleKeyDeletion",
	"kms:TagResource",
	"kms:UntagResource",
	"kms:UpdateAlias",
	"kms:UpdateKeyDescription",
}

// LogsKeyActions are what CloudWatch Logs needs of a key that encrypts a log group.
// AWS documents them as kms:Encrypt*, kms:Decrypt*, kms:ReEncrypt*,
// kms:GenerateDataKey* and kms:Describe* (CloudWatch Logs User Guide, "Encrypt log
// data in CloudWatch Logs using AWS KMS"); they are written out one by one but for the
// documented kms:GenerateDataKey*. Callers must not modify the slice.
var LogsKeyActions = []string{
	"kms:Decrypt",
	"kms:DescribeKey",
	"kms:Encrypt",
	"kms:GenerateDataKey*",
	"kms:ReEncryptFrom",
	"kms:ReEncryptTo",
}

// ServiceHost is the endpoint name of an AWS service in a region, the value of
// kms:ViaService and of regional service principals (logs.eu-west-1.amazonaws.com): it
// ends in amazonaws.com.cn in the China partition.
func ServiceHost(service, region string) string {
	suffix := "amazonaws.com"
	if Partition(region) == "aws-cn" {
		suffix = "amazonaws.com.cn"
	}
	return service + "." + region + "." + suffix
}

// LogGroupARN is the ARN of a log group by name, without the trailing :* (the form
// of the kms:EncryptionContext:aws:logs:arn condition).
func LogGroupARN(partition, region, account, name string) string {
	return fmt.Sprintf("arn:%s:logs:%s:%s:log-group:%s", partition, region, account, name)
}
