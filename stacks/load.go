package stacks

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"reflect"
	"sort"
	"strconv"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/vigilops/vigil/internal/projectfs"
	"github.com/vigilops/vigil/validate"
)

// Namespace is the config namespace of vigil's keys (the Pulumi project name).
const Namespace = "vigil"

// The keys outside vigil's namespace that vigil reads: the AWS provider's region, and
// the accounts it may run in, which must include vigil:accountId when set.
const (
	RegionKey          = "aws:region"
	AllowedAccountsKey = "aws:allowedAccountIds"
)

// Keys lists the config keys vigil knows, namespaced ("vigil:tier", ...), in the order
// of the Config struct.
func Keys() []string {
	t := reflect.TypeOf(Config{})
	keys := make([]string, 0, t.NumField())
	for i := 0; i < t.NumField(); i++ {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		keys = append(keys, Namespace+":"+name)
	}
	return keys
}

// Load reads the running stack's configuration from Pulumi and builds its Environment.
// Pulumi gives a program no list of its config keys, so Load reads the keys vigil
// knows, plus every key of the PULUMI_CONFIG variable through which the engine passes
// the whole configuration, so that a misspelt key is reported rather than ignored.
//
// Pulumi marks a whole key secret when any value under it is encrypted, so a webhook
// written in clear beside an encrypted one would pass. Load therefore also reads the
// stack file, without decrypting it, to learn which values are encrypted, and judges
// every value as `vigil plan` does. Only when the project has no stack file (the
// config comes from elsewhere) does it fall back to Pulumi's judgement by key.
func Load(ctx *pulumi.Context) (*Environment, error) {
	keys := append(Keys(), RegionKey, AllowedAccountsKey)
	if raw := os.Getenv(pulumi.EnvConfig); raw != "" {
		var all map[string]string
		if err := json.Unmarshal([]byte(raw), &all); err == nil {
			for k := range all {
				keys = append(keys, k)
			}
		}
	}
	values := map[string]string{}
	var secretKeys []string
	for _, k := range keys {
		v, ok := ctx.GetConfig(k)
		if !ok {
			continue
		}
		values[k] = v
		if ctx.IsConfigSecret(k) {
			secretKeys = append(secretKeys, k)
		}
	}
	dir := ctx.RootDirectory()
	if dir == "" {
		dir = "." // the engine runs a program in its project folder
	}
	opts := []Option{InDir(dir)}
	file, err := ReadStackFile(dir, ctx.Stack())
	var missing *projectfs.Error
	var noStack *NoStackError
	switch {
	case err == nil:
		opts = append(opts, Encrypted(file.Encrypted))
	case errors.As(err, &noStack), errors.As(err, &missing) && missing.Missing:
		// No stack file to read: judge secrets by key, as Pulumi does.
	default:
		return nil, err
	}
	return FromValues(ctx.Project(), ctx.Stack(), values, secretKeys, opts...)
}

// Option changes how FromValues reads a configuration.
type Option func(*options)

type options struct {
	dir string
	// encrypted holds the paths stored encrypted; nil when unknown.
	encrypted map[string]bool
}

// InDir names the project folder, which files named in the config (vigil:sloFiles)
// are relative to. Defaults to the working directory.
func InDir(dir string) Option { return func(o *options) { o.dir = dir } }

// Encrypted lists the values the stack file holds encrypted, as StackFile.Encrypted
// gives them. With it, a secret counts as stored secret only when its own value (or
// the whole key) is encrypted in the file. Without it, a secret counts as stored
// secret when Pulumi holds its key as a secret, which Pulumi does for a whole key as
// soon as one value under it is encrypted.
func Encrypted(paths []string) Option {
	return func(o *options) {
		o.encrypted = map[string]bool{}
		for _, p := range paths {
			o.encrypted[p] = true
		}
	}
}

// FromValues builds the Environment of a stack from its config values as Pulumi hands
// them to a program: keys namespaced ("vigil:services"), objects and lists encoded as
// JSON, scalars as strings. secretKeys lists the keys Pulumi holds as secrets. Every
// problem is reported in one *validate.Error; keys outside the vigil namespace other
// than aws:region are left to their owners. No problem or warning holds the value of
// a secret, or any value of a key that holds one: those read [secret].
func FromValues(project, stack string, values map[string]string, secretKeys []string, opts ...Option) (*Environment, error) {
	o := options{dir: "."}
	for _, opt := range opts {
		opt(&o)
	}
	var ps validate.Problems
	secret := map[string]bool{}
	for _, k := range secretKeys {
		secret[k] = true
	}
	j := judge{secretKeys: secret, encrypted: o.encrypted}
	cfg := decodeConfig(&ps, values, j)
	leaves := secretLeaves(Namespace+":", reflect.ValueOf(cfg).Elem())
	for _, l := range leaves {
		if !j.stored(l.path) {
			ps.Add(l.path, "is stored in plain text",
				fmt.Sprintf("encrypt it: pulumi config set --secret --path '%s' <value>", strings.TrimPrefix(l.path, Namespace+":")))
		}
	}
	// The secrets are judged above, value by value; the checks below see every key
	// that holds a secret as stored secret, so that they do not judge them again by key.
	judged := map[string]bool{}
	for k := range secret {
		judged[k] = true
	}
	for _, l := range leaves {
		judged[l.key] = true
	}
	env := resolve(&ps, project, stack, cfg, values[RegionKey], judged)
	checkAllowedAccounts(&ps, values[AllowedAccountsKey], cfg.AccountID)
	resolveSLOs(&ps, env, cfg.SLOFiles, o.dir)
	env.projectDir = o.dir
	if ps.Len() == 0 {
		// Only a valid environment is worth generating from: the generators would
		// repeat the problems already found, in their own words.
		buildArtifacts(&ps, env)
	}
	hide := j.secretValues(values, leaves)
	env.Warnings = hide.all(env.Warnings)
	if err := hide.problems(&ps).Err(fmt.Sprintf("config of stack %q", stack)); err != nil {
		return nil, err
	}
	return env, nil
}

// decodeConfig turns the flat values into a Config, recording unknown keys and values
// of the wrong type. The value of a key that holds secrets is never repeated.
func decodeConfig(ps *validate.Problems, values map[string]string, j judge) *Config {
	cfg := &Config{}
	fields := validate.FieldsOf(reflect.TypeOf(*cfg))
	known := make([]string, 0, len(fields))
	for name := range fields {
		known = append(known, name)
	}
	keys := make([]string, 0, len(values))
	for k := range values {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, key := range keys {
		ns, name, found := strings.Cut(key, ":")
		if !found || ns != Namespace {
			continue
		}
		idx, ok := fields[name]
		if !ok {
			ps.Add(key, "unknown key", validate.UnknownHint(name, known))
			continue
		}
		field := reflect.ValueOf(cfg).Elem().FieldByIndex(idx)
		hidden := j.holdsSecret(key) || validate.HoldsSecret(field.Type())
		if j.encrypted[key] && isComposite(field.Kind()) {
			// On the pulumi up path this value is the decrypted text, on the plan
			// path a placeholder: refuse it the same way on both.
			ps.Add(key, "is encrypted as one value, but holds a structure",
				fmt.Sprintf("write %s as YAML structure and encrypt only its secrets: pulumi config set --secret --path '%s.<path>' <value>", key, name))
			continue
		}
		raw, ok := rawValue(ps, key, values[key], field.Kind(), hidden)
		if ok {
			if hidden {
				validate.DecodeHidden(ps, key, raw, field.Addr().Interface())
			} else {
				validate.Decode(ps, key, raw, field.Addr().Interface())
			}
		}
	}
	return cfg
}

func isComposite(k reflect.Kind) bool {
	return k == reflect.Struct || k == reflect.Slice || k == reflect.Map || k == reflect.Interface
}

// rawValue turns one Pulumi config string into the shape its field expects: JSON for
// objects and lists, a finite number or a boolean for scalars of those kinds. With
// hidden, a message never repeats the value.
func rawValue(ps *validate.Problems, key, s string, kind reflect.Kind, hidden bool) (any, bool) {
	got := func() string {
		if hidden {
			return "a string (not shown: the key holds a secret)"
		}
		return fmt.Sprintf("string %q", s)
	}
	switch kind {
	case reflect.Struct, reflect.Slice, reflect.Map, reflect.Interface:
		var raw any
		if err := json.Unmarshal([]byte(s), &raw); err != nil {
			want := "a mapping"
			if kind == reflect.Slice {
				want = "a list"
			}
			ps.Addf(key, "write it as YAML structure in the stack file, or use `pulumi config set --path`", "must be %s, got %s", want, got())
			return nil, false
		}
		return raw, true
	case reflect.Int, reflect.Float64:
		if s == "" {
			return nil, true
		}
		f, err := strconv.ParseFloat(s, 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			ps.Addf(key, "write the number without quotes", "must be a number, got %s", got())
			return nil, false
		}
		return f, true
	case reflect.Bool:
		b, err := strconv.ParseBool(s)
		if err != nil {
			ps.Addf(key, "", "must be true or false, got %s", got())
			return nil, false
		}
		return b, true
	}
	return s, true
}

// checkAllowedAccounts holds aws:allowedAccountIds, when set, to include the stack's
// account: the provider would refuse to run otherwise, halfway through an update.
func checkAllowedAccounts(ps *validate.Problems, raw, account string) {
	if raw == "" || account == "" {
		return
	}
	var allowed []string
	if err := json.Unmarshal([]byte(raw), &allowed); err != nil {
		ps.Addf(AllowedAccountsKey, "for example [\"123456789012\"]", "must be a list of account IDs, got %q", raw)
		return
	}
	for _, a := range allowed {
		if a == account {
			return
		}
	}
	ps.Addf(AllowedAccountsKey, "make vigil:accountId and aws:allowedAccountIds name the same account",
		"does not include vigil:accountId %s (allows %s)", account, strings.Join(allowed, ", "))
}

// judge decides whether a secret is stored as one, the same way on both paths.
type judge struct {
	// secretKeys are the keys Pulumi holds as secrets (all of a key's values, as soon
	// as one is encrypted).
	secretKeys map[string]bool
	// encrypted are the paths the stack file holds encrypted; nil when unknown.
	encrypted map[string]bool
}

// stored reports whether the value at path is stored as a secret: encrypted in the
// stack file itself or as part of an encrypted parent, or, when the stack file is not
// known, under a key Pulumi holds as secret.
func (j judge) stored(path string) bool {
	if j.encrypted == nil {
		return j.secretKeys[keyOf(path)]
	}
	for p, ok := path, true; ok; p, ok = parentPath(p) {
		if j.encrypted[p] {
			return true
		}
	}
	return false
}

// holdsSecret reports whether Pulumi holds key as secret or the file encrypts a value
// under it.
func (j judge) holdsSecret(key string) bool {
	if j.secretKeys[key] {
		return true
	}
	for p := range j.encrypted {
		if keyOf(p) == key {
			return true
		}
	}
	return false
}

// keyOf is the config key of a path: "vigil:notifications" of
// "vigil:notifications.high.webhooks[0]".
func keyOf(path string) string {
	ns, rest, _ := strings.Cut(path, ":")
	if i := strings.IndexAny(rest, ".["); i >= 0 {
		rest = rest[:i]
	}
	return ns + ":" + rest
}

// parentPath strips the last step of a path; false when path is a key.
func parentPath(path string) (string, bool) {
	colon := strings.Index(path, ":")
	i := strings.LastIndexAny(path, ".[")
	if i <= colon {
		return "", false
	}
	return path[:i], true
}

// secretLeaf is a non-empty value of type Secret in the decoded config.
type secretLeaf struct {
	key, path string
	value     Secret
}

var secretType = reflect.TypeOf(Secret(""))

// secretLeaves finds every non-empty Secret under v, with its config path.
func secretLeaves(path string, v reflect.Value) []secretLeaf {
	switch {
	case v.Type() == secretType:
		if v.String() == "" {
			return nil
		}
		return []secretLeaf{{key: keyOf(path), path: path, value: Secret(v.String())}}
	case v.Kind() == reflect.Pointer:
		if v.IsNil() {
			return nil
		}
		return secretLeaves(path, v.Elem())
	case v.Kind() == reflect.Slice:
		var out []secretLeaf
		for i := 0; i < v.Len(); i++ {
			out = append(out, secretLeaves(fmt.Sprintf("%s[%d]", path, i), v.Index(i))...)
		}
		return out
	case v.Kind() == reflect.Map:
		var out []secretLeaf
		iter := v.MapRange()
		for iter.Next() {
			out = append(out, secretLeaves(fmt.Sprintf("%s.%v", path, iter.Key()), iter.Value())...)
		}
		return out
	case v.Kind() == reflect.Struct:
		var out []secretLeaf
		sep := "."
		if strings.HasSuffix(path, ":") {
			sep = ""
		}
		for name, idx := range validate.FieldsOf(v.Type()) {
			out = append(out, secretLeaves(path+sep+name, v.FieldByIndex(idx))...)
		}
		sort.Slice(out, func(i, k int) bool { return out[i].path < out[k].path })
		return out
	}
	return nil
}

// minHidden is the length below which a value is not hidden from messages: replacing
// every "on" or "dev" would garble them, and no secret is that short.
const minHidden = 4

// hider replaces secret values in messages by SecretPlaceholder.
type hider struct{ values []string }

// secretValues gathers what no message may hold: every secret, and every string
// value of a key that holds a secret.
func (j judge) secretValues(values map[string]string, leaves []secretLeaf) hider {
	keys := map[string]bool{}
	var out []string
	for _, l := range leaves {
		keys[l.key] = true
		out = append(out, l.value.Reveal())
	}
	for k := range values {
		if keys[k] || j.holdsSecret(k) {
			out = append(out, values[k])
			var raw any
			if json.Unmarshal([]byte(values[k]), &raw) == nil {
				out = append(out, stringsIn(raw)...)
			}
		}
	}
	var h hider
	for _, s := range out {
		if len(s) >= minHidden && s != SecretPlaceholder {
			h.values = append(h.values, s)
		}
	}
	// Longest first, so that a value holding another is hidden whole.
	sort.Slice(h.values, func(a, b int) bool { return len(h.values[a]) > len(h.values[b]) })
	return h
}

func stringsIn(raw any) []string {
	switch x := raw.(type) {
	case string:
		return []string{x}
	case []any:
		var out []string
		for _, e := range x {
			out = append(out, stringsIn(e)...)
		}
		return out
	case map[string]any:
		var out []string
		for _, e := range x {
			out = append(out, stringsIn(e)...)
		}
		return out
	}
	return nil
}

func (h hider) hide(s string) string {
	for _, v := range h.values {
		s = strings.ReplaceAll(s, v, SecretPlaceholder)
	}
	return s
}

func (h hider) all(lines []string) []string {
	if len(h.values) == 0 || lines == nil {
		return lines
	}
	out := make([]string, len(lines))
	for i, l := range lines {
		out[i] = h.hide(l)
	}
	return out
}

// problems returns ps with every secret hidden.
func (h hider) problems(ps *validate.Problems) *validate.Problems {
	if len(h.values) == 0 {
		return ps
	}
	var out validate.Problems
	for _, p := range ps.List() {
		out.Add(h.hide(p.Path), h.hide(p.Message), h.hide(p.Hint))
	}
	return &out
}
