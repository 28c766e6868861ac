package darwin

import (
	"context"
	"crypto/x509"
	"testing"

	"github.com/nativetls/nativetls/internal/conformance"
	"github.com/nativetls/nativetls/trust"
)

// TestConformanceShared runs the shared table (internal/conformance)
// through trust.Verifier against Security.framework, the table's roots
// given as extra anchors (SecTrustSetAnchorCertificates). Rows that need
// a distrusted certificate are skipped: distrust is a Deny in the trust
// settings, which would change this Mac's trust.
func TestConformanceShared(t *testing.T) {
	conformance.Run(t, conformance.Backend{
		Name: "darwin",
		Store: func(t *testing.T, roots, distrusted []*x509.Certificate) trust.TrustStore {
			if len(distrusted) > 0 {
				t.Skip("darwin: distrusting a certificate needs a Deny trust setting, which changes this Mac's trust; run TestTrustSettingsInstall-style tests instead")
			}
			return loggedStore{Store: (&Store{}).withRoots(roots...), t: t}
		},
	})
}

// loggedStore logs what SecTrust itself returned for each verification
// (before the shared pipeline), so a failing row shows Apple's answer
// next to the row's expectation.
type loggedStore struct {
	*Store
	t *testing.T
}

func (l loggedStore) Verify(ctx context.Context, chain []*x509.Certificate, opts trust.VerifyOptions) ([][]*x509.Certificate, error) {
	chains, err := l.Store.Verify(ctx, chain, opts)
	l.t.Logf("Apple returned: %s", describeOutcome(err))
	return chains, err
}
