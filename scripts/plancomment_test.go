package scripts

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fakeVigil stands for `go run ./cmd/vigil`: it prints a summary naming the stack and
// the flags it got, writes a file to --out, and fails for the stack named broken, as
// vigil plan does for an invalid config.
const fakeVigil = `#!/bin/sh
while [ $# -gt 0 ]; do
	case "$1" in
	--stack) stack=$2; shift 2 ;;
	--out) out=$2; shift 2 ;;
	--dir) dir=$2; shift 2 ;;
	*) shift ;;
	esac
done
if [ "$stack" = broken ]; then
	echo "vigil plan: invalid config of stack \"broken\" (1 problem):" >&2
	echo "  vigil:tier: is required" >&2
	exit 1
fi
mkdir -p "$out" && echo inventory >"$out/inventory.json"
echo "vigil plan: stack $stack of project vigil (dir $dir)"
echo "Resources: 14 to create"
`

func planComment(t *testing.T, stacks ...string) (dir, out, stdout string, err error) {
	t.Helper()
	dir = t.TempDir()
	out = filepath.Join(t.TempDir(), "plan")
	for _, s := range stacks {
		require.NoError(t, os.WriteFile(filepath.Join(dir, "Pulumi."+s+".yaml"), []byte("config: {}\n"), 0o644))
	}
	require.NoError(t, os.WriteFile(filepath.Join(dir, "Pulumi.yaml"), []byte("name: vigil\n"), 0o644))
	vigil := filepath.Join(t.TempDir(), "vigil")
	require.NoError(t, os.WriteFile(vigil, []byte(fakeVigil), 0o755))
	cmd := exec.Command("bash", "plan-comment.sh", "--dir", dir, "--out", out)
	cmd.Env = append(os.Environ(), "VIGIL="+vigil)
	b, err := cmd.CombinedOutput()
	return dir, out, string(b), err
}

func TestPlanCommentPlansEveryStackIntoOneComment(t *testing.T) {
	dir, out, stdout, err := planComment(t, "dev", "prod")
	require.NoError(t, err, stdout)
	assert.Contains(t, stdout, "plan-comment: 2 stacks planned")
	comment, err := os.ReadFile(filepath.Join(out, "comment.md"))
	require.NoError(t, err)
	assert.Equal(t, "<!-- vigil-plan -->\n## vigil plan\n\n"+
		"What each stack would create, planned offline by `vigil plan` (no cloud, no credentials).\n"+
		"\n<details><summary>Stack <code>dev</code> plans</summary>\n\n```\n"+
		"vigil plan: stack dev of project vigil (dir "+dir+")\nResources: 14 to create\n```\n</details>\n"+
		"\n<details><summary>Stack <code>prod</code> plans</summary>\n\n```\n"+
		"vigil plan: stack prod of project vigil (dir "+dir+")\nResources: 14 to create\n```\n</details>\n",
		string(comment))
	for _, s := range []string{"dev", "prod"} {
		assert.FileExists(t, filepath.Join(out, s, "inventory.json"), "the artifacts of %s", s)
	}
}

func TestPlanCommentShowsAFailedPlanOpenAndFailsAfterTheWholeComment(t *testing.T) {
	_, out, stdout, err := planComment(t, "broken", "dev")
	require.Error(t, err)
	assert.Contains(t, stdout, "plan-comment: 1 of 2 stacks do not plan: broken")
	comment, err := os.ReadFile(filepath.Join(out, "comment.md"))
	require.NoError(t, err)
	assert.Contains(t, string(comment), "<details open><summary>Stack <code>broken</code> **does not plan**</summary>\n\n```\n"+
		"vigil plan: invalid config of stack \"broken\" (1 problem):\n  vigil:tier: is required\n```")
	assert.Contains(t, string(comment), "<summary>Stack <code>dev</code> plans</summary>", "the other stacks are still planned")
	assert.Equal(t, 1, strings.Count(string(comment), "<!-- vigil-plan -->"))
}

func TestPlanCommentWithoutStacksIsAnError(t *testing.T) {
	_, _, stdout, err := planComment(t)
	require.Error(t, err)
	assert.Contains(t, stdout, "plan-comment: no Pulumi.<stack>.yaml in ")
}
