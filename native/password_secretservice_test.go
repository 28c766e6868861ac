//go:build linux

package native

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
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
