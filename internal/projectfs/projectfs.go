// Package projectfs reads the files a stack names (Pulumi.yaml, the stack file, the
// OpenSLO files of vigil:sloFiles) as untrusted input: only inside the project folder
// once every symlink is followed, only regular files (never a FIFO or a device, which
// would hang or never end), and only up to a size limit. Its errors name the file as
// the user wrote it and never repeat what the file holds.
package projectfs

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
)

// MaxFileBytes is the size limit ReadFile applies when given 0: 4 MiB, far more than
// any stack or OpenSLO file needs (a stack file of 1000 services is about 400 KiB).
const MaxFileBytes int64 = 4 << 20

// Error is why a file could not be read. It names the file as given, never its content.
type Error struct {
	// Name is the file as the user named it, relative to the project folder.
	Name string
	// Reason says what is wrong, e.g. "is a named pipe, not a regular file".
	Reason string
	// Hint suggests a fix; may be empty.
	Hint string
	// Missing is set when the file does not exist.
	Missing bool
}

func (e *Error) Error() string { return e.Name + " " + e.Reason }

// Resolve returns the absolute, symlink-free path of name, a path relative to root,
// and fails unless that path lies inside root (itself resolved). root may be relative.
func Resolve(root, name string) (string, error) {
	if filepath.IsAbs(name) || filepath.VolumeName(name) != "" {
		return "", &Error{Name: name, Reason: "is an absolute path",
			Hint: "name it relative to the folder of Pulumi.yaml, so the stack works from any checkout"}
	}
	base, err := realDir(root)
	if err != nil {
		return "", err
	}
	real, err := filepath.EvalSymlinks(filepath.Join(base, name))
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return "", &Error{Name: name, Reason: "does not exist", Missing: true,
				Hint: "the path is relative to the folder of Pulumi.yaml"}
		}
		return "", &Error{Name: name, Reason: "cannot be resolved: " + reason(err)}
	}
	if !Inside(base, real) {
		return "", &Error{Name: name, Reason: "is outside the project folder (after following links)",
			Hint: "keep the files a stack names inside the folder of Pulumi.yaml"}
	}
	return real, nil
}

// Inside reports whether path is root or below it; both must be clean absolute paths.
func Inside(root, path string) bool {
	rel, err := filepath.Rel(root, path)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) && !filepath.IsAbs(rel)
}

// realDir resolves the project folder itself.
func realDir(root string) (string, error) {
	abs, err := filepath.Abs(root)
	if err != nil {
		return "", err
	}
	real, err := filepath.EvalSymlinks(abs)
	if err != nil {
		return "", fmt.Errorf("project folder %s: %w", root, err)
	}
	return real, nil
}

// ReadFile reads name, relative to root, as Resolve places it: a regular file of at
// most max bytes (MaxFileBytes when max is 0). A FIFO, a device, a socket or a folder
// is refused without being read.
func ReadFile(root, name string, max int64) ([]byte, error) {
	if max <= 0 {
		max = MaxFileBytes
	}
	path, err := Resolve(root, name)
	if err != nil {
		return nil, err
	}
	if err := regular(name, path, os.Stat); err != nil {
		return nil, err
	}
	// O_NONBLOCK: should the file become a FIFO after the check, opening it does not
	// wait for a writer. It changes nothing for a regular file.
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, &Error{Name: name, Reason: "cannot be opened: " + reason(err)}
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, &Error{Name: name, Reason: "cannot be read: " + reason(err)}
	}
	if err := kind(name, info.Mode()); err != nil {
		return nil, err
	}
	if info.Size() > max {
		return nil, tooBig(name, info.Size(), max)
	}
	data, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, &Error{Name: name, Reason: "cannot be read: " + reason(err)}
	}
	if int64(len(data)) > max { // it grew while being read
		return nil, tooBig(name, int64(len(data)), max)
	}
	return data, nil
}

func regular(name, path string, stat func(string) (fs.FileInfo, error)) error {
	info, err := stat(path)
	if err != nil {
		return &Error{Name: name, Reason: "cannot be read: " + reason(err)}
	}
	return kind(name, info.Mode())
}

// kind refuses everything but a regular file, naming what it is instead.
func kind(name string, mode fs.FileMode) error {
	what := ""
	switch {
	case mode.IsRegular():
		return nil
	case mode.IsDir():
		what = "a folder"
	case mode&fs.ModeNamedPipe != 0:
		what = "a named pipe"
	case mode&fs.ModeSocket != 0:
		what = "a socket"
	case mode&fs.ModeDevice != 0, mode&fs.ModeCharDevice != 0:
		what = "a device"
	default:
		what = "not a plain file"
	}
	return &Error{Name: name, Reason: "is " + what + ", not a regular file", Hint: "name a YAML file"}
}

func tooBig(name string, size, max int64) error {
	return &Error{Name: name, Reason: fmt.Sprintf("is %s, over the limit of %s", bytes(size), bytes(max)),
		Hint: "split it into several files"}
}

func bytes(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

// reason is an OS error without the path it carries (the caller names the file).
func reason(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	var le *os.LinkError
	if errors.As(err, &le) {
		return le.Err.Error()
	}
	return err.Error()
}
