//go:build unix

package pkcs11

import (
	"io/fs"
	"os"
	"syscall"
)

// ownedByRootOrMe reports whether the file is owned by root or by the
// current user.
func ownedByRootOrMe(st fs.FileInfo) bool {
	s, ok := st.Sys().(*syscall.Stat_t)
	return ok && (s.Uid == 0 || int(s.Uid) == os.Getuid())
}
