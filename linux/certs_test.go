package linux

import (
	"crypto"
	"crypto/x509"
	"encoding/pem"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/nativetls/nativetls/internal/testpki"
)

// verifyTime is the fixed verification time of every test.
var verifyTime = time.Date(2030, 6, 1, 12, 0, 0, 0, time.UTC)

// testCert is a generated certificate with its key.
type testCert struct {
	cert *x509.Certificate
	key  crypto.Signer
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

// certWindow is the validity of every test certificate: it covers
// verifyTime.
var certWindow = testpki.Span(time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2040, 1, 1, 0, 0, 0, 0, time.UTC))

// newCert makes a CA (a root when parent is nil) or a serverAuth leaf named
// dns[0] issued by parent.
func newCert(t testing.TB, cn string, isCA bool, parent *testCert, dns ...string) testCert {
	t.Helper()
	var c *testpki.Cert
	switch {
	case parent == nil:
		c = testpki.Root(cn, certWindow)
	case isCA:
		c = (&testpki.Cert{Cert: parent.cert, Key: parent.key}).Intermediate(cn, certWindow)
	default:
		if len(dns) == 0 || dns[0] != cn {
			t.Fatalf("newCert: leaf %q must be named by its first DNS name", cn)
		}
		o := certWindow
		o.DNSNames, o.EKUs = dns, []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}
		c = (&testpki.Cert{Cert: parent.cert, Key: parent.key}).Leaf(o)
	}
	return testCert{cert: c.Cert, key: c.Key}
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
