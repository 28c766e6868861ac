package linux

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
	"sync/atomic"
	"testing"
	"time"
)

// verifyTime is the fixed verification time of every test.
var verifyTime = time.Date(2030, 6, 1, 12, 0, 0, 0, time.UTC)

var serialCtr atomic.Int64

// testCert is a generated certificate with its key.
type testCert struct {
	cert *x509.Certificate
	key  *ecdsa.PrivateKey
}

// PEM returns the PEM encoding.
func (c testCert) PEM() []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.cert.Raw})
}

// writePEM writes the certificate to dir/name and returns the path.
func (c testCert) writePEM(t testing.TB, dir, name string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, c.PEM(), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// newCert makes a certificate; parent nil means self-signed.
func newCert(t testing.TB, cn string, isCA bool, parent *testCert, dns ...string) testCert {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(serialCtr.Add(1) + 1000),
		Subject:      pkix.Name{CommonName: cn, Organization: []string{"nativetls test"}},
		NotBefore:    time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC),
		NotAfter:     time.Date(2040, 1, 1, 0, 0, 0, 0, time.UTC),
		DNSNames:     dns,
	}
	if isCA {
		tmpl.IsCA = true
		tmpl.BasicConstraintsValid = true
		tmpl.KeyUsage = x509.KeyUsageCertSign | x509.KeyUsageCRLSign | x509.KeyUsageDigitalSignature
	} else {
		tmpl.KeyUsage = x509.KeyUsageDigitalSignature
		tmpl.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}
	}
	signer, issuer := key, tmpl
	if parent != nil {
		signer, issuer = parent.key, parent.cert
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, issuer, &key.PublicKey, signer)
	if err != nil {
		t.Fatal(err)
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return testCert{cert: c, key: key}
}

// chain is a root → intermediate → leaf hierarchy for host.
type chain struct {
	root, inter, leaf testCert
}

func newChain(t testing.TB, name, host string) chain {
	root := newCert(t, name+" Root", true, nil)
	inter := newCert(t, name+" Intermediate", true, &root)
	leaf := newCert(t, host, false, &inter, host)
	return chain{root: root, inter: inter, leaf: leaf}
}

// presented is what a server would send: leaf and intermediate.
func (c chain) presented() []*x509.Certificate {
	return []*x509.Certificate{c.leaf.cert, c.inter.cert}
}
