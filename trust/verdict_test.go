package trust

import (
	"crypto/x509"
	"errors"
	"strings"
	"testing"
)

// wantVerdict fails the test unless err is the verdict a table case
// expects: nil when want is negative (accepted), else a *VerificationError with
// Reason want whose text contains detail.
func wantVerdict(t *testing.T, err error, want Reason, detail string) {
	t.Helper()
	if want < 0 {
		if err != nil {
			t.Fatalf("rejected: %v", err)
		}
		return
	}
	var ve *VerificationError
	if !errors.As(err, &ve) || ve.Reason != want || !strings.Contains(err.Error(), detail) {
		t.Fatalf("want %v with %q, got %v", want, detail, err)
	}
}

// x509Alone is crypto/x509's own verdict on leaf at vtNow, with root as
// the only root and inters as the intermediates: what the Verifier's
// checks are compared against.
func x509Alone(leaf, root *x509.Certificate, inters ...*x509.Certificate) error {
	roots, pool := x509.NewCertPool(), x509.NewCertPool()
	roots.AddCert(root)
	for _, c := range inters {
		pool.AddCert(c)
	}
	_, err := leaf.Verify(x509.VerifyOptions{Roots: roots, Intermediates: pool, CurrentTime: vtNow})
	return err
}
