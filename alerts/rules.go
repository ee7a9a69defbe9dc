package alerts

import (
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/model/rulefmt"
	"github.com/prometheus/prometheus/promql/parser"
	"gopkg.in/yaml.v3"

	"github.com/vigilops/vigil/validate"
)

// RuleFile is a Prometheus rule file: what `promtool check rules` reads and what
// Prometheus loads through rule_files.
type RuleFile struct {
	Groups []Group `yaml:"groups"`
}

// Group is a rule group: its rules are evaluated in order, at the same timestamp.
type Group struct {
	Name string `yaml:"name"`
	// Interval overrides the global evaluation interval; zero keeps it.
	Interval model.Duration `yaml:"interval,omitempty"`
	Rules    []Rule         `yaml:"rules"`
}

// Rule is a recording rule (Record set) or an alerting rule (Alert set).
type Rule struct {
	Record      string            `yaml:"record,omitempty"`
	Alert       string            `yaml:"alert,omitempty"`
	Expr        string            `yaml:"expr"`
	For         model.Duration    `yaml:"for,omitempty"`
	Labels      map[string]string `yaml:"labels,omitempty"`
	Annotations map[string]string `yaml:"annotations,omitempty"`
}

// Name is the rule's alert or record name.
func (r Rule) Name() string {
	if r.Alert != "" {
		return r.Alert
	}
	return r.Record
}

// Duration converts a time.Duration for a rule field.
func Duration(d time.Duration) model.Duration { return model.Duration(d) }

// YAML renders the file. Maps are written with sorted keys, so the same rules always
// give the same bytes.
func (f RuleFile) YAML() []byte {
	b, err := yaml.Marshal(f)
	if err != nil {
		panic(fmt.Sprintf("alerts: cannot marshal a rule file: %v", err))
	}
	return b
}

// Alerts returns every alerting rule of the file, in order.
func (f RuleFile) Alerts() []Rule {
	var out []Rule
	for _, g := range f.Groups {
		for _, r := range g.Rules {
			if r.Alert != "" {
				out = append(out, r)
			}
		}
	}
	return out
}

// The annotations every alert must carry, so that whoever is notified knows what
// broke, how badly, and what to do.
var requiredAnnotations = []string{"summary", "description", "runbook_url"}

var recordNameRe = regexp.MustCompile(`^[a-zA-Z_:][a-zA-Z0-9_:]*$`)

// Validate checks the file with Prometheus's own parsers (model/rulefmt, which also
// checks the templates of annotations, and promql/parser), then vigil's rules: every
// alert has a severity label that is one of the four severities, and summary,
// description and runbook_url annotations. It returns one error listing every
// problem, or nil.
func (f RuleFile) Validate() error {
	_, err := f.Render()
	return err
}

// Render returns the file's YAML once it has passed Validate's checks: the bytes are
// marshalled once and those very bytes are checked.
func (f RuleFile) Render() ([]byte, error) {
	var ps validate.Problems
	data := f.YAML()
	_, errs := rulefmt.Parse(data, false, model.LegacyValidation)
	for _, err := range errs {
		ps.Add("rules", err.Error(), "")
	}
	seen := map[string]bool{}
	for gi, g := range f.Groups {
		gpath := fmt.Sprintf("groups[%d] (%s)", gi, g.Name)
		if seen[g.Name] {
			ps.Add(gpath, "group name is used twice", "Prometheus refuses two groups of one name in a file")
		}
		seen[g.Name] = true
		for ri, r := range g.Rules {
			path := fmt.Sprintf("%s.rules[%d] (%s)", gpath, ri, r.Name())
			if len(errs) > 0 {
				// rulefmt has parsed every expression already; parse again only to
				// say which rule a syntax error is in.
				if _, err := parser.ParseExpr(r.Expr); err != nil {
					ps.Add(path+".expr", err.Error(), "")
				}
			}
			if r.Record != "" && !recordNameRe.MatchString(r.Record) {
				ps.Addf(path+".record", "recording rule names are level:metric:operations", "is not a valid metric name: %q", r.Record)
			}
			if r.Alert == "" {
				continue
			}
			sev := Severity(r.Labels["severity"])
			if !sev.Valid() {
				ps.Addf(path+".labels.severity", "Alertmanager routes on it", "must be one of critical, high, medium, low, got %q", sev)
			}
			for _, a := range requiredAnnotations {
				if strings.TrimSpace(r.Annotations[a]) == "" {
					ps.Add(path+".annotations."+a, "is required", "every alert says what broke, how badly, and where the runbook is")
				}
			}
		}
	}
	if err := ps.Err("rule file"); err != nil {
		return nil, err
	}
	return data, nil
}

// Merge concatenates rule files, keeping group order.
func Merge(files ...RuleFile) RuleFile {
	var out RuleFile
	for _, f := range files {
		out.Groups = append(out.Groups, f.Groups...)
	}
	return out
}
