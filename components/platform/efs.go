package platform

import (
	"errors"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/vigilops/vigil/components/iampolicy"
)

// FileSystemTypeToken is the Pulumi type of the FileSystem component.
const FileSystemTypeToken = "vigil:platform:FileSystem"

// FileSystemArgs configures the EFS file system.
type FileSystemArgs struct {
	// NamePrefix starts every physical name. Required.
	NamePrefix string
	// VpcID is the VPC of the mount targets' security group. Required.
	VpcID string
	// SubnetIDs get one mount target each. Required.
	SubnetIDs []string
	// KeyArn is the customer-managed KMS key. Required.
	KeyArn pulumi.StringInput
	// ClientSecurityGroups maps an app to the security group allowed to mount.
	ClientSecurityGroups map[string]pulumi.StringInput
	// AccessPoints maps an app to its access point.
	AccessPoints map[string]AccessPoint
	// Tags are set on every resource that takes tags. Defaults to none.
	Tags map[string]string
}

// AccessPoint is one app's entry into the file system.
type AccessPoint struct {
	UID, GID int
	Path     string
}

// FileSystem is the component.
type FileSystem struct {
	pulumi.ResourceState

	FileSystemId    pulumi.StringOutput
	FileSystemArn   pulumi.StringOutput
	AccessPointIds  map[string]pulumi.StringOutput
	AccessPointArns map[string]pulumi.StringOutput
	SecurityGroupId pulumi.StringOutput
}

// NewFileSystem creates the file system.
func NewFileSystem(ctx *pulumi.Context, name string, args *FileSystemArgs, opts ...pulumi.ResourceOption) (*FileSystem, error) {
	return nil, errors.New("platform: NewFileSystem not yet implemented")
}

// MountPolicy lets a task role mount the file system through one access point.
func MountPolicy(fileSystemArn, accessPointArn string) iampolicy.Document {
	return iampolicy.Document{Version: iampolicy.Version}
}
