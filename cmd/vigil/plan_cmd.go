package main

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/spf13/cobra"
)

func init() { register(newPlanCommand) }

func newPlanCommand(a *app) *cobra.Command {
	var f stackFlags
	cmd := &cobra.Command{
		Use:   "plan --stack NAME [flags]",
		Short: "Show what the stack would create, offline",
		Long: `Show what the stack would create, offline: the same program as 'pulumi up',
run under Pulumi's mock engine with the stack's config. No cloud, no
credentials, no Pulumi CLI, no passphrase: encrypted values are never decrypted.

With --out DIR, also write into DIR: inventory.json (every resource with its
inputs, secrets masked), summary.txt, every generated file (the Prometheus rules
under prometheus/rules/, the Alertmanager configuration under alertmanager/,
...) and .vigil-manifest.json, the list of the files vigil wrote. A failed plan writes nothing. The files are written into a
temporary folder beside DIR and moved into place; the files of a previous plan
that this one no longer has are removed, and files vigil did not write are left
alone (and listed).`,
		Example: `  vigil plan --stack dev
  vigil plan --stack myorg/vigil/prod --out plan/
  vigil plan --stack dev --json | jq .resources`,
		Args: cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error { return a.plan(&f) },
	}
	f.add(cmd, "also write the inventory, summary and every generated file into this folder")
	return cmd
}

// plan reads the stack's config, makes the plan, writes the files with --out, and
// prints the summary. Nothing is written unless the plan succeeds.
func (a *app) plan(f *stackFlags) error {
	file, err := f.readStack()
	if err != nil {
		return failed(err)
	}
	env, err := file.Environment()
	if err != nil {
		return failed(err)
	}
	p, err := MakePlan(env, file.Values)
	if err != nil {
		return failed(fmt.Errorf("running the program under the mock engine: %w", err))
	}
	summary := p.Summarize()
	text := summary.Text()
	if f.out != "" {
		files, err := p.Files(text)
		if err != nil {
			return failed(err)
		}
		if summary.Out, err = writeOut(f.out, env.Stack, files); err != nil {
			return failed(err)
		}
	}
	if f.asJSON {
		b, err := json.MarshalIndent(summary, "", "  ")
		if err != nil {
			return failed(err)
		}
		_, err = fmt.Fprintf(a.stdout, "%s\n", b)
		return failed(err)
	}
	if _, err := fmt.Fprint(a.stdout, text); err != nil {
		return failed(err)
	}
	if o := summary.Out; o != nil {
		fmt.Fprintf(a.stdout, "\nWrote %s into %s", count(len(o.Files), "file"), o.Folder)
		if len(o.Removed) > 0 {
			fmt.Fprintf(a.stdout, "; removed %s of the previous plan (%s)", count(len(o.Removed), "file"), strings.Join(o.Removed, ", "))
		}
		fmt.Fprintln(a.stdout, ".")
		if len(o.Foreign) > 0 {
			fmt.Fprintf(a.stdout, "Left alone %s vigil did not write: %s.\n", count(len(o.Foreign), "file"), strings.Join(o.Foreign, ", "))
		}
	}
	return nil
}
