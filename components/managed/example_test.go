package managed_test

import (
	"fmt"

	"github.com/vigilops/vigil/components/managed"
)

// AMP takes the alertmanager.yml as it is, under alertmanager_config, once every
// receiver is an SNS topic it may publish to.
func ExampleDefinition() {
	yml := `route:
  receiver: sns-critical
receivers:
  - name: sns-critical
    sns_configs:
      - topic_arn: arn:aws:sns:eu-west-1:123456789012:vigil-prod-critical
        sigv4:
          region: eu-west-1
`
	def, topics, err := managed.Definition(managed.DefinitionArgs{Alertmanager: []byte(yml), AccountID: "123456789012", Region: "eu-west-1"})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Print(string(def))
	fmt.Println(topics)

	_, _, err = managed.Definition(managed.DefinitionArgs{Alertmanager: []byte(`route:
  receiver: chat
receivers:
  - name: chat
    webhook_configs:
      - url: https://chat.example.com/hook
`), AccountID: "123456789012", Region: "eu-west-1"})
	fmt.Println(err)
	// Output:
	// alertmanager_config: |
	//   route:
	//     receiver: sns-critical
	//   receivers:
	//     - name: sns-critical
	//       sns_configs:
	//         - topic_arn: arn:aws:sns:eu-west-1:123456789012:vigil-prod-critical
	//           sigv4:
	//             region: eu-west-1
	// [arn:aws:sns:eu-west-1:123456789012:vigil-prod-critical]
	// invalid managed alert manager definition (1 problem):
	//   Alertmanager.receivers[0] (chat).webhook_configs: receiver "chat" uses webhook_configs, which Amazon Managed Service for Prometheus does not support
	//     hint: AMP delivers to SNS topics only: subscribe the endpoint to the severity's SNS topic (components/notify) and give this receiver sns_configs, or remove it
}
