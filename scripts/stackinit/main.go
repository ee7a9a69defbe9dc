// Command stackinit turns a sample stack file into the start of a real stack's file:
// it drops every `secure:` value (the samples' ciphertexts are placeholders that no
// secrets provider can decrypt, and any stack's ciphertexts belong to that stack's
// key alone) and the source's own encryption settings, optionally replaces the
// sample's made-up account ID, writes the result, and prints the config path of every
// dropped secret, one per line, in the --path form `pulumi config set --secret --path`
// takes. scripts/init-stack.sh runs it; see there for the whole procedure.
//
//	go run ./scripts/stackinit -project Pulumi.yaml -in Pulumi.dev.yaml -out Pulumi.staging.yaml [-account 123456789012]
package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"gopkg.in/yaml.v3"
)

// stackKeys are the settings of a stack file that belong to the stack that wrote
// them: its secrets provider and the salt or key that encrypts its secrets.
var stackKeys = []string{"encryptionsalt", "secretsprovider", "encryptedkey"}

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "stackinit:", err)
		os.Exit(1)
	}
}

func run(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("stackinit", flag.ContinueOnError)
	project := fs.String("project", "Pulumi.yaml", "the project file, whose name is the namespace that paths leave out")
	in := fs.String("in", "", "the sample stack file (required)")
	out := fs.String("out", "", "the stack file to write (required); may be -in itself")
	account := fs.String("account", "", "a 12-digit AWS account ID that replaces the sample's vigil:accountId everywhere")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *in == "" || *out == "" {
		return errors.New("-in and -out are required")
	}
	name, err := projectName(*project)
	if err != nil {
		return err
	}
	src, err := os.ReadFile(*in)
	if err != nil {
		return err
	}
	res, err := Strip(src, Options{Project: name, Account: *account, InPlace: samePath(*in, *out), Source: filepath.Base(*in)})
	if err != nil {
		return fmt.Errorf("%s: %w", *in, err)
	}
	if err := os.WriteFile(*out, res.File, 0o644); err != nil {
		return err
	}
	for _, p := range res.Paths {
		fmt.Fprintln(stdout, p)
	}
	return nil
}

// samePath reports whether a and b name the same file.
func samePath(a, b string) bool {
	x, errA := filepath.Abs(a)
	y, errB := filepath.Abs(b)
	return errA == nil && errB == nil && x == y
}

// projectName reads the name of a Pulumi project file.
func projectName(path string) (string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	var p struct {
		Name string `yaml:"name"`
	}
	if err := yaml.Unmarshal(data, &p); err != nil {
		return "", fmt.Errorf("%s: %w", path, err)
	}
	if p.Name == "" {
		return "", fmt.Errorf("%s: no project name", path)
	}
	return p.Name, nil
}

// Options say how Strip rewrites a stack file.
type Options struct {
	// Project is the project's name: keys of its namespace are written without it
	// (notifications.high, not vigil:notifications.high), as Pulumi reads them.
	// Required.
	Project string
	// Account, when set, replaces the sample's <Project>:accountId value wherever it
	// appears in a value (aws:allowedAccountIds, ARNs). A 12-digit account ID.
	Account string
	// InPlace says the file is rewritten in place: a file that already has its own
	// encryption settings is then refused, as it is a real stack's and its secrets
	// are real.
	InPlace bool
	// Source names the sample in the comment written at the top of the result.
	Source string
}

// Result is the rewritten stack file and the paths of the secrets it no longer has.
type Result struct {
	File  []byte
	Paths []string
}

var accountID = regexp.MustCompile(`^[0-9]{12}$`)

// Strip removes every secure value from a stack file and lists their paths, in the
// order in which `pulumi config set --secret --path` must set them again: a list
// whose secret items were removed gets them back after its remaining items.
func Strip(src []byte, o Options) (Result, error) {
	if o.Account != "" && !accountID.MatchString(o.Account) {
		return Result{}, fmt.Errorf("account %q is not a 12-digit AWS account ID", o.Account)
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(src, &doc); err != nil {
		return Result{}, err
	}
	if len(doc.Content) != 1 || doc.Content[0].Kind != yaml.MappingNode {
		return Result{}, errors.New("a stack file is a YAML mapping")
	}
	root := doc.Content[0]
	for _, k := range stackKeys {
		if i := keyIndex(root, k); i >= 0 {
			if o.InPlace {
				return Result{}, fmt.Errorf("has %s: it is already a real stack's file, whose secrets are real; nothing was changed", k)
			}
			removePair(root, i)
		}
	}
	var paths []string
	if i := keyIndex(root, "config"); i >= 0 && root.Content[i+1].Kind == yaml.MappingNode {
		config := root.Content[i+1]
		if o.Account != "" {
			if j := keyIndex(config, o.Project+":accountId"); j >= 0 && config.Content[j+1].Value != "" {
				replaceAll(config, config.Content[j+1].Value, o.Account)
			}
		}
		for j := 0; j < len(config.Content); j += 2 {
			key := config.Content[j].Value
			top := strings.TrimPrefix(key, o.Project+":")
			removed, empty := strip(config.Content[j+1], segment(top, true), &paths)
			if removed || empty {
				removePair(config, j)
				j -= 2
			}
		}
	}
	if o.Source != "" {
		root.HeadComment = strings.TrimSpace(fmt.Sprintf("# Made from %s by scripts/init-stack.sh, without its secrets: set them\n# with the pulumi config set --secret --path commands it printed.\n%s", o.Source, root.HeadComment))
	}
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(&doc); err != nil {
		return Result{}, err
	}
	if err := enc.Close(); err != nil {
		return Result{}, err
	}
	return Result{File: buf.Bytes(), Paths: paths}, nil
}

// strip removes the secure values under n, appending their paths. It reports whether
// n itself is a secure value (to be removed by its parent) and whether n is a map or
// list that removing its secrets left empty.
func strip(n *yaml.Node, path string, paths *[]string) (removed, empty bool) {
	switch n.Kind {
	case yaml.MappingNode:
		if isSecure(n) {
			*paths = append(*paths, path)
			return true, false
		}
		before := len(n.Content)
		for i := 0; i < len(n.Content); i += 2 {
			r, e := strip(n.Content[i+1], path+segment(n.Content[i].Value, false), paths)
			if r || e {
				removePair(n, i)
				i -= 2
			}
		}
		return false, before > 0 && len(n.Content) == 0
	case yaml.SequenceNode:
		var kept, secure []*yaml.Node
		for _, item := range n.Content {
			if item.Kind == yaml.MappingNode && isSecure(item) {
				secure = append(secure, item)
				continue
			}
			// Items stay in place even when their secrets leave them empty, so that
			// the paths into them keep their index.
			strip(item, fmt.Sprintf("%s[%d]", path, len(kept)), paths)
			kept = append(kept, item)
		}
		for i := range secure {
			*paths = append(*paths, fmt.Sprintf("%s[%d]", path, len(kept)+i))
		}
		n.Content = kept
		return false, len(secure) > 0 && len(kept) == 0
	}
	return false, false
}

// isSecure reports whether n is a {secure: <ciphertext>} value.
func isSecure(n *yaml.Node) bool {
	return len(n.Content) == 2 && n.Content[0].Value == "secure" && n.Content[1].Kind == yaml.ScalarNode
}

var (
	bareKey = regexp.MustCompile(`^[A-Za-z0-9_$-]+$`)
	// A top-level key may keep its namespace: aws:region.
	bareTopKey = regexp.MustCompile(`^([A-Za-z0-9_$-]+:)?[A-Za-z0-9_$-]+$`)
)

// segment writes one key of a property path: .key, or ["key"] when it holds
// characters a bare key cannot (dots, brackets, colons below the top level). The
// top-level key may keep its namespace (aws:region).
func segment(key string, top bool) string {
	bare := bareKey.MatchString(key) || top && bareTopKey.MatchString(key)
	switch {
	case bare && top:
		return key
	case bare:
		return "." + key
	}
	return fmt.Sprintf("[%q]", key)
}

// replaceAll replaces the number old with repl inside every scalar under n, where it
// stands alone: not where it is part of a longer number.
func replaceAll(n *yaml.Node, old, repl string) {
	if n.Kind == yaml.ScalarNode {
		n.Value = replaceNumber(n.Value, old, repl)
	}
	for _, c := range n.Content {
		replaceAll(c, old, repl)
	}
}

func replaceNumber(s, old, repl string) string {
	digit := func(i int) bool { return i >= 0 && i < len(s) && s[i] >= '0' && s[i] <= '9' }
	var b strings.Builder
	from := 0
	for {
		i := strings.Index(s[from:], old)
		if i < 0 {
			b.WriteString(s[from:])
			return b.String()
		}
		i += from
		end := i + len(old)
		b.WriteString(s[from:i])
		if digit(i-1) || digit(end) {
			b.WriteString(old)
		} else {
			b.WriteString(repl)
		}
		from = end
	}
}

func keyIndex(m *yaml.Node, key string) int {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return i
		}
	}
	return -1
}

func removePair(m *yaml.Node, i int) {
	m.Content = append(m.Content[:i], m.Content[i+2:]...)
}
