package build_test

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"debug/elf"
	"encoding/base64"
	"encoding/hex"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vigilops/vigil/notifier/build"
)

const moduleRoot = "../.."

// copyTree copies into dst the module's go.mod and go.sum and the non-test Go
// files of every package of the module that the notifier imports: the source a
// build reads, no more.
func copyTree(t *testing.T, dst string) {
	t.Helper()
	list := exec.Command("go", "list", "-deps", "-f",
		`{{if .Module}}{{if eq .Module.Path "github.com/vigilops/vigil"}}{{.Dir}}{{"\n"}}{{end}}{{end}}`, build.DefaultPackage)
	list.Dir = moduleRoot
	out, err := list.Output()
	require.NoError(t, err, "go list: %v", err)
	root, err := filepath.Abs(moduleRoot)
	require.NoError(t, err)
	for _, f := range []string{"go.mod", "go.sum"} {
		copyFile(t, filepath.Join(root, f), filepath.Join(dst, f))
	}
	dirs := strings.Fields(string(out))
	require.Greater(t, len(dirs), 3)
	for _, dir := range dirs {
		rel, err := filepath.Rel(root, dir)
		require.NoError(t, err)
		files, err := filepath.Glob(filepath.Join(dir, "*.go"))
		require.NoError(t, err)
		for _, f := range files {
			if !strings.HasSuffix(f, "_test.go") {
				copyFile(t, f, filepath.Join(dst, rel, filepath.Base(f)))
			}
		}
	}
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	require.NoError(t, err)
	require.NoError(t, os.MkdirAll(filepath.Dir(to), 0o755))
	require.NoError(t, os.WriteFile(to, b, 0o644))
}

// Two builds from two copies of the source, at different paths, give the same zip:
// the second preview sees no change.
func TestTwoBuildsFromTwoCopiesOfTheTreeGiveTheSameZip(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	a := filepath.Join(t.TempDir(), "a")
	b := filepath.Join(t.TempDir(), "somewhere", "else", "b")
	copyTree(t, a)
	copyTree(t, b)

	first, err := build.Lambda(ctx, build.Options{ModuleDir: a})
	require.NoError(t, err)
	second, err := build.Lambda(ctx, build.Options{ModuleDir: b})
	require.NoError(t, err)
	sum := sha256.Sum256(first.Zip)
	assert.Equal(t, hex.EncodeToString(sum[:]), first.SHA256)
	assert.Equal(t, base64.StdEncoding.EncodeToString(sum[:]), first.SourceCodeHash)
	assert.Equal(t, first.SHA256, second.SHA256, "the two zips differ")

	r, err := zip.NewReader(bytes.NewReader(first.Zip), int64(len(first.Zip)))
	require.NoError(t, err)
	require.Len(t, r.File, 1)
	f := r.File[0]
	assert.Equal(t, "bootstrap", f.Name)
	assert.Equal(t, os.FileMode(0o755), f.Mode().Perm())
	assert.True(t, f.Modified.Equal(time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC)), "%s", f.Modified)
	rc, err := f.Open()
	require.NoError(t, err)
	bin, err := io.ReadAll(rc)
	require.NoError(t, err)
	exe, err := elf.NewFile(bytes.NewReader(bin))
	require.NoError(t, err)
	assert.Equal(t, elf.EM_AARCH64, exe.Machine, "Lambda's arm64")
	assert.Nil(t, exe.Section(".symtab"), "stripped (-s)")
	assert.NotContains(t, string(bin), a, "no build path inside (-trimpath)")

	path := filepath.Join(t.TempDir(), "out", "notifier.zip")
	written, err := build.WriteZip(ctx, build.Options{ModuleDir: a}, path)
	require.NoError(t, err)
	onDisk, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, written.Zip, onDisk)
	assert.Equal(t, first.SHA256, written.SHA256)
}

func TestTheZipDependsOnTheExecutableAlone(t *testing.T) {
	z1, err := build.Zip([]byte("#!/bin/sh\necho hi\n"))
	require.NoError(t, err)
	z2, err := build.Zip([]byte("#!/bin/sh\necho hi\n"))
	require.NoError(t, err)
	z3, err := build.Zip([]byte("#!/bin/sh\necho ho\n"))
	require.NoError(t, err)
	assert.Equal(t, z1, z2)
	assert.NotEqual(t, z1, z3)
}

func TestTheOptionsAreCheckedBeforeBuilding(t *testing.T) {
	_, err := build.Bootstrap(context.Background(), build.Options{ModuleDir: t.TempDir(), Arch: "x86"})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "ModuleDir: has no go.mod")
	assert.Contains(t, err.Error(), `Arch: must be arm64 or amd64, got "x86"`)
	_, err = build.Bootstrap(context.Background(), build.Options{})
	require.ErrorContains(t, err, "ModuleDir: is required")
}

func TestABuildThatFailsSaysWhy(t *testing.T) {
	dir := t.TempDir()
	copyFile(t, filepath.Join(moduleRoot, "go.mod"), filepath.Join(dir, "go.mod"))
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "broken"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "broken", "main.go"), []byte("package main\nfunc main() { undefined() }\n"), 0o644))
	_, err := build.Bootstrap(context.Background(), build.Options{ModuleDir: dir, Package: "./broken"})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "undefined: undefined")
}
