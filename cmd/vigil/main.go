// Command vigil is vigil's offline tool. `vigil plan --stack NAME` runs the stack's
// Pulumi program in-process under Pulumi's mock engine, with the stack's config from
// Pulumi.NAME.yaml, and shows what `pulumi up` would create: no cloud, no credentials,
// no Pulumi CLI, no passphrase. `vigil slo report` measures the stack's SLO alerts.
//
// The command line is built on spf13/cobra. Each command lives in its own file
// (plan_cmd.go, slo_cmd.go), whose init function registers its constructor: adding
// a command is adding a file.
package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"runtime/debug"
	"strings"

	"github.com/spf13/cobra"

	"github.com/vigilops/vigil/validate"
)

// The exit statuses of every command.
const (
	exitOK      = 0 // done
	exitFailed  = 1 // invalid config, or the plan (or report) failed
	exitUsage   = 2 // unknown command or flag, missing or bad argument
	rootLongDoc = `vigil: monitoring as code for teams on AWS.

vigil plan shows, offline, what a stack would create: the same program as
'pulumi up', run under Pulumi's mock engine with the stack's config. vigil slo
report measures how fast the stack's SLO alerts page and ticket.

A stack is named as Pulumi names it: dev, myorg/dev or myorg/vigil/dev all read
Pulumi.dev.yaml. Without --dir, vigil looks for Pulumi.yaml in the working
directory and the folders above it.

Every command that prints takes --json, for its output and for its errors (an
object listing the problems).

Exit status: 0 when done, 1 when the config is invalid or the command failed,
2 on a usage error.`
)

// commands are the constructors of vigil's top-level commands; help lists them
// sorted by name.
var commands []func(*app) *cobra.Command

// register adds a top-level command. Each command's file registers its own from an
// init function, so that adding a command is adding one file:
//
//	func init() { register(newPlanCommand) }
func register(c func(*app) *cobra.Command) { commands = append(commands, c) }

// app is what every command shares: where it prints.
type app struct {
	stdout, stderr io.Writer
}

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }

// run is main without the process: it returns the exit status.
func run(args []string, stdout, stderr io.Writer) int {
	a := &app{stdout: stdout, stderr: stderr}
	root := newRoot(a)
	root.SetArgs(args)
	cmd, err := root.ExecuteC()
	if err == nil {
		return exitOK
	}
	if cmd == nil {
		cmd = root
	}
	asJSON := wantsJSON(args)
	var failed *commandError
	if errors.As(err, &failed) {
		a.report(cmd, exitFailed, failed.err, failed.written, asJSON)
		return exitFailed
	}
	a.report(cmd, exitUsage, usageError(cmd, err), false, asJSON)
	return exitUsage
}

func newRoot(a *app) *cobra.Command {
	root := &cobra.Command{
		Use:           "vigil",
		Short:         "Monitoring as code for teams on AWS",
		Long:          rootLongDoc,
		Version:       version(),
		SilenceUsage:  true,
		SilenceErrors: true,
		// Suggestions are made in usageError, on the same line as the mistake.
		DisableSuggestions: true,
	}
	root.SetOut(a.stdout)
	root.SetErr(a.stderr)
	root.SetVersionTemplate("vigil {{.Version}}\n")
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return err })
	for _, c := range commands {
		root.AddCommand(c(a))
	}
	return root
}

// commandError is a failure of a command that ran: exit status 1. Anything else
// Execute returns is a usage error.
type commandError struct {
	err error
	// written says whether the command wrote files before failing; false means
	// "Nothing was written."
	written bool
}

func (e *commandError) Error() string { return e.err.Error() }

// failed wraps the error of a command that ran.
func failed(err error) error {
	if err == nil {
		return nil
	}
	return &commandError{err: err}
}

var unknownCommandRe = regexp.MustCompile(`^unknown command "([^"]*)" for "([^"]*)"`)

// usageError rewrites cobra's errors into one line that names the mistake; an error
// of several lines is joined into one.
func usageError(cmd *cobra.Command, err error) error {
	msg := strings.Join(strings.Fields(err.Error()), " ")
	if m := unknownCommandRe.FindStringSubmatch(msg); m != nil {
		parent := cmd
		if found, _, ferr := cmd.Root().Find(strings.Fields(m[2])[1:]); ferr == nil {
			parent = found
		}
		if !parent.HasSubCommands() && parent != cmd.Root() {
			return fmt.Errorf("takes no arguments, got %q (see '%s --help')", m[1], cmd.CommandPath())
		}
		msg = fmt.Sprintf("unknown command %q", strings.TrimSpace(strings.TrimPrefix(m[2], "vigil")+" "+m[1]))
		if parent.SuggestionsMinimumDistance <= 0 {
			parent.SuggestionsMinimumDistance = 2
		}
		if s := parent.SuggestionsFor(m[1]); len(s) > 0 {
			msg += fmt.Sprintf(" (did you mean %q?)", s[0])
		}
	}
	return fmt.Errorf("%s (see '%s --help')", msg, cmd.CommandPath())
}

// report prints a failure: one line (a list for an invalid config) on stderr, or with
// --json an object on stdout.
func (a *app) report(cmd *cobra.Command, code int, err error, written, asJSON bool) {
	if asJSON {
		b, _ := json.MarshalIndent(errorReport(cmd, code, err, written), "", "  ")
		fmt.Fprintf(a.stdout, "%s\n", b)
		return
	}
	fmt.Fprintf(a.stderr, "%s: %v\n", cmd.CommandPath(), err)
	if code == exitFailed && !written && cmd.Name() == "plan" {
		fmt.Fprintln(a.stderr, "Nothing was written.")
	}
}

// ErrorReport is the --json form of a failure.
type ErrorReport struct {
	Command  string `json:"command"`
	ExitCode int    `json:"exitCode"`
	// Error is the failure in one line.
	Error string `json:"error"`
	// Problems lists every problem, each with the config path it is about ("" when
	// it is about no value in particular).
	Problems []ProblemReport `json:"problems"`
	// Written says whether any file was written.
	Written bool `json:"written"`
}

// ProblemReport is one problem of an ErrorReport.
type ProblemReport struct {
	Path    string `json:"path"`
	Message string `json:"message"`
	Hint    string `json:"hint,omitempty"`
}

func errorReport(cmd *cobra.Command, code int, err error, written bool) ErrorReport {
	r := ErrorReport{Command: cmd.CommandPath(), ExitCode: code, Error: err.Error(), Written: written}
	var invalid *validate.Error
	if errors.As(err, &invalid) {
		r.Error = strings.SplitN(invalid.Error(), ":\n", 2)[0]
		for _, p := range invalid.Problems {
			r.Problems = append(r.Problems, ProblemReport{Path: p.Path, Message: p.Message, Hint: p.Hint})
		}
		return r
	}
	r.Problems = []ProblemReport{{Message: err.Error()}}
	return r
}

// wantsJSON reports whether the command line asks for --json, even when it does not
// parse, so that a usage error is reported as JSON too.
func wantsJSON(args []string) bool {
	want := false
	for _, a := range args {
		switch a {
		case "--":
			return want
		case "--json", "--json=true", "--json=1":
			want = true
		case "--json=false", "--json=0":
			want = false
		}
	}
	return want
}

// version is the module version vigil was built from: a release tag when installed
// with `go install ...@version`, else "(devel)", with the commit when the build
// recorded one.
func version() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "(unknown)"
	}
	v := info.Main.Version
	if v == "" {
		v = "(devel)"
	}
	var rev, modified string
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			modified = s.Value
		}
	}
	if rev != "" {
		if len(rev) > 12 {
			rev = rev[:12]
		}
		v += " (commit " + rev
		if modified == "true" {
			v += ", modified"
		}
		v += ")"
	}
	return v
}
