package pkcs11

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/nativetls/nativetls/internal/testpki"
)

// Fixed validity window so test certificates never expire.
var (
	testNotBefore = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	testNotAfter  = time.Date(2044, 1, 1, 0, 0, 0, 0, time.UTC)
	testNow       = time.Date(2030, 6, 1, 0, 0, 0, 0, time.UTC)
)

// makeCert creates a certificate for pub signed by (parent, parentKey), or
// self-signed when parent is nil. isCA marks a CA certificate; dns names the
// leaf.
func makeCert(t testing.TB, cn string, pub crypto.PublicKey, parent *x509.Certificate, parentKey crypto.Signer, isCA bool, dns ...string) *x509.Certificate {
	t.Helper()
	tmpl := &x509.Certificate{
		Subject:               pkix.Name{CommonName: cn, Organization: []string{"nativetls test"}},
		NotBefore:             testNotBefore,
		NotAfter:              testNotAfter,
		BasicConstraintsValid: true,
		IsCA:                  isCA,
		DNSNames:              dns,
	}
	if isCA {
		tmpl.KeyUsage = x509.KeyUsageCertSign | x509.KeyUsageCRLSign
	} else {
		tmpl.KeyUsage = x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment
		tmpl.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth}
	}
	return testpki.SignTemplate(tmpl, pub, parent, parentKey)
}

// newTestCA returns a self-signed ECDSA P-256 CA and its key.
func newTestCA(t testing.TB, cn string) (*x509.Certificate, crypto.Signer) {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return makeCert(t, cn, k.Public(), nil, k, true), k
}

// writePEM writes certificates to path as PEM.
func writePEM(t testing.TB, path string, certs ...*x509.Certificate) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	var out []byte
	for _, c := range certs {
		out = append(out, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Raw})...)
	}
	if err := os.WriteFile(path, out, 0o644); err != nil {
		t.Fatal(err)
	}
}
