//go:build linux

package native

import (
	"bufio"
	"errors"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/nativetls/nativetls/trust"
)

// TestSecretServiceKeychainSource reads a password through the real
// freedesktop Secret Service: a private D-Bus session bus and gnome-keyring
// in a temporary home, the item stored with secret-tool.
func TestSecretServiceKeychainSource(t *testing.T) {
	for _, tool := range []string{"dbus-daemon", "gnome-keyring-daemon", "secret-tool"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s not installed: apt-get install --no-install-recommends dbus gnome-keyring libsecret-tools", tool)
		}
	}
	home := tempDir(t)
	run := filepath.Join(home, "run")
	if err := os.Mkdir(run, 0o700); err != nil {
		t.Fatal(err)
	}
	t.Setenv("HOME", home)
	t.Setenv("XDG_DATA_HOME", filepath.Join(home, "data"))
	t.Setenv("XDG_RUNTIME_DIR", run)

	bus := exec.Command("dbus-daemon", "--session", "--nofork", "--print-address=1", "--print-pid=1")
	out, err := bus.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := bus.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { bus.Process.Kill(); bus.Wait() })
	rd := bufio.NewReader(out)
	addr, err := rd.ReadString('\n')
	if err != nil {
		t.Fatalf("dbus-daemon printed no address: %v", err)
	}
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", strings.TrimSpace(addr))

	kr := exec.Command("gnome-keyring-daemon", "--unlock", "--components=secrets", "--daemonize")
	kr.Stdin = strings.NewReader("test-keyring-password")
	krOut, err := kr.CombinedOutput()
	if err != nil {
		t.Fatalf("gnome-keyring-daemon: %v\n%s", err, krOut)
	}
	t.Cleanup(func() { killKeyring(krOut) })

	store := exec.Command("secret-tool", "store", "--label=nativetls test", "service", "nativetls-test", "account", "web")
	store.Stdin = strings.NewReader("s3cret-from-keyring")
	if out, err := store.CombinedOutput(); err != nil {
		t.Fatalf("secret-tool store: %v\n%s", err, out)
	}

	f, err := PasswordSource("keychain:nativetls-test/web")
	if err != nil {
		t.Fatal(err)
	}
	pw, err := f()
	if err != nil {
		t.Fatal(err)
	}
	if string(pw) != "s3cret-from-keyring" {
		t.Errorf("password = %q", pw)
	}
	f, _ = PasswordSource("keychain:nativetls-test/nobody")
	if _, err := f(); err == nil || !strings.Contains(err.Error(), "secret-tool store") {
		t.Errorf("missing item: err = %v, want a hint naming secret-tool", err)
	}
}

// killKeyring stops the keyring daemon if it printed its pid.
func killKeyring(out []byte) {
	for _, line := range strings.Split(string(out), "\n") {
		if v, ok := strings.CutPrefix(line, "GNOME_KEYRING_PID="); ok {
			if pid, err := strconv.Atoi(strings.TrimSpace(v)); err == nil {
				syscall.Kill(pid, syscall.SIGTERM)
			}
		}
	}
}

// Without a reachable session bus the keychain: source fails with a message
// saying what is missing, matching ErrNoSecretStore. (A real Secret Service
// needs a D-Bus session with gnome-keyring or KWallet, which CI does not run.)
func TestSecretServiceUnavailable(t *testing.T) {
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path="+tempDir(t)+"/no-bus")
	f, err := PasswordSource("keychain:nativetls-test/web")
	if err != nil {
		t.Fatal(err)
	}
	_, err = f()
	if !errors.Is(err, ErrNoSecretStore) {
		t.Fatalf("err = %v, want ErrNoSecretStore", err)
	}
	t.Log(err)
}

// TestSessionBusProblem: the keychain: source is reported unavailable,
// saying what is missing, without a session bus; available with one.
func TestSessionBusProblem(t *testing.T) {
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", "")
	if p := sessionBusProblem(); !strings.Contains(p, "DBUS_SESSION_BUS_ADDRESS is not set") {
		t.Errorf("unset: problem %q", p)
	}
	dir := tempDir(t)
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
