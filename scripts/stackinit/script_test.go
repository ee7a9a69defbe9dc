package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The sample of these tests: a pagerduty secret, a list of two webhooks and a secret
// inside a list item, and the made-up account in three places.
const sample = `# A sample.
config:
  aws:region: eu-west-1
  aws:allowedAccountIds:
    - "210987654321"
  vigil:tier: prod
  vigil:accountId: "210987654321"
  vigil:publisherRoles:
    - arn:aws:iam::210987654321:role/batch
  vigil:notifications:
    critical:
      emails:
        - oncall@example.com
      pagerduty:
        secure: v1:cGxhY2Vob2xkZXI=:cGxhY2Vob2xkZXI=
    medium:
      webhooks:
        - secure: v1:YQ==:YQ==
        - secure: v1:Yg==:Yg==
  vigil:services:
    - name: api
      token:
        secure: v1:Yw==:Yw==
`

// project makes a folder with a Pulumi.yaml and the sample, as a team's checkout has.
func project(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "Pulumi.yaml"), []byte("name: vigil\nruntime: go\n"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "Pulumi.prod.yaml"), []byte(sample), 0o644))
	return dir
}

// fakePulumi puts a pulumi on PATH that records each call's arguments and working
// directory in log, one call per line: a test double of the CLI, which cannot be
// installed here.
func fakePulumi(t *testing.T, log string) string {
	t.Helper()
	bin := t.TempDir()
	script := "#!/bin/sh\nprintf '%s|' \"$PWD\" >>" + log + "\nfor a in \"$@\"; do printf '[%s]' \"$a\" >>" + log + "; done\necho >>" + log + "\n"
	require.NoError(t, os.WriteFile(filepath.Join(bin, "pulumi"), []byte(script), 0o755))
	return bin
}

// initStack runs scripts/init-stack.sh with PATH holding only go, and extra folders
// before it.
func initStack(t *testing.T, extraPath string, args ...string) (string, error) {
	t.Helper()
	bash, err := exec.LookPath("bash")
	require.NoError(t, err)
	goBin, err := exec.LookPath("go")
	require.NoError(t, err)
	onlyGo := t.TempDir()
	require.NoError(t, os.Symlink(goBin, filepath.Join(onlyGo, "go")))
	path := onlyGo
	if extraPath != "" {
		path = extraPath + string(os.PathListSeparator) + path
	}
	cmd := exec.Command(bash, append([]string{"../init-stack.sh"}, args...)...)
	cmd.Env = append(os.Environ(), "PATH="+path)
	out, err := cmd.CombinedOutput()
	return string(out), err
}

func TestInitStackRunsEveryPulumiCommandWhenPulumiIsOnPath(t *testing.T) {
	dir := project(t)
	log := filepath.Join(t.TempDir(), "calls")
	out, err := initStack(t, fakePulumi(t, log), "--dir", dir, "--from", "prod", "--account", "111122223333", "--secrets-provider", "awskms://alias/vigil", "staging")
	require.NoError(t, err, out)

	calls, err := os.ReadFile(log)
	require.NoError(t, err)
	assert.Equal(t, strings.Join([]string{
		dir + "|[stack][select][--create][staging][--secrets-provider][awskms://alias/vigil]",
		dir + "|[config][set][--stack][staging][--secret][--path][notifications.critical.pagerduty]",
		dir + "|[config][set][--stack][staging][--secret][--path][notifications.medium.webhooks[0]]",
		dir + "|[config][set][--stack][staging][--secret][--path][notifications.medium.webhooks[1]]",
		dir + "|[config][set][--stack][staging][--secret][--path][services[0].token]",
	}, "\n")+"\n", string(calls), "the exact commands, in order, with no value on the command line")

	written, err := os.ReadFile(filepath.Join(dir, "Pulumi.staging.yaml"))
	require.NoError(t, err)
	assert.NotContains(t, string(written), "secure:")
	assert.NotContains(t, string(written), "210987654321", "the made-up account is replaced")
	assert.Contains(t, string(written), "arn:aws:iam::111122223333:role/batch")
	assert.Contains(t, string(written), "        - oncall@example.com\n", "the rest is kept")
	assert.Contains(t, out, "Wrote Pulumi.staging.yaml from Pulumi.prod.yaml without its 4 placeholder ciphertexts.")

	sampleNow, err := os.ReadFile(filepath.Join(dir, "Pulumi.prod.yaml"))
	require.NoError(t, err)
	assert.Equal(t, sample, string(sampleNow), "the sample is left alone")
}

func TestInitStackPrintsTheCommandsWithoutPulumi(t *testing.T) {
	dir := project(t)
	out, err := initStack(t, "", "--dir", dir, "--from", "prod", "staging")
	require.NoError(t, err, out)
	assert.Contains(t, out, "Run, in "+dir+" (each config set prompts for the secret")
	var commands []string
	for _, line := range strings.Split(out, "\n") {
		if line = strings.TrimSpace(line); strings.HasPrefix(line, "pulumi ") {
			commands = append(commands, strings.TrimSpace(strings.SplitN(line, "#", 2)[0]))
		}
	}
	assert.Equal(t, []string{
		"pulumi stack select --create staging",
		"pulumi config set --stack staging --secret --path 'notifications.critical.pagerduty'",
		"pulumi config set --stack staging --secret --path 'notifications.medium.webhooks[0]'",
		"pulumi config set --stack staging --secret --path 'notifications.medium.webhooks[1]'",
		"pulumi config set --stack staging --secret --path 'services[0].token'",
	}, commands)
	assert.Contains(t, out, "'notifications.critical.pagerduty'    # a PagerDuty integration URL")
	assert.Contains(t, out, "Then replace the sample's made-up account")
}

func TestInitStackPrintsOnlyWithPrintEvenWithPulumi(t *testing.T) {
	dir := project(t)
	log := filepath.Join(t.TempDir(), "calls")
	out, err := initStack(t, fakePulumi(t, log), "--dir", dir, "--from", "prod", "--print", "staging")
	require.NoError(t, err, out)
	assert.NoFileExists(t, log, "pulumi was not called")
	assert.Contains(t, out, "  pulumi stack select --create staging\n")
}

func TestInitStackRefusesWhatWouldLoseWork(t *testing.T) {
	for name, tc := range map[string]struct {
		setup func(dir string)
		args  []string
		want  string
	}{
		"An existing stack file is not overwritten.": {
			setup: func(dir string) {
				os.WriteFile(filepath.Join(dir, "Pulumi.staging.yaml"), []byte("config: {}\n"), 0o644)
			},
			args: []string{"--from", "prod", "staging"},
			want: "Pulumi.staging.yaml exists; pass --force to overwrite it",
		},
		"A sample that is already a real stack is not rewritten in place.": {
			setup: func(dir string) {
				os.WriteFile(filepath.Join(dir, "Pulumi.prod.yaml"), []byte("encryptionsalt: v1:x\n"+sample), 0o644)
			},
			args: []string{"--from", "prod", "prod"},
			want: "has encryptionsalt: it is already a real stack's file",
		},
		"A missing sample is named.": {
			args: []string{"--from", "qa", "staging"},
			want: "no sample ",
		},
		"A stack name with an organization is refused.": {
			args: []string{"--from", "prod", "acme/staging"},
			want: "stack name acme/staging: use letters, digits",
		},
		"A bad account ID is refused.": {
			args: []string{"--from", "prod", "--account", "1234", "staging"},
			want: `account "1234" is not a 12-digit AWS account ID`,
		},
		"An unknown flag is refused.": {
			args: []string{"--form", "prod", "staging"},
			want: "unknown flag --form",
		},
	} {
		t.Run(name, func(t *testing.T) {
			dir := project(t)
			if tc.setup != nil {
				tc.setup(dir)
			}
			log := filepath.Join(t.TempDir(), "calls")
			out, err := initStack(t, fakePulumi(t, log), append([]string{"--dir", dir}, tc.args...)...)
			require.Error(t, err)
			assert.Contains(t, out, tc.want)
			assert.NoFileExists(t, log, "pulumi was not called")
		})
	}
}

func TestInitStackRewritesASampleInPlaceForTheStackOfItsName(t *testing.T) {
	dir := project(t)
	out, err := initStack(t, "", "--dir", dir, "--from", "prod", "prod")
	require.NoError(t, err, out)
	written, err := os.ReadFile(filepath.Join(dir, "Pulumi.prod.yaml"))
	require.NoError(t, err)
	assert.NotContains(t, string(written), "secure:")
	assert.Contains(t, string(written), "# Made from Pulumi.prod.yaml")
}

func TestInitStackOverwritesAnExistingStackFileWithForce(t *testing.T) {
	dir := project(t)
	target := filepath.Join(dir, "Pulumi.staging.yaml")
	require.NoError(t, os.WriteFile(target, []byte("config: {}\n"), 0o644))
	out, err := initStack(t, "", "--dir", dir, "--from", "prod", "--force", "staging")
	require.NoError(t, err, out)
	written, err := os.ReadFile(target)
	require.NoError(t, err)
	assert.Contains(t, string(written), "vigil:tier: prod")
}

func TestWithoutFromTheStacksOwnSampleIsUsedAndOtherwiseDev(t *testing.T) {
	dir := project(t)
	out, err := initStack(t, "", "--dir", dir, "prod")
	require.NoError(t, err, out)
	assert.Contains(t, out, "Wrote Pulumi.prod.yaml from Pulumi.prod.yaml without its 4 placeholder ciphertexts.")

	require.NoError(t, os.WriteFile(filepath.Join(dir, "Pulumi.dev.yaml"), []byte("config:\n  vigil:tier: dev\n"), 0o644))
	out, err = initStack(t, "", "--dir", dir, "staging")
	require.NoError(t, err, out)
	assert.Contains(t, out, "Wrote Pulumi.staging.yaml from Pulumi.dev.yaml without its 0 placeholder ciphertexts.")
	assert.Contains(t, out, "  pulumi stack select --create staging\n")
	assert.NotContains(t, out, "pulumi config set", "a sample without secrets needs none set")
}
