package linux

import (
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/nativetls/nativetls/internal/safefile"
	"github.com/nativetls/nativetls/internal/testpki"
)

// TestBundleFilesAreCapped: a bundle file that is /dev/zero (as
// SSL_CERT_FILE=/dev/zero names it) or a FIFO in a certificate directory
// (SSL_CERT_DIR) is refused at once, without reading or blocking; the
// directory's real certificates still load.
func TestBundleFilesAreCapped(t *testing.T) {
	done := make(chan error, 1)
	go func() { _, err := readAnchorFile("/dev/zero", certCache{}); done <- err }()
	select {
	case err := <-done:
		if !errors.Is(err, safefile.ErrNotRegular) {
			t.Fatalf("/dev/zero as a bundle: %v, want safefile.ErrNotRegular", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("/dev/zero as a bundle is read without bound")
	}

	dir := t.TempDir()
	if err := syscall.Mkfifo(filepath.Join(dir, "fifo.pem"), 0o600); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	root := testpki.Root("Dir Root", testpki.Options{})
	if err := os.WriteFile(filepath.Join(dir, "root.pem"), root.PEM(), 0o600); err != nil {
		t.Fatal(err)
	}
	type result struct {
		n   int
		err error
	}
	res := make(chan result, 1)
	go func() { as, err := anchorsFromDir(dir, certCache{}); res <- result{len(as), err} }()
	select {
	case r := <-res:
		if r.n != 1 || !errors.Is(r.err, safefile.ErrNotRegular) {
			t.Fatalf("directory with a FIFO: %d anchors, %v; want 1 anchor and the FIFO reported", r.n, r.err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("a FIFO in a certificate directory blocks the load")
	}
}
