package pkcs11

import (
	"crypto"
	"crypto/x509"
	"crypto/x509/pkix"
	"testing"
	"time"

	"github.com/nativetls/nativetls/internal/testpki"
)

// testWindow is the fixed validity of test certificates, so they never
// expire; testNow is when the tests' TLS clients verify them.
var (
	testWindow = testpki.Options{
		NotBefore: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC),
		NotAfter:  time.Date(2044, 1, 1, 0, 0, 0, 0, time.UTC),
	}
	testNow = time.Date(2030, 6, 1, 0, 0, 0, 0, time.UTC)
)

// makeCert creates a certificate for pub signed by (parent, parentKey), or
// self-signed when parent is nil. isCA marks a CA certificate; dns names the
// leaf.
func makeCert(t testing.TB, cn string, pub crypto.PublicKey, parent *x509.Certificate, parentKey crypto.Signer, isCA bool, dns ...string) *x509.Certificate {
	t.Helper()
	tmpl := &x509.Certificate{
		Subject:               pkix.Name{CommonName: cn, Organization: []string{"nativetls test"}},
		NotBefore:             testWindow.NotBefore,
		NotAfter:              testWindow.NotAfter,
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
	ca := testpki.Root(cn, testWindow)
	return ca.Cert, ca.Key
}
