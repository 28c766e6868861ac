package windows

import (
	"crypto/x509"
	"testing"

	"github.com/nativetls/nativetls/internal/conformance"
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
			return s
		},
	})
}
