//go:build ignore

// genpki writes the test PKI of cmd/nativetls's golden tests into
// testdata/pki. Run from cmd/nativetls: go run testdata/genpki.go
// The outputs are committed, so the goldens (pins, serials) stay stable.
package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"log"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"time"

	"github.com/nativetls/nativetls/internal/testpki"
)

var (
	dir   = filepath.Join("testdata", "pki")
	start = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	end   = time.Date(2036, 1, 1, 0, 0, 0, 0, time.UTC)
)

// issue makes a P-256 key and a certificate for it from tmpl, signed by
// parent (self-signed when nil), and writes both as name.pem and
// name-key.pem.
func issue(name string, tmpl *x509.Certificate, parent *testpki.Cert) *testpki.Cert {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		log.Fatal(err)
	}
	c, err := testpki.Issue(tmpl, key, parent)
	if err != nil {
		log.Fatal(err)
	}
	write(name+".pem", c.PEM())
	write(name+"-key.pem", c.KeyPEM())
	return c
}

func write(name string, data []byte) {
	if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
		log.Fatal(err)
	}
}

func ca(serial int64, cn string) *x509.Certificate {
	return &x509.Certificate{SerialNumber: big.NewInt(serial), Subject: pkix.Name{CommonName: cn, Organization: []string{"nativetls tests"}},
		NotBefore: start, NotAfter: end, IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageCRLSign}
}

func leaf(serial int64, cn string, nb, na time.Time, eku x509.ExtKeyUsage, dns ...string) *x509.Certificate {
	return &x509.Certificate{SerialNumber: big.NewInt(serial), Subject: pkix.Name{CommonName: cn},
		DNSNames: dns, NotBefore: nb, NotAfter: na, KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{eku}, BasicConstraintsValid: true}
}

func main() {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		log.Fatal(err)
	}
	root := issue("root", ca(1, "Test Root CA"), nil)
	inter := issue("intermediate", ca(2, "Test Intermediate CA"), root)
	issue("other-root", ca(3, "Other Root CA"), nil)
	l := leaf(10, "www.example.test", start, end, x509.ExtKeyUsageServerAuth, "www.example.test", "example.test")
	l.IPAddresses = []net.IP{net.IPv4(127, 0, 0, 1)}
	issue("leaf", l, inter)
	issue("expired", leaf(11, "old.example.test", time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(2021, 1, 1, 0, 0, 0, 0, time.UTC), x509.ExtKeyUsageServerAuth, "old.example.test"), inter)
	issue("client", leaf(12, "client.example.test", start, end, x509.ExtKeyUsageClientAuth), inter)
	for _, n := range []string{"root-key.pem", "intermediate-key.pem", "other-root-key.pem", "expired-key.pem"} {
		os.Remove(filepath.Join(dir, n))
	}
	// The full server chain, leaf first.
	a, _ := os.ReadFile(filepath.Join(dir, "leaf.pem"))
	b, _ := os.ReadFile(filepath.Join(dir, "intermediate.pem"))
	write("leaf-chain.pem", append(a, b...))
}
