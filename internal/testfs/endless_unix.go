//go:build unix

package testfs

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/nativetls/nativetls/internal/safefile"
)

// EndlessFiles returns, by kind, files a loader must refuse without
// reading them to the end: /dev/zero, a FIFO nobody writes to, and a
// sparse file (it costs no disk) one byte over safefile's 16 MiB cap. The
// FIFO and the big file are in a fresh TempDir. It skips the test when the
// file system cannot make a FIFO.
func EndlessFiles(t testing.TB) map[string]string {
	t.Helper()
	dir := TempDir(t)
	fifo := filepath.Join(dir, "fifo.pem")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	big := filepath.Join(dir, "big.pem")
	f, err := os.Create(big)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(safefile.DefaultMax + 1); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return map[string]string{"/dev/zero": "/dev/zero", "FIFO": fifo, "oversized file": big}
}
