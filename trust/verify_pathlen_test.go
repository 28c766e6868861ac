package trust

import (
	"context"
	"crypto/x509"
	"errors"
	"strings"
	"testing"
)

// pathLenConstraint counted as RFC 5280 says: self-issued intermediates
// (key rollover) do not count; crypto/x509 counts them (trust/internal/profile/pathlen.go).

func TestPathLenSkipsSelfIssued(t *testing.T) {
	p := newVTPKI(t, vtChainOpts{inter: func(c *x509.Certificate) { c.MaxPathLen, c.MaxPathLenZero = 0, true }})
	// R3 rolls its key over: a self-issued certificate for the new key.
	rt := vtTemplate("R3", true)
	rt.AuthorityKeyId = p.Inter.Cert.SubjectKeyId // crypto/x509 omits it when issuer = subject
	rolled := vtIssue(t, rt, p.Inter, vtECKey(t))
	if !isSelfIssued(rolled.Cert) {
		t.Fatal("rollover certificate is not self-issued")
	}
	leaf := vtIssue(t, vtTemplate("www.example.com", false, "www.example.com"), rolled, vtECKey(t))
	chain := []*x509.Certificate{leaf.Cert, rolled.Cert, p.Inter.Cert}

	var ci x509.CertificateInvalidError
	if err := x509Alone(leaf.Cert, p.Root.Cert, rolled.Cert, p.Inter.Cert); !errors.As(err, &ci) || ci.Reason != x509.TooManyIntermediates {
		t.Fatalf("crypto/x509 alone should count the self-issued certificate, got %v", err)
	}
	chains, err := (&Verifier{}).Verify(context.Background(), p.Store(), chain, vtOpts())
	if err != nil || len(chains[0]) != 4 || chains[0][1] != rolled.Cert {
		t.Fatalf("want the 4-certificate chain with the original certificates, got %v", err)
	}
}

func TestPathLenStillEnforced(t *testing.T) {
	p := newVTPKI(t, vtChainOpts{inter: func(c *x509.Certificate) { c.MaxPathLen, c.MaxPathLenZero = 0, true }})
	sub := vtIssue(t, vtTemplate("Sub CA", true), p.Inter, vtECKey(t))
	leaf := vtIssue(t, vtTemplate("www.example.com", false, "www.example.com"), sub, vtECKey(t))
	_, err := (&Verifier{}).Verify(context.Background(), p.Store(), []*x509.Certificate{leaf.Cert, sub.Cert, p.Inter.Cert}, vtOpts())
	var ve *VerificationError
	if !errors.As(err, &ve) || ve.Reason != ReasonPolicy || !strings.Contains(err.Error(), "pathLenConstraint allows 0 intermediate certificate(s) below it and the chain has 1") {
		t.Fatalf("got %v", err)
	}
}
