package projectfs

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// project makes a project folder holding slos/ok.yaml and, beside it, a secret file
// outside the project.
func project(t *testing.T) (root, outside string) {
	t.Helper()
	top := t.TempDir()
	root = filepath.Join(top, "project")
	require.NoError(t, os.MkdirAll(filepath.Join(root, "slos"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(root, "slos", "ok.yaml"), []byte("apiVersion: openslo/v1\n"), 0o644))
	outside = filepath.Join(top, "shadow")
	require.NoError(t, os.WriteFile(outside, []byte("root:$6$planted-hash:19000:0:99999:7:::\n"), 0o600))
	return root, outside
}

func TestReadFileRefusesWhatIsNotARegularFileInsideTheProject(t *testing.T) {
	root, outside := project(t)
	require.NoError(t, os.Symlink(outside, filepath.Join(root, "slos", "link-out.yaml")))
	require.NoError(t, os.Symlink("ok.yaml", filepath.Join(root, "slos", "link-in.yaml")))
	require.NoError(t, os.Symlink("/dev/zero", filepath.Join(root, "zero.yaml")))
	require.NoError(t, syscall.Mkfifo(filepath.Join(root, "fifo.yaml"), 0o644))
	for _, tc := range []struct {
		name, file, want string
	}{
		{"A path that climbs out of the project is refused", "../shadow", "../shadow is outside the project folder (after following links)"},
		{"A symlink that points out of the project is refused", "slos/link-out.yaml", "slos/link-out.yaml is outside the project folder"},
		{"An absolute path is refused", outside, outside + " is an absolute path"},
		{"A symlink to /dev/zero is refused before anything is read", "zero.yaml", "zero.yaml is outside the project folder"},
		{"A FIFO is refused without waiting for a writer", "fifo.yaml", "fifo.yaml is a named pipe, not a regular file"},
		{"A folder is refused", "slos", "slos is a folder, not a regular file"},
		{"A missing file says so", "slos/none.yaml", "slos/none.yaml does not exist"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			done := make(chan error, 1)
			go func() { _, err := ReadFile(root, tc.file, 0); done <- err }()
			select {
			case err := <-done:
				require.Error(t, err)
				assert.Contains(t, err.Error(), tc.want)
				assert.NotContains(t, err.Error(), "planted-hash")
				var fe *Error
				assert.True(t, errors.As(err, &fe))
			case <-time.After(10 * time.Second):
				t.Fatal("ReadFile hung")
			}
		})
	}
	data, err := ReadFile(root, "slos/link-in.yaml", 0)
	require.NoError(t, err, "a symlink that stays inside the project is followed")
	assert.Equal(t, "apiVersion: openslo/v1\n", string(data))
}

func TestReadFileHoldsFilesToTheSizeLimitInclusive(t *testing.T) {
	root, _ := project(t)
	require.NoError(t, os.WriteFile(filepath.Join(root, "ten.yaml"), []byte(strings.Repeat("x", 10)), 0o644))
	data, err := ReadFile(root, "ten.yaml", 10)
	require.NoError(t, err, "a file of exactly the limit is read")
	assert.Len(t, data, 10)
	_, err = ReadFile(root, "ten.yaml", 9)
	require.Error(t, err)
	assert.Equal(t, "ten.yaml is 10 bytes, over the limit of 9 bytes", err.Error())

	big := filepath.Join(root, "big.yaml")
	require.NoError(t, os.WriteFile(big, make([]byte, MaxFileBytes+1), 0o644))
	_, err = ReadFile(root, "big.yaml", 0)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "over the limit of 4 MiB", "0 means MaxFileBytes")
	require.NoError(t, os.Truncate(big, MaxFileBytes))
	_, err = ReadFile(root, "big.yaml", 0)
	assert.NoError(t, err, "exactly MaxFileBytes is allowed")
}

func TestAProjectFolderReachedThroughASymlinkStillHoldsItsFiles(t *testing.T) {
	root, _ := project(t)
	link := filepath.Join(t.TempDir(), "checkout")
	require.NoError(t, os.Symlink(root, link))
	data, err := ReadFile(link, "slos/ok.yaml", 0)
	require.NoError(t, err)
	assert.Equal(t, "apiVersion: openslo/v1\n", string(data))
}

func TestInside(t *testing.T) {
	assert.True(t, Inside("/p", "/p"))
	assert.True(t, Inside("/p", "/p/a/b"))
	assert.True(t, Inside("/p", "/p/..a"), "a name that starts with two dots is inside")
	assert.False(t, Inside("/p", "/p2/a"))
	assert.False(t, Inside("/p", "/"))
	assert.False(t, Inside("/p/a", "/p"))
}
