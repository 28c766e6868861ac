package main

import (
	"crypto/x509"
	"encoding/pem"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nativetls/nativetls/internal/testpki"
)

// Tests of verify's policy flags: --max-depth, --crl, --strict, the
// fetching of missing intermediates, and malformed certificates.

// TestVerifyMaxDepth: the test chain has one intermediate, so --max-depth 1
// passes and --max-depth 0 (leaf issued directly by an anchor) fails.
func TestVerifyMaxDepth(t *testing.T) {
	chain, root := filepath.Join(pkiDir(t), "leaf-chain.pem"), filepath.Join(pkiDir(t), "root.pem")
	args := []string{"verify", "--leaf", chain, "--roots", root, "--host", "www.example.test", "--time", "2026-06-01T00:00:00Z"}
	if r := runCLI(t, baseEnv(), append(args, "--max-depth", "1")...); r.code != 0 {
		t.Fatalf("--max-depth 1: exit %d, %s", r.code, r.stderr)
	}
	r := runCLI(t, baseEnv(), append(args, "--max-depth", "0", "--json")...)
	if r.code != 1 || !strings.Contains(r.stdout, `"reason": "policy"`) {
		t.Fatalf("--max-depth 0: exit %d, want 1 with reason policy\n%s%s", r.code, r.stdout, r.stderr)
	}
	if r := runCLI(t, baseEnv(), append(args, "--max-depth", "-5")...); r.code != 2 {
		t.Fatalf("--max-depth -5: exit %d, want 2", r.code)
	}
}

// TestVerifyCRL: a CRL from the issuer that lists the leaf turns exit 0
// into exit 1 with reason revoked; an unreadable CRL is exit 2.
func TestVerifyCRL(t *testing.T) {
	dir := tempDir(t)
	ca := testpki.Root("CRL Test CA", testpki.At(testpki.Clock))
	l := ca.Leaf(testpki.Options{DNSNames: []string{"crl.example.test"}, NotBefore: testpki.Clock.Add(-time.Hour)})
	list := ca.CRL(testpki.Clock.Add(-time.Hour), l)
	leaf, root := writeFile(t, dir, "leaf.pem", l.PEM()), writeFile(t, dir, "root.pem", ca.PEM())
	crl := writeFile(t, dir, "ca.crl", pem.EncodeToMemory(&pem.Block{Type: "X509 CRL", Bytes: list.Raw}))
	args := []string{"verify", "--leaf", leaf, "--roots", root, "--host", "crl.example.test", "--time", testpki.Clock.Format(time.RFC3339)}
	if r := runCLI(t, baseEnv(), args...); r.code != 0 {
		t.Fatalf("without CRL: exit %d, %s", r.code, r.stderr)
	}
	r := runCLI(t, baseEnv(), append(args, "--crl", crl, "--json")...)
	if r.code != 1 || !strings.Contains(r.stdout, `"reason": "revoked"`) {
		t.Fatalf("--crl listing the leaf: exit %d, want 1 with reason revoked\n%s%s", r.code, r.stdout, r.stderr)
	}
	if r := runCLI(t, baseEnv(), append(args, "--crl", leaf)...); r.code != 2 || !strings.Contains(r.stderr, "CRL") {
		t.Fatalf("--crl with a certificate file: exit %d, want 2\n%s", r.code, r.stderr)
	}
}

// TestVerifyMalformedCertificate: a readable PEM file whose certificate does
// not parse is a failed verification (exit 1, reason malformed), as the
// conformance suites expect; a file without any certificate is bad input
// (exit 2).
func TestVerifyMalformedCertificate(t *testing.T) {
	dir := tempDir(t)
	bad := writeFile(t, dir, "bad.pem", []byte("-----BEGIN CERTIFICATE-----\nMIIBAAAA\n-----END CERTIFICATE-----\n"))
	text := writeFile(t, dir, "text.pem", []byte("hello\n"))
	root := filepath.Join(pkiDir(t), "root.pem")
	r := runCLI(t, baseEnv(), "verify", "--leaf", bad, "--roots", root, "--json")
	if r.code != 1 || !strings.Contains(r.stdout, `"reason": "malformed"`) {
		t.Fatalf("malformed leaf: exit %d, want 1 with reason malformed\n%s%s", r.code, r.stdout, r.stderr)
	}
	r = runCLI(t, baseEnv(), "verify", "--leaf", filepath.Join(pkiDir(t), "leaf-chain.pem"), "--roots", bad)
	if r.code != 1 || !strings.Contains(r.stderr, "trust anchor certificate #1") {
		t.Fatalf("malformed root: exit %d, want 1\n%s", r.code, r.stderr)
	}
	if r := runCLI(t, baseEnv(), "verify", "--leaf", text, "--roots", root); r.code != 2 {
		t.Fatalf("file without certificates: exit %d, want 2\n%s", r.code, r.stderr)
	}
}

// TestVerifyStrict: a wildcard over a public suffix (*.co.uk) passes
// crypto/x509's checks and the default profile but not the strict profile,
// so --strict turns exit 0 into exit 1.
func TestVerifyStrict(t *testing.T) {
	dir := tempDir(t)
	ca := testpki.Root("Strict Test CA", testpki.At(testpki.Clock))
	l := ca.Leaf(testpki.Options{DNSNames: []string{"*.co.uk"}, NotBefore: testpki.Clock.Add(-time.Hour)})
	leaf, root := writeFile(t, dir, "leaf.pem", l.PEM()), writeFile(t, dir, "root.pem", ca.PEM())
	args := []string{"verify", "--leaf", leaf, "--roots", root, "--host", "example.co.uk", "--time", testpki.Clock.Format(time.RFC3339)}
	if r := runCLI(t, baseEnv(), args...); r.code != 0 {
		t.Fatalf("default profile: exit %d, %s", r.code, r.stderr)
	}
	r := runCLI(t, baseEnv(), append(args, "--strict", "--json")...)
	if r.code != 1 || !strings.Contains(r.stdout, `"valid": false`) || !strings.Contains(r.stdout, "wildcard-public-suffix") {
		t.Errorf("--strict: exit %d, want 1\n%s%s", r.code, r.stdout, r.stderr)
	}
	t.Log(r.stdout[:min(len(r.stdout), 400)])
}

// TestVerifyFetch: a leaf whose intermediate is only reachable through its
// AIA caIssuers URL verifies with --fetch, and not when fetching is off
// (--no-fetch, or --roots without --fetch).
func TestVerifyFetch(t *testing.T) {
	o := testpki.Span(time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC))
	root := testpki.Root("Fetch Root", o)
	inter := root.Intermediate("Fetch Intermediate", o)
	intDER := inter.Cert.Raw

	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.Header().Set("Content-Type", "application/pkix-cert")
		w.Write(intDER)
	}))
	defer srv.Close()

	o.DNSNames, o.EKUs = []string{"fetch.example.test"}, []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}
	o.AIA = []string{srv.URL + "/int.der"}
	dir := tempDir(t)
	leaf, rootFile := writeFile(t, dir, "leaf.pem", inter.Leaf(o).PEM()), writeFile(t, dir, "root.pem", root.PEM())
	base := []string{"verify", "--leaf", leaf, "--roots", rootFile, "--host", "fetch.example.test", "--time", "2027-01-01T00:00:00Z"}

	if r := runCLI(t, baseEnv(), base...); r.code != 1 {
		t.Errorf("--roots without --fetch: exit %d, want 1 (no fetching); %s", r.code, r.stdout)
	}
	if r := runCLI(t, baseEnv(), append(base, "--fetch", "--no-fetch")...); r.code != 2 {
		t.Errorf("--fetch --no-fetch: exit %d, want 2", r.code)
	}
	if hits.Load() != 0 {
		t.Errorf("the AIA server was asked %d times with fetching off", hits.Load())
	}
	// The AIA URL names 127.0.0.1: a certificate-supplied URL may not reach
	// loopback or private addresses unless the user allows it.
	if r := runCLI(t, baseEnv(), append(base, "--fetch")...); r.code != 1 || !strings.Contains(r.stderr, "refused to connect to 127.0.0.1") {
		t.Errorf("--fetch to a loopback AIA URL: exit %d, want 1 naming the refusal; %s", r.code, r.stderr)
	}
	if hits.Load() != 0 {
		t.Errorf("the loopback AIA server was asked %d times without --fetch-private", hits.Load())
	}
	if r := runCLI(t, baseEnv(), append(base, "--fetch", "--fetch-private")...); r.code != 0 {
		t.Errorf("--fetch --fetch-private: exit %d, want 0; %s", r.code, r.stderr)
	}
	if hits.Load() == 0 {
		t.Error("--fetch --fetch-private never asked the AIA server")
	}
}
