package slo

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vigilops/vigil/alerts"
	"github.com/vigilops/vigil/internal/fixtures"
	"github.com/vigilops/vigil/validate"
)

func TestTheSampleOpenSLOFileReadsAsTheSeedsSLOs(t *testing.T) {
	data, err := os.ReadFile("../../slos/reservations.yaml")
	require.NoError(t, err)
	slos, err := ParseOpenSLO("reservations.yaml", data)
	require.NoError(t, err)
	require.Len(t, slos, 4)

	type brief struct {
		id        string
		objective float64
		period    time.Duration
	}
	var got []brief
	for _, s := range slos {
		got = append(got, brief{s.ID(), s.Objective, s.PeriodOrDefault()})
	}
	assert.Equal(t, []brief{
		{"api-availability", 99.9, 30 * day},
		{"api-errors", 99.9, 30 * day},
		{"api-latency", 95, 30 * day},
		{"reservations-db-query-latency", 99, 28 * day},
	}, got)

	errorsSLO := slos[1]
	assert.Equal(t, `sum(rate(http_requests_total{service="api",code=~"5.."}[{{.window}}]))`, errorsSLO.SLI.ErrorQuery,
		"a bare counter selector is taken as a rate")
	assert.Equal(t, `sum(sum_over_time(probe_success{job="blackbox",service="api"}[{{.window}}]))`, slos[0].SLI.GoodQuery,
		"a query with a window placeholder is kept as written")
	assert.Equal(t, map[string]TierOverride{"page-fast": {Severity: alerts.High}, "page-slow": {Severity: alerts.Medium}}, slos[2].Alerting.Tiers)
	assert.Equal(t, map[string]TierOverride{"ticket-slow": {Off: true}}, slos[3].Alerting.Tiers)
	assert.Equal(t, map[string]string{"team": "reservations"}, slos[3].Labels)

	f, err := Rules(slos)
	require.NoError(t, err)
	require.NoError(t, f.Validate())
}

func TestEachBadOpenSLOFileFailsWithExactlyItsProblems(t *testing.T) {
	paths, err := filepath.Glob("testdata/openslo/*.bad.yaml")
	require.NoError(t, err)
	require.NotEmpty(t, paths)
	for _, fixture := range paths {
		t.Run(filepath.Base(fixture), func(t *testing.T) {
			data, want := fixtures.Want(t, fixture)
			slos, err := ParseOpenSLO(filepath.Base(fixture), data)
			assert.Nil(t, slos)
			var invalid *validate.Error
			require.ErrorAs(t, err, &invalid)
			var got, hints []string
			for _, p := range invalid.Problems {
				got = append(got, p.Path+": "+p.Message)
				hints = append(hints, p.Path+": "+p.Hint)
			}
			assert.Equal(t, want, got)
			// "# hint: path: hint" lines pin the hint of the problem at that path.
			for _, line := range strings.Split(string(data), "\n") {
				if h, ok := strings.CutPrefix(line, "# hint: "); ok {
					assert.Contains(t, hints, h)
				}
			}
		})
	}
}

func TestNotYAMLIsReported(t *testing.T) {
	_, err := ParseOpenSLO("x.yaml", []byte("kind: [SLO"))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "x.yaml[0]: is not YAML")
}
