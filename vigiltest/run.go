package vigiltest

import (
	"sort"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// The defaults of Run. The account and region are made up, and valid.
const (
	DefaultProject = "vigiltest"
	DefaultStack   = "test"
	DefaultAccount = "123456789012"
	DefaultRegion  = "eu-west-1"
)

// Option changes how Run runs a program.
type Option func(*settings)

type settings struct {
	project, stack, account, region string
	config                          map[string]string
	secretKeys                      map[string]bool
	preview                         bool
}

// WithProject sets the project name, part of every URN and the namespace of config
// keys given without one. Defaults to DefaultProject.
func WithProject(name string) Option { return func(s *settings) { s.project = name } }

// WithStack sets the stack name, as ctx.Stack() returns it. Defaults to DefaultStack.
func WithStack(name string) Option { return func(s *settings) { s.stack = name } }

// WithAccount sets the 12-digit AWS account the cloud answers as, in ARNs and
// aws.getCallerIdentity. Defaults to DefaultAccount.
func WithAccount(id string) Option { return func(s *settings) { s.account = id } }

// WithRegion sets the AWS region the cloud answers as. Defaults to DefaultRegion.
func WithRegion(region string) Option { return func(s *settings) { s.region = region } }

// WithConfig sets a stack config value, as `pulumi config set key value` would. A key
// without a namespace ("team") belongs to the project ("<project>:team"); values of
// structured keys are JSON, as Pulumi passes them ({"a":1}, ["x","y"]). Defaults to no
// config.
func WithConfig(key, value string) Option {
	return func(s *settings) { s.config[key] = value; delete(s.secretKeys, key) }
}

// WithSecretConfig sets a secret config value, as `pulumi config set --secret` would:
// config.RequireSecret and friends return it as a secret output, and it reaches the
// resources as a secret, which Plain and Input mask.
func WithSecretConfig(key, value string) Option {
	return func(s *settings) { s.config[key] = value; s.secretKeys[key] = true }
}

// WithPreview runs the program as `pulumi preview` does (ctx.DryRun() is true)
// rather than as `pulumi up`. Defaults to up.
func WithPreview() Option { return func(s *settings) { s.preview = true } }

// Run runs program under Pulumi's mock engine against a new Cloud and returns the
// Cloud, holding every resource the program registered, and the program's error (or
// the engine's, such as a resource registered twice). Resources registered before an
// error are kept.
func Run(program pulumi.RunFunc, opts ...Option) (*Cloud, error) {
	s := settings{
		project: DefaultProject, stack: DefaultStack, account: DefaultAccount, region: DefaultRegion,
		config: map[string]string{}, secretKeys: map[string]bool{},
	}
	for _, o := range opts {
		o(&s)
	}
	cloud := New(s.project, s.stack, s.account, s.region)
	err := pulumi.RunErr(program, pulumi.WithMocks(s.project, s.stack, cloud), s.runInfo)
	return cloud, err
}

// runInfo hands the config to the engine with every key namespaced.
func (s *settings) runInfo(info *pulumi.RunInfo) {
	info.Config = map[string]string{}
	info.ConfigSecretKeys = nil
	info.DryRun = s.preview
	for k, v := range s.config {
		full := s.fullKey(k)
		info.Config[full] = v
		if s.secretKeys[k] {
			info.ConfigSecretKeys = append(info.ConfigSecretKeys, full)
		}
	}
	sort.Strings(info.ConfigSecretKeys)
}

func (s *settings) fullKey(k string) string {
	if strings.Contains(k, ":") {
		return k
	}
	return s.project + ":" + k
}
