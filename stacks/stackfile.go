package stacks

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/diag"
	"github.com/pulumi/pulumi/sdk/v3/go/common/diag/colors"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/config"
	"github.com/pulumi/pulumi/sdk/v3/go/common/workspace"
)

// StackFile is a stack's configuration read from Pulumi.<stack>.yaml the way the
// Pulumi CLI reads it, without decrypting anything.
type StackFile struct {
	// Dir is the project folder.
	Dir     string
	Project string
	Stack   string
	// Values are what Pulumi would hand the program: namespaced keys, objects as JSON,
	// project defaults from Pulumi.yaml applied, and every encrypted (`secure:`) value
	// replaced by SecretPlaceholder.
	Values map[string]string
}

// ReadStackFile reads Pulumi.yaml and Pulumi.<stack>.yaml in dir with Pulumi's own
// loaders. It needs no passphrase or secrets provider: encrypted values are never
// decrypted. An unknown stack is an error that lists the stacks there are.
func ReadStackFile(dir, stack string) (*StackFile, error) {
	project, err := workspace.LoadProject(filepath.Join(dir, "Pulumi.yaml"))
	if err != nil {
		return nil, fmt.Errorf("reading the Pulumi project in %s: %w", dir, err)
	}
	path := filepath.Join(dir, "Pulumi."+stack+".yaml")
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		stacks, _ := ListStacks(dir)
		return nil, fmt.Errorf("no stack %q: %s does not exist (stacks here: %s)", stack, path, strings.Join(stacks, ", "))
	}
	sink := diag.DefaultSink(io.Discard, io.Discard, diag.FormatOptions{Color: colors.Never})
	ps, err := workspace.LoadProjectStack(sink, project, path)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", path, err)
	}
	decrypted, err := ps.Config.Decrypt(config.NewBlindingDecrypter())
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", path, err)
	}
	values := map[string]string{}
	for k, v := range decrypted {
		values[k.String()] = v
	}
	// The engine gives a program the defaults Pulumi.yaml declares for keys the stack
	// does not set; do the same.
	for name, decl := range project.Config {
		key := name
		if !strings.Contains(key, ":") {
			key = string(project.Name) + ":" + name
		}
		if _, set := values[key]; set || decl.Default == nil {
			continue
		}
		s, err := configString(decl.Default)
		if err != nil {
			return nil, fmt.Errorf("the default of %s in Pulumi.yaml: %w", name, err)
		}
		values[key] = s
	}
	return &StackFile{Dir: dir, Project: string(project.Name), Stack: stack, Values: values}, nil
}

// configString encodes a value as Pulumi passes config to a program: strings as they
// are, everything else as JSON.
func configString(v any) (string, error) {
	if s, ok := v.(string); ok {
		return s, nil
	}
	b, err := json.Marshal(v)
	return string(b), err
}

// ListStacks returns the names of the stacks that have a Pulumi.<stack>.yaml in dir.
func ListStacks(dir string) ([]string, error) {
	matches, err := filepath.Glob(filepath.Join(dir, "Pulumi.*.yaml"))
	if err != nil {
		return nil, err
	}
	var out []string
	for _, m := range matches {
		out = append(out, strings.TrimSuffix(strings.TrimPrefix(filepath.Base(m), "Pulumi."), ".yaml"))
	}
	sort.Strings(out)
	return out, nil
}

// Environment builds the stack's Environment from the file's values. The file's values
// are never secret to Pulumi here; an encrypted value shows as SecretPlaceholder, which
// the checks accept as "stored as a secret".
func (f *StackFile) Environment() (*Environment, error) {
	return FromValues(f.Project, f.Stack, f.Values, nil, InDir(f.Dir))
}
