package linux

import (
	"os"
	"syscall"
)

// inode returns the file's inode number, so an atomic rename over a file
// is seen even when size and time match.
func inode(st os.FileInfo) int64 {
	if sys, ok := st.Sys().(*syscall.Stat_t); ok {
		return int64(sys.Ino)
	}
	return 0
}
