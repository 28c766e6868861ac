package main

import (
	"encoding/pem"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nativetls/nativetls/internal/testpki"
)

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
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	leaf, root := write("leaf.pem", l.PEM()), write("root.pem", ca.PEM())
	crl := write("ca.crl", pem.EncodeToMemory(&pem.Block{Type: "X509 CRL", Bytes: list.Raw}))
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
	bad := filepath.Join(dir, "bad.pem")
	os.WriteFile(bad, []byte("-----BEGIN CERTIFICATE-----\nMIIBAAAA\n-----END CERTIFICATE-----\n"), 0o600)
	text := filepath.Join(dir, "text.pem")
	os.WriteFile(text, []byte("hello\n"), 0o600)
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
