package logfilter

import "testing"

// Run with: go test ./alerts/logfilter -run '^$' -bench Match -benchmem
func BenchmarkMatch(b *testing.B) {
	cases := []struct {
		name, pattern, event string
	}{
		{"text", `?ERROR ?FATAL -healthcheck "request failed"`, `2026-12-01T19:00:00Z ERROR request failed: upstream timeout path=/api/orders`},
		{"regex", `%5\d\d%`, `2026-12-01T19:00:00Z status=503 path=/api/orders latency=1200`},
		{"json", `{ $.level = "error" && ($.status >= 500 || $.error.code = *Timeout) }`, `{"level":"error","status":503,"error":{"code":"UpstreamTimeout"},"path":"/api/orders","latency":1200}`},
		{"delimited", `[ip, id, user, timestamp, request = *orders*, status_code = 5*, size > 100]`, `10.0.0.7 - frank [10/Oct/2026:13:55:36 -0700] "GET /api/orders HTTP/1.1" 503 2326`},
		{"delimited-ellipsis", `[..., status_code = 5*, size]`, `10.0.0.7 - frank [10/Oct/2026:13:55:36 -0700] "GET /api/orders HTTP/1.1" 503 2326`},
	}
	for _, c := range cases {
		p, err := Parse(c.pattern)
		if err != nil {
			b.Fatal(err)
		}
		if !p.Match(c.event).Matched {
			b.Fatalf("%s: the benchmark event must match", c.name)
		}
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				p.Match(c.event)
			}
		})
	}
}
