package alerts

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vigilops/vigil/validate"
)

func goodAlert() Rule {
	return Rule{
		Alert:  "ServiceDown",
		Expr:   `up{job="api"} == 0`,
		For:    Duration(2 * time.Minute),
		Labels: map[string]string{"severity": "critical"},
		Annotations: map[string]string{
			"summary":     "{{ $labels.job }} is down",
			"description": "No target of {{ $labels.job }} answered for 2 minutes.",
			"runbook_url": "https://runbooks.example.com/servicedown",
		},
	}
}

func TestValidate(t *testing.T) {
	tests := map[string]struct {
		file RuleFile
		want []string // paths of the problems
	}{
		"A recording rule and a complete alert pass.": {
			file: RuleFile{Groups: []Group{{Name: "g", Rules: []Rule{{Record: "job:up:sum", Expr: "sum by (job) (up)"}, goodAlert()}}}},
		},
		"An alert without severity or annotations is refused, each missing piece named.": {
			file: RuleFile{Groups: []Group{{Name: "g", Rules: []Rule{{Alert: "X", Expr: "up == 0"}}}}},
			want: []string{
				"groups[0] (g).rules[0] (X).annotations.description",
				"groups[0] (g).rules[0] (X).annotations.runbook_url",
				"groups[0] (g).rules[0] (X).annotations.summary",
				"groups[0] (g).rules[0] (X).labels.severity",
			},
		},
		"A severity outside the four is refused.": {
			file: RuleFile{Groups: []Group{{Name: "g", Rules: []Rule{func() Rule { r := goodAlert(); r.Labels["severity"] = "warning"; return r }()}}}},
			want: []string{"groups[0] (g).rules[0] (ServiceDown).labels.severity"},
		},
		"A PromQL syntax error is caught by Prometheus's parser.": {
			file: RuleFile{Groups: []Group{{Name: "g", Rules: []Rule{{Record: "a:b", Expr: "sum(rate(x[5m])"}}}}},
			want: []string{"groups[0] (g).rules[0] (a:b).expr", "rules"},
		},
		"Two groups of one name are refused.": {
			file: RuleFile{Groups: []Group{{Name: "g", Rules: []Rule{goodAlert()}}, {Name: "g", Rules: []Rule{goodAlert()}}}},
			want: []string{"groups[1] (g)", "rules"},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			err := tc.file.Validate()
			if tc.want == nil {
				require.NoError(t, err)
				return
			}
			var invalid *validate.Error
			require.ErrorAs(t, err, &invalid)
			var paths []string
			for _, p := range invalid.Problems {
				paths = append(paths, p.Path)
			}
			assert.Equal(t, tc.want, paths)
		})
	}
}

func TestYAMLIsStableAndReadsAsPrometheusRules(t *testing.T) {
	f := RuleFile{Groups: []Group{{Name: "g", Interval: Duration(time.Minute), Rules: []Rule{goodAlert()}}}}
	first := string(f.YAML())
	for i := 0; i < 10; i++ {
		require.Equal(t, first, string(f.YAML()))
	}
	for _, want := range []string{"- name: g\n", "interval: 1m\n", "alert: ServiceDown\n", "for: 2m\n", "severity: critical\n"} {
		assert.True(t, strings.Contains(first, want), "missing %q in\n%s", want, first)
	}
	assert.NotContains(t, first, "record:", "empty fields are left out")
}
