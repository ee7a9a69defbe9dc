package config

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"sort"
)

// ContentHash is the hex SHA-256 of a whole file set: each path and its bytes, in
// sorted path order, each length-prefixed so that moving bytes from one file to the
// next (or from a path into its content) changes the hash. A task definition carries
// it (an environment variable or a tag), so a changed rule or dashboard makes a new
// revision and rolls the service, and an unchanged set makes none. Map order never
// matters; a nil and an empty set hash alike.
func ContentHash(files map[string][]byte) string {
	paths := make([]string, 0, len(files))
	for p := range files {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	h := sha256.New()
	var n [8]byte
	write := func(b []byte) {
		binary.BigEndian.PutUint64(n[:], uint64(len(b)))
		h.Write(n[:])
		h.Write(b)
	}
	for _, p := range paths {
		write([]byte(p))
		write(files[p])
	}
	return hex.EncodeToString(h.Sum(nil))
}
