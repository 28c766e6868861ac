package native

import (
	"crypto"
	"crypto/x509"
	"errors"
	"strings"
	"testing"

	"github.com/nativetls/nativetls/trust"
)

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
