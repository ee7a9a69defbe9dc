package dashboards

import "testing"

func TestDetailDashboardNamesAreNamesPutDashboardTakes(t *testing.T) {
	for in, want := range map[string]string{
		"orders.fifo": "orders-fifo", "api.example.com": "api-example-com", "orders_events-1": "orders_events-1", "*.example.com": "--example-com",
	} {
		if got := plainDashboardName(in); got != want {
			t.Errorf("plainDashboardName(%q) = %q, want %q", in, got, want)
		}
	}
}
