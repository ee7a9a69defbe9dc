// Package promtest writes unit-test files for `promtool test rules` and runs the real
// promtool and amtool (from Debian's prometheus and prometheus-alertmanager packages)
// on generated files. Tests use it to prove that generated rules fire and resolve
// when they should and that configurations load. It runs programs, so only tests
// import it.
package promtest

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/prometheus/common/model"
	"gopkg.in/yaml.v3"
)

// File is a promtool unit-test file. Only fields that promtool 2.42 (Debian 12)
// understands are used.
type File struct {
	RuleFiles          []string       `yaml:"rule_files"`
	EvaluationInterval model.Duration `yaml:"evaluation_interval,omitempty"`
	GroupEvalOrder     []string       `yaml:"group_eval_order,omitempty"`
	Tests              []Test         `yaml:"tests"`
}

// Test is one test group: input series and what to expect of them.
type Test struct {
	Name        string         `yaml:"name,omitempty"`
	Interval    model.Duration `yaml:"interval"`
	InputSeries []Series       `yaml:"input_series"`
	AlertTests  []AlertTest    `yaml:"alert_rule_test,omitempty"`
	ExprTests   []ExprTest     `yaml:"promql_expr_test,omitempty"`
}

// Series is an input series in promtool's expanding notation ("0+10x100").
type Series struct {
	Series string `yaml:"series"`
	Values string `yaml:"values"`
}

// AlertTest lists the alerts of one name expected firing at one time. An empty
// Expected means "none firing".
type AlertTest struct {
	EvalTime  model.Duration  `yaml:"eval_time"`
	AlertName string          `yaml:"alertname"`
	Expected  []ExpectedAlert `yaml:"exp_alerts"`
}

// ExpectedAlert is one expected firing alert.
type ExpectedAlert struct {
	Labels      map[string]string `yaml:"exp_labels,omitempty"`
	Annotations map[string]string `yaml:"exp_annotations,omitempty"`
}

// ExprTest checks the value of an expression at one time.
type ExprTest struct {
	Expr     string           `yaml:"expr"`
	EvalTime model.Duration   `yaml:"eval_time"`
	Expected []ExpectedSample `yaml:"exp_samples"`
}

// ExpectedSample is one expected sample of an ExprTest.
type ExpectedSample struct {
	Labels string  `yaml:"labels"`
	Value  float64 `yaml:"value"`
}

// D converts a time.Duration for a test field.
func D(d time.Duration) model.Duration { return model.Duration(d) }

// Binary returns the path of promtool, failing the test when it is missing: a test
// never skips because a tool is missing (`make tools` installs it).
func Binary(t testing.TB) string {
	t.Helper()
	path, err := exec.LookPath("promtool")
	if err != nil {
		t.Fatalf("promtool is not installed: run `make tools` (Debian package prometheus): %v", err)
	}
	return path
}

// Check runs `promtool check rules` on rules and returns its output and error.
func Check(t testing.TB, rules []byte) (string, error) {
	t.Helper()
	dir := t.TempDir()
	path := filepath.Join(dir, "rules.yaml")
	if err := os.WriteFile(path, rules, 0o644); err != nil {
		t.Fatal(err)
	}
	return run(t, "check", "rules", path)
}

// Run writes rules and the test file into a temporary folder and runs `promtool test
// rules` on them. It returns promtool's output and its error (nil when every test
// passed).
func Run(t testing.TB, rules []byte, tests File) (string, error) {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "rules.yaml"), rules, 0o644); err != nil {
		t.Fatal(err)
	}
	tests.RuleFiles = []string{"rules.yaml"}
	b, err := yaml.Marshal(tests)
	if err != nil {
		t.Fatal(err)
	}
	testPath := filepath.Join(dir, "tests.yaml")
	if err := os.WriteFile(testPath, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return run(t, "test", "rules", testPath)
}

func run(t testing.TB, args ...string) (string, error) {
	t.Helper()
	cmd := exec.Command(Binary(t), args...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	if err != nil {
		err = fmt.Errorf("promtool %v: %w", args, err)
	}
	return out.String(), err
}

// Amtool runs the real amtool with args and returns its standard output, its error
// output and its error. A missing amtool fails the test (`make tools` installs it).
func Amtool(t testing.TB, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	path, lookErr := exec.LookPath("amtool")
	if lookErr != nil {
		t.Fatalf("amtool is not installed: run `make tools` (Debian package prometheus-alertmanager): %v", lookErr)
	}
	cmd := exec.Command(path, args...)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err = cmd.Run()
	return out.String(), errOut.String(), err
}
