// Package build compiles the notifier Lambda from source and packs it the way
// Lambda's provided.al2023 runtime wants it: one executable called bootstrap in a
// zip. Two builds of the same source with the same Go toolchain give the same
// bytes, wherever the source lies, so that a second pulumi preview (or vigil plan)
// sees no change: paths are trimmed, no VCS stamp or build ID is embedded, and the
// zip entry has a fixed date and mode. The Pulumi component calls it at preview
// time; it needs the go command, nothing else.
package build

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/vigilops/vigil/validate"
)

// DefaultPackage is the notifier's main package, relative to the module root.
const DefaultPackage = "./notifier/cmd/notifier"

// Options say what to build.
type Options struct {
	// ModuleDir is the root of the module holding the notifier (where go.mod is).
	// Required.
	ModuleDir string
	// Package is the main package to build, relative to ModuleDir. Defaults to
	// DefaultPackage.
	Package string
	// Arch is the Lambda architecture: arm64 or amd64 (x86_64). Defaults to arm64.
	Arch string
	// Go is the go command. Defaults to "go" on the PATH.
	Go string
}

// Artifact is a built Lambda package.
type Artifact struct {
	// Zip holds one entry, bootstrap, mode 0755.
	Zip []byte
	// SHA256 is the zip's digest in hex; SourceCodeHash is the same digest in
	// base64, as Lambda's source_code_hash wants it.
	SHA256         string
	SourceCodeHash string
}

// zipTime is the date of the zip entry: fixed, so that the bytes depend on the
// content alone. (1980-01-01 is the earliest date a zip can hold.)
var zipTime = time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC)

func (o *Options) check() error {
	var ps validate.Problems
	if validate.Required(&ps, "ModuleDir", o.ModuleDir, "the folder of the go.mod that holds the notifier") {
		if _, err := os.Stat(filepath.Join(o.ModuleDir, "go.mod")); err != nil {
			ps.Addf("ModuleDir", "give the module's root folder", "has no go.mod: %s", o.ModuleDir)
		}
	}
	if o.Package == "" {
		o.Package = DefaultPackage
	}
	if o.Arch == "" {
		o.Arch = "arm64"
	}
	if o.Arch != "arm64" && o.Arch != "amd64" {
		ps.Addf("Arch", "Lambda runs arm64 and x86_64 (amd64)", "must be arm64 or amd64, got %q", o.Arch)
	}
	if o.Go == "" {
		o.Go = "go"
	}
	return ps.Err("build.Options")
}

// Bootstrap compiles the notifier for Linux on o.Arch and returns the executable.
func Bootstrap(ctx context.Context, o Options) ([]byte, error) {
	if err := o.check(); err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "vigil-notifier-build-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	out := filepath.Join(dir, "bootstrap")
	cmd := exec.CommandContext(ctx, o.Go, "build", "-trimpath", "-buildvcs=false", "-tags", "lambda.norpc",
		"-ldflags", "-s -w -buildid=", "-o", out, o.Package)
	cmd.Dir = o.ModuleDir
	cmd.Env = buildEnv(os.Environ(), o.Arch)
	if b, err := cmd.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("building the notifier (%s): %w\n%s", strings.Join(cmd.Args, " "), err, b)
	}
	return os.ReadFile(out)
}

// buildEnv is env with what makes the build reproducible and cross-compiled set,
// and what would vary removed.
func buildEnv(env []string, arch string) []string {
	drop := map[string]bool{"CGO_ENABLED": true, "GOOS": true, "GOARCH": true, "GOARM64": true, "GOAMD64": true, "GOFLAGS": true}
	var out []string
	for _, kv := range env {
		k, _, _ := strings.Cut(kv, "=")
		if !drop[k] {
			out = append(out, kv)
		}
	}
	out = append(out, "CGO_ENABLED=0", "GOOS=linux", "GOARCH="+arch, "GOFLAGS=-mod=readonly")
	if arch == "arm64" {
		out = append(out, "GOARM64=v8.0")
	} else {
		out = append(out, "GOAMD64=v1")
	}
	return out
}

// Zip packs an executable as Lambda's bootstrap.
func Zip(bootstrap []byte) ([]byte, error) {
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	h := &zip.FileHeader{Name: "bootstrap", Method: zip.Deflate, Modified: zipTime}
	h.SetMode(0o755)
	f, err := w.CreateHeader(h)
	if err != nil {
		return nil, err
	}
	if _, err := f.Write(bootstrap); err != nil {
		return nil, err
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// Lambda builds the notifier and packs it.
func Lambda(ctx context.Context, o Options) (Artifact, error) {
	bin, err := Bootstrap(ctx, o)
	if err != nil {
		return Artifact{}, err
	}
	z, err := Zip(bin)
	if err != nil {
		return Artifact{}, err
	}
	sum := sha256.Sum256(z)
	return Artifact{Zip: z, SHA256: hex.EncodeToString(sum[:]), SourceCodeHash: base64.StdEncoding.EncodeToString(sum[:])}, nil
}

// WriteZip builds the notifier into path (for pulumi.NewFileArchive), writing only
// when the bytes changed, and returns the artifact.
func WriteZip(ctx context.Context, o Options, path string) (Artifact, error) {
	a, err := Lambda(ctx, o)
	if err != nil {
		return Artifact{}, err
	}
	if old, err := os.ReadFile(path); err == nil && bytes.Equal(old, a.Zip) {
		return a, nil
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return Artifact{}, err
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, a.Zip, 0o644); err != nil {
		return Artifact{}, err
	}
	return a, os.Rename(tmp, path)
}
