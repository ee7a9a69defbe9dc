// Package loopback runs the real Prometheus, Alertmanager and exporter binaries of
// Debian's packages on 127.0.0.1 for end-to-end tests: found on PATH (a test fails,
// never skips, when one is missing), started on a free port, waited for until ready
// and always stopped when the test ends. It imports no Pulumi.
package loopback

import (
	"net"
	"net/http"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// ReadyTimeout is how long Start waits for a program to answer.
const ReadyTimeout = 30 * time.Second

// Binary returns the path of a program, failing the test (never skipping it) with
// the package that installs it when it is not on PATH.
func Binary(t testing.TB, name, debianPackage string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err != nil {
		t.Fatalf("%s is not installed: apt-get install -y --no-install-recommends %s (make tools does): %v", name, debianPackage, err)
	}
	return path
}

// FreeAddr asks the kernel for a free loopback address, 127.0.0.1:<port>.
func FreeAddr(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("no free loopback port: %v", err)
	}
	defer l.Close()
	return l.Addr().String()
}

// Start runs path with args until the test ends (it is killed then, whatever
// happened) and waits, at most ReadyTimeout, until readyURL answers 200. The
// program's output is logged when the test fails, and is part of the failure when it
// never becomes ready.
func Start(t testing.TB, path, readyURL string, args ...string) {
	t.Helper()
	cmd := exec.Command(path, args...)
	logs := &lockedBuffer{}
	cmd.Stdout, cmd.Stderr = logs, logs
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting %s: %v", path, err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		if t.Failed() {
			t.Logf("%s output:\n%s", filepath.Base(path), logs.String())
		}
	})
	if !answers(readyURL) {
		t.Fatalf("%s %v never answered %s:\n%s", filepath.Base(path), args, readyURL, logs.String())
	}
}

// WaitReady waits, at most ReadyTimeout, until url answers 200, such as a
// Prometheus's /-/ready after Start waited for its /-/healthy.
func WaitReady(t testing.TB, url string) {
	t.Helper()
	if !answers(url) {
		t.Fatalf("%s did not answer 200 within %s", url, ReadyTimeout)
	}
}

func answers(url string) bool {
	client := http.Client{Timeout: time.Second}
	for deadline := time.Now().Add(ReadyTimeout); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if resp, err := client.Get(url); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return true
			}
		}
	}
	return false
}

// lockedBuffer collects a process's output from two pipes at once.
type lockedBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
