package native

import (
	"github.com/nativetls/nativetls/internal/testfs"
	"net"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nativetls/nativetls/trust"
)

// TestSessionBusProblem: the keychain: source is reported unavailable,
// saying what is missing, without a session bus; available with one.
func TestSessionBusProblem(t *testing.T) {
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", "")
	if p := sessionBusProblem(); !strings.Contains(p, "DBUS_SESSION_BUS_ADDRESS is not set") {
		t.Errorf("unset: problem %q", p)
	}
	dir := testfs.TempDir(t)
	sock := filepath.Join(dir, "bus")
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path="+sock)
	if p := sessionBusProblem(); !strings.Contains(p, sock) {
		t.Errorf("stale address: problem %q does not name %s", p, sock)
	}
	ln, err := net.Listen("unix", sock)
	if err != nil {
		t.Skipf("cannot listen on a unix socket here: %v", err)
	}
	defer ln.Close()
	if p := sessionBusProblem(); p != "" {
		t.Errorf("listening bus: problem %q", p)
	}
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", "launchd:env=X")
	if p := sessionBusProblem(); !strings.Contains(p, "names no unix: or tcp: address") {
		t.Errorf("unknown transport: problem %q", p)
	}
	caps := linuxCapabilities([]trust.Capability{{Name: "keychain", Available: true}})
	if caps[0].Available {
		t.Errorf("keychain available with DBUS_SESSION_BUS_ADDRESS=launchd:env=X")
	}
}
