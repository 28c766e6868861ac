package windows

import (
	"bytes"
	"crypto"
	"crypto/x509"
	"crypto/x509/pkix"
	"testing"
	"time"

	"github.com/nativetls/nativetls/internal/testpki"
)

const testHost = "test.nativetls.example"

// Fixed times: every fixture is valid at verifyTime, so nothing expires.
var (
	verifyTime = time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	validFrom  = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	validUntil = time.Date(2035, 1, 1, 0, 0, 0, 0, time.UTC)
)

// fataler is the part of testing.TB the generators need (TestMain has no
// testing.TB, so it passes a panicking one).
type fataler interface {
	Helper()
	Fatal(args ...any)
}

// panicker is a fataler for TestMain.
type panicker struct{}

func (panicker) Helper()           {}
func (panicker) Fatal(args ...any) { panic(args) }

// testPKI is a root, an intermediate and leaves under it.
type testPKI struct {
	root, inter         *x509.Certificate
	rootKey, interKey   crypto.Signer
	leaf, expired       *x509.Certificate
	leafKey, expiredKey crypto.Signer
}

// mkCert issues tmpl through internal/testpki. Wine gap
// (TestWineShortECDSASignature): Wine 8 rejects an ECDSA signature whose r
// or s is shorter than the curve size (about 1 in 128 P-256 signatures),
// so fixtures are re-signed until both are full length; otherwise about 1
// run in 4 failed at random under Wine.
func mkCert(t fataler, tmpl *x509.Certificate, parent *x509.Certificate, pub crypto.PublicKey, signer crypto.Signer) *x509.Certificate {
	t.Helper()
	for {
		c := testpki.SignTemplate(tmpl, pub, parent, signer)
		if !testpki.ShortECDSASignature(c, signer.Public()) {
			return c
		}
	}
}

// shortECDSASignature reports whether c carries an ECDSA signature by
// signer whose r or s has fewer bytes than signer's curve.
func shortECDSASignature(c *x509.Certificate, signer crypto.Signer) bool {
	return testpki.ShortECDSASignature(c, signer.Public())
}

// ecKey and rsaKey are fresh ECDSA P-256 and RSA 2048 keys from
// internal/testpki (whose NewKey makes a key of any of its types).
func ecKey() crypto.Signer  { return testpki.NewKey(testpki.ECDSAP256) }
func rsaKey() crypto.Signer { return testpki.NewKey(testpki.RSA2048) }

func caTemplate(cn string) *x509.Certificate {
	return &x509.Certificate{
		Subject:   pkix.Name{CommonName: cn, Organization: []string{"nativetls test"}},
		NotBefore: validFrom, NotAfter: validUntil,
		IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
	}
}

func leafTemplate(cn string, dns ...string) *x509.Certificate {
	return &x509.Certificate{
		Subject:   pkix.Name{CommonName: cn},
		DNSNames:  dns,
		NotBefore: validFrom, NotAfter: validUntil,
		KeyUsage:    x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth},
	}
}

// newPKI makes a root "name Root", an intermediate and two leaves for
// host: one valid, one that expired in 2021, all ECDSA P-256.
func newPKI(t fataler, name, host string) *testPKI {
	return newPKIWith(t, name, host, ecKey)
}

// newRSAPKI is newPKI with RSA 2048 keys.
func newRSAPKI(t fataler, name, host string) *testPKI {
	return newPKIWith(t, name, host, rsaKey)
}

func newPKIWith(t fataler, name, host string, key func() crypto.Signer) *testPKI {
	p := &testPKI{}
	rk, ik, lk, ek := key(), key(), key(), key()
	p.rootKey, p.interKey, p.leafKey, p.expiredKey = rk, ik, lk, ek
	p.root = mkCert(t, caTemplate(name+" Root"), nil, rk.Public(), rk)
	p.inter = mkCert(t, caTemplate(name+" Intermediate"), p.root, ik.Public(), rk)
	p.leaf = mkCert(t, leafTemplate(host, host), p.inter, lk.Public(), ik)
	et := leafTemplate(host, host)
	et.NotBefore = time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	et.NotAfter = time.Date(2021, 1, 1, 0, 0, 0, 0, time.UTC)
	p.expired = mkCert(t, et, p.inter, ek.Public(), ik)
	return p
}

// tamperSignature returns c with the last byte of its signature flipped: it
// still parses, but its issuer's signature no longer verifies.
func tamperSignature(t *testing.T, c *x509.Certificate) *x509.Certificate {
	t.Helper()
	der := bytes.Clone(c.Raw)
	der[len(der)-1] ^= 0x01
	bad, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(bad.Signature, c.Signature) {
		t.Fatal("tampering did not change the signature")
	}
	return bad
}
