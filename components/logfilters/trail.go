package logfilters

import (
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudtrail"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/kms"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/s3"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

type trailResources struct {
	logGroup *cloudwatch.LogGroup
	trail    *cloudtrail.Trail
}

// newTrail creates the trail of args.Set.Trail with its key, bucket, log group and
// delivery role, as children named name-trail-<role>.
func newTrail(ctx *pulumi.Context, name string, args *LogFiltersArgs, parent pulumi.ResourceOption) (*trailResources, error) {
	t := args.Set.Trail
	tags := pulumi.ToStringMap(merge(args.Tags, t.Tags))
	n := func(role string) string { return name + "-trail-" + role }

	key, err := kms.NewKey(ctx, n("key"), &kms.KeyArgs{
		Description:          pulumi.Sprintf("vigil: encrypts the log files and the log group of trail %s", t.Name),
		EnableKeyRotation:    pulumi.Bool(true),
		DeletionWindowInDays: pulumi.Int(args.keyDeletionWindow()),
		Policy:               pulumi.String(KeyPolicy(args.Region, args.AccountID, t.Name, t.BucketName, t.LogGroupName).JSON()),
		Tags:                 tags,
	}, parent)
	if err != nil {
		return nil, err
	}
	if _, err := kms.NewAlias(ctx, n("key-alias"), &kms.AliasArgs{Name: pulumi.String(t.KeyAlias), TargetKeyId: key.KeyId}, parent); err != nil {
		return nil, err
	}

	bucket, err := s3.NewBucketV2(ctx, n("bucket"), &s3.BucketV2Args{
		Bucket: pulumi.String(t.BucketName),
		Tags:   tags,
	}, parent)
	if err != nil {
		return nil, err
	}
	block, err := s3.NewBucketPublicAccessBlock(ctx, n("bucket-public-access"), &s3.BucketPublicAccessBlockArgs{
		Bucket:                bucket.ID(),
		BlockPublicAcls:       pulumi.Bool(true),
		BlockPublicPolicy:     pulumi.Bool(true),
		IgnorePublicAcls:      pulumi.Bool(true),
		RestrictPublicBuckets: pulumi.Bool(true),
	}, parent)
	if err != nil {
		return nil, err
	}
	ownership, err := s3.NewBucketOwnershipControls(ctx, n("bucket-ownership"), &s3.BucketOwnershipControlsArgs{
		Bucket: bucket.ID(),
		Rule:   &s3.BucketOwnershipControlsRuleArgs{ObjectOwnership: pulumi.String("BucketOwnerEnforced")},
	}, parent)
	if err != nil {
		return nil, err
	}
	sse, err := s3.NewBucketServerSideEncryptionConfigurationV2(ctx, n("bucket-encryption"), &s3.BucketServerSideEncryptionConfigurationV2Args{
		Bucket: bucket.ID(),
		Rules: s3.BucketServerSideEncryptionConfigurationV2RuleArray{&s3.BucketServerSideEncryptionConfigurationV2RuleArgs{
			ApplyServerSideEncryptionByDefault: &s3.BucketServerSideEncryptionConfigurationV2RuleApplyServerSideEncryptionByDefaultArgs{
				SseAlgorithm:   pulumi.String("aws:kms"),
				KmsMasterKeyId: key.Arn,
			},
			BucketKeyEnabled: pulumi.Bool(true),
		}},
	}, parent)
	if err != nil {
		return nil, err
	}
	versioning, err := s3.NewBucketVersioningV2(ctx, n("bucket-versioning"), &s3.BucketVersioningV2Args{
		Bucket:                  bucket.ID(),
		VersioningConfiguration: &s3.BucketVersioningV2VersioningConfigurationArgs{Status: pulumi.String("Enabled")},
	}, parent)
	if err != nil {
		return nil, err
	}
	policy, err := s3.NewBucketPolicy(ctx, n("bucket-policy"), &s3.BucketPolicyArgs{
		Bucket: bucket.ID(),
		Policy: pulumi.String(BucketPolicy(args.Region, args.AccountID, t.Name, t.BucketName).JSON()),
	}, parent, pulumi.DependsOn([]pulumi.Resource{block}))
	if err != nil {
		return nil, err
	}

	logGroup, err := cloudwatch.NewLogGroup(ctx, n("log-group"), &cloudwatch.LogGroupArgs{
		Name:            pulumi.String(t.LogGroupName),
		RetentionInDays: pulumi.Int(t.RetentionDays),
		KmsKeyId:        key.Arn,
		Tags:            tags,
	}, parent)
	if err != nil {
		return nil, err
	}
	role, err := iam.NewRole(ctx, n("role"), &iam.RoleArgs{
		Name:             pulumi.String(t.RoleName),
		Description:      pulumi.Sprintf("vigil: lets trail %s deliver its events to %s", t.Name, t.LogGroupName),
		AssumeRolePolicy: pulumi.String(TrustPolicy(args.Region, args.AccountID, t.Name).JSON()),
		Tags:             tags,
	}, parent)
	if err != nil {
		return nil, err
	}
	delivery, err := iam.NewRolePolicy(ctx, n("role-policy"), &iam.RolePolicyArgs{
		Name:   pulumi.String("deliver-to-log-group"),
		Role:   role.ID(),
		Policy: pulumi.String(DeliveryPolicy(args.Region, args.AccountID, t.LogGroupName).JSON()),
	}, parent)
	if err != nil {
		return nil, err
	}

	tr, err := cloudtrail.NewTrail(ctx, n("trail"), &cloudtrail.TrailArgs{
		Name:                       pulumi.String(t.Name),
		S3BucketName:               bucket.ID(),
		IsMultiRegionTrail:         pulumi.Bool(true),
		IncludeGlobalServiceEvents: pulumi.Bool(true),
		EnableLogFileValidation:    pulumi.Bool(true),
		EnableLogging:              pulumi.Bool(true),
		KmsKeyId:                   key.Arn,
		// CloudTrail takes the log group's ARN with its log streams: ...:log-group:NAME:*.
		CloudWatchLogsGroupArn: pulumi.Sprintf("%s:*", logGroup.Arn),
		CloudWatchLogsRoleArn:  role.Arn,
		Tags:                   tags,
	}, parent, pulumi.DependsOn([]pulumi.Resource{policy, sse, versioning, ownership, delivery}))
	if err != nil {
		return nil, err
	}
	return &trailResources{logGroup: logGroup, trail: tr}, nil
}

func merge(maps ...map[string]string) map[string]string {
	out := map[string]string{}
	for _, m := range maps {
		for k, v := range m {
			out[k] = v
		}
	}
	return out
}
