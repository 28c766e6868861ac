package linux

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/nativetls/nativetls/internal/testpki"
	"github.com/nativetls/nativetls/trust"
)

// The chain memo lives in the store's content (its trust.AnchorStore): a
// Reload replaces it, so a root taken out of the bundle can no longer be
// reached through chains verified before, even for leaves never seen.
func TestReloadDropsChainMemo(t *testing.T) {
	o := testpki.At(testpki.Clock)
	root := testpki.Root("Memo Reload Root", o)
	inter := root.Intermediate("Memo Reload CA", o)
	leaf := func() *testpki.Cert {
		lo := testpki.At(testpki.Clock)
		lo.DNSNames = []string{"www.example.com"}
		return inter.Leaf(lo)
	}
	bundle := filepath.Join(t.TempDir(), "bundle.pem")
	if err := os.WriteFile(bundle, root.PEM(), 0o644); err != nil {
		t.Fatal(err)
	}
	opts := isolated()
	opts.CertFiles = []string{bundle}
	s, err := Load(opts)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	v := &trust.Verifier{}
	vo := trust.VerifyOptions{ServerName: "www.example.com", Time: testpki.Clock, DisableFetch: true}
	for range 2 { // the second leaf goes through the memo
		if _, err := v.Verify(context.Background(), s, testpki.Chain(leaf(), inter), vo); err != nil {
			t.Fatal(err)
		}
	}
	other := testpki.Root("Other Root", o)
	if err := os.WriteFile(bundle, other.PEM(), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := s.Reload(); err != nil {
		t.Fatal(err)
	}
	if _, err := v.Verify(context.Background(), s, testpki.Chain(leaf(), inter), vo); err == nil {
		t.Fatal("a new leaf verified through the memo of the content before the reload")
	}
}
