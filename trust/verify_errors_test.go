package trust

import (
	"context"
	"crypto/x509"
	"errors"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/nativetls/nativetls/internal/testfs"
	"github.com/nativetls/nativetls/internal/testpki"
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
	crl, err := testpki.IssueCRL(&x509.RevocationList{
		Number:     big.NewInt(7),
		ThisUpdate: vtNow.Add(-24 * time.Hour),
		NextUpdate: vtNow.Add(6 * 24 * time.Hour),
		RevokedCertificateEntries: []x509.RevocationListEntry{
			{SerialNumber: p.Leaf.Cert.SerialNumber, RevocationTime: vtNow.Add(-48 * time.Hour)},
		},
	}, &testpki.Cert{Cert: p.Inter.Cert, Key: p.Inter.Key})
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
			p := newVTPKI(t, vtChainOpts{leaf: withAIA})
			return verifyPKI(p, p.Chain()[:1], nil)
		}},
	{name: "missing intermediate of a client", reason: ReasonMissingIntermediate,
		want: `trust: certificate "www.example.com" is issued by "R3", which is not a trusted root, and the peer sent no intermediate certificates: either the client is missing its chain (configure the full chain, leaf first) or "R3" is a CA this system does not trust`,
		run: func(t *testing.T) error {
			p := newVTPKI(t, vtChainOpts{leaf: func(c *x509.Certificate) {
				withAIA(c)
				c.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}
			}})
			return verifyPKI(p, p.Chain()[:1], func(o *VerifyOptions) { o.Usage, o.ServerName = UsageClientAuth, "" })
		}},
	{name: "leaf alone from an unknown root", reason: ReasonUnknownAuthority,
		want: `trust: certificate for "www.example.com" is issued by "R3", which is not a trusted root and was not found among the intermediates (the peer sent none), and the certificate does not say where to fetch its issuer (no AIA caIssuers URL): "R3" is a CA this system does not trust, or an intermediate the server must send after its certificate`,
		run: func(t *testing.T) error {
			p := newVTPKI(t, vtChainOpts{})
			return verifyPKI(p, p.Chain()[:1], nil)
		}},
	{name: "DNS-type SAN holding an IP", reason: ReasonHostnameMismatch,
		want: `trust: certificate lists "10.0.0.1" only as a DNS name (subjectAltName dNSName), which never matches the IP address 10.0.0.1: the certificate needs an iPAddress subjectAltName for it`,
		run: func(t *testing.T) error {
			p := newVTPKI(t, vtChainOpts{leaf: func(c *x509.Certificate) { c.Subject.CommonName, c.DNSNames = "10.0.0.1", []string{"10.0.0.1"} }})
			return verifyPKI(p, p.Chain(), func(o *VerifyOptions) { o.ServerName = "10.0.0.1" })
		}},
	{name: "IDN host", reason: ReasonHostnameMismatch,
		want: `trust: certificate is valid for xn--bcher-kva.example, not bücher.example: certificates hold internationalized names in their A-label (punycode) form; ask for "xn--bcher-kva.example"`,
		run: func(t *testing.T) error {
			p := newVTPKI(t, vtChainOpts{leaf: func(c *x509.Certificate) {
				c.Subject.CommonName, c.DNSNames = "xn--bcher-kva.example", []string{"xn--bcher-kva.example"}
			}})
			return verifyPKI(p, p.Chain(), func(o *VerifyOptions) { o.ServerName = "bücher.example" })
		}},
	{name: "empty anchor directory", reason: ReasonUnknownAuthority,
		want: `trust: no anchors in `,
		run: func(t *testing.T) error {
			p := newVTPKI(t, vtChainOpts{})
			s, err := FromDirectory(testfs.TempDir(t))
			if err != nil {
				t.Fatal(err)
			}
			_, err = (&Verifier{}).Verify(context.Background(), s, p.Chain(), vtOpts())
			return err
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

// withAIA gives a leaf an AIA caIssuers URL, as certificates under public
// and enterprise intermediates have.
func withAIA(c *x509.Certificate) { c.IssuingCertificateURL = []string{"http://127.0.0.1:9/r3.crt"} }

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

// TestPunycode checks the A-label hint's encoder against RFC 3492 7.1 and
// IDNA examples.
func TestPunycode(t *testing.T) {
	for in, want := range map[string]string{"bücher": "bcher-kva", "münchen": "mnchen-3ya", "ü": "tda", "他们为什么不说中文": "ihqwcrb4cv8a8dqg056pqjye"} {
		if got, ok := punycode(in); !ok || got != want {
			t.Errorf("punycode(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
	if got := aLabel("Bücher.example"); got != "xn--bcher-kva.example" {
		t.Errorf("aLabel = %q", got)
	}
}

// TestEmptyStoreIsNoTrustAnchors: programs can tell an empty anchor store
// from an unknown CA with errors.Is.
func TestEmptyStoreIsNoTrustAnchors(t *testing.T) {
	p := newVTPKI(t, vtChainOpts{})
	dir := testfs.TempDir(t)
	s, err := FromDirectory(dir)
	if err != nil {
		t.Fatal(err)
	}
	_, err = (&Verifier{}).Verify(context.Background(), s, p.Chain(), vtOpts())
	if !errors.Is(err, ErrNoTrustAnchors) || !strings.Contains(err.Error(), "no anchors in "+dir) {
		t.Fatalf("got %v", err)
	}
	// A store that has anchors, none of them the right one, is not empty.
	_, err = (&Verifier{}).Verify(context.Background(), FromCertificates("other", newVTPKI(t, vtChainOpts{}).Root.Cert), p.Chain(), vtOpts())
	if errors.Is(err, ErrNoTrustAnchors) {
		t.Fatalf("non-empty store reported as empty: %v", err)
	}
}
