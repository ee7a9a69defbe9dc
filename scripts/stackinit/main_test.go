package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"
)

func TestStripRemovesEverySecureValueAndListsItsPath(t *testing.T) {
	for name, tc := range map[string]struct {
		in, out string
		paths   []string
	}{
		"A secure value of a map key is removed, with the key.": {
			in:    "config:\n  vigil:notifications:\n    critical:\n      emails:\n        - a@example.com\n      pagerduty:\n        secure: v1:abc\n",
			out:   "config:\n  vigil:notifications:\n    critical:\n      emails:\n        - a@example.com\n",
			paths: []string{"notifications.critical.pagerduty"},
		},
		"A list of secrets is removed whole and set again from index 0.": {
			in:    "config:\n  vigil:hooks:\n    - secure: v1:a\n    - secure: v1:b\n  vigil:tier: dev\n",
			out:   "config:\n  vigil:tier: dev\n",
			paths: []string{"hooks[0]", "hooks[1]"},
		},
		"Secrets of a list come back after the items that stay.": {
			in:    "config:\n  vigil:hooks:\n    - secure: v1:a\n    - https://plain.example.com\n    - secure: v1:b\n",
			out:   "config:\n  vigil:hooks:\n    - https://plain.example.com\n",
			paths: []string{"hooks[1]", "hooks[2]"},
		},
		"A map that only held secrets goes too, up to the top.": {
			in:    "config:\n  vigil:notifications:\n    high:\n      pagerduty:\n        secure: v1:a\n      webhooks:\n        - secure: v1:b\n  vigil:tier: prod\n",
			out:   "config:\n  vigil:tier: prod\n",
			paths: []string{"notifications.high.pagerduty", "notifications.high.webhooks[0]"},
		},
		"A secret inside a list item keeps the item's index.": {
			in:    "config:\n  vigil:services:\n    - name: api\n    - name: web\n      token:\n        secure: v1:a\n",
			out:   "config:\n  vigil:services:\n    - name: api\n    - name: web\n",
			paths: []string{"services[1].token"},
		},
		"A top-level secret of the project loses its namespace, another keeps it.": {
			in:    "config:\n  vigil:grafanaPassword:\n    secure: v1:a\n  aws:secretKey:\n    secure: v1:b\n",
			out:   "config: {}\n",
			paths: []string{"grafanaPassword", "aws:secretKey"},
		},
		"Keys a bare path cannot hold are quoted.": {
			in:    "config:\n  vigil:tags:\n    vigil:owner:\n      secure: v1:a\n    cost.center:\n      secure: v1:b\n    plain: x\n",
			out:   "config:\n  vigil:tags:\n    plain: x\n",
			paths: []string{`tags["vigil:owner"]`, `tags["cost.center"]`},
		},
		"A map named secure with more keys is not a secret.": {
			in:    "config:\n  vigil:x:\n    secure: yes\n    other: 1\n",
			out:   "config:\n  vigil:x:\n    secure: yes\n    other: 1\n",
			paths: nil,
		},
		"An empty map or list in the sample stays as it is.": {
			in:    "config:\n  vigil:tags: {}\n  vigil:hosts: []\n",
			out:   "config:\n  vigil:tags: {}\n  vigil:hosts: []\n",
			paths: nil,
		},
		"The source stack's own encryption settings are dropped.": {
			in:    "secretsprovider: awskms://alias/x\nencryptedkey: AQICAH\nencryptionsalt: v1:salt\nconfig:\n  vigil:tier: dev\n",
			out:   "config:\n  vigil:tier: dev\n",
			paths: nil,
		},
	} {
		t.Run(name, func(t *testing.T) {
			res, err := Strip([]byte(tc.in), Options{Project: "vigil"})
			require.NoError(t, err)
			assert.Equal(t, tc.out, string(res.File))
			assert.Equal(t, tc.paths, res.Paths)
		})
	}
}

func TestAnAccountIDReplacesTheSamplesWhereItStandsAlone(t *testing.T) {
	in := "config:\n  aws:allowedAccountIds:\n    - \"210987654321\"\n  vigil:accountId: \"210987654321\"\n" +
		"  vigil:roles:\n    - arn:aws:iam::210987654321:role/x\n  vigil:note: \"92109876543210 and 2109876543219\"\n"
	res, err := Strip([]byte(in), Options{Project: "vigil", Account: "111122223333"})
	require.NoError(t, err)
	assert.Equal(t, "config:\n  aws:allowedAccountIds:\n    - \"111122223333\"\n  vigil:accountId: \"111122223333\"\n"+
		"  vigil:roles:\n    - arn:aws:iam::111122223333:role/x\n  vigil:note: \"92109876543210 and 2109876543219\"\n", string(res.File),
		"the ID inside a longer number is another number")

	for _, bad := range []string{"12345678901", "1234567890123", "12345678901a"} {
		_, err := Strip([]byte(in), Options{Project: "vigil", Account: bad})
		assert.EqualError(t, err, `account "`+bad+`" is not a 12-digit AWS account ID`)
	}
}

func TestAStackFileThatIsAlreadyRealIsNotRewrittenInPlace(t *testing.T) {
	for _, key := range stackKeys {
		in := key + ": v1:x\nconfig:\n  vigil:hook:\n    secure: v1:real\n"
		_, err := Strip([]byte(in), Options{Project: "vigil", InPlace: true})
		assert.EqualError(t, err, "has "+key+": it is already a real stack's file, whose secrets are real; nothing was changed")
		res, err := Strip([]byte(in), Options{Project: "vigil"})
		require.NoError(t, err, "a copy to another stack is fine: its ciphertexts are useless there")
		assert.Equal(t, []string{"hook"}, res.Paths)
	}
}

func TestNotAStackFileIsAnError(t *testing.T) {
	_, err := Strip([]byte("- a\n- b\n"), Options{Project: "vigil"})
	assert.EqualError(t, err, "a stack file is a YAML mapping")
	_, err = Strip([]byte("config: [\n"), Options{Project: "vigil"})
	assert.Error(t, err)
}

// The samples of this repository, whatever they hold today: every secure value goes,
// everything else stays, and the paths are the secrets' paths.
func TestTheSampleStacksComeOutWithoutCiphertextsAndOtherwiseTheSame(t *testing.T) {
	for _, sample := range []string{"../../Pulumi.dev.yaml", "../../Pulumi.prod.yaml"} {
		t.Run(filepath.Base(sample), func(t *testing.T) {
			src, err := os.ReadFile(sample)
			require.NoError(t, err)
			res, err := Strip(src, Options{Project: "vigil", Source: filepath.Base(sample)})
			require.NoError(t, err)
			secure := regexp.MustCompile(`(?m)^\s*(- )?secure: `)
			assert.NotRegexp(t, secure, string(res.File))
			assert.Len(t, res.Paths, len(secure.FindAllString(string(src), -1)), "one path per ciphertext")
			assert.True(t, strings.HasPrefix(string(res.File), "# Made from "+filepath.Base(sample)+" by scripts/init-stack.sh"))

			var before, after map[string]any
			require.NoError(t, yaml.Unmarshal(src, &before))
			require.NoError(t, yaml.Unmarshal(res.File, &after))
			assert.Equal(t, withoutSecure(before), after)
		})
	}
}

// withoutSecure removes {secure: ...} values, and what they leave empty, from plain
// decoded YAML: an independent statement of what Strip does to the data.
func withoutSecure(v any) any {
	switch x := v.(type) {
	case map[string]any:
		if _, ok := x["secure"]; ok && len(x) == 1 {
			return nil
		}
		out := map[string]any{}
		for k, e := range x {
			if s := withoutSecure(e); s != nil {
				out[k] = s
			}
		}
		if len(out) == 0 && len(x) > 0 {
			return nil
		}
		return out
	case []any:
		var out []any
		for _, e := range x {
			if s := withoutSecure(e); s != nil {
				out = append(out, s)
			}
		}
		if len(out) == 0 && len(x) > 0 {
			return nil
		}
		return out
	}
	return v
}

// README's "Using it for real" lists the secrets init-stack sets for each sample; the
// list must be what the samples hold today.
func TestTheReadmeListsTheSecretsOfEachSample(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	require.NoError(t, err)
	listed := map[string][]string{}
	sample := ""
	command := regexp.MustCompile(`^pulumi config set --stack staging --secret --path '([^']+)'`)
	for _, line := range strings.Split(string(readme), "\n") {
		if s, ok := strings.CutPrefix(line, "# SAMPLE="); ok {
			sample = s
			continue
		}
		if line == "```" {
			sample = ""
		}
		if m := command.FindStringSubmatch(line); m != nil && sample != "" {
			listed[sample] = append(listed[sample], m[1])
		}
	}
	require.NotEmpty(t, listed, "README has no # SAMPLE= lists")
	for _, s := range []string{"dev", "prod"} {
		src, err := os.ReadFile("../../Pulumi." + s + ".yaml")
		require.NoError(t, err)
		res, err := Strip(src, Options{Project: "vigil"})
		require.NoError(t, err)
		assert.Equal(t, res.Paths, listed[s], "README's list for SAMPLE=%s", s)
	}
}
