package platform

import (
	"errors"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/vigilops/vigil/components/iampolicy"
)

// ConfigStoreTypeToken is the Pulumi type of the ConfigStore component.
const ConfigStoreTypeToken = "vigil:platform:ConfigStore"

// ConfigStoreArgs configures the bucket that holds the generated configuration files.
type ConfigStoreArgs struct {
	// NamePrefix starts the bucket name <prefix>-config-<account>-<region>. Required.
	NamePrefix string
	// AccountID and Region of the bucket. Required.
	AccountID, Region string
	// KeyArn is the customer-managed KMS key for SSE-KMS. Required.
	KeyArn pulumi.StringInput
	// Sets are the file sets by app name: path -> bytes.
	Sets map[string]map[string][]byte
	// Tags are set on every resource that takes tags. Defaults to none.
	Tags map[string]string
}

// ConfigStore is the component: the bucket and one object per file.
type ConfigStore struct {
	pulumi.ResourceState

	// Bucket is the bucket name.
	Bucket pulumi.StringOutput
	// BucketArn is the bucket ARN.
	BucketArn pulumi.StringOutput
	// Hashes maps each app to the content hash of its set.
	Hashes map[string]string
	// Prefixes maps each app to "<app>/<hash>/".
	Prefixes map[string]string
}

// NewConfigStore creates the configuration store.
func NewConfigStore(ctx *pulumi.Context, name string, args *ConfigStoreArgs, opts ...pulumi.ResourceOption) (*ConfigStore, error) {
	return nil, errors.New("platform: NewConfigStore not yet implemented")
}

// ReadPolicy is the task-role identity policy that lets an init container copy one
// app's set.
func ReadPolicy(region, bucketArn, keyArn, prefix string) iampolicy.Document {
	return iampolicy.Document{Version: iampolicy.Version}
}
