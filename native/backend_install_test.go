package native

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/nativetls/nativetls/internal/testpki"
	"github.com/nativetls/nativetls/trust"
)

// TestBackendInstallChecks: every backend refuses a nil certificate and a
// name with a path in it before touching a store, and the portable backend
// says it has no store to change (ErrUnsupported).
func TestBackendInstallChecks(t *testing.T) {
	root := testpki.Root("Install Test Root", testpki.Options{})
	b := Backend()
	if _, err := b.Install(nil, trust.InstallOptions{DryRun: true}); err == nil {
		t.Error("Install(nil) succeeded")
	}
	if _, err := b.Uninstall(root.Cert, trust.InstallOptions{DryRun: true, Name: "../etc/x"}); err == nil || !strings.Contains(err.Error(), "..") {
		t.Errorf("Uninstall with name ../etc/x: %v", err)
	}
	_, err := Portable().Install(root.Cert, trust.InstallOptions{DryRun: true})
	if !errors.Is(err, trust.ErrUnsupported) {
		t.Errorf("portable Install: %v, want trust.ErrUnsupported", err)
	}
	caps := b.Capabilities()
	if len(caps) < 5 || caps[0].Name != "file" || !caps[0].Available {
		t.Errorf("Capabilities() = %+v", caps)
	}
}

// TestLinuxBackendInstallDryRun: the Linux backend plans the Debian
// method's steps under a root directory, refuses macOS-only fields and
// unknown stores as configuration errors.
func TestLinuxBackendInstallDryRun(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the Linux backend's install methods")
	}
	root := testpki.Root("Install Test Root", testpki.Options{})
	dir := tempDir(t)
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
