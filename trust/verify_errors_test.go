package trust

import (
	"context"
	"crypto/rand"
	"crypto/x509"
	"errors"
	"math/big"
	"testing"
	"time"
)

// The exact messages of the common verification failures: the sentence a
// person reads must name the certificate, the host and names, the validity
// window against now, the issuer that was not found and whether the peer
// sent intermediates.

type errCase struct {
	name   string
	reason Reason
	want   string
	run    func(t *testing.T) error
}

func verifyPKI(p *vtPKI, chain []*x509.Certificate, edit func(*VerifyOptions)) error {
	o := vtOpts()
	if edit != nil {
		edit(&o)
	}
	_, err := (&Verifier{}).Verify(context.Background(), p.Store(), chain, o)
	return err
}

func revokingCRL(t *testing.T, p *vtPKI) *x509.RevocationList {
	der, err := x509.CreateRevocationList(rand.Reader, &x509.RevocationList{
		Number:     big.NewInt(7),
		ThisUpdate: vtNow.Add(-24 * time.Hour),
		NextUpdate: vtNow.Add(6 * 24 * time.Hour),
		RevokedCertificateEntries: []x509.RevocationListEntry{
			{SerialNumber: p.Leaf.Cert.SerialNumber, RevocationTime: vtNow.Add(-48 * time.Hour)},
		},
	}, p.Inter.Cert, p.Inter.Key)
	if err != nil {
		t.Fatal(err)
	}
	crl, err := x509.ParseRevocationList(der)
	if err != nil {
		t.Fatal(err)
	}
	return crl
}

var errCases = []errCase{
	{name: "expired", reason: ReasonExpired,
		want: `trust: certificate for "www.example.com" expired 3 days ago (not after 2026-11-20 00:00 UTC); issued by "R3"`,
		run: func(t *testing.T) error {
			p := newVTPKI(t, vtChainOpts{leaf: func(c *x509.Certificate) { c.NotAfter = time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC) }})
			return verifyPKI(p, p.Chain(), nil)
		}},
	{name: "not yet valid", reason: ReasonNotYetValid,
		want: `trust: certificate for "www.example.com" is not valid until 2026-11-25 00:00 UTC, 2 days from now; issued by "R3"`,
		run: func(t *testing.T) error {
			p := newVTPKI(t, vtChainOpts{leaf: func(c *x509.Certificate) { c.NotBefore = time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC) }})
			return verifyPKI(p, p.Chain(), nil)
		}},
	{name: "hostname", reason: ReasonHostnameMismatch,
		want: `trust: certificate is valid for a.example, b.example, not c.example`,
		run: func(t *testing.T) error {
			p := newVTPKI(t, vtChainOpts{leaf: func(c *x509.Certificate) {
				c.Subject.CommonName, c.DNSNames = "a.example", []string{"a.example", "b.example"}
			}})
			return verifyPKI(p, p.Chain(), func(o *VerifyOptions) { o.ServerName = "c.example" })
		}},
	{name: "unknown authority", reason: ReasonUnknownAuthority,
		want: `trust: intermediate certificate "R3" is issued by "Test Root CA", which is not a trusted root and was not found among the 1 intermediate the peer sent`,
		run: func(t *testing.T) error {
			p := newVTPKI(t, vtChainOpts{})
			p.Root = newVTPKI(t, vtChainOpts{root: func(c *x509.Certificate) { c.Subject.CommonName = "Other Root" }}).Root
			return verifyPKI(p, p.Chain(), nil)
		}},
	{name: "issuer key mismatch", reason: ReasonBadSignature,
		want: `trust: intermediate certificate "R3" has a signature that does not verify: a certificate named "Test Root CA" was found but its key did not sign it (ECDSA verification failure)`,
		run: func(t *testing.T) error {
			p, other := newVTPKI(t, vtChainOpts{}), newVTPKI(t, vtChainOpts{})
			p.Root = other.Root
			return verifyPKI(p, p.Chain(), nil)
		}},
	{name: "self-signed", reason: ReasonUnknownAuthority,
		want: `trust: certificate for "www.example.com" is self-signed and is not in the trust store`,
		run: func(t *testing.T) error {
			p := newVTPKI(t, vtChainOpts{})
			self := vtIssue(t, vtTemplate("www.example.com", false, "www.example.com"), nil, vtECKey(t))
			return verifyPKI(p, []*x509.Certificate{self.Cert}, nil)
		}},
	{name: "missing intermediate", reason: ReasonMissingIntermediate,
		want: `trust: certificate for "www.example.com" is issued by "R3", which is not a trusted root, and the peer sent no intermediate certificates: either the server is missing its chain (configure the full chain, leaf first) or "R3" is a CA this system does not trust`,
		run: func(t *testing.T) error {
			p := newVTPKI(t, vtChainOpts{})
			return verifyPKI(p, p.Chain()[:1], nil)
		}},
	{name: "wrong usage", reason: ReasonWrongUsage,
		want: `trust: certificate for "www.example.com" is not allowed for this use (key usage / extended key usage): asked for serverAuth, the certificate allows clientAuth`,
		run: func(t *testing.T) error {
			p := newVTPKI(t, vtChainOpts{leaf: func(c *x509.Certificate) { c.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth} }})
			return verifyPKI(p, p.Chain(), nil)
		}},
	{name: "distrusted", reason: ReasonDistrusted,
		want: `trust: intermediate certificate "R3" is explicitly distrusted`,
		run: func(t *testing.T) error {
			p := newVTPKI(t, vtChainOpts{})
			s := NewAnchorStore("test", []Anchor{{Certificate: p.Root.Cert}, {Certificate: p.Inter.Cert, Distrusted: true}})
			_, err := (&Verifier{}).Verify(context.Background(), s, p.Chain(), vtOpts())
			return err
		}},
	{name: "pin mismatch", reason: ReasonPinMismatch,
		want: `trust: no certificate in the verified chain matches the configured public-key pins: 1 pin(s) configured; the chain has `,
		run: func(t *testing.T) error {
			p := newVTPKI(t, vtChainOpts{})
			return verifyPKI(p, p.Chain(), func(o *VerifyOptions) { o.Pins = []Pin{{1, 2, 3}} })
		}},
	{name: "revoked (CRL)", reason: ReasonRevoked,
		want: `trust: certificate for "www.example.com" has been revoked by its issuer: serial `,
		run: func(t *testing.T) error {
			p := newVTPKI(t, vtChainOpts{})
			crl := revokingCRL(t, p)
			return verifyPKI(p, p.Chain(), func(o *VerifyOptions) { o.CRLs = []*x509.RevocationList{crl} })
		}},
}

func TestVerificationErrorMessages(t *testing.T) {
	for _, tc := range errCases {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.run(t)
			var ve *VerificationError
			if !errors.As(err, &ve) {
				t.Fatalf("want a *VerificationError, got %v", err)
			}
			if ve.Reason != tc.reason {
				t.Errorf("reason %v, want %v (%v)", ve.Reason, tc.reason, err)
			}
			got := err.Error()
			if tc.want[len(tc.want)-1] == ' ' {
				if len(got) < len(tc.want) || got[:len(tc.want)] != tc.want {
					t.Errorf("message\n got %s\nwant %s…", got, tc.want)
				}
			} else if got != tc.want {
				t.Errorf("message\n got %s\nwant %s", got, tc.want)
			}
			if ve.Certificate == nil && ve.Reason != ReasonPinMismatch {
				t.Errorf("no certificate in %#v", ve)
			}
			if ve.Time.IsZero() || ve.IntermediatesSent < 0 {
				t.Errorf("time or intermediates count missing: %#v", ve)
			}
		})
	}
}
