package platform_test

import (
	"fmt"

	"github.com/vigilops/vigil/components/platform"
)

// The names a stack needs to wire the platform to its other parts: the task families
// and log groups (the requirement's prom-task and /ecs/prom-task, behind the stack's
// prefix), and the Cloud Map addresses the generated files must name.
func ExampleFamily() {
	for _, app := range platform.Apps() {
		fmt.Println(platform.Family("vigil-prod", app), platform.LogGroupName("vigil-prod", app), platform.AppAddress(app, "vigil-prod.local"))
	}
	fmt.Println(platform.GrafanaDashboardsPath)
	// Output:
	// vigil-prod-prom-task /ecs/vigil-prod-prom-task prometheus.vigil-prod.local:9090
	// vigil-prod-alertmanager-task /ecs/vigil-prod-alertmanager-task alertmanager.vigil-prod.local:9093
	// vigil-prod-grafana-task /ecs/vigil-prod-grafana-task grafana.vigil-prod.local:3000
	// vigil-prod-blackbox-task /ecs/vigil-prod-blackbox-task blackbox.vigil-prod.local:9115
	// /etc/grafana/vigil/dashboards
}
