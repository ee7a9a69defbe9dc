// Package mockcloud is the cloud side of Pulumi's mock engine for vigil's own code. It
// forwards to the public package vigiltest, where the implementation lives so that
// other repositories can test their programs the same way; new code should import
// vigiltest directly.
package mockcloud

import "github.com/vigilops/vigil/vigiltest"

// Resource is one registered resource as the program declared it: vigiltest.Resource.
type Resource = vigiltest.Resource

// Cloud implements pulumi.MockResourceMonitor: vigiltest.Cloud.
type Cloud = vigiltest.Cloud

// New returns a Cloud for the given project and stack (as passed to pulumi.WithMocks)
// that answers as AWS account `account` in `region`.
func New(project, stack, account, region string) *Cloud {
	return vigiltest.New(project, stack, account, region)
}
