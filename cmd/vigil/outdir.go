package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
)

// ManifestFile is the file that marks a folder as written by vigil: it lists the
// files vigil wrote there, the only ones a later plan replaces or removes.
const ManifestFile = ".vigil-manifest.json"

// Manifest is the content of ManifestFile.
type Manifest struct {
	// WrittenBy names the command, such as "vigil plan".
	WrittenBy string `json:"writtenBy"`
	// Stack is the stack the files are of.
	Stack string `json:"stack"`
	// Files are the paths vigil wrote, relative to the folder, with forward slashes.
	Files []string `json:"files"`
}

// OutReport says what writeOut did.
type OutReport struct {
	Folder string `json:"folder"`
	// Files are the files written, sorted.
	Files []string `json:"files"`
	// Removed are the files of the previous plan that this plan no longer has.
	Removed []string `json:"removed"`
	// Foreign are the entries of the folder that vigil did not write: left alone.
	Foreign []string `json:"foreign"`
}

// writeOut makes out hold exactly files (paths with forward slashes) plus the
// manifest, and leaves what vigil did not write alone. The files are written first
// into a temporary folder beside out; a failure there leaves out as it was. When out
// does not exist, or holds only what a previous plan wrote, the temporary folder
// replaces it by rename. When out also holds files vigil did not write, those stay:
// vigil's files are renamed into place one by one, and the stale ones of the previous
// plan are removed. A file of this plan that would replace a file vigil did not write
// is an error, found before anything is written.
func writeOut(out, stack string, files map[string][]byte) (*OutReport, error) {
	names := make([]string, 0, len(files))
	for name := range files {
		if !validName(name) {
			return nil, fmt.Errorf("vigil generated a bad file name %q (a bug: please report it)", name)
		}
		names = append(names, name)
	}
	sort.Strings(names)
	report := &OutReport{Folder: out, Files: names, Removed: []string{}, Foreign: []string{}}

	if real, err := filepath.EvalSymlinks(out); err == nil {
		out = real // write into the folder a link names, not over the link
	}
	prev, foreign, err := survey(out)
	if err != nil {
		return nil, err
	}
	if foreign != nil {
		report.Foreign = foreign
	}
	if err := checkConflicts(out, names, prev); err != nil {
		return nil, err
	}
	for _, p := range sortedSet(prev) {
		if _, keep := files[p]; !keep {
			report.Removed = append(report.Removed, p)
		}
	}

	parent := filepath.Dir(filepath.Clean(out))
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return nil, err
	}
	tmp, err := os.MkdirTemp(parent, "."+filepath.Base(out)+".vigil-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp) // empty, or gone, once everything is in place
	manifest, err := json.MarshalIndent(Manifest{WrittenBy: "vigil plan", Stack: stack, Files: names}, "", "  ")
	if err != nil {
		return nil, err
	}
	all := map[string][]byte{ManifestFile: append(manifest, '\n')}
	for name, data := range files {
		all[name] = data
	}
	for name, data := range all {
		p := filepath.Join(tmp, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return nil, err
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			return nil, err
		}
	}
	if err := os.Chmod(tmp, 0o755); err != nil { // MkdirTemp makes it 0700
		return nil, err
	}

	if len(foreign) == 0 {
		return report, swap(tmp, out)
	}
	return report, merge(tmp, out, names, report.Removed)
}

// swap puts the folder tmp in place of out, which holds only what vigil wrote: in
// one step where the system can exchange two folders, else by two renames (out is
// then missing for an instant).
func swap(tmp, out string) error {
	if _, err := os.Lstat(out); errors.Is(err, fs.ErrNotExist) {
		return os.Rename(tmp, out)
	}
	if exchange(tmp, out) == nil {
		return os.RemoveAll(tmp) // now the previous plan
	}
	old := tmp + ".old"
	if err := os.Rename(out, old); err != nil {
		return err
	}
	if err := os.Rename(tmp, out); err != nil {
		_ = os.Rename(old, out) // put the previous plan back
		return err
	}
	return os.RemoveAll(old)
}

// merge removes the files of the previous plan that this one does not have, then
// moves vigil's files from tmp into out one by one, each by rename, the manifest last.
func merge(tmp, out string, names, removed []string) error {
	// The stale files go first: one may stand where this plan needs a folder.
	for _, name := range removed {
		if err := os.Remove(filepath.Join(out, filepath.FromSlash(name))); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
		// Folders the removed file leaves empty go too; a folder holding anything
		// else stays (Remove refuses it).
		for dir := path.Dir(name); dir != "."; dir = path.Dir(dir) {
			if os.Remove(filepath.Join(out, filepath.FromSlash(dir))) != nil {
				break
			}
		}
	}
	for _, name := range append(append([]string{}, names...), ManifestFile) {
		dst := filepath.Join(out, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return err
		}
		if err := os.Rename(filepath.Join(tmp, filepath.FromSlash(name)), dst); err != nil {
			return err
		}
	}
	return nil
}

// survey reads what out holds: the files of the previous plan (from its manifest)
// that are still there, and every other entry, which vigil did not write. A missing
// out holds nothing.
func survey(out string) (prev map[string]bool, foreign []string, err error) {
	prev = map[string]bool{}
	info, err := os.Stat(out)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return prev, nil, nil
	case err != nil:
		return nil, nil, err
	case !info.IsDir():
		return nil, nil, fmt.Errorf("--out %s is a file, not a folder: choose a folder", out)
	}
	if data, err := os.ReadFile(filepath.Join(out, ManifestFile)); err == nil {
		var m Manifest
		if err := json.Unmarshal(data, &m); err != nil {
			return nil, nil, fmt.Errorf("%s in %s is not a manifest vigil wrote: remove it, or choose another --out", ManifestFile, out)
		}
		for _, f := range m.Files {
			if validName(f) {
				prev[f] = true
			}
		}
	}
	// The folders that hold a file of the previous plan are vigil's too.
	ancestors := map[string]bool{}
	for f := range prev {
		for dir := path.Dir(f); dir != "."; dir = path.Dir(dir) {
			ancestors[dir] = true
		}
	}
	err = filepath.WalkDir(out, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(out, p)
		if err != nil || rel == "." {
			return err
		}
		rel = filepath.ToSlash(rel)
		switch {
		case rel == ManifestFile:
		case prev[rel] && d.Type().IsRegular():
		case d.IsDir():
			// A folder is foreign only when it is empty and not vigil's; one that
			// holds foreign files is listed by them.
			if entries, err := os.ReadDir(p); err == nil && len(entries) == 0 && !ancestors[rel] {
				foreign = append(foreign, rel+"/")
			}
		default:
			foreign = append(foreign, rel)
		}
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	for f := range prev { // listed, but no longer a regular file there
		if info, err := os.Lstat(filepath.Join(out, filepath.FromSlash(f))); err != nil || !info.Mode().IsRegular() {
			delete(prev, f)
		}
	}
	sort.Strings(foreign)
	return prev, foreign, nil
}

// checkConflicts refuses a plan one of whose files, or the folders they go in, would
// take the place of something vigil did not write (a folder where a file goes, a
// file or a link where a folder goes). A file of the previous plan in the way is
// vigil's own, and goes.
func checkConflicts(out string, names []string, prev map[string]bool) error {
	var problems []string
	for _, name := range names {
		steps := strings.Split(name, "/")
		for i := range steps {
			p := strings.Join(steps[:i+1], "/")
			info, err := os.Lstat(filepath.Join(out, filepath.FromSlash(p)))
			if err != nil {
				break // nothing there yet, nor below
			}
			leaf := i == len(steps)-1
			if !leaf && info.IsDir() {
				continue // a folder where a folder goes
			}
			if !prev[p] {
				kind := "a file"
				if info.IsDir() {
					kind = "a folder"
				} else if info.Mode()&fs.ModeSymlink != 0 {
					kind = "a link"
				}
				problems = append(problems, fmt.Sprintf("%s is %s vigil did not write, in the way of %s", p, kind, name))
			}
			break
		}
	}
	if len(problems) > 0 {
		sort.Strings(problems)
		return fmt.Errorf("--out %s: nothing was written: %s; move it away or choose another --out", out, strings.Join(problems, "; "))
	}
	return nil
}

// validName accepts the relative, forward-slash, clean paths vigil generates.
func validName(name string) bool {
	return name != "" && name != ManifestFile && !strings.HasPrefix(name, "/") &&
		path.Clean(name) == name && name != ".." && !strings.HasPrefix(name, "../") && !strings.Contains(name, "\\")
}

func sortedSet(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
