package main

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/spf13/cobra"
)

func init() { register(newSLOCommand) }

// newSLOCommand is `vigil slo`, the group of the SLO commands.
func newSLOCommand(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "slo",
		Short: "Commands about the stack's SLOs",
		Args:  cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				return fmt.Errorf("unknown command %q for %q", args[0], cmd.CommandPath())
			}
			return cmd.Help()
		},
	}
	cmd.AddCommand(newSLOReportCommand(a))
	return cmd
}

func newSLOReportCommand(a *app) *cobra.Command {
	var f stackFlags
	cmd := &cobra.Command{
		Use:   "report --stack NAME [flags]",
		Short: "Measure how fast each SLO's alerts page and ticket",
		Long: `For each SLO of the stack and burn rates 1x to 100x, the time to the first
page and the first ticket and the budget spent by then, measured by running the
generated rules in Prometheus's engine, next to the SRE workbook's values.
Progress goes to stderr, one line per SLO. --out DIR writes slo-report.md.`,
		Args: cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error { return a.sloReport(&f) },
	}
	f.add(cmd, "also write slo-report.md into this folder")
	return cmd
}

// SLOReportJSON is the --json form of `vigil slo report`.
type SLOReportJSON struct {
	Stack string `json:"stack"`
	// Markdown is the report as the text form prints it.
	Markdown string `json:"markdown"`
}

func (a *app) sloReport(f *stackFlags) error {
	file, err := f.readStack()
	if err != nil {
		return failed(err)
	}
	if !f.asJSON {
		return failed(sloReport(file.Dir, file.Stack, f.out, a.stdout, a.stderr))
	}
	var md bytes.Buffer
	if err := sloReport(file.Dir, file.Stack, f.out, &md, a.stderr); err != nil {
		return failed(err)
	}
	b, err := json.MarshalIndent(SLOReportJSON{Stack: file.Stack, Markdown: md.String()}, "", "  ")
	if err != nil {
		return failed(err)
	}
	_, err = fmt.Fprintf(a.stdout, "%s\n", b)
	return failed(err)
}
