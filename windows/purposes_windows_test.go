package windows

import (
	"context"
	"encoding/asn1"
	"slices"
	"testing"

	syswin "golang.org/x/sys/windows"

	"github.com/nativetls/nativetls/trust"
	"github.com/nativetls/nativetls/windows/internal/win32"
)

// TestAnchorPurposes restricts an installed root to serverAuth the way
// certmgr does (CERT_ENHKEY_USAGE_PROP_ID) and expects Anchors to say so.
func TestAnchorPurposes(t *testing.T) {
	loc := requireScratchStores(t)
	p := newPKI(t, "nativetls Purposes Test", testHost)
	// Set the property on a context, then add it: the store keeps the
	// context's properties. (Setting it on a context already in a Wine
	// registry store is not written back.)
	h, err := openStore(loc, StoreRoot, false)
	if err != nil {
		t.Fatal(err)
	}
	c, err := win32.CertCreateCertificateContext(p.root.Raw)
	if err != nil {
		t.Fatal(err)
	}
	prop, _ := asn1.Marshal([]asn1.ObjectIdentifier{{1, 3, 6, 1, 5, 5, 7, 3, 1}})
	if err := win32.CertSetCertificateContextProperty(c, win32.CERT_ENHKEY_USAGE_PROP_ID, prop); err != nil {
		t.Fatal(err)
	}
	err = win32.CertAddCertificateContextToStore(h, c, syswin.CERT_STORE_ADD_REPLACE_EXISTING)
	win32.CertFreeCertificateContext(c)
	win32.CertCloseStore(h)
	if err != nil {
		t.Fatal(err)
	}
	defer uninstallFrom(loc, StoreRoot, p.root)
	store, _ := System()
	anchors, err := store.(*Store).Anchors(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range anchors {
		if a.Certificate.Equal(p.root) {
			if !slices.Equal(a.Purposes, []trust.Usage{trust.UsageServerAuth}) || a.Distrusted {
				t.Fatalf("anchor purposes %v distrusted %v, want [serverAuth]", a.Purposes, a.Distrusted)
			}
			if a.TrustedFor(trust.UsageClientAuth) {
				t.Fatal("restricted root trusted for client auth")
			}
			return
		}
	}
	t.Fatal("restricted root not listed")
}
