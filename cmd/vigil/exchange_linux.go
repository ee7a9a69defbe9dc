package main

import "golang.org/x/sys/unix"

// exchange swaps the folders a and b in one step (renameat2 RENAME_EXCHANGE), so that
// out is never missing while a plan replaces it. It fails where the file system
// cannot, and the caller falls back to two renames.
func exchange(a, b string) error {
	return unix.Renameat2(unix.AT_FDCWD, a, unix.AT_FDCWD, b, unix.RENAME_EXCHANGE)
}
