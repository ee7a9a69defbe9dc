package notify

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/vigilops/vigil/notifier/build"
)

// vigilModule is the module that holds the notifier's source.
const vigilModule = "github.com/vigilops/vigil"

// buildTimeout bounds one build of the notifier: a cold build links the AWS SDK.
const buildTimeout = 15 * time.Minute

// buildLambda is build.Lambda; tests count the builds through it.
var buildLambda = build.Lambda

// builds holds one build per module folder and process: `vigil plan` and a program
// that creates two notifiers (or a benchmark that plans many times) build once.
var builds struct {
	mu   sync.Mutex
	done map[string]*builtCode
}

type builtCode struct {
	once sync.Once
	code NotifierCode
	err  error
}

// BuildNotifier builds the notifier from the source of the module in moduleDir (""
// finds it as NotifierArgs.ModuleDir says) for arm64, once per process and folder,
// and writes the zip where the bytes name it: <user cache>/vigil/notifier/<sha256>.zip,
// never into the source tree. Two builds of one source with one Go toolchain give
// the same bytes (notifier/build), so the same path and hash, and a second preview
// shows no change.
func BuildNotifier(moduleDir string) (NotifierCode, error) {
	dir, err := notifierModuleDir(moduleDir)
	if err != nil {
		return NotifierCode{}, err
	}
	builds.mu.Lock()
	if builds.done == nil {
		builds.done = map[string]*builtCode{}
	}
	b, ok := builds.done[dir]
	if !ok {
		b = &builtCode{}
		builds.done[dir] = b
	}
	builds.mu.Unlock()
	b.once.Do(func() { b.code, b.err = buildInto(dir, zipCacheDir()) })
	return b.code, b.err
}

func buildInto(moduleDir, cacheDir string) (NotifierCode, error) {
	ctx, cancel := context.WithTimeout(context.Background(), buildTimeout)
	defer cancel()
	a, err := buildLambda(ctx, build.Options{ModuleDir: moduleDir, Arch: NotifierArchitecture})
	if err != nil {
		return NotifierCode{}, fmt.Errorf("notify: building the notifier from %s: %w", moduleDir, err)
	}
	path := filepath.Join(cacheDir, a.SHA256+".zip")
	if old, err := os.ReadFile(path); err != nil || !bytes.Equal(old, a.Zip) {
		if err := os.MkdirAll(cacheDir, 0o755); err != nil {
			return NotifierCode{}, fmt.Errorf("notify: the notifier's zip cache: %w", err)
		}
		tmp, err := os.CreateTemp(cacheDir, ".notifier-*.zip")
		if err != nil {
			return NotifierCode{}, fmt.Errorf("notify: the notifier's zip cache: %w", err)
		}
		_, werr := tmp.Write(a.Zip)
		cerr := tmp.Close()
		if err := errors.Join(werr, cerr); err != nil {
			os.Remove(tmp.Name())
			return NotifierCode{}, fmt.Errorf("notify: writing the notifier's zip: %w", err)
		}
		if err := os.Rename(tmp.Name(), path); err != nil {
			os.Remove(tmp.Name())
			return NotifierCode{}, fmt.Errorf("notify: writing the notifier's zip: %w", err)
		}
	}
	return NotifierCode{ZipPath: path, SourceCodeHash: a.SourceCodeHash}, nil
}

// zipCacheDir is where built zips are kept: the user's cache folder, else the
// temporary folder.
func zipCacheDir() string {
	if dir, err := os.UserCacheDir(); err == nil {
		return filepath.Join(dir, "vigil", "notifier")
	}
	return filepath.Join(os.TempDir(), "vigil-cache", "notifier")
}

// notifierModuleDir is dir when given; else the folder of the first go.mod of
// vigil's module from the working directory upwards; else vigil's module as the go
// command resolves it from the working directory (the copy a team's program
// requires, in the module cache).
func notifierModuleDir(dir string) (string, error) {
	if dir != "" {
		return filepath.Abs(dir)
	}
	wd, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for d := wd; ; d = filepath.Dir(d) {
		if modulePath(filepath.Join(d, "go.mod")) == vigilModule {
			return d, nil
		}
		if filepath.Dir(d) == d {
			break
		}
	}
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", vigilModule).Output()
	if d := strings.TrimSpace(string(out)); err == nil && d != "" {
		return d, nil
	}
	return "", fmt.Errorf("notify: no source of %s from %s upwards, nor a requirement of it: set NotifierArgs.ModuleDir or Code", vigilModule, wd)
}

// modulePath is the module line of a go.mod, or "".
func modulePath(gomod string) string {
	f, err := os.Open(gomod)
	if err != nil {
		return ""
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		if rest, ok := strings.CutPrefix(strings.TrimSpace(s.Text()), "module "); ok {
			return strings.Trim(strings.TrimSpace(rest), `"`)
		}
	}
	return ""
}
