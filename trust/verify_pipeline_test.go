package trust_test

import (
	"context"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"errors"
	"testing"

	"github.com/nativetls/nativetls/internal/conformance"
	"github.com/nativetls/nativetls/internal/testpki"
	"github.com/nativetls/nativetls/trust"
)

// The Verifier is the one place that applies max depth, the profile checks
// and CRLs, whatever store decided: a store that is not an AnchorStore (as
// the Windows and macOS stores are not) gets the same decisions.

// osLikeStore hides the concrete store type, as a platform backend would:
// only TrustStore (and optionally PlatformAnchorer) is visible.
type osLikeStore struct{ inner trust.TrustStore }

func (s osLikeStore) Verify(ctx context.Context, chain []*x509.Certificate, o trust.VerifyOptions) ([][]*x509.Certificate, error) {
	return s.inner.Verify(ctx, chain, o)
}
func (s osLikeStore) String() string { return "os-like store" }

// osLikeBackend runs the conformance table on an opaque store: every row
// passes only if the pipeline, not the store, applies the policy.
func osLikeBackend(t *testing.T, roots, distrusted []*x509.Certificate) trust.TrustStore {
	return osLikeStore{portableBackend(t, roots, distrusted)}
}

func TestConformanceOpaqueStore(t *testing.T) {
	conformance.Run(t, conformance.Backend{Name: "opaque", Store: osLikeBackend})
}

func TestConformanceUnion(t *testing.T) {
	conformance.Run(t, conformance.Backend{Name: "union", Store: func(t *testing.T, roots, distrusted []*x509.Certificate) trust.TrustStore {
		return trust.Union(osLikeBackend(t, roots, distrusted), trust.FromCertificates("empty"))
	}})
}

// TestStoreVerifyAloneAppliesNoPolicy: the store only builds and checks the
// path; max depth is the Verifier's (so one rule, one place).
func TestStoreVerifyAloneAppliesNoPolicy(t *testing.T) {
	f := conformance.NewFixture()
	store := trust.FromCertificates("root", f.Root.Cert)
	o := trust.VerifyOptions{ServerName: conformance.Host, Time: f.Leaf.Cert.NotBefore.Add(1), MaxDepth: trust.MaxDepthNoIntermediates, DisableFetch: true}
	chain := []*x509.Certificate{f.Leaf.Cert, f.Inter.Cert}
	if _, err := store.Verify(context.Background(), chain, o); err != nil {
		t.Fatalf("store alone: %v", err)
	}
	_, err := (&trust.Verifier{}).Verify(context.Background(), store, chain, o)
	var ve *trust.VerificationError
	if !errors.As(err, &ve) || ve.Reason != trust.ReasonPolicy || ve.Depth != 1 {
		t.Fatalf("through the Verifier: %v", err)
	}
}

// platformStore says every anchor is the OS's.
type platformStore struct{ osLikeStore }

func (platformStore) IsPlatformAnchor(*x509.Certificate) bool { return true }

// TestPlatformAnchorerThroughUnion: anchor-only checks are skipped for any
// store, or union member, that says the OS trusts the anchor.
func TestPlatformAnchorerThroughUnion(t *testing.T) {
	f := conformance.NewFixture()
	// A root carrying an extKeyUsage extension fails the strict
	// anchor-no-eku check only when the program supplied it.
	withEKU := *f.Root.Cert
	withEKU.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}
	withEKU.Extensions = append(append([]pkix.Extension(nil), withEKU.Extensions...),
		pkix.Extension{Id: asn1.ObjectIdentifier{2, 5, 29, 37}, Value: []byte{0x30, 0x0a, 0x06, 0x08, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x01}})
	program := osLikeStore{trust.FromCertificates("program root", &withEKU)}
	o := trust.VerifyOptions{ServerName: conformance.Host, Time: testpki.Clock, Strict: true, DisableFetch: true}
	chain := []*x509.Certificate{f.Leaf.Cert, f.Inter.Cert}
	_, err := (&trust.Verifier{}).Verify(context.Background(), program, chain, o)
	var ce *trust.ChainCheckError
	if !errors.As(err, &ce) || ce.Check != "anchor-no-eku" {
		t.Fatalf("program root with EKU, strict: %v", err)
	}
	for _, s := range []trust.TrustStore{platformStore{program}, trust.Union(trust.FromCertificates("empty"), platformStore{program})} {
		if _, err := (&trust.Verifier{}).Verify(context.Background(), s, chain, o); err != nil {
			t.Errorf("%s: platform root with EKU, strict: %v", s, err)
		}
	}
}

// TestUnionDistrustVetoesOSStore: a distrust list next to a store that
// cannot see it (an OS store) vetoes what that store accepts, in either
// order, through the store and through the pipeline.
func TestUnionDistrustVetoesOSStore(t *testing.T) {
	f := conformance.NewFixture()
	os := osLikeStore{trust.FromCertificates("root", f.Root.Cert)}
	list := trust.NewAnchorStore("distrust list", []trust.Anchor{{Certificate: f.Inter.Cert, Distrusted: true}})
	o := trust.VerifyOptions{ServerName: conformance.Host, Time: f.Leaf.Cert.NotBefore.Add(1), DisableFetch: true}
	chain := []*x509.Certificate{f.Leaf.Cert, f.Inter.Cert}
	if _, err := trust.Union(os, trust.FromCertificates("empty")).Verify(context.Background(), chain, o); err != nil {
		t.Fatalf("without the list the chain verifies: %v", err)
	}
	for _, u := range []trust.TrustStore{trust.Union(os, list), trust.Union(list, os), trust.Union(trust.Union(os), list)} {
		for name, verify := range map[string]func() error{
			"store":    func() error { _, err := u.Verify(context.Background(), chain, o); return err },
			"pipeline": func() error { _, err := (&trust.Verifier{}).Verify(context.Background(), u, chain, o); return err },
		} {
			err := verify()
			var ve *trust.VerificationError
			if !errors.As(err, &ve) || ve.Reason != trust.ReasonDistrusted || ve.Certificate == nil || !ve.Certificate.Equal(f.Inter.Cert) {
				t.Errorf("%s, %s: err = %v, want distrusted naming the intermediate", u, name, err)
			}
		}
	}
}
