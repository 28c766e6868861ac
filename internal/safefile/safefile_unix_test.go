//go:build unix

package safefile

import (
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

func TestReadNotRegular(t *testing.T) {
	dir := t.TempDir()
	if _, err := Read(dir, 0); !errors.Is(err, ErrNotRegular) {
		t.Fatalf("directory: err = %v, want ErrNotRegular", err)
	}
	if _, err := Read("/dev/zero", 0); !errors.Is(err, ErrNotRegular) {
		t.Fatalf("/dev/zero: err = %v, want ErrNotRegular", err)
	}
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	if _, err := Read(fifo, 0); !errors.Is(err, ErrNotRegular) {
		t.Fatalf("fifo: err = %v, want ErrNotRegular", err)
	}
	link := filepath.Join(dir, "link")
	if err := os.Symlink("/dev/zero", link); err != nil {
		t.Fatal(err)
	}
	if _, err := Read(link, 0); !errors.Is(err, ErrNotRegular) {
		t.Fatalf("symlink to /dev/zero: err = %v, want ErrNotRegular", err)
	}
}
