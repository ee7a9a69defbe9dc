package logs

import "testing"

// BenchmarkBuild measures the builder `vigil plan` runs for every stack: the sample
// stack's 27 filters, their checks and alarms, 8 queries and a trail.
func BenchmarkBuild(b *testing.B) {
	cfg := sample()
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, err := Build(cfg); err != nil {
			b.Fatal(err)
		}
	}
}
