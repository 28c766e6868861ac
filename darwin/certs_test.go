package darwin

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/x509"
	"testing"
	"time"

	"github.com/nativetls/nativetls/internal/testpki"
)

// fixedNow is the verification time of every test: inside all validity
// windows below, so nothing expires.
var fixedNow = time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)

// testPKI is a root, an intermediate and a server leaf, made by
// internal/testpki with fixed validity windows. The leaf is valid for 334
// days, under Apple's 398-day limit for TLS server certificates, so the
// same fixtures pass the real SSL policy on macOS.
type testPKI struct {
	root, inter, leaf, client, otherRoot *x509.Certificate
	rootKey, interKey, leafKey           crypto.Signer
	rootC, interC                        *testpki.Cert
}

const goodHost = "good.example.test"

func newTestPKI(t testing.TB) *testPKI {
	t.Helper()
	root := testpki.Root("nativetls darwin test root", testpki.Options{NotBefore: date(2025, 1, 1), NotAfter: date(2035, 1, 1)})
	inter := root.Intermediate("nativetls darwin test intermediate", testpki.Options{NotBefore: date(2025, 2, 1), NotAfter: date(2030, 1, 1)})
	leaf := inter.Leaf(testpki.Options{NotBefore: date(2026, 1, 1), NotAfter: date(2026, 12, 1), DNSNames: []string{goodHost},
		EKUs: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}})
	client := inter.Leaf(testpki.Options{NotBefore: date(2026, 1, 1), NotAfter: date(2026, 12, 1),
		EKUs: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}})
	other := testpki.Root("nativetls darwin other root", testpki.Options{NotBefore: date(2025, 1, 1), NotAfter: date(2035, 1, 1)})
	return &testPKI{
		root: root.Cert, inter: inter.Cert, leaf: leaf.Cert, client: client.Cert, otherRoot: other.Cert,
		rootKey: root.Key, interKey: inter.Key, leafKey: leaf.Key, rootC: root, interC: inter,
	}
}

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func newECKey(t testing.TB) *ecdsa.PrivateKey {
	t.Helper()
	return testpki.NewKey(testpki.ECDSAP256).(*ecdsa.PrivateKey)
}

// makeCert signs tmpl with parentKey (self-signed when parent is nil)
// through testpki.
func makeCert(t testing.TB, tmpl, parent *x509.Certificate, key, parentKey crypto.Signer) *x509.Certificate {
	t.Helper()
	var p *testpki.Cert
	if parent != nil {
		p = &testpki.Cert{Cert: parent, Key: parentKey}
	}
	return testpki.DarwinSign(tmpl, key, p).Cert
}
