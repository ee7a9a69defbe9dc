// Command vigil is the Pulumi program: it loads the stack's configuration and deploys
// everything that watches the team's services. Run it with `pulumi up`; run
// `go run ./cmd/vigil plan --stack dev` to see what it would create, offline.
package main

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/vigilops/vigil/stacks"
)

func main() {
	pulumi.Run(func(ctx *pulumi.Context) error {
		env, err := stacks.Load(ctx)
		if err != nil {
			return err
		}
		_, err = stacks.Deploy(ctx, env)
		return err
	})
}
