package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/vigilops/vigil/stacks"
)

// stackFlags are the flags of every command that reads a stack.
type stackFlags struct {
	stack  string
	dir    string
	out    string
	asJSON bool
}

// add declares the flags on cmd; outHelp says what --out writes.
func (f *stackFlags) add(cmd *cobra.Command, outHelp string) {
	fl := cmd.Flags()
	fl.StringVar(&f.stack, "stack", "", "the stack: NAME, ORG/NAME or ORG/PROJECT/NAME; its config is Pulumi.NAME.yaml (required)")
	fl.StringVar(&f.dir, "dir", "", "the folder holding Pulumi.yaml (default: the working directory or the nearest folder above it that has one)")
	fl.StringVar(&f.out, "out", "", outHelp)
	fl.BoolVar(&f.asJSON, "json", false, "print the output, and any error, as JSON")
	_ = cmd.MarkFlagRequired("stack")
	_ = cmd.RegisterFlagCompletionFunc("stack", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		dir, err := f.projectDir()
		if err != nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		names, _ := stacks.ListStacks(dir)
		return names, cobra.ShellCompDirectiveNoFileComp
	})
	_ = cmd.MarkFlagDirname("dir")
	_ = cmd.MarkFlagDirname("out")
}

// projectDir is --dir, or the nearest folder from the working directory upwards that
// holds Pulumi.yaml.
func (f *stackFlags) projectDir() (string, error) {
	if f.dir != "" {
		if _, err := os.Stat(filepath.Join(f.dir, stacks.ProjectFile)); err != nil {
			return "", fmt.Errorf("no %s in %s: pass the project folder with --dir", stacks.ProjectFile, f.dir)
		}
		return f.dir, nil
	}
	wd, err := os.Getwd()
	if err != nil {
		return "", err
	}
	dir, err := stacks.FindProjectDir(wd)
	if err != nil {
		return "", err
	}
	if rel, err := filepath.Rel(wd, dir); err == nil {
		dir = rel
	}
	return dir, nil
}

// readStack finds the project and reads the stack's file. A fully qualified name
// (myorg/vigil/dev) reads Pulumi.dev.yaml, once its project part is checked.
func (f *stackFlags) readStack() (*stacks.StackFile, error) {
	parts := strings.Split(f.stack, "/")
	project := ""
	if len(parts) == 3 {
		project = parts[1] // checked against Pulumi.yaml below
	}
	short, err := stacks.ParseStackName(f.stack, project)
	if err != nil {
		return nil, err
	}
	dir, err := f.projectDir()
	if err != nil {
		return nil, err
	}
	file, err := stacks.ReadStackFile(dir, short)
	if err != nil {
		return nil, err
	}
	if _, err := stacks.ParseStackName(f.stack, file.Project); err != nil {
		return nil, err
	}
	return file, nil
}
