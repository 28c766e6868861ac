package darwin

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/nativetls/nativetls/trust"
)

// checkConformance runs one row against store and reports mismatches.
func checkConformance(t *testing.T, store trust.TrustStore, c conformanceCase) {
	t.Helper()
	chains, err := store.Verify(context.Background(), c.chain, c.opts)
	if c.wantOK {
		if err != nil {
			t.Fatalf("%s: row %q: expected success; got %s", store, c.name, describeOutcome(err))
		}
		if len(chains) == 0 || !chains[0][0].Equal(c.chain[0]) {
			t.Fatalf("%s: verified chains %v do not start with the leaf", store, chains)
		}
		return
	}
	var ve *trust.VerificationError
	if !errors.As(err, &ve) {
		t.Fatalf("%s: row %q: expected reason %v at depth %d; got %s", store, c.name, c.wantReason, c.wantDepth, describeOutcome(err))
	}
	if ve.Reason != c.wantReason || ve.Depth != c.wantDepth {
		t.Fatalf("%s: row %q: expected reason %v at depth %d; got %s", store, c.name, c.wantReason, c.wantDepth, describeOutcome(err))
	}
}

// describeOutcome renders what a store returned for a conformance row: the
// reason and depth, the platform's code and name, the detail and the whole
// error chain (for darwin: the CFError description).
func describeOutcome(err error) string {
	if err == nil {
		return "success"
	}
	var ve *trust.VerificationError
	if !errors.As(err, &ve) {
		return fmt.Sprintf("a non-verification error: %v", err)
	}
	return fmt.Sprintf("reason %v at depth %d, platform code %d (%s), detail %q, backend %q, OS error %v: %v",
		ve.Reason, ve.Depth, ve.PlatformCode, ve.PlatformCodeName, ve.Detail, ve.Backend, ve.Err, err)
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
