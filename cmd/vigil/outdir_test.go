package main

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// tree lists the files under dir with their content.
func tree(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		if d.Type()&fs.ModeSymlink != 0 {
			target, err := os.Readlink(p)
			out[filepath.ToSlash(rel)] = "-> " + target
			return err
		}
		b, err := os.ReadFile(p)
		out[filepath.ToSlash(rel)] = string(b)
		return err
	})
	require.NoError(t, err)
	return out
}

func keys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// planFiles is what --out should hold for the dev stack of dir: the manifest, the
// inventory, the summary and each artifact the plan lists, sorted.
func planFiles(t *testing.T, dir string) []string {
	t.Helper()
	code, stdout, stderr := vigil("plan", "--stack", "dev", "--dir", dir, "--json")
	require.Equal(t, 0, code, stderr)
	var s Summary
	require.NoError(t, json.Unmarshal([]byte(stdout), &s))
	files := []string{ManifestFile, "inventory.json", "summary.txt"}
	for _, a := range s.Artifacts {
		files = append(files, a.Path)
	}
	sort.Strings(files)
	require.Contains(t, files, "prometheus/rules/slos.rules.yaml", "the sample plan has SLO rules")
	return files
}

func TestOutHoldsExactlyThePlansFilesAndAManifestOfThem(t *testing.T) {
	out := filepath.Join(t.TempDir(), "nested", "plan")
	code, stdout, stderr := vigil("plan", "--stack", "dev", "--dir", projectDir, "--out", out)
	require.Equal(t, 0, code, stderr)
	files := tree(t, out)
	want := planFiles(t, projectDir)
	assert.Equal(t, want, keys(files))
	var m Manifest
	require.NoError(t, json.Unmarshal([]byte(files[ManifestFile]), &m))
	assert.Equal(t, Manifest{WrittenBy: "vigil plan", Stack: "dev", Files: want[1:]}, m)
	assert.Contains(t, stdout, fmt.Sprintf("\nWrote %d files into %s.\n", len(want)-1, out))
	left, err := filepath.Glob(filepath.Join(filepath.Dir(out), ".*"))
	require.NoError(t, err)
	assert.Empty(t, left, "no temporary folder is left beside the target")

	code, stdout, stderr = vigil("plan", "--stack", "dev", "--dir", projectDir, "--out", out, "--json")
	require.Equal(t, 0, code, stderr)
	var s Summary
	require.NoError(t, json.Unmarshal([]byte(stdout), &s))
	require.NotNil(t, s.Out)
	assert.Equal(t, OutReport{Folder: out, Files: want[1:], Removed: []string{}, Foreign: []string{}}, *s.Out)
}

func TestAPlanWithoutSLOsRemovesTheStaleSLORulesOfThePreviousPlan(t *testing.T) {
	dir := brokenProject(t, func(s string) string {
		return strings.Replace(s, "  vigil:sloFiles:\n    - slos/reservations.yaml\n", "", 1)
	})
	out := t.TempDir()
	code, _, stderr := vigil("plan", "--stack", "dev", "--dir", projectDir, "--out", out)
	require.Equal(t, 0, code, stderr)
	require.Contains(t, tree(t, out), "prometheus/rules/slos.rules.yaml")
	code, stdout, stderr := vigil("plan", "--stack", "dev", "--dir", dir, "--out", out)
	require.Equal(t, 0, code, stderr)
	files := tree(t, out)
	// Without SLOs there are no SLO rules and no SLO dashboard.
	stale := []string{"grafana/dashboards/slo.json", "prometheus/rules/slos.rules.yaml"}
	for _, f := range stale {
		assert.NotContains(t, files, f)
	}
	var want []string
	for _, f := range planFiles(t, projectDir) {
		if !slices.Contains(stale, f) {
			want = append(want, f)
		}
	}
	assert.Equal(t, want, keys(files))
	assert.Contains(t, stdout, "removed 2 files of the previous plan (grafana/dashboards/slo.json, prometheus/rules/slos.rules.yaml)")
}

func TestAFailedPlanLeavesThePreviousPlanUntouched(t *testing.T) {
	out := t.TempDir()
	code, _, stderr := vigil("plan", "--stack", "dev", "--dir", projectDir, "--out", out)
	require.Equal(t, 0, code, stderr)
	before := tree(t, out)
	dir := brokenProject(t, func(s string) string { return strings.Replace(s, "vigil:tier: dev", "vigil:tier: staging", 1) })
	code, _, stderr = vigil("plan", "--stack", "dev", "--dir", dir, "--out", out)
	assert.Equal(t, 1, code)
	assert.Contains(t, stderr, "Nothing was written.")
	assert.Equal(t, before, tree(t, out))
}

func TestFilesVigilDidNotWriteAreLeftAloneAndListed(t *testing.T) {
	out := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(out, "NOTES.md"), []byte("mine"), 0o644))
	require.NoError(t, os.MkdirAll(filepath.Join(out, "prometheus", "rules"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(out, "prometheus", "rules", "team.rules.yaml"), []byte("groups: []\n"), 0o644))
	for i := 0; i < 2; i++ { // the second plan replaces the first one's files
		code, stdout, stderr := vigil("plan", "--stack", "dev", "--dir", projectDir, "--out", out)
		require.Equal(t, 0, code, stderr)
		assert.Contains(t, stdout, "Left alone 2 files vigil did not write: NOTES.md, prometheus/rules/team.rules.yaml.")
	}
	files := tree(t, out)
	assert.Equal(t, "mine", files["NOTES.md"])
	assert.Equal(t, "groups: []\n", files["prometheus/rules/team.rules.yaml"])
	assert.Len(t, files, len(planFiles(t, projectDir))+2)
}

func TestSomethingVigilDidNotWriteInTheWayFailsAndWritesNothing(t *testing.T) {
	for _, tc := range []struct {
		name, want string
		setup      func(t *testing.T, out string)
	}{
		{"A file where a folder goes", "prometheus is a file vigil did not write, in the way of prometheus/rules/catalog.rules.yaml", func(t *testing.T, out string) {
			require.NoError(t, os.WriteFile(filepath.Join(out, "prometheus"), []byte("mine"), 0o644))
		}},
		{"A folder where a file goes", "summary.txt is a folder vigil did not write, in the way of summary.txt", func(t *testing.T, out string) {
			require.NoError(t, os.MkdirAll(filepath.Join(out, "summary.txt", "x"), 0o755))
		}},
		{"A file of the same name", "inventory.json is a file vigil did not write, in the way of inventory.json", func(t *testing.T, out string) {
			require.NoError(t, os.WriteFile(filepath.Join(out, "inventory.json"), []byte("mine"), 0o644))
		}},
		{"A link where a folder goes", "alertmanager is a link vigil did not write", func(t *testing.T, out string) {
			require.NoError(t, os.Symlink(t.TempDir(), filepath.Join(out, "alertmanager")))
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := t.TempDir()
			tc.setup(t, out)
			before := tree(t, out)
			code, stdout, stderr := vigil("plan", "--stack", "dev", "--dir", projectDir, "--out", out)
			assert.Equal(t, 1, code)
			assert.Empty(t, stdout)
			assert.Contains(t, stderr, tc.want)
			assert.Contains(t, stderr, "nothing was written")
			assert.Equal(t, before, tree(t, out))
			left, _ := filepath.Glob(filepath.Join(filepath.Dir(out), "."+filepath.Base(out)+".vigil-*"))
			assert.Empty(t, left)
		})
	}
	file := filepath.Join(t.TempDir(), "plan")
	require.NoError(t, os.WriteFile(file, []byte("mine"), 0o644))
	code, _, stderr := vigil("plan", "--stack", "dev", "--dir", projectDir, "--out", file)
	assert.Equal(t, 1, code)
	assert.Contains(t, stderr, "--out "+file+" is a file, not a folder")
	b, _ := os.ReadFile(file)
	assert.Equal(t, "mine", string(b))
}

func TestAFileThePreviousPlanWroteMayBecomeAFolder(t *testing.T) {
	for _, foreign := range []bool{false, true} {
		out := t.TempDir()
		// A previous plan whose manifest lists "prometheus" as a file.
		require.NoError(t, os.WriteFile(filepath.Join(out, "prometheus"), []byte("old"), 0o644))
		m, _ := json.Marshal(Manifest{WrittenBy: "vigil plan", Stack: "dev", Files: []string{"prometheus", "old/old.txt"}})
		require.NoError(t, os.WriteFile(filepath.Join(out, ManifestFile), m, 0o644))
		require.NoError(t, os.MkdirAll(filepath.Join(out, "old"), 0o755))
		require.NoError(t, os.WriteFile(filepath.Join(out, "old", "old.txt"), []byte("old"), 0o644))
		if foreign {
			require.NoError(t, os.WriteFile(filepath.Join(out, "NOTES.md"), []byte("mine"), 0o644))
		}
		code, _, stderr := vigil("plan", "--stack", "dev", "--dir", projectDir, "--out", out)
		require.Equal(t, 0, code, stderr)
		files := tree(t, out)
		assert.Contains(t, files, "prometheus/rules/catalog.rules.yaml", "foreign files: %v", foreign)
		assert.NotContains(t, files, "old/old.txt")
		_, err := os.Stat(filepath.Join(out, "old"))
		assert.True(t, os.IsNotExist(err), "the folder the stale file leaves empty goes too")
		assert.Equal(t, foreign, files["NOTES.md"] == "mine")
	}
}

func TestValidName(t *testing.T) {
	for name, want := range map[string]bool{
		"summary.txt": true, "prometheus/rules/a.yaml": true,
		"": false, "/etc/x": false, "../x": false, "..": false, "a/../b": false, "a//b": false, "a\\b": false, ManifestFile: false,
	} {
		assert.Equal(t, want, validName(name), name)
	}
}

func TestOutThroughALinkWritesIntoTheFolderItNames(t *testing.T) {
	target := t.TempDir()
	link := filepath.Join(t.TempDir(), "plan")
	require.NoError(t, os.Symlink(target, link))
	for i := 0; i < 2; i++ {
		code, _, stderr := vigil("plan", "--stack", "dev", "--dir", projectDir, "--out", link)
		require.Equal(t, 0, code, stderr)
	}
	info, err := os.Lstat(link)
	require.NoError(t, err)
	assert.True(t, info.Mode()&fs.ModeSymlink != 0, "the link stays a link")
	assert.Equal(t, planFiles(t, projectDir), keys(tree(t, target)))
}

func TestSwapReplacesAFolderWholeAndLeavesNoTemporaryFolder(t *testing.T) {
	parent := t.TempDir()
	out, tmp := filepath.Join(parent, "out"), filepath.Join(parent, ".out.tmp")
	require.NoError(t, os.MkdirAll(filepath.Join(out, "old"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(out, "old", "a.txt"), []byte("old"), 0o644))
	require.NoError(t, os.MkdirAll(tmp, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(tmp, "b.txt"), []byte("new"), 0o644))
	require.NoError(t, swap(tmp, out))
	assert.Equal(t, map[string]string{"b.txt": "new"}, tree(t, out))
	entries, err := os.ReadDir(parent)
	require.NoError(t, err)
	assert.Len(t, entries, 1, "only out is left")
}
