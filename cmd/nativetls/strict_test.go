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

// TestVerifyStrict: a wildcard over a public suffix (*.co.uk) passes
// crypto/x509's checks and the default profile but not the strict profile,
// so --strict turns exit 0 into exit 1.
func TestVerifyStrict(t *testing.T) {
	dir := tempDir(t)
	nb, na := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	caKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	caT := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "Strict Test CA"},
		NotBefore: nb, NotAfter: na, IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign}
	caDER, _ := x509.CreateCertificate(rand.Reader, caT, caT, &caKey.PublicKey, caKey)
	ca, _ := x509.ParseCertificate(caDER)
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	lT := &x509.Certificate{SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "*.co.uk"},
		DNSNames: []string{"*.co.uk"}, NotBefore: nb, NotAfter: na, BasicConstraintsValid: true,
		KeyUsage:    x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	lDER, err := x509.CreateCertificate(rand.Reader, lT, ca, &key.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	write := func(name string, der []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	leaf, root := write("leaf.pem", lDER), write("root.pem", caDER)
	args := []string{"verify", "--leaf", leaf, "--roots", root, "--host", "example.co.uk"}
	if r := runCLI(t, baseEnv(), args...); r.code != 0 {
		t.Fatalf("default profile: exit %d, %s", r.code, r.stderr)
	}
	r := runCLI(t, baseEnv(), append(args, "--strict", "--json")...)
	if r.code != 1 || !strings.Contains(r.stdout, `"valid": false`) {
		t.Errorf("--strict: exit %d, want 1\n%s%s", r.code, r.stdout, r.stderr)
	}
	t.Log(r.stdout[:min(len(r.stdout), 400)])
}
