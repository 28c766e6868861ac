//go:build windows

package native

import (
	"crypto/sha1"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"strings"
	"testing"

	"github.com/nativetls/nativetls/internal/testpki"
	"github.com/nativetls/nativetls/trust"
)

// TestWindowsClientIdentityFromMY: two RSA identities from different CAs
// in CurrentUser MY; a server asking for the second CA gets the second
// identity. Under Wine the imported keys land in a legacy provider (a wine
// gap), so the handshake then must report that key instead of signing.
func TestWindowsClientIdentityFromMY(t *testing.T) {
	requireWinPKI(t)
	o := testpki.Options{KeyType: testpki.RSA2048}
	caX, caY := testpki.Root("nativetls Client CA X", o), testpki.Root("nativetls Client CA Y", o)
	client := []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}
	idX := caX.Leaf(testpki.Options{KeyType: testpki.RSA2048, DNSNames: []string{"x.client.test"}, EKUs: client})
	idY := caY.Leaf(testpki.Options{KeyType: testpki.RSA2048, DNSNames: []string{"y.client.test"}, EKUs: client})
	for _, c := range []*testpki.Cert{idX, idY} {
		importToMY(t, c.Key, c.Cert, sha1.Sum(c.Cert.Raw))
	}
	src, err := ClientIdentities([]string{"capi:store-location=user;store=My"})
	if err != nil {
		t.Fatal(err)
	}
	ids, err := src.ClientIdentities()
	if err != nil {
		t.Fatalf("listing CurrentUser MY: %v", err)
	}
	req := trust.ClientCertificateRequest{Version: tls.VersionTLS13, AcceptableCAs: [][]byte{caY.Cert.RawSubject},
		SignatureSchemes: []tls.SignatureScheme{tls.PSSWithSHA256, tls.ECDSAWithP256AndSHA256}}
	fit, skipped := trust.SelectClientIdentity(req, ids, nil, idY.Cert.NotBefore.Add(1))
	if len(fit) != 1 || !fit[0].Chain[0].Equal(idY.Cert) {
		t.Fatalf("selection for CA Y: %d fit (%v), skipped %v; want only y.client.test", len(fit), fit, skipped)
	}
	addr, seen := mtlsServer(t, caY.Cert)
	_, err = dialWithIdentities(t, addr, src, nil)
	var nf *trust.NoClientIdentityError
	if underWine() && errors.As(err, &nf) && strings.Contains(err.Error(), "could not be opened") {
		t.Logf("wine gap: the imported key is in a legacy CryptoAPI provider, not CNG: %v", err)
		return
	}
	if err != nil {
		t.Fatalf("mTLS with the identity from MY: %v", err)
	}
	if got := <-seen; got != "y.client.test" {
		t.Fatalf("server saw %q, want y.client.test", got)
	}
}
