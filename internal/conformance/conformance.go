// Package conformance is the one table of verification cases every trust
// store backend runs: the same chains, options and expected verdicts, so
// that the portable store, the Linux store, the Windows chain engine and
// macOS SecTrust decide alike, or say in writing why they do not.
//
// Every row goes through the full pipeline (trust.Verifier: the store's
// decision, then max depth, profile checks and CRLs), with a fixed clock
// (testpki.Clock) and fetching off, so no row depends on the date or the
// network.
//
// # Adding a backend
//
// Write one test in the backend's package:
//
//	func TestConformance(t *testing.T) {
//		conformance.Run(t, conformance.Backend{
//			Name: "windows",
//			Store: func(t *testing.T, roots, distrusted []*x509.Certificate) trust.TrustStore {
//				// a store that trusts exactly roots (for every usage) and
//				// distrusts distrusted, isolated from the host's stores
//			},
//		})
//	}
//
// A row the backend cannot decide like the others gets an entry in its
// Deviations, keyed by Backend.Name, with the backend's verdict and the
// reason (Deviation.Why must not be empty).
package conformance

import (
	"context"
	"crypto/x509"
	"errors"
	"testing"

	"github.com/nativetls/nativetls/trust"
)

// Backend is a trust store implementation under test.
type Backend struct {
	// Name identifies the backend in Row.Deviations: "portable", "linux",
	// "windows", "darwin".
	Name string
	// Store returns a store that trusts exactly roots, for every usage, and
	// distrusts the certificates in distrusted (nil for most rows). It must
	// not read or change the host's trust configuration.
	Store func(t *testing.T, roots, distrusted []*x509.Certificate) trust.TrustStore
}

// Want is a verdict: accepted, or rejected with a Reason.
type Want struct {
	Accept bool
	Reason trust.Reason // when !Accept
}

// Deviation is a backend's documented departure from a row's verdict.
type Deviation struct {
	Want Want   // what the backend decides instead
	Skip bool   // the backend cannot express the row at all
	Why  string // why; required
}

// Row is one case of the table.
type Row struct {
	Name string
	// Chain is what the peer presents (leaf first).
	Chain func(f *Fixture) []*x509.Certificate
	// Options adjusts the verification options (host "conf.test", server
	// authentication, time testpki.Clock, fetching off).
	Options func(f *Fixture, o *trust.VerifyOptions)
	// Distrusted, if set, lists certificates the store distrusts.
	Distrusted func(f *Fixture) []*x509.Certificate
	Want       Want
	// Deviations maps Backend.Name to that backend's verdict.
	Deviations map[string]Deviation
}

// Run runs every row of Rows against b, each as a subtest.
func Run(t *testing.T, b Backend) {
	t.Helper()
	f := NewFixture()
	for _, r := range Rows() {
		t.Run(r.Name, func(t *testing.T) { runRow(t, b, f, r) })
	}
}

func runRow(t *testing.T, b Backend, f *Fixture, r Row) {
	want := r.Want
	if d, ok := r.Deviations[b.Name]; ok {
		if d.Why == "" {
			t.Fatalf("deviation of %s for %s has no reason", b.Name, r.Name)
		}
		if d.Skip {
			t.Skipf("%s: %s", b.Name, d.Why)
		}
		want = d.Want
	}
	var distrusted []*x509.Certificate
	if r.Distrusted != nil {
		distrusted = r.Distrusted(f)
	}
	store := b.Store(t, []*x509.Certificate{f.Root.Cert, f.Bystander.Cert}, distrusted)
	opts := f.options()
	if r.Options != nil {
		r.Options(f, &opts)
	}
	chain := r.Chain(f)
	chains, err := (&trust.Verifier{}).Verify(context.Background(), store, chain, opts)
	if want.Accept {
		if err != nil {
			t.Fatalf("%s: want accepted, got %v", b.Name, err)
		}
		if len(chains) == 0 || !chains[0][0].Equal(chain[0]) {
			t.Fatalf("%s: verified chains do not start with the leaf: %v", b.Name, chains)
		}
		return
	}
	var ve *trust.VerificationError
	if !errors.As(err, &ve) {
		t.Fatalf("%s: want rejected with %v, got %v", b.Name, want.Reason, err)
	}
	if ve.Reason != want.Reason {
		t.Fatalf("%s: reason %v, want %v (%v)", b.Name, ve.Reason, want.Reason, err)
	}
}
