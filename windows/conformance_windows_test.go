package windows

import (
	"context"
	"crypto/x509"
	"errors"
	"testing"

	"github.com/nativetls/nativetls/internal/conformance"
	"github.com/nativetls/nativetls/internal/testpki"
	"github.com/nativetls/nativetls/trust"
)

// TestConformance runs the shared conformance table through the Windows
// chain engine: an engine whose exclusive root store holds exactly the
// table's roots (isolated from the machine's), the table's distrusted
// certificates written to the scratch Disallowed store for the row. Under
// Wine the backend is named "wine", so that a row's deviation says which
// chain engine it is about.
func TestConformance(t *testing.T) {
	loc := requireScratchStores(t)
	name := "windows"
	if underWine() {
		name = "wine"
	}
	conformance.Run(t, conformance.Backend{
		Name: name,
		Store: func(t *testing.T, roots, distrusted []*x509.Certificate) trust.TrustStore {
			s, err := exclusiveRoots(roots...)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { s.Close() })
			for _, c := range distrusted {
				if err := installIn(loc, StoreDisallowed, c); err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() {
					if err := uninstallFrom(loc, StoreDisallowed, c); err != nil {
						t.Error(err)
					}
				})
			}
			return wineShortSig{Store: s, t: t}
		},
	})
}

// wineShortSig skips a row, as a wine gap, when Wine rejects a valid ECDSA
// signature whose r or s is short (TestWineShortECDSASignature): the
// shared fixture is not re-signed to avoid them, as this package's are.
type wineShortSig struct {
	*Store
	t *testing.T
}

func (w wineShortSig) Verify(ctx context.Context, chain []*x509.Certificate, opts trust.VerifyOptions) ([][]*x509.Certificate, error) {
	chains, err := w.Store.Verify(ctx, chain, opts)
	var ve *trust.VerificationError
	if errors.As(err, &ve) && ve.PlatformCode == 0x80096004 && hasShortECDSA(append(append([]*x509.Certificate(nil), chain...), w.extra...)) &&
		wineGapIf(w.t, true, "CertGetCertificateChain", "TRUST_E_CERT_SIGNATURE for an ECDSA signature whose r or s is shorter than the curve size (valid DER; Windows accepts it)") {
		w.t.Skip("Wine's crypt32 does not left-pad short ECDSA r/s values")
	}
	return chains, err
}

// hasShortECDSA reports whether some certificate of certs carries a short
// ECDSA signature by another of them.
func hasShortECDSA(certs []*x509.Certificate) bool {
	for _, c := range certs {
		for _, p := range certs {
			if c != p && c.CheckSignatureFrom(p) == nil && testpki.ShortECDSASignature(c, p.PublicKey) {
				return true
			}
		}
	}
	return false
}
