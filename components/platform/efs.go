package platform

import (
	"fmt"
	"path"
	"regexp"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/efs"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/vpc"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/vigilops/vigil/components/iampolicy"
	"github.com/vigilops/vigil/validate"
)

// FileSystemTypeToken is the Pulumi type of the FileSystem component.
const FileSystemTypeToken = "vigil:platform:FileSystem"

// NFSPort is the one port of an EFS mount target (NFS over TCP).
const NFSPort = 2049

// AccessPointMode is the mode of every access point's root directory, which EFS
// creates owned by the access point's UID and GID on first use. 0750, not 0755: the
// app's process, which EFS makes that UID whatever the client says, is the only
// writer; its group may read; no other user of the shared file system reads another
// app's data.
const AccessPointMode = "750"

// The limits of FileSystemArgs.
const (
	// DefaultTransitionToIA is when an unread file moves to EFS Infrequent Access when
	// FileSystemArgs.TransitionToIA is empty.
	DefaultTransitionToIA = "AFTER_30_DAYS"
	// NoTransition keeps every file in EFS Standard.
	NoTransition = "NEVER"
	// maxPOSIXID is the largest UID or GID EFS takes (2^32 - 1).
	maxPOSIXID = 1<<32 - 1
	// maxEFSPrefix keeps the creation token <prefix>-efs within EFS's 64 characters.
	maxEFSPrefix = 60
	// maxAccessPointPath is EFS's limit on a root directory path, in characters.
	maxAccessPointPath = 100
)

// TransitionsToIA are the values EFS takes for a lifecycle policy's TransitionToIA,
// besides NoTransition.
var TransitionsToIA = []string{
	"AFTER_1_DAY", "AFTER_7_DAYS", "AFTER_14_DAYS", "AFTER_30_DAYS", "AFTER_60_DAYS",
	"AFTER_90_DAYS", "AFTER_180_DAYS", "AFTER_270_DAYS", "AFTER_365_DAYS",
}

// FileSystemArgs configures the EFS file system that keeps the apps' state (the
// Prometheus TSDB, Grafana's database) across task restarts.
type FileSystemArgs struct {
	// NamePrefix starts every physical name: the file system's creation token and
	// Name tag <prefix>-efs, its security group <prefix>-efs. Required; letters,
	// digits and hyphens, at most 60 characters.
	NamePrefix string
	// VpcID is the VPC of the subnets and of the mount targets' security group, such
	// as vpc-0123456789abcdef0. Required.
	VpcID string
	// SubnetIDs get one mount target each, such as subnet-0123456789abcdef0: the
	// private subnets the tasks run in, one per availability zone (EFS refuses a
	// second mount target in a zone). Required, at least one, no repeats.
	SubnetIDs []string
	// KeyArn is the customer-managed KMS key that encrypts the file system at rest.
	// Required.
	KeyArn pulumi.StringInput
	// ClientSecurityGroups maps each app to the security group of its tasks, which may
	// reach the mount targets on NFS (2049/tcp): one ingress rule each, described by
	// the app's name. Every app has an access point and every access point's app a
	// group. Required, at least one.
	ClientSecurityGroups map[string]pulumi.StringInput
	// AccessPoints maps each app (lower-case letters, digits and hyphens, starting
	// with a letter) to its access point: the only way in, since the file system
	// policy refuses mounts that do not name one of them. Required, at least one.
	AccessPoints map[string]AccessPoint
	// TransitionToIA is when a file not read for that long moves to the cheaper
	// Infrequent Access class (it moves back on its first read): one of
	// TransitionsToIA, or NoTransition. Empty means AFTER_30_DAYS, which a TSDB kept
	// for 15 days never reaches and old Grafana files do.
	TransitionToIA string
	// DisableBackups turns off AWS Backup's automatic daily backups of the file system
	// (kept 35 days, charged by the GB-month). Defaults to false: backups on, as losing
	// Grafana's database loses every dashboard made by hand.
	DisableBackups bool
	// Tags are set on every resource that takes tags; the file system and the access
	// points also get a Name tag unless Tags has one. Defaults to none.
	Tags map[string]string
}

// AccessPoint is one app's way into the file system. EFS makes every request through
// it as UID:GID, whatever user the client runs as, and roots it at Path, which EFS
// creates with that owner and AccessPointMode if it does not exist.
type AccessPoint struct {
	// UID and GID are the POSIX user and group every request through the access point
	// is made as, 1 to 4294967295: the user of the app's image, prom/prometheus's
	// nobody, 65534:65534, and grafana/grafana's 472. Grafana's image runs in group
	// root (472:0, since Grafana 7.3), but its access point takes 472:472: EFS replaces
	// the client's IDs with the access point's whatever the container's group, and an
	// access point whose UID or GID is 0 is refused, since EFS then demands
	// elasticfilesystem:ClientRootAccess of the client, which MountPolicy does not
	// grant (a root access point would also undo the ownership it exists for).
	UID, GID int
	// Path is the root directory: absolute and clean, one to four elements of which
	// none starts with a dot or holds one of $#<>;`|&?{}^*, at most 100 characters,
	// and neither the same as nor inside another app's. For example "/prometheus".
	Path string
}

// FileSystem is the component: the encrypted file system, its backup and file system
// policies, a security group, one mount target per subnet and one access point per app.
type FileSystem struct {
	pulumi.ResourceState

	// FileSystemId is the file system's ID (fs-...), for an ECS volume.
	FileSystemId pulumi.StringOutput `pulumi:"fileSystemId"`
	// FileSystemArn is the file system's ARN, the resource of MountPolicy.
	FileSystemArn pulumi.StringOutput `pulumi:"fileSystemArn"`
	// AccessPointIds and AccessPointArns map each app to its access point.
	AccessPointIds  map[string]pulumi.StringOutput
	AccessPointArns map[string]pulumi.StringOutput
	// SecurityGroupId is the mount targets' group: the clients' egress rules to NFS
	// name it.
	SecurityGroupId pulumi.StringOutput `pulumi:"securityGroupId"`
	// MountTargets are the mount targets, in SubnetIDs order. A task volume names only
	// the file system, which exists before its mount targets are available: a service
	// that mounts it should depend on these (pulumi.DependsOn), or its first tasks may
	// fail to mount.
	MountTargets []pulumi.Resource
}

var (
	vpcIDRe        = regexp.MustCompile(`^vpc-[0-9a-f]{8}([0-9a-f]{9})?$`)
	subnetIDRe     = regexp.MustCompile(`^subnet-[0-9a-f]{8}([0-9a-f]{9})?$`)
	efsPrefixRe    = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9-]*$`)
	accessPathBads = "$#<>;`|&?{}^*"
)

// Validate returns one error listing every problem of the arguments, or nil.
func (a *FileSystemArgs) Validate() error {
	var ps validate.Problems
	if validate.Required(&ps, "NamePrefix", a.NamePrefix, "for example vigil-prod") {
		if !efsPrefixRe.MatchString(a.NamePrefix) || len(a.NamePrefix) > maxEFSPrefix {
			ps.Add("NamePrefix", "must be 1-60 letters, digits and hyphens, starting with a letter or digit",
				"the file system's creation token <prefix>-efs takes at most 64 characters")
		}
		if strings.HasPrefix(strings.ToLower(a.NamePrefix), "sg-") {
			ps.Add("NamePrefix", "starts with sg-, which EC2 refuses at the start of a security group name", "the group is named <prefix>-efs")
		}
	}
	if validate.Required(&ps, "VpcID", a.VpcID, "the VPC of the private subnets, vpc-...") && !vpcIDRe.MatchString(a.VpcID) {
		ps.Add("VpcID", "is not a VPC ID", "VPC IDs are vpc- and 8 or 17 hexadecimal digits")
	}
	if len(a.SubnetIDs) == 0 {
		ps.Add("SubnetIDs", "is empty", "give the private subnets of the tasks, one per availability zone")
	}
	seen := map[string]int{}
	for i, s := range a.SubnetIDs {
		p := fmt.Sprintf("SubnetIDs[%d]", i)
		if !subnetIDRe.MatchString(s) {
			ps.Addf(p, "subnet IDs are subnet- and 8 or 17 hexadecimal digits", "%q is not a subnet ID", s)
		}
		if j, ok := seen[s]; ok {
			ps.Addf(p, "a subnet gets one mount target", "repeats SubnetIDs[%d]", j)
		}
		seen[s] = i
	}
	if a.KeyArn == nil {
		ps.Add("KeyArn", "is required", "the platform's customer-managed KMS key, which encrypts the file system")
	}
	if len(a.AccessPoints) == 0 {
		ps.Add("AccessPoints", "is empty", "give each app that keeps state its access point, such as prometheus: {65534, 65534, /prometheus}")
	}
	if len(a.ClientSecurityGroups) == 0 {
		ps.Add("ClientSecurityGroups", "is empty", "give each app with an access point the security group of its tasks")
	}
	for _, app := range keysInOrder(a.ClientSecurityGroups) {
		p := "ClientSecurityGroups." + app
		if a.ClientSecurityGroups[app] == nil {
			ps.Add(p, "is nil", "the ID of the app's task security group")
		}
		if _, ok := a.AccessPoints[app]; !ok && len(a.AccessPoints) > 0 {
			ps.Add(p, "has no access point, so its tasks could mount nothing", "add AccessPoints."+app+" or drop the group")
		}
	}
	for _, app := range keysInOrder(a.AccessPoints) {
		p := "AccessPoints." + app
		ap := a.AccessPoints[app]
		if !appNameRe.MatchString(app) {
			ps.Add(p, "app names are lower-case letters, digits and single hyphens, starting with a letter", "for example prometheus")
		}
		if _, ok := a.ClientSecurityGroups[app]; !ok && len(a.ClientSecurityGroups) > 0 {
			ps.Add(p, "has no client security group, so no task could reach it", "add ClientSecurityGroups."+app)
		}
		switch {
		case ap.UID == 0:
			ps.Add(p+".UID", "is 0 (root), for which EFS demands elasticfilesystem:ClientRootAccess, which MountPolicy does not grant",
				"give the non-root user the app's image runs as, such as 65534 for Prometheus or 472 for Grafana")
		case ap.UID < 0 || ap.UID > maxPOSIXID:
			ps.Addf(p+".UID", "POSIX IDs are 0 to 4294967295", "must be between 1 and 4294967295, got %d", ap.UID)
		}
		switch {
		case ap.GID == 0:
			ps.Add(p+".GID", "is 0 (root), for which EFS demands elasticfilesystem:ClientRootAccess, which MountPolicy does not grant",
				"give the app's own group, such as 472 for Grafana (EFS makes every request as the access point's IDs, whatever the container's group)")
		case ap.GID < 0 || ap.GID > maxPOSIXID:
			ps.Addf(p+".GID", "POSIX IDs are 0 to 4294967295", "must be between 1 and 4294967295, got %d", ap.GID)
		}
		if msg := accessPointPathProblem(ap.Path); msg != "" {
			ps.Add(p+".Path", msg, `for example "/`+app+`"`)
		}
	}
	checkDisjointPaths(&ps, a.AccessPoints)
	if a.TransitionToIA != "" && a.TransitionToIA != NoTransition {
		validate.OneOf(&ps, "TransitionToIA", a.TransitionToIA, append(append([]string(nil), TransitionsToIA...), NoTransition))
	}
	validate.Tags(&ps, "Tags", a.Tags)
	return ps.Err(fmt.Sprintf("platform.FileSystemArgs %q", a.NamePrefix))
}

// accessPointPathProblem says what EFS would refuse in a root directory path, or "".
func accessPointPathProblem(p string) string {
	switch {
	case p == "":
		return "is required"
	case !strings.HasPrefix(p, "/"):
		return "must be absolute"
	case p == "/":
		return `is the file system's root, which every app would share`
	case len(p) > maxAccessPointPath:
		return fmt.Sprintf("is %d characters, more than EFS's %d", len(p), maxAccessPointPath)
	case path.Clean(p) != p:
		return "is not clean (a doubled or trailing slash, or a . or .. element)"
	case strings.ContainsAny(p, accessPathBads+"\n"):
		return "holds a character EFS refuses: one of " + accessPathBads
	}
	elems := strings.Split(p[1:], "/")
	if len(elems) > 4 {
		return fmt.Sprintf("has %d elements, more than EFS's 4", len(elems))
	}
	for _, e := range elems {
		if strings.HasPrefix(e, ".") {
			return fmt.Sprintf("has the element %q, which starts with a dot", e)
		}
	}
	return ""
}

// checkDisjointPaths refuses two apps rooted at one directory, or one inside the
// other: each would read and write the other's data.
func checkDisjointPaths(ps *validate.Problems, aps map[string]AccessPoint) {
	apps := keysInOrder(aps)
	for i, a := range apps {
		for _, b := range apps[i+1:] {
			pa, pb := aps[a].Path, aps[b].Path
			if accessPointPathProblem(pa) != "" || accessPointPathProblem(pb) != "" {
				continue
			}
			switch {
			case pa == pb:
				ps.Addf("AccessPoints."+b+".Path", "give each app its own directory", "is also the path of %s", a)
			case strings.HasPrefix(pb, pa+"/"):
				ps.Addf("AccessPoints."+b+".Path", "give each app its own directory", "is inside %s's %s", a, pa)
			case strings.HasPrefix(pa, pb+"/"):
				ps.Addf("AccessPoints."+a+".Path", "give each app its own directory", "is inside %s's %s", b, pb)
			}
		}
	}
}

// NewFileSystem validates args and creates the file system: nothing is created when
// args are invalid.
func NewFileSystem(ctx *pulumi.Context, name string, args *FileSystemArgs, opts ...pulumi.ResourceOption) (*FileSystem, error) {
	if args == nil {
		args = &FileSystemArgs{}
	}
	if err := args.Validate(); err != nil {
		return nil, err
	}
	f := &FileSystem{AccessPointIds: map[string]pulumi.StringOutput{}, AccessPointArns: map[string]pulumi.StringOutput{}}
	if err := ctx.RegisterComponentResource(FileSystemTypeToken, name, f, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(f)
	physical := args.NamePrefix + "-efs"
	tags := pulumi.ToStringMap(args.Tags)
	named := func(n string) pulumi.StringMap {
		out := pulumi.ToStringMap(args.Tags)
		if _, ok := args.Tags["Name"]; !ok {
			out["Name"] = pulumi.String(n)
		}
		return out
	}

	transition := args.TransitionToIA
	if transition == "" {
		transition = DefaultTransitionToIA
	}
	var lifecycle efs.FileSystemLifecyclePolicyArray
	if transition != NoTransition {
		// EFS takes one transition per policy entry.
		lifecycle = efs.FileSystemLifecyclePolicyArray{
			&efs.FileSystemLifecyclePolicyArgs{TransitionToIa: pulumi.String(transition)},
			&efs.FileSystemLifecyclePolicyArgs{TransitionToPrimaryStorageClass: pulumi.String("AFTER_1_ACCESS")},
		}
	}
	fs, err := efs.NewFileSystem(ctx, name+"-fs", &efs.FileSystemArgs{
		CreationToken:     pulumi.String(physical),
		Encrypted:         pulumi.Bool(true),
		KmsKeyId:          args.KeyArn,
		PerformanceMode:   pulumi.String("generalPurpose"),
		ThroughputMode:    pulumi.String("bursting"),
		LifecyclePolicies: lifecycle,
		Tags:              named(physical),
	}, parent)
	if err != nil {
		return nil, err
	}
	backup := "ENABLED"
	if args.DisableBackups {
		backup = "DISABLED"
	}
	if _, err := efs.NewBackupPolicy(ctx, name+"-backup", &efs.BackupPolicyArgs{
		FileSystemId: fs.ID(),
		BackupPolicy: &efs.BackupPolicyBackupPolicyArgs{Status: pulumi.String(backup)},
	}, parent); err != nil {
		return nil, err
	}

	// The group has no egress rule (the provider removes AWS's default allow-all): a
	// mount target never opens a connection, and the replies to an admitted NFS
	// connection pass because security groups are stateful.
	sg, err := ec2.NewSecurityGroup(ctx, name+"-sg", &ec2.SecurityGroupArgs{
		Name: pulumi.String(physical),
		// EC2 takes a-z, A-Z, 0-9, spaces and ._-:/()#,@[]+=&;{}!$* in a description.
		Description: pulumi.String("vigil: the EFS mount targets of " + args.NamePrefix + ", NFS from the app tasks only"),
		VpcId:       pulumi.String(args.VpcID),
		Tags:        tags,
	}, parent)
	if err != nil {
		return nil, err
	}
	for _, app := range keysInOrder(args.ClientSecurityGroups) {
		if _, err := vpc.NewSecurityGroupIngressRule(ctx, name+"-nfs-from-"+app, &vpc.SecurityGroupIngressRuleArgs{
			SecurityGroupId:           sg.ID(),
			IpProtocol:                pulumi.String("tcp"),
			FromPort:                  pulumi.Int(NFSPort),
			ToPort:                    pulumi.Int(NFSPort),
			ReferencedSecurityGroupId: args.ClientSecurityGroups[app].ToStringOutput().ToStringPtrOutput(),
			Description:               pulumi.String("NFS from the " + app + " tasks"),
			Tags:                      tags,
		}, parent); err != nil {
			return nil, err
		}
	}
	var mounts []pulumi.Resource
	for _, subnet := range args.SubnetIDs {
		mt, err := efs.NewMountTarget(ctx, name+"-mount-"+subnet, &efs.MountTargetArgs{
			FileSystemId:   fs.ID(),
			SubnetId:       pulumi.String(subnet),
			SecurityGroups: pulumi.StringArray{sg.ID()},
		}, parent)
		if err != nil {
			return nil, err
		}
		mounts = append(mounts, mt)
	}
	f.MountTargets = mounts

	var apArns []pulumi.StringOutput
	for _, app := range keysInOrder(args.AccessPoints) {
		ap := args.AccessPoints[app]
		point, err := efs.NewAccessPoint(ctx, name+"-"+app+"-ap", &efs.AccessPointArgs{
			FileSystemId: fs.ID(),
			PosixUser:    &efs.AccessPointPosixUserArgs{Uid: pulumi.Int(ap.UID), Gid: pulumi.Int(ap.GID)},
			RootDirectory: &efs.AccessPointRootDirectoryArgs{
				Path: pulumi.String(ap.Path),
				CreationInfo: &efs.AccessPointRootDirectoryCreationInfoArgs{
					OwnerUid: pulumi.Int(ap.UID), OwnerGid: pulumi.Int(ap.GID), Permissions: pulumi.String(AccessPointMode),
				},
			},
			Tags: named(args.NamePrefix + "-" + app),
		}, parent)
		if err != nil {
			return nil, err
		}
		f.AccessPointIds[app] = point.ID().ToStringOutput()
		f.AccessPointArns[app] = point.Arn
		apArns = append(apArns, point.Arn)
	}
	policy := pulumi.All(fs.Arn, pulumi.ToStringArrayOutput(apArns)).ApplyT(func(v []any) string {
		return FileSystemPolicy(v[0].(string), v[1].([]string)).JSON()
	}).(pulumi.StringOutput)
	// The policy waits for the mount targets: EFS applies it to new mounts, and a
	// mount target being created while the policy changes fails now and then.
	if _, err := efs.NewFileSystemPolicy(ctx, name+"-policy", &efs.FileSystemPolicyArgs{
		FileSystemId: fs.ID(),
		Policy:       policy,
	}, parent, pulumi.DependsOn(mounts)); err != nil {
		return nil, err
	}

	f.FileSystemId = fs.ID().ToStringOutput()
	f.FileSystemArn = fs.Arn
	f.SecurityGroupId = sg.ID().ToStringOutput()
	if err := ctx.RegisterResourceOutputs(f, pulumi.Map{
		"fileSystemId":    f.FileSystemId,
		"fileSystemArn":   f.FileSystemArn,
		"securityGroupId": f.SecurityGroupId,
	}); err != nil {
		return nil, err
	}
	return f, nil
}

// FileSystemPolicy is the file system's resource policy, Deny statements only (the
// task roles are granted by MountPolicy, an identity policy):
//   - DenyInsecureTransport: every request without TLS (aws:SecureTransport false),
//     so a client mounts with the tls option or not at all;
//   - DenyMountsOutsideAccessPoints: mounting, writing and root access unless through
//     one of accessPointArns (elasticfilesystem:AccessPointArn), which also refuses a
//     mount of the file system's root and one through an access point made later by
//     hand. A client without IAM authorization is anonymous and, the policy allowing
//     nothing, gets nothing.
func FileSystemPolicy(fileSystemArn string, accessPointArns []string) iampolicy.Document {
	anyone := &iampolicy.Principal{AWS: []string{"*"}}
	return iampolicy.Document{Version: iampolicy.Version, Statement: []iampolicy.Statement{
		{
			Sid: "DenyInsecureTransport", Effect: iampolicy.Deny, Principal: anyone,
			Action: []string{"*"}, Resource: []string{fileSystemArn},
			Condition: map[string]map[string][]string{"Bool": {"aws:SecureTransport": {"false"}}},
		},
		{
			Sid: "DenyMountsOutsideAccessPoints", Effect: iampolicy.Deny, Principal: anyone,
			Action: []string{
				"elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite", "elasticfilesystem:ClientRootAccess",
			},
			Resource: []string{fileSystemArn},
			Condition: map[string]map[string][]string{
				"StringNotEquals": {"elasticfilesystem:AccessPointArn": append([]string(nil), accessPointArns...)},
			},
		},
	}}
}

// MountPolicy is the task-role identity policy that lets an app's tasks mount the file
// system read-write through its access point and no other way:
// elasticfilesystem:ClientMount and ClientWrite on fileSystemArn with the condition
// elasticfilesystem:AccessPointArn = accessPointArn. Pure.
func MountPolicy(fileSystemArn, accessPointArn string) iampolicy.Document {
	return iampolicy.Document{Version: iampolicy.Version, Statement: []iampolicy.Statement{{
		Sid: "MountThroughAccessPoint", Effect: iampolicy.Allow,
		Action:   []string{"elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"},
		Resource: []string{fileSystemArn},
		Condition: map[string]map[string][]string{
			"StringEquals": {"elasticfilesystem:AccessPointArn": {accessPointArn}},
		},
	}}}
}
