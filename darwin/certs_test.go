package darwin

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/x509"
	"testing"
	"time"

	"github.com/nativetls/nativetls/internal/testpki"
	"github.com/nativetls/nativetls/trust"
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
	return testpki.DarwinKey(testpki.ECDSAP256).(*ecdsa.PrivateKey)
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
