//go:build !linux

package linux

import "os"

// inode returns 0 outside Linux (the store is not used there).
func inode(st os.FileInfo) int64 { return 0 }
