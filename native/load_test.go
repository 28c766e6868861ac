package native

import (
	"crypto"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/nativetls/nativetls/internal/safefile"
	"github.com/nativetls/nativetls/internal/testpki"
	"github.com/nativetls/nativetls/trust"
	"software.sslmate.com/src/go-pkcs12"
)

// testIdentity is a throwaway CA and a leaf it issued, with fixed validity.
type testIdentity struct {
	ca, leaf       *x509.Certificate
	caKey, leafKey crypto.Signer
}

func newTestIdentity(t testing.TB) testIdentity {
	t.Helper()
	o := testpki.Span(time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2035, 1, 1, 0, 0, 0, 0, time.UTC))
	ca := testpki.Root("Load Test CA", o)
	o.DNSNames, o.EKUs = []string{"load.test"}, []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}
	leaf := ca.Leaf(o)
	return testIdentity{ca: ca.Cert, leaf: leaf.Cert, caKey: ca.Key, leafKey: leaf.Key}
}

func pemCert(c *x509.Certificate) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Raw})
}

func pemKey(t testing.TB, k crypto.Signer) []byte {
	der, err := x509.MarshalPKCS8PrivateKey(k)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})
}

func writeFile(t testing.TB, dir, name string, parts ...[]byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	var all []byte
	for _, b := range parts {
		all = append(all, b...)
	}
	if err := os.WriteFile(p, all, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestLoadIdentityPEM(t *testing.T) {
	id := newTestIdentity(t)
	dir := tempDir(t)
	both := writeFile(t, dir, "both.pem", pemCert(id.leaf), pemCert(id.ca), pemKey(t, id.leafKey))
	chain, err := LoadIdentity(both)
	if err != nil {
		t.Fatal(err)
	}
	if len(chain.Certificates) != 2 || !chain.Certificates[0].Equal(id.leaf) {
		t.Errorf("chain = %d certificates", len(chain.Certificates))
	}
	certOnly := writeFile(t, dir, "cert.pem", pemCert(id.leaf))
	keyOnly := writeFile(t, dir, "key.pem", pemKey(t, id.leafKey))
	if _, err := LoadIdentity(certOnly); err == nil || !strings.Contains(err.Error(), "no private key") {
		t.Errorf("cert-only identity: err = %v", err)
	}
	if _, err := LoadIdentity(certOnly, WithKey(keyOnly)); err != nil {
		t.Errorf("WithKey: %v", err)
	}
	if _, err := LoadIdentity("file://"+both, WithKey(keyOnly)); err != nil {
		t.Errorf("file:// URL: %v", err)
	}
	wrong := writeFile(t, dir, "wrong.pem", pemKey(t, id.caKey))
	_, err = LoadIdentity(certOnly, WithKey(wrong))
	if err == nil || !strings.Contains(err.Error(), "does not match") {
		t.Errorf("mismatched key: err = %v", err)
	}
	var le *LoadError
	if !errors.As(err, &le) || le.URI != certOnly {
		t.Errorf("error %v is not a *LoadError naming %s", err, certOnly)
	}
}

func TestLoadPKCS12(t *testing.T) {
	id := newTestIdentity(t)
	dir := tempDir(t)
	pfx, err := pkcs12.Modern.Encode(id.leafKey, id.leaf, []*x509.Certificate{id.ca}, "s3cret")
	if err != nil {
		t.Fatal(err)
	}
	p := writeFile(t, dir, "id.p12", pfx)
	t.Setenv("NATIVETLS_TEST_P12", "s3cret")
	pwFile := writeFile(t, dir, "pw.txt", []byte("s3cret\n"))

	for _, src := range []string{"pass:s3cret", "env:NATIVETLS_TEST_P12", "file:" + pwFile} {
		chain, err := LoadIdentity(p, WithPasswordSource(src))
		if err != nil {
			t.Errorf("%s: %v", src, err)
			continue
		}
		if len(chain.Certificates) != 2 {
			t.Errorf("%s: %d certificates", src, len(chain.Certificates))
		}
	}
	if _, err := LoadIdentity(p, WithPassword(func() ([]byte, error) { return []byte("s3cret"), nil })); err != nil {
		t.Errorf("callback: %v", err)
	}
	if _, err := LoadIdentity(p); err == nil || !strings.Contains(err.Error(), "protected by a password") {
		t.Errorf("no password: err = %v", err)
	}
	if _, err := LoadPrivateKey(p, WithPasswordSource("pass:nope")); !errors.Is(err, trust.ErrIncorrectPassword) {
		t.Errorf("wrong password: err = %v, want ErrIncorrectPassword", err)
	}
	if c, err := LoadCertificate(p, WithPasswordSource("pass:s3cret")); err != nil || !c.Equal(id.leaf) {
		t.Errorf("LoadCertificate: %v", err)
	}
}

func TestPasswordSourceErrors(t *testing.T) {
	for _, tt := range []struct{ spec, want string }{
		{"hunter2", "file:/path/pin.txt"},
		{"env:", "no variable name"},
		{"file:", "no path"},
		{"keychain:onlyservice", "keychain:SERVICE/ACCOUNT"},
		{"vault:x", "unknown password source form"},
	} {
		_, err := PasswordSource(tt.spec)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("PasswordSource(%q) = %v, want error containing %q", tt.spec, err, tt.want)
		}
		if err != nil && tt.spec == "hunter2" && strings.Contains(err.Error(), "hunter2") {
			t.Errorf("error leaks the literal: %v", err)
		}
	}
	f, err := PasswordSource("env:NATIVETLS_TEST_UNSET_VAR")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f(); err == nil || !strings.Contains(err.Error(), "is not set") {
		t.Errorf("unset env: err = %v", err)
	}
}

func TestLoadSchemes(t *testing.T) {
	for _, tt := range []struct{ uri, want string }{
		{"vault:secret/web", `unknown scheme`},
		{"capi:store-location=user;store=My;subject=web", "capi:"},
		{"mackms:label=web", "mackms:"},
	} {
		_, err := LoadPrivateKey(tt.uri)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("LoadPrivateKey(%q) = %v, want %q", tt.uri, err, tt.want)
		}
	}
	if runtime.GOOS != "windows" {
		if _, err := LoadPrivateKey("capi:store=My"); !errors.Is(err, trust.ErrUnsupported) {
			t.Errorf("capi on %s: %v is not ErrUnsupported", runtime.GOOS, err)
		}
	}
	if runtime.GOOS != "darwin" {
		if _, err := LoadIdentity("mackms:label=web"); !errors.Is(err, trust.ErrUnsupported) {
			t.Errorf("mackms on %s: %v is not ErrUnsupported", runtime.GOOS, err)
		}
	}
	if s, r := schemeOf(`C:\keys\web.pem`); s != "file" || r != `C:\keys\web.pem` {
		t.Errorf("drive letter parsed as scheme %q", s)
	}
	if _, err := LoadCertificates(filepath.Join(tempDir(t), "missing.pem")); err == nil || !strings.Contains(err.Error(), "missing.pem") {
		t.Errorf("missing file: %v", err)
	}
}

func TestTrustStoreSpec(t *testing.T) {
	id := newTestIdentity(t)
	dir := tempDir(t)
	caFile := writeFile(t, dir, "ca.pem", pemCert(id.ca))
	opts := trust.VerifyOptions{ServerName: "load.test", Time: time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)}
	for _, spec := range []string{caFile, dir} {
		s, err := TrustStore(spec)
		if err != nil {
			t.Fatalf("%s: %v", spec, err)
		}
		if _, err := s.Verify(t.Context(), []*x509.Certificate{id.leaf}, opts); err != nil {
			t.Errorf("%s: verify: %v", spec, err)
		}
	}
	t.Setenv("SSL_CERT_FILE", caFile)
	t.Setenv("SSL_CERT_DIR", dir)
	if s, err := TrustStore("system+" + caFile); err != nil {
		t.Errorf("system+file: %v", err)
	} else if _, err := s.Verify(t.Context(), []*x509.Certificate{id.leaf}, opts); err != nil {
		t.Errorf("system+file: verify: %v", err)
	}
	for _, spec := range []string{"", "capi:store=Root", filepath.Join(dir, "nope.pem")} {
		if _, err := TrustStore(spec); err == nil {
			t.Errorf("TrustStore(%q) succeeded", spec)
		}
	}
}

// TestPasswordFileCap: a password file over 64 KiB is refused.
func TestPasswordFileCap(t *testing.T) {
	path := filepath.Join(tempDir(t), "pin.txt")
	if err := os.WriteFile(path, make([]byte, MaxPasswordFile+1), 0o600); err != nil {
		t.Fatal(err)
	}
	pw, err := PasswordSource("file:" + path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := pw(); !errors.Is(err, safefile.ErrTooLarge) {
		t.Fatalf("oversized password file: %v, want ErrTooLarge", err)
	}
}

// TestLoaderPanicRecovered: a loader that panics gives ErrLoaderPanic in a
// *LoadError naming the input, from every entry point, and no secret.
func TestLoaderPanicRecovered(t *testing.T) {
	boom := &scheme{name: "boomtest",
		certificates: func(string, *loadConfig) ([]*x509.Certificate, error) { panic("boom") },
		key:          func(string, *loadConfig) (crypto.Signer, error) { panic("boom") },
		identity:     func(string, *loadConfig) (trust.CertificateChain, error) { panic("boom") },
		trustStore:   func(string, string) (trust.TrustStore, error) { panic("boom " + planted) },
	}
	old := schemes
	schemes = append(append([]*scheme(nil), old...), boom)
	t.Cleanup(func() { schemes = old })
	uri := "boomtest:x?pin-value=" + planted
	for name, f := range map[string]func() error{
		"LoadCertificates": func() error { _, err := LoadCertificates(uri); return err },
		"LoadPrivateKey":   func() error { _, err := LoadPrivateKey(uri); return err },
		"LoadIdentity":     func() error { _, err := LoadIdentity(uri); return err },
		"TrustStore":       func() error { _, err := TrustStore(uri); return err },
	} {
		err := f()
		var le *LoadError
		if !errors.Is(err, ErrLoaderPanic) || !errors.As(err, &le) || !strings.Contains(err.Error(), "boomtest:x") {
			t.Errorf("%s: %v; want a *LoadError wrapping ErrLoaderPanic naming the URI", name, err)
		}
		assertNoSecret(t, name, errorTexts(err)...)
	}
}

// TestSchemesTable: Schemes lists the table's URI schemes (not the file
// kinds) and the keychain source, in order.
func TestSchemesTable(t *testing.T) {
	var names []string
	for _, s := range Schemes() {
		names = append(names, s.Scheme)
	}
	if got := strings.Join(names, ","); got != "file,pkcs11,capi,mackms,keychain" {
		t.Errorf("Schemes() = %s", got)
	}
	for _, s := range schemes {
		if s.certificates == nil || s.key == nil || s.identity == nil {
			t.Errorf("scheme %s lacks a loader", s.name)
		}
	}
}

// TestLoaderNeverPanics: the key with the 3-byte IV gives an error naming
// the file, whether the parser checks the IV or the boundary recovers.
func TestLoaderNeverPanics(t *testing.T) {
	path := filepath.Join(tempDir(t), "bad-iv.pem")
	if err := os.WriteFile(path, testpki.BadIVEncryptedKeyPEM(), 0o600); err != nil {
		t.Fatal(err)
	}
	for name, f := range map[string]func() error{
		"LoadPrivateKey": func() error { _, err := LoadPrivateKey(path, WithPasswordSource("pass:x")); return err },
		"LoadIdentity":   func() error { _, err := LoadIdentity(path, WithPasswordSource("pass:x")); return err },
	} {
		err := f()
		if err == nil || !strings.Contains(err.Error(), path) {
			t.Errorf("%s(3-byte IV) = %v; want an error naming %s", name, err, path)
		}
	}
}
