package trust

import (
	"context"
	"crypto/x509"
	"errors"
	"testing"
)

// Name constraints skip self-issued intermediates (RFC 5280 6.1.3 (b)),
// never the leaf or other certificates (profile.RelaxSelfIssuedSANs).

func TestNameConstraintsSkipSelfIssued(t *testing.T) {
	constrained := func(c *x509.Certificate) {
		c.PermittedDNSDomains, c.PermittedDNSDomainsCritical = []string{"example.com"}, true
	}
	p := newVTPKI(t, vtChainOpts{root: constrained})
	issue := func(cn string, parent *vtCert, selfIssued bool, san string) *vtCert {
		tmpl := vtTemplate(cn, true)
		tmpl.DNSNames = []string{san}
		if selfIssued {
			tmpl.AuthorityKeyId = parent.Cert.SubjectKeyId
		}
		return vtIssue(t, tmpl, parent, vtECKey(t))
	}
	verify := func(chain ...*x509.Certificate) error {
		_, err := (&Verifier{}).Verify(context.Background(), p.Store(), chain, vtOpts())
		return err
	}

	rolled := issue("R3", p.Inter, true, "not-example.com") // self-issued: R3 → R3
	leaf := vtIssue(t, vtTemplate("www.example.com", false, "www.example.com"), rolled, vtECKey(t))
	var ci x509.CertificateInvalidError
	if err := x509Alone(leaf.Cert, p.Root.Cert, rolled.Cert, p.Inter.Cert); !errors.As(err, &ci) || ci.Reason != x509.CANotAuthorizedForThisName {
		t.Fatalf("crypto/x509 alone should apply the constraint to the self-issued certificate, got %v", err)
	}
	if err := verify(leaf.Cert, rolled.Cert, p.Inter.Cert); err != nil {
		t.Fatalf("self-issued intermediate outside the constraint: %v", err)
	}

	sub := issue("Sub CA", p.Inter, false, "not-example.com") // not self-issued
	leaf2 := vtIssue(t, vtTemplate("www.example.com", false, "www.example.com"), sub, vtECKey(t))
	var ve *VerificationError
	if err := verify(leaf2.Cert, sub.Cert, p.Inter.Cert); !errors.As(err, &ve) || ve.Reason != ReasonNameConstraints {
		t.Fatalf("a non-self-issued intermediate outside the constraint: want name_constraints, got %v", err)
	}

	outside := vtIssue(t, vtTemplate("www.example.org", false, "www.example.org"), rolled, vtECKey(t))
	o := vtOpts()
	o.ServerName = "www.example.org"
	_, err := (&Verifier{}).Verify(context.Background(), p.Store(), []*x509.Certificate{outside.Cert, rolled.Cert, p.Inter.Cert}, o)
	if !errors.As(err, &ve) || ve.Reason != ReasonNameConstraints {
		t.Fatalf("a leaf outside the constraint below a self-issued intermediate: want name_constraints, got %v", err)
	}
}
