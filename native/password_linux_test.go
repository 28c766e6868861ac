package native

import (
	"errors"
	"testing"
)

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
