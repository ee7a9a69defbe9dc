package managed

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/model/rulefmt"

	"github.com/vigilops/vigil/validate"
)

// AMP's limits on rule groups namespaces (Amazon Managed Service for Prometheus API
// Reference, CreateRuleGroupsNamespace): a name of 1 to 128 characters, letters,
// digits, and . - _ after the first; a namespace name and the name of a rule group in
// it together at most 721 UTF-8 bytes.
const (
	MaxNamespaceName      = 128
	MaxNamespaceGroupName = 721
)

var namespaceNameRe = regexp.MustCompile(`^[0-9A-Za-z][-.0-9A-Z_a-z]*$`)

// NamespaceName is the rule groups namespace of a rule file: its name without the
// .yaml or .yml extension, such as catalog.rules for catalog.rules.yaml.
func NamespaceName(file string) string {
	for _, ext := range []string{".yaml", ".yml"} {
		if strings.HasSuffix(file, ext) {
			return strings.TrimSuffix(file, ext)
		}
	}
	return file
}

// checkRuleFiles records every problem of the rule files: a namespace name AMP
// refuses, two files of one namespace, a file that Prometheus's rulefmt refuses or
// that has no group, and a group whose name is too long for its namespace.
func checkRuleFiles(ps *validate.Problems, files map[string][]byte) {
	owner := map[string]string{}
	for _, file := range sortedKeys(files) {
		path := fmt.Sprintf("RuleFiles[%q]", file)
		ns := NamespaceName(file)
		switch {
		case ns == "":
			ps.Add(path, "has no name", "name the file as alerts writes it, such as catalog.rules.yaml")
		case len(ns) > MaxNamespaceName || !namespaceNameRe.MatchString(ns):
			ps.Addf(path, "AMP names a rule groups namespace with 1 to 128 letters, digits, '.', '-' and '_', starting with a letter or digit",
				"makes the rule groups namespace name %q, which AMP refuses", ns)
		}
		if prev, dup := owner[ns]; dup && ns != "" {
			ps.Addf(path, "rename one of the two files", "makes the same rule groups namespace %q as %q", ns, prev)
		}
		owner[ns] = file
		groups, errs := rulefmt.Parse(files[file], false, model.LegacyValidation)
		for _, err := range errs {
			ps.Add(path, err.Error(), "AMP evaluates the file with Prometheus's rule format: fix it in alerts/")
		}
		if len(errs) > 0 {
			continue
		}
		if groups == nil || len(groups.Groups) == 0 {
			ps.Add(path, "has no rule groups", "a namespace without groups evaluates nothing: remove the file or give it groups")
			continue
		}
		for i, g := range groups.Groups {
			if n := len(ns) + len(g.Name); n > MaxNamespaceGroupName {
				ps.Addf(fmt.Sprintf("%s.groups[%d]", path, i), "shorten the file name or the group name",
					"namespace %q and group %q are %d bytes together, more than the %d AMP allows", ns, g.Name, n, MaxNamespaceGroupName)
			}
		}
	}
}
