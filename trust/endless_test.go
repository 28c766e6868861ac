//go:build unix

package trust

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nativetls/nativetls/internal/testfs"
	"github.com/nativetls/nativetls/internal/testpki"
)

// Endless and oversized files where certificates, bundles and keys go:
// /dev/zero, a FIFO nobody writes to, a file over the 16 MiB cap. Each is
// a prompt error naming the file; none is read without bound or blocks.

func TestLoadersRefuseEndlessFiles(t *testing.T) {
	testfs.RefuseEndless(t, map[string]func(string) error{
		"LoadCertificates": func(p string) error { _, err := LoadCertificates(p); return err },
		"AnchorsFromFile":  func(p string) error { _, err := AnchorsFromFile(p); return err },
		"FromPEMFile":      func(p string) error { _, err := FromPEMFile(p); return err },
		"LoadPrivateKey":   func(p string) error { _, err := LoadPrivateKey(p, Password("pw")); return err },
	})
}

func TestDirectoryStoreSkipsNonRegularEntries(t *testing.T) {
	files := testfs.EndlessFiles(t)
	dir := filepath.Dir(files["FIFO"])
	root := testpki.Root("Directory Root", testpki.Options{})
	if err := os.WriteFile(filepath.Join(dir, "root.pem"), root.PEM(), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("/dev/zero", filepath.Join(dir, "zero.pem")); err != nil {
		t.Fatal(err)
	}
	var store *AnchorStore
	err := testfs.Within(t, "FromDirectory", func() error {
		var err error
		store, err = FromDirectory(dir)
		return err
	})
	var derr *DirectoryError
	if !errors.As(err, &derr) || store == nil {
		t.Fatalf("want a usable store and a *DirectoryError, got %v", err)
	}
	anchors, _ := store.Anchors(t.Context())
	if len(anchors) != 1 || !anchors[0].Certificate.Equal(root.Cert) {
		t.Fatalf("want the one readable root, got %d anchors", len(anchors))
	}
	for _, want := range []string{"fifo.pem: not a regular file", "zero.pem: not a regular file", "big.pem: larger than"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("the report does not say %q: %v", want, err)
		}
	}
}
