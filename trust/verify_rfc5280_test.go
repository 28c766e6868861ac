package trust

import (
	"context"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"errors"
	"strings"
	"testing"

	"github.com/nativetls/nativetls/trust/internal/profile"
)

// Where crypto/x509 departs from RFC 5280 and the Verifier follows the
// RFC: self-issued intermediates in path lengths and name constraints,
// directory-name and otherName constraints.

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

// Directory-name and otherName constraints, which crypto/x509 leaves
// unhandled (trust/internal/profile/ncdn.go).

func tlv(tag byte, content ...[]byte) []byte {
	var body []byte
	for _, c := range content {
		body = append(body, c...)
	}
	out, err := asn1.Marshal(asn1.RawValue{FullBytes: nil, Class: int(tag >> 6), Tag: int(tag & 0x1f), IsCompound: tag&0x20 != 0, Bytes: body})
	if err != nil {
		panic(err)
	}
	return out
}

func nameDER(n pkix.Name) []byte {
	b, err := asn1.Marshal(n.ToRDNSequence())
	if err != nil {
		panic(err)
	}
	return b
}

// oidUPN is the DER of 1.3.6.1.4.1.311.20.2.3 (Microsoft UPN).
var oidUPN, _ = asn1.Marshal(asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 311, 20, 2, 3})

// otherNameGN is an otherName GeneralName holding a UPN.
func otherNameGN(v string) []byte {
	s, _ := asn1.Marshal(v)
	return tlv(0xa0, oidUPN, tlv(0xa0, s))
}

// ncExt builds a critical nameConstraints extension from GeneralName bases.
func ncExt(permitted, excluded [][]byte) pkix.Extension {
	subtrees := func(tag byte, bases [][]byte) []byte {
		if len(bases) == 0 {
			return nil
		}
		var all [][]byte
		for _, b := range bases {
			all = append(all, tlv(0x30, b))
		}
		return tlv(tag, all...)
	}
	return pkix.Extension{Id: asn1.ObjectIdentifier{2, 5, 29, 30}, Critical: true,
		Value: tlv(0x30, subtrees(0xa0, permitted), subtrees(0xa1, excluded))}
}

func dirGN(n pkix.Name) []byte { return tlv(0xa4, nameDER(n)) }

func TestDirectoryNameConstraints(t *testing.T) {
	acme := pkix.Name{Organization: []string{"Acme"}}
	inAcme := func(c *x509.Certificate) {
		c.Subject = pkix.Name{Organization: []string{"Acme"}, CommonName: c.Subject.CommonName}
	}
	cases := []struct {
		name    string
		onRoot  bool
		nc      pkix.Extension
		leaf    func(*x509.Certificate)
		inter   func(*x509.Certificate)
		wantErr Reason // -1: accepted
		detail  string
	}{
		{"permitted, on the intermediate", false, ncExt([][]byte{dirGN(acme)}, nil), inAcme, nil, -1, ""},
		{"permitted, on the anchor", true, ncExt([][]byte{dirGN(acme)}, nil), inAcme, inAcme, -1, ""},
		{"outside permitted", false, ncExt([][]byte{dirGN(acme)}, nil), nil, nil, ReasonNameConstraints, "outside the subtrees"},
		{"anchor: intermediate outside permitted", true, ncExt([][]byte{dirGN(acme)}, nil), inAcme, nil, ReasonNameConstraints, `intermediate certificate "R3"`},
		{"excluded", false, ncExt(nil, [][]byte{dirGN(acme)}), inAcme, nil, ReasonNameConstraints, "inside a subtree"},
		{"otherName constraint, no otherName", false, ncExt([][]byte{tlv(0x82, []byte("example.com"))}, [][]byte{otherNameGN("x@example.com")}), nil, nil, -1, ""},
		{"otherName constraint, otherName SAN", false, ncExt(nil, [][]byte{otherNameGN("x@example.com")}), func(c *x509.Certificate) {
			c.ExtraExtensions = []pkix.Extension{{Id: profile.OIDExtSubjectAltName, Value: tlv(0x30, tlv(0x82, []byte("www.example.com")), otherNameGN("a@example.com"))}}
		}, nil, ReasonNameConstraints, "otherName"},
		{"x400Address constraint stays unhandled", false, ncExt(nil, [][]byte{tlv(0xa3, tlv(0x30))}), nil, nil, ReasonMalformed, "critical extension"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			withNC := func(c *x509.Certificate) { c.ExtraExtensions = append(c.ExtraExtensions, tc.nc) }
			o := vtChainOpts{leaf: tc.leaf, inter: func(c *x509.Certificate) {
				if tc.inter != nil {
					tc.inter(c)
				}
				if !tc.onRoot {
					withNC(c)
				}
			}}
			if tc.onRoot {
				o.root = withNC
			}
			p := newVTPKI(t, o)
			var uce x509.UnhandledCriticalExtension
			if err := x509Alone(p.Leaf.Cert, p.Root.Cert, p.Inter.Cert); !errors.As(err, &uce) {
				t.Fatalf("crypto/x509 alone should refuse the unhandled constraint, got %v", err)
			}
			_, err := (&Verifier{}).Verify(context.Background(), p.Store(), p.Chain(), vtOpts())
			wantVerdict(t, err, tc.wantErr, tc.detail)
		})
	}
}
