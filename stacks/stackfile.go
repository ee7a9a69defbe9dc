package stacks

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/diag"
	"github.com/pulumi/pulumi/sdk/v3/go/common/diag/colors"
	"github.com/pulumi/pulumi/sdk/v3/go/common/encoding"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/config"
	"github.com/pulumi/pulumi/sdk/v3/go/common/workspace"
	"gopkg.in/yaml.v3"

	"github.com/vigilops/vigil/internal/projectfs"
)

// ProjectFile is the name of the Pulumi project file.
const ProjectFile = "Pulumi.yaml"

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
	// Encrypted lists, sorted, the paths of the values stored encrypted in the file:
	// "vigil:notifications.critical.pagerduty", "vigil:notifications.high.webhooks[0]",
	// or a whole key ("vigil:notifications") encrypted as one string.
	Encrypted []string
}

// NoStackError is the error of ReadStackFile for a stack that has no file.
type NoStackError struct {
	Stack, Path string
	// Stacks are the stacks the project has.
	Stacks []string
}

func (e *NoStackError) Error() string {
	return fmt.Sprintf("no stack %q: %s does not exist (stacks here: %s)", e.Stack, e.Path, strings.Join(e.Stacks, ", "))
}

// stackNameRe is what Pulumi allows in a stack name; it also keeps a stack name from
// naming a file outside the project folder.
var stackNameRe = regexp.MustCompile(`^[A-Za-z0-9_.-]+$`)

// ParseStackName takes a stack name as the Pulumi CLI does: "dev", "myorg/dev" or
// "myorg/vigil/dev", and returns the stack's own name ("dev"), the one its file is
// named after. The project part, when given, must be project.
func ParseStackName(name, project string) (string, error) {
	parts := strings.Split(name, "/")
	stack := parts[len(parts)-1]
	switch {
	case len(parts) > 3:
		return "", fmt.Errorf("stack %q: a stack name is STACK, ORG/STACK or ORG/PROJECT/STACK", name)
	case slicesHasEmpty(parts) || !stackNameRe.MatchString(stack):
		return "", fmt.Errorf("stack %q: a stack name holds only letters, digits, hyphens, underscores and periods", name)
	case len(parts) == 3 && parts[1] != project:
		return "", fmt.Errorf("stack %q belongs to project %q, but Pulumi.yaml is project %q", name, parts[1], project)
	}
	return stack, nil
}

func slicesHasEmpty(parts []string) bool {
	for _, p := range parts {
		if p == "" {
			return true
		}
	}
	return false
}

// FindProjectDir returns the nearest folder, from start upwards, that holds
// Pulumi.yaml, as the Pulumi CLI looks for its project.
func FindProjectDir(start string) (string, error) {
	abs, err := filepath.Abs(start)
	if err != nil {
		return "", err
	}
	for dir := abs; ; {
		if info, err := os.Stat(filepath.Join(dir, ProjectFile)); err == nil && !info.IsDir() {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("no %s in %s or any folder above it: run vigil in the project folder, or pass --dir", ProjectFile, abs)
		}
		dir = parent
	}
}

// ReadStackFile reads Pulumi.yaml and Pulumi.<stack>.yaml in dir with Pulumi's own
// loaders. It needs no passphrase or secrets provider: encrypted values are never
// decrypted. Both files are read as untrusted input (projectfs): inside dir, regular,
// at most projectfs.MaxFileBytes, and an error never repeats what a file holds. An
// unknown stack is an error that lists the stacks there are.
func ReadStackFile(dir, stack string) (*StackFile, error) {
	if !stackNameRe.MatchString(stack) {
		return nil, fmt.Errorf("stack %q: a stack name holds only letters, digits, hyphens, underscores and periods", stack)
	}
	raw, err := readYAMLMapping(dir, ProjectFile, "Pulumi project file", false)
	if err != nil {
		return nil, err
	}
	project, err := workspace.LoadProjectBytes(raw, ProjectFile, encoding.YAML)
	if err != nil {
		return nil, loaderError(ProjectFile, "Pulumi project file", err)
	}
	name := stackFileName(project, stack)
	if _, err := projectfs.Resolve(dir, name); err != nil {
		var fe *projectfs.Error
		if errors.As(err, &fe) && fe.Missing {
			stacks, _ := ListStacks(dir)
			return nil, &NoStackError{Stack: stack, Path: filepath.Join(dir, name), Stacks: stacks}
		}
		return nil, err
	}
	raw, err = readYAMLMapping(dir, name, "Pulumi stack file", true)
	if err != nil {
		return nil, err
	}
	sink := diag.DefaultSink(io.Discard, io.Discard, diag.FormatOptions{Color: colors.Never})
	ps, err := workspace.LoadProjectStackBytes(sink, project, raw, name, encoding.YAML)
	if err != nil {
		return nil, loaderError(name, "Pulumi stack file", err)
	}
	decrypted, err := ps.Config.Decrypt(config.NewBlindingDecrypter())
	if err != nil {
		return nil, loaderError(name, "Pulumi stack file", err)
	}
	values := map[string]string{}
	for k, v := range decrypted {
		values[k.String()] = v
	}
	var encrypted []string
	for k, v := range ps.Config {
		if !v.Secure() {
			continue
		}
		if !v.Object() {
			encrypted = append(encrypted, k.String())
			continue
		}
		obj, err := v.ToObject()
		if err != nil {
			return nil, loaderError(name, "Pulumi stack file", err)
		}
		encrypted = append(encrypted, securePaths(k.String(), obj)...)
	}
	sort.Strings(encrypted)
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
	return &StackFile{Dir: dir, Project: string(project.Name), Stack: stack, Values: values, Encrypted: encrypted}, nil
}

// stackFileName is where Pulumi keeps a stack's file: beside Pulumi.yaml, or in the
// project's stackConfigDir.
func stackFileName(project *workspace.Project, stack string) string {
	return filepath.Join(project.StackConfigDir, "Pulumi."+stack+".yaml")
}

// securePaths lists the paths of the {"secure": ciphertext} leaves of a config object
// as Pulumi's config.Value.ToObject gives it.
func securePaths(path string, v any) []string {
	switch x := v.(type) {
	case map[string]any:
		if c, ok := x["secure"].(string); ok && len(x) == 1 && c != "" {
			return []string{path}
		}
		var out []string
		for k, e := range x {
			out = append(out, securePaths(path+"."+k, e)...)
		}
		return out
	case []any:
		var out []string
		for i, e := range x {
			out = append(out, securePaths(fmt.Sprintf("%s[%d]", path, i), e)...)
		}
		return out
	}
	return nil
}

// readYAMLMapping reads a Pulumi file and checks that it is a YAML mapping (or, when
// empty is allowed, nothing at all) before Pulumi's loader sees it: anything else is
// not the expected document, and its content is not repeated.
func readYAMLMapping(dir, name, what string, emptyOK bool) ([]byte, error) {
	data, err := projectfs.ReadFile(dir, name, 0)
	if err != nil {
		return nil, err
	}
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("%s is not a %s: %s", name, what, yamlReason(err))
	}
	if len(doc.Content) == 0 {
		if emptyOK {
			return data, nil
		}
		return nil, fmt.Errorf("%s is not a %s: it is empty", name, what)
	}
	if top := doc.Content[0]; top.Kind != yaml.MappingNode {
		return nil, fmt.Errorf("%s is not a %s: it holds %s, not a mapping of keys to values", name, what, nodeKind(top))
	}
	return data, nil
}

var lineRe = regexp.MustCompile(`line \d+`)

// yamlReason says where a YAML error is without what is there: some messages of the
// YAML parser quote the text they stumbled on.
func yamlReason(err error) string {
	if loc := lineRe.FindString(err.Error()); loc != "" {
		return "not valid YAML (" + loc + ")"
	}
	return "not valid YAML"
}

func nodeKind(n *yaml.Node) string {
	switch n.Kind {
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		return "text"
	case yaml.AliasNode:
		return "an alias"
	}
	return "no mapping"
}

var quotedRe = regexp.MustCompile("`[^`]*`|\"[^\"]*\"|'[^']*'")

// loaderError reports an error of Pulumi's loaders in one line, with every quoted
// piece of the file (a YAML type error quotes the value it could not place) elided.
func loaderError(name, what string, err error) error {
	msg := err.Error()
	for _, prefix := range []string{"could not unmarshal '" + name + "': ", "could not validate '" + name + "': "} {
		msg = strings.TrimPrefix(msg, prefix)
	}
	msg = quotedRe.ReplaceAllString(msg, "…")
	msg = strings.Join(strings.Fields(msg), " ")
	return fmt.Errorf("%s is not a valid %s: %s", name, what, msg)
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

// ListStacks returns the names of the stacks that have a Pulumi.<stack>.yaml in dir
// (or in the project's stackConfigDir).
func ListStacks(dir string) ([]string, error) {
	where := dir
	if raw, err := projectfs.ReadFile(dir, ProjectFile, 0); err == nil {
		if p, err := workspace.LoadProjectBytes(raw, ProjectFile, encoding.YAML); err == nil {
			where = filepath.Join(dir, p.StackConfigDir)
		}
	}
	entries, err := os.ReadDir(where)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range entries {
		name := e.Name()
		stack, ok := strings.CutPrefix(name, "Pulumi.")
		stack, yaml := strings.CutSuffix(stack, ".yaml")
		if ok && yaml && stackNameRe.MatchString(stack) && !e.IsDir() {
			out = append(out, stack)
		}
	}
	sort.Strings(out)
	return out, nil
}

// Environment builds the stack's Environment from the file's values. The file's values
// are never secret to Pulumi here; a value counts as stored secret when the file holds
// it encrypted, exactly as Load judges it under `pulumi up`.
func (f *StackFile) Environment() (*Environment, error) {
	return FromValues(f.Project, f.Stack, f.Values, nil, InDir(f.Dir), Encrypted(f.Encrypted))
}
