package managed

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/vigilops/vigil/validate"
)

func ruleProblems(files map[string][]byte) []validate.Problem {
	var ps validate.Problems
	checkRuleFiles(&ps, files)
	return ps.List()
}

func group(name string) []byte {
	return []byte("groups:\n  - name: " + name + "\n    rules:\n      - record: job:up:sum\n        expr: sum by (job) (up)\n")
}

func TestNamespaceNamesDropTheYAMLExtensionOnly(t *testing.T) {
	for file, want := range map[string]string{
		"catalog.rules.yaml": "catalog.rules",
		"slo.rules.yml":      "slo.rules",
		"hosts":              "hosts",
		"a.yaml.txt":         "a.yaml.txt",
	} {
		assert.Equal(t, want, NamespaceName(file), file)
	}
}

func TestRuleFilesAreCheckedAgainstAMPsLimits(t *testing.T) {
	long := strings.Repeat("n", MaxNamespaceName)
	tests := map[string]struct {
		files map[string][]byte
		want  []string // messages, in order; none when the files are fine
	}{
		"A namespace name of 128 characters is accepted.": {
			files: map[string][]byte{long + ".yaml": group("g")},
		},
		"A namespace name of 129 characters is refused.": {
			files: map[string][]byte{long + "n.yaml": group("g")},
			want:  []string{`makes the rule groups namespace name "` + long + `n", which AMP refuses`},
		},
		"A namespace name that starts with a dot is refused.": {
			files: map[string][]byte{".hidden.yaml": group("g")},
			want:  []string{`makes the rule groups namespace name ".hidden", which AMP refuses`},
		},
		"A file named only .yaml has no namespace name.": {
			files: map[string][]byte{".yaml": group("g")},
			want:  []string{"has no name"},
		},
		"Two files of one namespace are refused.": {
			files: map[string][]byte{"a.yaml": group("g"), "a.yml": group("g")},
			want:  []string{`makes the same rule groups namespace "a" as "a.yaml"`},
		},
		"A file Prometheus refuses is refused with Prometheus's words.": {
			files: map[string][]byte{"bad.yaml": []byte("groups:\n  - name: g\n    rules:\n      - record: x\n        expr: sum(\n")},
			want:  []string{"5:15: group \"g\", rule 1, \"x\": could not parse expression: 1:5: parse error: unclosed left parenthesis"},
		},
		"A file without groups is refused.": {
			files: map[string][]byte{"empty.yaml": []byte("groups: []\n")},
			want:  []string{"has no rule groups"},
		},
		"A namespace and group of 721 bytes together are accepted.": {
			files: map[string][]byte{"ns.yaml": group(strings.Repeat("g", MaxNamespaceGroupName-2))},
		},
		"A namespace and group of 722 bytes together are refused.": {
			files: map[string][]byte{"ns.yaml": group(strings.Repeat("g", MaxNamespaceGroupName-1))},
			want:  []string{"are 722 bytes together, more than the 721 AMP allows"},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got := ruleProblems(tc.files)
			if len(tc.want) == 0 {
				assert.Empty(t, got)
				return
			}
			if assert.Len(t, got, len(tc.want), "%v", got) {
				for i, w := range tc.want {
					assert.Contains(t, got[i].Message, w)
				}
			}
		})
	}
}
