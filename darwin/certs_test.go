package darwin

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"testing"
	"time"

	"github.com/nativetls/nativetls/trust"
)

// fixedNow is the verification time of every test: inside all validity
// windows below, so nothing expires.
var fixedNow = time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)

// testPKI is a root, an intermediate and a server leaf. The leaf is valid
// for 334 days, under Apple's 398-day limit for TLS server certificates, so
// the same fixtures pass the real SSL policy on macOS.
type testPKI struct {
	root, inter, leaf, client, otherRoot *x509.Certificate
	rootKey, interKey, leafKey           crypto.Signer
}

const goodHost = "good.example.test"

func newTestPKI(t testing.TB) *testPKI {
	t.Helper()
	p := &testPKI{}
	p.rootKey = newECKey(t)
	p.root = makeCert(t, &x509.Certificate{
		Subject: pkix.Name{CommonName: "nativetls darwin test root"}, IsCA: true, BasicConstraintsValid: true,
		NotBefore: date(2025, 1, 1), NotAfter: date(2035, 1, 1), KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
	}, nil, p.rootKey, nil)
	p.interKey = newECKey(t)
	p.inter = makeCert(t, &x509.Certificate{
		Subject: pkix.Name{CommonName: "nativetls darwin test intermediate"}, IsCA: true, BasicConstraintsValid: true,
		MaxPathLenZero: true, NotBefore: date(2025, 2, 1), NotAfter: date(2030, 1, 1),
		KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
	}, p.root, p.interKey, p.rootKey)
	p.leafKey = newECKey(t)
	p.leaf = makeCert(t, &x509.Certificate{
		Subject: pkix.Name{CommonName: goodHost}, DNSNames: []string{goodHost},
		NotBefore: date(2026, 1, 1), NotAfter: date(2026, 12, 1),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}, p.inter, p.leafKey, p.interKey)
	p.client = makeCert(t, &x509.Certificate{
		Subject: pkix.Name{CommonName: "client"}, NotBefore: date(2026, 1, 1), NotAfter: date(2026, 12, 1),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	}, p.inter, newECKey(t), p.interKey)
	otherKey := newECKey(t)
	p.otherRoot = makeCert(t, &x509.Certificate{
		Subject: pkix.Name{CommonName: "nativetls darwin other root"}, IsCA: true, BasicConstraintsValid: true,
		NotBefore: date(2025, 1, 1), NotAfter: date(2035, 1, 1), KeyUsage: x509.KeyUsageCertSign,
	}, nil, otherKey, nil)
	return p
}

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func newECKey(t testing.TB) *ecdsa.PrivateKey {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

var serial int64 = 1000

// makeCert signs tmpl with parentKey (self-signed when parent is nil).
func makeCert(t testing.TB, tmpl, parent *x509.Certificate, key, parentKey crypto.Signer) *x509.Certificate {
	t.Helper()
	serial++
	tmpl.SerialNumber = big.NewInt(serial)
	if parent == nil {
		parent, parentKey = tmpl, key
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, key.Public(), parentKey)
	if err != nil {
		t.Fatal(err)
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// conformanceCase is one row of the verification table every backend
// runs: a presented chain, options with a fixed time, whether the test
// root is trusted, and the expected outcome.
type conformanceCase struct {
	name       string
	chain      []*x509.Certificate
	opts       trust.VerifyOptions
	trustRoot  bool
	wantReason trust.Reason // ReasonUnknown with wantOK
	wantOK     bool
	wantDepth  int // depth of the certificate the error names
}

// conformanceTable builds the rows for p. The Linux test checks the rows
// against crypto/x509 (trust.AnchorStore); the darwin test runs them
// against Security.framework.
func conformanceTable(p *testPKI) []conformanceCase {
	at := func(tm time.Time, host string) trust.VerifyOptions {
		return trust.VerifyOptions{ServerName: host, Time: tm, DisableFetch: true}
	}
	full := []*x509.Certificate{p.leaf, p.inter}
	client := at(fixedNow, "")
	client.Usage = trust.UsageClientAuth
	return []conformanceCase{
		{name: "good", chain: full, opts: at(fixedNow, goodHost), trustRoot: true, wantOK: true},
		{name: "expired", chain: full, opts: at(date(2027, 1, 15), goodHost), trustRoot: true, wantReason: trust.ReasonExpired},
		{name: "not-yet-valid", chain: full, opts: at(date(2025, 12, 1), goodHost), trustRoot: true, wantReason: trust.ReasonNotYetValid},
		{name: "wrong-host", chain: full, opts: at(fixedNow, "wrong.example.test"), trustRoot: true, wantReason: trust.ReasonHostnameMismatch},
		{name: "unknown-root", chain: full, opts: at(fixedNow, goodHost), trustRoot: false, wantReason: trust.ReasonUnknownAuthority, wantDepth: 1},
		{name: "missing-intermediate", chain: []*x509.Certificate{p.leaf}, opts: at(fixedNow, goodHost), trustRoot: true, wantReason: trust.ReasonMissingIntermediate},
		{name: "client-usage-of-server-cert", chain: full, opts: client, trustRoot: true, wantReason: trust.ReasonWrongUsage},
		{name: "client-cert", chain: []*x509.Certificate{p.client, p.inter}, opts: client, trustRoot: true, wantOK: true},
	}
}
