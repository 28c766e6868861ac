package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
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
	nb, na := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	caKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	caT := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "CRL Test CA"},
		NotBefore: nb, NotAfter: na, IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageCRLSign}
	caDER, _ := x509.CreateCertificate(rand.Reader, caT, caT, &caKey.PublicKey, caKey)
	ca, _ := x509.ParseCertificate(caDER)
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	lT := &x509.Certificate{SerialNumber: big.NewInt(42), Subject: pkix.Name{CommonName: "crl.example.test"},
		DNSNames: []string{"crl.example.test"}, NotBefore: nb, NotAfter: na,
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	lDER, err := x509.CreateCertificate(rand.Reader, lT, ca, &key.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	crlDER, err := x509.CreateRevocationList(rand.Reader, &x509.RevocationList{
		Number: big.NewInt(1), ThisUpdate: time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC), NextUpdate: time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC),
		RevokedCertificateEntries: []x509.RevocationListEntry{{SerialNumber: big.NewInt(42), RevocationTime: time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)}},
	}, ca, caKey)
	if err != nil {
		t.Fatal(err)
	}
	write := func(name, typ string, der []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	leaf, root := write("leaf.pem", "CERTIFICATE", lDER), write("root.pem", "CERTIFICATE", caDER)
	crl := write("ca.crl", "X509 CRL", crlDER)
	args := []string{"verify", "--leaf", leaf, "--roots", root, "--host", "crl.example.test", "--time", "2026-06-01T00:00:00Z"}
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
