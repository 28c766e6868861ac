package linux

import (
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/nativetls/nativetls/internal/conformance"
	"github.com/nativetls/nativetls/trust"
)

// TestConformance runs the shared conformance table (internal/conformance)
// against the Linux store, its anchors and distrust read through the real
// p11-kit trust module from a temporary directory ("anchors" and
// "blocklist", as p11-kit lays them out).
func TestConformance(t *testing.T) {
	needP11Kit(t)
	conformance.Run(t, conformance.Backend{Name: "linux", Store: linuxConformanceStore})
}

func linuxConformanceStore(t *testing.T, roots, distrusted []*x509.Certificate) trust.TrustStore {
	dir := t.TempDir()
	writeCerts(t, filepath.Join(dir, "anchors"), roots)
	writeCerts(t, filepath.Join(dir, "blocklist"), distrusted)
	s := p11KitStore(t, []string{dir}, false)
	return s
}

func writeCerts(t *testing.T, dir string, certs []*x509.Certificate) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for i, c := range certs {
		p := filepath.Join(dir, fmt.Sprintf("cert%d.pem", i))
		if err := os.WriteFile(p, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Raw}), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
