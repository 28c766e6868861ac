package native

import (
	"errors"
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
