package darwin

import (
	"context"
	"errors"
	"testing"

	"github.com/nativetls/nativetls/trust"
)

// checkConformance runs one row against store and reports mismatches.
func checkConformance(t *testing.T, store trust.TrustStore, c conformanceCase) {
	t.Helper()
	chains, err := store.Verify(context.Background(), c.chain, c.opts)
	if c.wantOK {
		if err != nil {
			t.Fatalf("%s: want success, got %v", store, err)
		}
		if len(chains) == 0 || !chains[0][0].Equal(c.chain[0]) {
			t.Fatalf("%s: verified chains %v do not start with the leaf", store, chains)
		}
		return
	}
	var ve *trust.VerificationError
	if !errors.As(err, &ve) {
		t.Fatalf("%s: want *trust.VerificationError with %v, got %v", store, c.wantReason, err)
	}
	if ve.Reason != c.wantReason {
		t.Fatalf("%s: reason %v, want %v (%v)", store, ve.Reason, c.wantReason, err)
	}
	if ve.Depth != c.wantDepth {
		t.Errorf("%s: error names depth %d, want %d (%v)", store, ve.Depth, c.wantDepth, err)
	}
}

// TestConformanceTableOnX509 checks the table's expectations against
// crypto/x509 (the portable store), so the rows the darwin test runs are
// known to be right.
func TestConformanceTableOnX509(t *testing.T) {
	p := newTestPKI(t)
	for _, c := range conformanceTable(p) {
		t.Run(c.name, func(t *testing.T) {
			roots := trust.FromCertificates("test", p.otherRoot)
			if c.trustRoot {
				roots = trust.FromCertificates("test", p.root)
			}
			checkConformance(t, roots, c)
		})
	}
}
