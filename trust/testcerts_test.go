package trust

import (
	"crypto"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/pem"
	"errors"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nativetls/nativetls/internal/testpki"
)

// Test certificates for the verification tests: templates signed through
// internal/testpki, with fixed validity windows around a fixed verification time
// so nothing ever expires.

// vtNow is the verification time of the verification tests.
var vtNow = time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)

// vtCert is a certificate with its key.
type vtCert struct {
	Cert *x509.Certificate
	Key  crypto.Signer
}

// vtTemplate returns a conforming template: a CA when ca is set, otherwise a
// TLS server leaf for name. Validity: 2026-01-01 .. 2027-12-31.
func vtTemplate(cn string, ca bool, names ...string) *x509.Certificate {
	t := &x509.Certificate{
		Subject:               pkix.Name{CommonName: cn, Organization: []string{"nativetls test"}},
		NotBefore:             time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC),
		NotAfter:              time.Date(2027, 12, 31, 0, 0, 0, 0, time.UTC),
		BasicConstraintsValid: true,
		IsCA:                  ca,
	}
	if ca {
		t.KeyUsage = x509.KeyUsageCertSign | x509.KeyUsageCRLSign
		return t
	}
	t.KeyUsage = x509.KeyUsageDigitalSignature
	t.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}
	for _, n := range names {
		if ip := net.ParseIP(n); ip != nil {
			t.IPAddresses = append(t.IPAddresses, ip)
		} else {
			t.DNSNames = append(t.DNSNames, n)
		}
	}
	return t
}

func vtECKey(testing.TB) crypto.Signer { return testpki.NewKey(testpki.ECDSAP256) }

var (
	rsaKeysOnce sync.Once
	rsaKeys     [3]crypto.Signer
)

// vtRSAKey returns one of three RSA-2048 keys generated once per process.
func vtRSAKey(_ testing.TB, i int) crypto.Signer {
	rsaKeysOnce.Do(func() {
		for j := range rsaKeys {
			rsaKeys[j] = testpki.NewKey(testpki.RSA2048)
		}
	})
	return rsaKeys[i]
}

// vtIssue signs tmpl with parent (self-signed when parent is nil) for key.
func vtIssue(t testing.TB, tmpl *x509.Certificate, parent *vtCert, key crypto.Signer) *vtCert {
	t.Helper()
	var p *testpki.Cert
	if parent != nil {
		p = &testpki.Cert{Cert: parent.Cert, Key: parent.Key}
	}
	c, err := testpki.Issue(tmpl, key, p)
	if err != nil {
		t.Fatal(err)
	}
	return &vtCert{Cert: c.Cert, Key: key}
}

// vtPKI is a root, an intermediate and a leaf.
type vtPKI struct {
	Root, Inter, Leaf *vtCert
}

// Chain is what a server presents: leaf then intermediate.
func (p *vtPKI) Chain() []*x509.Certificate { return []*x509.Certificate{p.Leaf.Cert, p.Inter.Cert} }

// Store trusts the root.
func (p *vtPKI) Store() *AnchorStore { return FromCertificates("test root", p.Root.Cert) }

// vtChainOpts adjusts the templates before issuing.
type vtChainOpts struct {
	root, inter, leaf func(*x509.Certificate)
	rsa               bool
}

// newVTPKI issues root → "R3" intermediate → leaf for www.example.com.
func newVTPKI(t testing.TB, o vtChainOpts) *vtPKI {
	t.Helper()
	keys := func(i int) crypto.Signer {
		if o.rsa {
			return vtRSAKey(t, i)
		}
		return vtECKey(t)
	}
	rt := vtTemplate("Test Root CA", true)
	if o.root != nil {
		o.root(rt)
	}
	root := vtIssue(t, rt, nil, keys(0))
	it := vtTemplate("R3", true)
	if o.inter != nil {
		o.inter(it)
	}
	inter := vtIssue(t, it, root, keys(1))
	lt := vtTemplate("www.example.com", false, "www.example.com", "example.com")
	if o.leaf != nil {
		o.leaf(lt)
	}
	leaf := vtIssue(t, lt, inter, keys(2))
	return &vtPKI{Root: root, Inter: inter, Leaf: leaf}
}

// vtOpts are verification options at vtNow for www.example.com, with
// fetching off (tests never touch the network unless they serve it).
func vtOpts() VerifyOptions {
	return VerifyOptions{ServerName: "www.example.com", Time: vtNow, DisableFetch: true}
}

// wantVerdict fails the test unless err is the verdict a table case
// expects: nil when want is negative (accepted), else a *VerificationError with
// Reason want whose text contains detail.
func wantVerdict(t *testing.T, err error, want Reason, detail string) {
	t.Helper()
	if want < 0 {
		if err != nil {
			t.Fatalf("rejected: %v", err)
		}
		return
	}
	var ve *VerificationError
	if !errors.As(err, &ve) || ve.Reason != want || !strings.Contains(err.Error(), detail) {
		t.Fatalf("want %v with %q, got %v", want, detail, err)
	}
}

// x509Alone is crypto/x509's own verdict on leaf at vtNow, with root as
// the only root and inters as the intermediates: what the Verifier's
// checks are compared against.
func x509Alone(leaf, root *x509.Certificate, inters ...*x509.Certificate) error {
	roots, pool := x509.NewCertPool(), x509.NewCertPool()
	roots.AddCert(root)
	for _, c := range inters {
		pool.AddCert(c)
	}
	_, err := leaf.Verify(x509.VerifyOptions{Roots: roots, Intermediates: pool, CurrentTime: vtNow})
	return err
}

// trustedCertificatePEM builds an OpenSSL TRUSTED CERTIFICATE block: the
// certificate's DER followed by its X509_CERT_AUX (trust and reject
// purposes, alias).
func trustedCertificatePEM(tb testing.TB, c *x509.Certificate, aux x509CertAux) []byte {
	tb.Helper()
	a, err := asn1.Marshal(aux)
	if err != nil {
		tb.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "TRUSTED CERTIFICATE", Bytes: append(append([]byte(nil), c.Raw...), a...)})
}
