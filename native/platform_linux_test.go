package native

import (
	"errors"
	"github.com/nativetls/nativetls/internal/testfs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nativetls/nativetls/internal/testpki"
	"github.com/nativetls/nativetls/trust"
)

// TestLinuxBackendInstallDryRun: the Linux backend plans the Debian
// method's steps under a root directory, refuses macOS-only fields and
// unknown stores as configuration errors.
func TestLinuxBackendInstallDryRun(t *testing.T) {
	root := testpki.Root("Install Test Root", testpki.Options{})
	dir := testfs.TempDir(t)
	for _, d := range []string{"etc/ssl/certs", "usr/share/ca-certificates", "usr/local/share/ca-certificates"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	acts, err := Backend().Install(root.Cert, trust.InstallOptions{DryRun: true, Root: dir, Method: "debian"})
	if err != nil {
		t.Fatal(err)
	}
	if len(acts) == 0 || acts[0].Op != "write" || !strings.HasPrefix(acts[0].Path, dir) {
		t.Fatalf("actions = %v, want a write under %s first", acts, dir)
	}
	var ce *trust.ConfigurationError
	if _, err := Backend().Install(root.Cert, trust.InstallOptions{DryRun: true, Stores: []string{"bogus"}}); !errors.As(err, &ce) {
		t.Errorf("unknown store: %v, want a *trust.ConfigurationError", err)
	}
	if _, err := Backend().Install(root.Cert, trust.InstallOptions{DryRun: true, Keychain: "x"}); !errors.As(err, &ce) {
		t.Errorf("Keychain on Linux: %v, want a *trust.ConfigurationError", err)
	}
}
