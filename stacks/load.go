package stacks

import (
	"encoding/json"
	"fmt"
	"os"
	"reflect"
	"sort"
	"strconv"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

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
	return FromValues(ctx.Project(), ctx.Stack(), values, secretKeys, InDir(dir))
}

// Option changes how FromValues reads a configuration.
type Option func(*options)

type options struct{ dir string }

// InDir names the project folder, which files named in the config (vigil:sloFiles)
// are relative to. Defaults to the working directory.
func InDir(dir string) Option { return func(o *options) { o.dir = dir } }

// FromValues builds the Environment of a stack from its config values as Pulumi hands
// them to a program: keys namespaced ("vigil:services"), objects and lists encoded as
// JSON, scalars as strings. secretKeys lists the keys Pulumi holds as secrets. Every
// problem is reported in one *validate.Error; keys outside the vigil namespace other
// than aws:region are left to their owners.
func FromValues(project, stack string, values map[string]string, secretKeys []string, opts ...Option) (*Environment, error) {
	o := options{dir: "."}
	for _, opt := range opts {
		opt(&o)
	}
	var ps validate.Problems
	cfg := decodeConfig(&ps, values)
	secret := map[string]bool{}
	for _, k := range secretKeys {
		secret[k] = true
	}
	env := resolve(&ps, project, stack, cfg, values[RegionKey], secret)
	checkAllowedAccounts(&ps, values[AllowedAccountsKey], cfg.AccountID)
	resolveSLOs(&ps, env, cfg.SLOFiles, o.dir)
	if ps.Len() == 0 {
		// Only a valid environment is worth generating from: the generators would
		// repeat the problems already found, in their own words.
		buildArtifacts(&ps, env)
	}
	if err := ps.Err(fmt.Sprintf("config of stack %q", stack)); err != nil {
		return nil, err
	}
	return env, nil
}

// decodeConfig turns the flat values into a Config, recording unknown keys and values
// of the wrong type.
func decodeConfig(ps *validate.Problems, values map[string]string) *Config {
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
		raw, ok := rawValue(ps, key, values[key], field.Kind())
		if ok {
			validate.Decode(ps, key, raw, field.Addr().Interface())
		}
	}
	return cfg
}

// rawValue turns one Pulumi config string into the shape its field expects: JSON for
// objects and lists, a number or boolean for scalars of those kinds.
func rawValue(ps *validate.Problems, key, s string, kind reflect.Kind) (any, bool) {
	switch kind {
	case reflect.Struct, reflect.Slice, reflect.Map, reflect.Interface:
		var raw any
		if err := json.Unmarshal([]byte(s), &raw); err != nil {
			want := "a mapping"
			if kind == reflect.Slice {
				want = "a list"
			}
			ps.Addf(key, "write it as YAML structure in the stack file, or use `pulumi config set --path`", "must be %s, got string %q", want, s)
			return nil, false
		}
		return raw, true
	case reflect.Int, reflect.Float64:
		if s == "" {
			return nil, true
		}
		f, err := strconv.ParseFloat(s, 64)
		if err != nil {
			ps.Addf(key, "write the number without quotes", "must be a number, got string %q", s)
			return nil, false
		}
		return f, true
	case reflect.Bool:
		b, err := strconv.ParseBool(s)
		if err != nil {
			ps.Addf(key, "", "must be true or false, got %q", s)
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
