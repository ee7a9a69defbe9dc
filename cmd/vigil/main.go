// Command vigil is vigil's offline tool. `vigil plan --stack NAME` runs the stack's
// Pulumi program in-process under Pulumi's mock engine, with the stack's config from
// Pulumi.NAME.yaml, and shows what `pulumi up` would create: no cloud, no credentials,
// no Pulumi CLI, no passphrase.
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/vigilops/vigil/stacks"
	"github.com/vigilops/vigil/validate"
)

const usage = `vigil: monitoring as code for teams on AWS.

Usage:
  vigil plan --stack NAME [--dir DIR] [--out DIR] [--json]
  vigil slo report --stack NAME [--dir DIR] [--out DIR]

Commands:
  plan        Show what the stack would create, offline: the same program as
              'pulumi up', run under Pulumi's mock engine with the stack's config.
  slo report  For each SLO of the stack and burn rates 1x to 100x, the time to
              the first page and the first ticket and the budget spent by then,
              measured by running the generated rules in Prometheus's engine,
              next to the SRE workbook's values. --out writes slo-report.md.

Plan flags:
  --stack NAME  the stack: its config is read from Pulumi.NAME.yaml (required)
  --dir DIR     the folder holding Pulumi.yaml (default ".")
  --out DIR     also write into DIR: inventory.json (every resource with its
                inputs, secrets masked), summary.txt, the Prometheus rules
                (prometheus/rules/*.rules.yaml) and the Alertmanager
                configuration (alertmanager/alertmanager.yml)
  --json        print the summary as JSON instead of text

Exit status: 0 when the plan was made, 1 when the config is invalid or the
plan failed, 2 on a usage error.
`

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }

// run is main without the process: it returns the exit status.
func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprint(stdout, usage)
		return 0
	}
	command := args[0]
	switch {
	case command == "plan":
		args = args[1:]
	case command == "slo" && len(args) > 1 && args[1] == "report":
		command, args = "slo report", args[2:]
	default:
		fmt.Fprintf(stderr, "vigil: unknown command %q\n\n%s", strings.Join(args[:min(2, len(args))], " "), usage)
		return 2
	}
	fs := flag.NewFlagSet(command, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, usage) }
	stack := fs.String("stack", "", "")
	dir := fs.String("dir", ".", "")
	out := fs.String("out", "", "")
	asJSON := fs.Bool("json", false, "")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *stack == "" || fs.NArg() > 0 {
		fmt.Fprintf(stderr, "vigil %s: --stack is required and takes no other arguments\n\n%s", command, usage)
		return 2
	}
	var err error
	if command == "plan" {
		err = plan(*dir, *stack, *out, *asJSON, stdout)
	} else {
		err = sloReport(*dir, *stack, *out, stdout, stderr)
	}
	if err != nil {
		var invalid *validate.Error
		if errors.As(err, &invalid) {
			fmt.Fprintf(stderr, "vigil %s: %v\nNothing was written.\n", command, err)
		} else {
			fmt.Fprintf(stderr, "vigil %s: %v\n", command, err)
		}
		return 1
	}
	return 0
}

// plan reads the stack's config, makes the plan, prints its summary and, with an out
// folder, writes the files. Nothing is written unless the plan succeeds.
func plan(dir, stack, out string, asJSON bool, stdout io.Writer) error {
	file, err := stacks.ReadStackFile(dir, stack)
	if err != nil {
		return err
	}
	env, err := file.Environment()
	if err != nil {
		return err
	}
	p, err := MakePlan(env, file.Values)
	if err != nil {
		return fmt.Errorf("running the program under the mock engine: %w", err)
	}
	summary := p.Summarize()
	text := summary.Text()
	if out != "" {
		if err := writeFiles(out, p, text); err != nil {
			return err
		}
	}
	if asJSON {
		b, err := json.MarshalIndent(summary, "", "  ")
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(stdout, "%s\n", b)
		return err
	}
	_, err = fmt.Fprint(stdout, text)
	if out != "" {
		fmt.Fprintf(stdout, "\nWrote inventory.json, summary.txt and %d artifacts into %s.\n", len(p.Artifacts), out)
	}
	return err
}

// writeFiles writes the plan's files into out.
func writeFiles(out string, p *Plan, summary string) error {
	inventory, err := json.MarshalIndent(p.Inventory(), "", "  ")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	files := map[string][]byte{
		"inventory.json": append(inventory, '\n'),
		"summary.txt":    []byte(summary),
	}
	for path, data := range p.Artifacts {
		files[path] = data
	}
	for name, data := range files {
		path := filepath.Join(out, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(path, data, 0o644); err != nil {
			return err
		}
	}
	return nil
}
