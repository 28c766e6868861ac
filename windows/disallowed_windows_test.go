package windows

import (
	"context"
	"crypto/x509"
	"strings"
	"testing"
	"unsafe"

	syswin "golang.org/x/sys/windows"

	"github.com/nativetls/nativetls/internal/testpki"
	"github.com/nativetls/nativetls/trust"
	"github.com/nativetls/nativetls/windows/internal/win32"
)

// TestUnparseableDisallowedEntry: an entry of the Disallowed store that
// crypto/x509 cannot parse (a negative serial number, as old auto-updated
// entries have) must not make every verification fail; Sources names it
// for doctor.
func TestUnparseableDisallowedEntry(t *testing.T) {
	p := installedPKI(t, "nativetls Verify Test")
	other := newPKI(t, "nativetls Negative Serial", testHost)
	der := testpki.NegativeSerialDER(other.inter)
	// Wine's registry store writes its changes back when it is closed.
	withStore(t, testLoc, StoreDisallowed, func(h syswin.Handle) {
		c, err := win32.CertCreateCertificateContext(der)
		if err != nil {
			t.Fatalf("crypt32 does not decode a negative serial number either: %v", err)
		}
		defer win32.CertFreeCertificateContext(c)
		if err := win32.CertAddCertificateContextToStore(h, c, syswin.CERT_STORE_ADD_REPLACE_EXISTING); err != nil {
			t.Fatal(err)
		}
	})
	defer withStore(t, testLoc, StoreDisallowed, func(h syswin.Handle) { removeDER(t, h, der) })
	l, err := readStore(testLoc, StoreDisallowed)
	if err != nil || len(l.unparsed) != 1 {
		t.Fatalf("reading testLoc Disallowed back: %d entries, %d unparseable (%v), error %v", len(l.entries), len(l.unparsed), l.problems, err)
	}
	store, _ := System()
	if _, err := store.Verify(context.Background(), []*x509.Certificate{p.leaf, p.inter}, trustOpts(testHost)); err != nil {
		t.Fatalf("an unparseable Disallowed entry broke verification: %v", err)
	}
	var rep *trust.SourceReport
	for _, r := range store.(*Store).Sources() {
		if r.Name == Source(testLoc, StoreDisallowed) {
			rep = &r
		}
	}
	if rep == nil || rep.Err == nil || !strings.Contains(rep.Err.Error(), "could not be read") {
		t.Fatalf("Sources does not report the unparseable entry: %+v", rep)
	}
	t.Log(rep.Err)
}

// withStore runs f on a writable handle of one system store and closes it.
func withStore(t *testing.T, loc Location, name string, f func(h syswin.Handle)) {
	t.Helper()
	h, err := openStore(loc, name, false)
	if err != nil {
		t.Fatal(err)
	}
	defer win32.CertCloseStore(h)
	f(h)
}

// removeDER deletes the entry with exactly der from the store h (found
// with CERT_FIND_EXISTING: deleting during an enumeration hangs Wine).
func removeDER(t *testing.T, h syswin.Handle, der []byte) {
	t.Helper()
	c, err := win32.CertCreateCertificateContext(der)
	if err != nil {
		t.Errorf("cleanup: %v", err)
		return
	}
	defer win32.CertFreeCertificateContext(c)
	found, err := win32.CertFindCertificateInStore(h, syswin.CERT_FIND_EXISTING, unsafe.Pointer(c), nil)
	if err != nil {
		t.Errorf("cleanup: %v", err)
		return
	}
	if err := win32.CertDeleteCertificateFromStore(found); err != nil {
		t.Errorf("cleanup: %v", err)
	}
}

// TestWithRootsIntermediate: an intermediate given to WithRoots anchors its
// leaves where the OS supports CERT_CHAIN_EXCLUSIVE_ENABLE_CA_FLAG
// (Windows 8 and later). Wine takes only the Windows 7 layout: there the
// store says so (CAAnchors) and the leaf is rejected, never accepted
// through some other path.
func TestWithRootsIntermediate(t *testing.T) {
	requireScratchStores(t)
	extra := newPKI(t, "nativetls Extra Intermediate", testHost)
	ts, err := WithRoots(extra.inter)
	if err != nil {
		t.Fatal(err)
	}
	s := ts.(*Store)
	defer s.Close()
	_, err = ts.Verify(context.Background(), []*x509.Certificate{extra.leaf, extra.inter}, trustOpts(testHost))
	if wineGapIf(t, !s.CAAnchors(), "CertCreateCertificateChainEngine", "E_INVALIDARG for the Windows 8 CERT_CHAIN_ENGINE_CONFIG (no CERT_CHAIN_EXCLUSIVE_ENABLE_CA_FLAG)") {
		wantReason(t, err, trust.ReasonUnknownAuthority)
		return
	}
	if !s.CAAnchors() {
		t.Fatal("the chain engine refused CERT_CHAIN_EXCLUSIVE_ENABLE_CA_FLAG on Windows")
	}
	if err != nil {
		t.Fatalf("leaf under an intermediate given to WithRoots: %v", err)
	}
}
