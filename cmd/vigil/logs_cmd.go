package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"unicode/utf8"

	"github.com/spf13/cobra"

	"github.com/vigilops/vigil/alerts"
	"github.com/vigilops/vigil/alerts/logfilter"
	"github.com/vigilops/vigil/alerts/logs"
	"github.com/vigilops/vigil/stacks"
	"github.com/vigilops/vigil/validate"
)

func init() { register(newLogsCommand) }

// newLogsCommand is `vigil logs`, the group of the log filter commands.
func newLogsCommand(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "logs",
		Short: "Commands about the stack's log metric filters",
		Args:  cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				return fmt.Errorf("unknown command %q for %q", args[0], cmd.CommandPath())
			}
			return cmd.Help()
		},
	}
	cmd.AddCommand(newLogsTestCommand(a))
	return cmd
}

// logsTestFlags are the flags of `vigil logs test`.
type logsTestFlags struct {
	stack   stackFlags
	pattern string
	value   string
	filter  string
	all     bool
	file    string
	// patternSet says --pattern was given: '' is a pattern too (it matches every
	// event).
	patternSet bool
}

func newLogsTestCommand(a *app) *cobra.Command {
	var f logsTestFlags
	cmd := &cobra.Command{
		Use:   "test (--pattern P [--value V] | --stack NAME (--filter NAME | --all)) [--file F]",
		Short: "Run a filter pattern over sample log events, offline",
		Long: `Run a CloudWatch Logs filter pattern over log events, one per line, read from
--file or standard input, as CloudWatch Logs would: no cloud, no credentials.

The pattern is --pattern P, or a filter the stack ships: --stack S --filter NAME
(NAME with or without the stack's name prefix, as in api-http-5xx), or every one
with --all.

Prints one JSON object per event and filter on its own line:
  {"line": N, "match": true|false}
with "filter" when the filter comes from the stack, and "value" when the filter
takes its metric value from the event (--value $.latency, $size, $7) and the
event has one. An invalid pattern exits 1 with the column and what was expected
there; an invalid stack config exits 1 with every problem. This is what a team
runs in CI against sample lines of its own logs.`,
		Example: `  vigil logs test --pattern '{ $.status >= 500 }' --file samples.log
  vigil logs test --pattern '[ip, user, ..., status, size]' --value '$size' < access.log
  vigil logs test --stack prod --filter api-http-5xx --file api-samples.log
  vigil logs test --stack prod --all --file samples.log | jq 'select(.match)'`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			f.patternSet = cmd.Flags().Changed("pattern")
			return a.logsTest(&f)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.pattern, "pattern", "", "the filter pattern to run")
	fl.StringVar(&f.value, "value", "", `the metric value with --pattern: a number or a field ($.latency, $size, $7); default "1"`)
	fl.StringVar(&f.stack.stack, "stack", "", "the stack whose filters to run: NAME, ORG/NAME or ORG/PROJECT/NAME")
	fl.StringVar(&f.stack.dir, "dir", "", "the folder holding Pulumi.yaml (default: the working directory or the nearest folder above it that has one)")
	fl.StringVar(&f.filter, "filter", "", "with --stack: the filter to run")
	fl.BoolVar(&f.all, "all", false, "with --stack: run every filter the stack ships")
	fl.StringVar(&f.file, "file", "", "read the events from this file (default: standard input)")
	_ = cmd.MarkFlagFilename("file")
	_ = cmd.MarkFlagDirname("dir")
	return cmd
}

// logsStdin is where `vigil logs test` reads events without --file.
var logsStdin io.Reader = os.Stdin

// EventResult is one line of `vigil logs test`'s output.
type EventResult struct {
	// Line is the event's 1-based line number in the input.
	Line int `json:"line"`
	// Filter is the filter's name when it comes from the stack.
	Filter string `json:"filter,omitempty"`
	// Match says whether the event matches the pattern.
	Match bool `json:"match"`
	// Value is the metric value taken from the event, for filters whose value is a
	// field of the event.
	Value *float64 `json:"value,omitempty"`
}

// namedFilter is a compiled filter to run.
type namedFilter struct {
	name    string // "" for --pattern
	filter  *logfilter.MetricFilter
	extract bool // the metric value is a field of the event
}

func (a *app) logsTest(f *logsTestFlags) error {
	fromStack := f.stack.stack != ""
	switch {
	case f.patternSet && fromStack:
		return errors.New("takes --pattern or --stack, not both")
	case !fromStack && (f.filter != "" || f.all):
		return errors.New("--filter and --all need --stack")
	case fromStack && f.filter != "" && f.all:
		return errors.New("takes --filter NAME or --all, not both")
	case fromStack && f.filter == "" && !f.all:
		return errors.New("--stack needs --filter NAME or --all")
	case !fromStack && !f.patternSet:
		return errors.New("needs --pattern P, or --stack S with --filter NAME or --all")
	case fromStack && f.value != "":
		return errors.New("--value goes with --pattern; a stack's filter has its own")
	}
	var filters []namedFilter
	if fromStack {
		set, err := stackLogSet(&f.stack)
		if err != nil {
			return failed(err)
		}
		if filters, err = pickFilters(set, f.filter); err != nil {
			return failed(err)
		}
	} else {
		nf, err := compilePattern(f.pattern, f.value)
		if err != nil {
			return failed(err)
		}
		filters = []namedFilter{nf}
	}
	in := logsStdin
	if f.file != "" {
		file, err := os.Open(f.file)
		if err != nil {
			return failed(err)
		}
		defer file.Close()
		in = file
	}
	return failed(testEvents(in, a.stdout, filters))
}

// compilePattern parses a --pattern and its --value. A pattern that does not parse
// is reported with its column and what was expected there.
func compilePattern(pattern, value string) (namedFilter, error) {
	if n := utf8.RuneCountInString(pattern); n > logfilter.MaxPatternLength {
		return namedFilter{}, fmt.Errorf("invalid filter pattern: it has %d characters, and CloudWatch Logs takes at most %d", n, logfilter.MaxPatternLength)
	}
	p, err := logfilter.Parse(pattern)
	if err != nil {
		return namedFilter{}, fmt.Errorf("invalid filter pattern: %w", err)
	}
	mf, err := logfilter.NewMetricFilter(p, logfilter.Transformation{MetricValue: value})
	if err != nil {
		return namedFilter{}, fmt.Errorf("invalid --value: %w", err)
	}
	return namedFilter{filter: mf, extract: strings.HasPrefix(value, "$")}, nil
}

// pickFilters compiles the stack's filter of that name, or every filter for "".
func pickFilters(set logs.Set, name string) ([]namedFilter, error) {
	chosen := set.Filters
	if name != "" {
		f, ok := set.Find(name)
		if !ok {
			var names []string
			for _, f := range set.Filters {
				names = append(names, f.Resource+"-"+f.Slug)
			}
			if len(names) == 0 {
				return nil, fmt.Errorf("the stack ships no log filters: give a service a logGroup, or set cloudTrail")
			}
			msg := fmt.Sprintf("the stack ships no filter %q", name)
			if hint := validate.UnknownHint(name, names); strings.HasPrefix(hint, "did you mean") {
				msg += " (" + hint + ")"
			}
			return nil, fmt.Errorf("%s; it ships: %s", msg, strings.Join(names, ", "))
		}
		chosen = []logs.Filter{f}
	}
	if len(chosen) == 0 {
		return nil, fmt.Errorf("the stack ships no log filters: give a service a logGroup, or set cloudTrail")
	}
	out := make([]namedFilter, 0, len(chosen))
	for _, f := range chosen {
		mf, err := f.Compile()
		if err != nil {
			return nil, fmt.Errorf("filter %s: %w", f.Name, err)
		}
		out = append(out, namedFilter{name: f.Name, filter: mf, extract: strings.HasPrefix(f.Metric.MetricValue, "$")})
	}
	return out, nil
}

// maxEventBytes is the longest line read: CloudWatch Logs events are at most 256 KiB.
const maxEventBytes = 1 << 20

// testEvents runs every filter over every line of in and writes one EventResult a
// line to out.
func testEvents(in io.Reader, out io.Writer, filters []namedFilter) error {
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 64*1024), maxEventBytes)
	w := bufio.NewWriter(out)
	enc := json.NewEncoder(w)
	line := 0
	for sc.Scan() {
		line++
		event := strings.TrimSuffix(sc.Text(), "\r")
		for _, f := range filters {
			r := f.filter.Match(event)
			res := EventResult{Line: line, Filter: f.name, Match: r.Matched}
			if f.extract && r.Matched {
				res.Value = r.Value
			}
			if err := enc.Encode(res); err != nil {
				return err
			}
		}
	}
	if err := sc.Err(); err != nil {
		w.Flush()
		return fmt.Errorf("reading the events, after line %d: %w", line, err)
	}
	return w.Flush()
}

// stackLogSet builds the stack's log filters the way the stack does: its name prefix,
// runbooks, tags and subscribed severities from the stack's Environment, and each
// service's logGroup, logFormat, logFilters and logAlarms and the cloudTrail key
// from its config.
func stackLogSet(f *stackFlags) (logs.Set, error) {
	file, err := f.readStack()
	if err != nil {
		return logs.Set{}, err
	}
	// The rest of the stack is read without the log keys, which stacks may not know
	// yet; they are read here.
	rest := *file
	if rest.Values, err = withoutLogKeys(file.Values); err != nil {
		return logs.Set{}, err
	}
	env, err := rest.Environment()
	if err != nil {
		return logs.Set{}, err
	}
	var ps validate.Problems
	cfg, err := logsConfig(&ps, env, file.Values)
	if err != nil {
		return logs.Set{}, err
	}
	// Every problem at once: those of the keys' types, then those Build finds.
	set, err := logs.Build(cfg)
	var invalid *validate.Error
	switch {
	case errors.As(err, &invalid):
		for _, p := range invalid.Problems {
			ps.Add(p.Path, p.Message, p.Hint)
		}
	case err != nil:
		return logs.Set{}, err
	}
	if err := ps.Err(fmt.Sprintf("log config of stack %q", env.Stack)); err != nil {
		return logs.Set{}, err
	}
	return set, nil
}

// logsConfig reads the log keys of a stack's values into a logs.Config; values of
// the wrong type or unknown keys go to ps.
func logsConfig(ps *validate.Problems, env *stacks.Environment, values map[string]string) (logs.Config, error) {
	cfg := logs.Config{CloudTrailPath: stacks.Namespace + ":cloudTrail", Options: logs.Options{
		NamePrefix: env.NamePrefix, RunbookBaseURL: env.RunbookBaseURL, AccountID: env.AccountID,
		Tags: env.Tags, Subscribed: map[alerts.Severity]bool{},
	}}
	for sev, e := range env.Notifications {
		cfg.Options.Subscribed[sev] = len(e.Emails)+len(e.SMS)+len(e.Webhooks) > 0 || e.PagerDuty != ""
	}
	const p = stacks.Namespace + ":"
	if raw, ok := values[p+"services"]; ok {
		var services []map[string]any
		if err := json.Unmarshal([]byte(raw), &services); err != nil {
			return cfg, fmt.Errorf("%sservices: %w", p, err)
		}
		for i, m := range services {
			path := fmt.Sprintf("%sservices[%d]", p, i)
			s := logs.Service{Path: path}
			s.Name, _ = m["name"].(string)
			s.LogGroup, _ = m["logGroup"].(string)
			if v, ok := m["logFormat"]; ok {
				validate.Decode(ps, path+".logFormat", v, &s.Format)
			}
			if v, ok := m["logFilters"]; ok {
				validate.Decode(ps, path+".logFilters", v, &s.Filters)
			}
			if v, ok := m["logAlarms"]; ok {
				validate.Decode(ps, path+".logAlarms", v, &s.Alarms)
			}
			cfg.Services = append(cfg.Services, s)
		}
	}
	if raw, ok := values[p+"cloudTrail"]; ok {
		var v any
		if err := json.Unmarshal([]byte(raw), &v); err != nil {
			return cfg, fmt.Errorf("%scloudTrail: %w", p, err)
		}
		// An empty mapping (a project default of {}) asks for nothing.
		if m, isMap := v.(map[string]any); v != nil && (!isMap || len(m) > 0) {
			cfg.CloudTrail = &logs.CloudTrail{}
			validate.Decode(ps, p+"cloudTrail", v, cfg.CloudTrail)
		}
	}
	return cfg, nil
}

// serviceLogKeys are the keys of a service that logsConfig reads.
var serviceLogKeys = []string{"logFormat", "logFilters", "logAlarms"}

// withoutLogKeys returns a copy of a stack's values without the log keys.
func withoutLogKeys(values map[string]string) (map[string]string, error) {
	const p = stacks.Namespace + ":"
	out := make(map[string]string, len(values))
	for k, v := range values {
		out[k] = v
	}
	delete(out, p+"cloudTrail")
	raw, ok := out[p+"services"]
	if !ok {
		return out, nil
	}
	var services []any
	if err := json.Unmarshal([]byte(raw), &services); err != nil {
		return nil, fmt.Errorf("%sservices: %w", p, err)
	}
	for _, s := range services {
		if m, ok := s.(map[string]any); ok {
			for _, k := range serviceLogKeys {
				delete(m, k)
			}
		}
	}
	b, err := json.Marshal(services)
	if err != nil {
		return nil, err
	}
	out[p+"services"] = string(b)
	return out, nil
}
