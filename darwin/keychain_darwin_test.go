package darwin

import (
	"crypto"
	"crypto/x509"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	pkcs12 "software.sslmate.com/src/go-pkcs12"

	"github.com/nativetls/nativetls/internal/testpki"
)

// testKeychain is a keychain file in a temporary directory, so tests never
// touch the user's keychains.
type testKeychain struct {
	path     string
	password string
}

func security(t testing.TB, args ...string) string {
	t.Helper()
	out, err := exec.Command("/usr/bin/security", args...).CombinedOutput()
	if err != nil {
		t.Fatalf("security %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

func newTestKeychain(t testing.TB) *testKeychain {
	t.Helper()
	kc := &testKeychain{path: filepath.Join(t.TempDir(), "nativetls-test.keychain-db"), password: "nativetls-test"}
	security(t, "create-keychain", "-p", kc.password, kc.path)
	t.Cleanup(func() { _ = exec.Command("/usr/bin/security", "delete-keychain", kc.path).Run() })
	security(t, "set-keychain-settings", kc.path) // no auto-lock timeout
	security(t, "unlock-keychain", "-p", kc.password, kc.path)
	return kc
}

// importIdentity imports key and chain (leaf first) as a PKCS#12 file,
// readable by any application without a prompt.
func (kc *testKeychain) importIdentity(t testing.TB, key crypto.Signer, chain []*x509.Certificate) {
	t.Helper()
	const pw = "p12-password"
	pfx, err := pkcs12.LegacyDES.Encode(key, chain[0], chain[1:], pw)
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "identity.p12")
	if err := os.WriteFile(file, pfx, 0o600); err != nil {
		t.Fatal(err)
	}
	security(t, "import", file, "-k", kc.path, "-f", "pkcs12", "-P", pw, "-A")
	// Since macOS 10.12 a key's partition list must also admit the caller;
	// allow unsigned and ad-hoc signed binaries such as go test's.
	_ = exec.Command("/usr/bin/security", "set-key-partition-list", "-S", "apple-tool:,apple:,unsigned:", "-s",
		"-k", kc.password, kc.path).Run()
}

// writePEM writes c's certificate to a temporary file and returns its path.
func writePEM(t testing.TB, c *testpki.Cert) string {
	t.Helper()
	file := filepath.Join(t.TempDir(), "cert.pem")
	if err := os.WriteFile(file, c.PEM(), 0o644); err != nil {
		t.Fatal(err)
	}
	return file
}
