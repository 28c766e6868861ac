package windows

import (
	"context"
	"crypto/sha256"
	"crypto/x509"
	"errors"
	"fmt"
	"unsafe"

	syswin "golang.org/x/sys/windows"

	"github.com/nativetls/nativetls/trust"
	"github.com/nativetls/nativetls/windows/internal/win32"
)

// openStore opens a system store of loc. Read-only opens
// (CERT_STORE_READONLY_FLAG | CERT_STORE_OPEN_EXISTING_FLAG: a missing store
// is an error, not created) use the system provider, which shows what
// Windows uses (CurrentUser ROOT includes LocalMachine's, group policy …).
// Writes go through the system-registry provider to loc's own physical
// store: that is where Install belongs, and deleting through the system
// provider's collection does not persist under Wine.
func openStore(loc Location, name string, readOnly bool) (syswin.Handle, error) {
	flags, err := loc.flags()
	if err != nil {
		return 0, err
	}
	var h syswin.Handle
	if readOnly {
		h, err = win32.CertOpenSystemStore(flags|syswin.CERT_STORE_READONLY_FLAG|syswin.CERT_STORE_OPEN_EXISTING_FLAG, name)
	} else {
		h, err = win32.CertOpenSystemRegistryStore(flags, name)
	}
	if err != nil {
		code := errCode(err)
		return 0, &StoreError{Op: "open", Location: loc, Store: name, Code: code, Err: storeErrorFor(code, err)}
	}
	return h, nil
}

// storeListing is what readStore found in one store.
type storeListing struct {
	entries  []storeEntry
	unparsed [][]byte // DER of entries crypto/x509 cannot parse
	problems []error  // one per entry that could not be read fully
}

// readStore reads every entry of one system store; its error is only for
// a store that cannot be opened. Entries crypto/x509 rejects (old
// auto-updated Disallowed entries, negative serial numbers) are kept as
// DER in unparsed and described in problems.
func readStore(loc Location, store string) (storeListing, error) {
	var l storeListing
	h, err := openStore(loc, store, true)
	if err != nil {
		return l, err
	}
	defer win32.CertCloseStore(h)
	for c := win32.CertEnumCertificatesInStore(h, nil); c != nil; c = win32.CertEnumCertificatesInStore(h, c) {
		der := win32.CertContextBytes(c)
		x, err := x509.ParseCertificate(der)
		if err != nil {
			l.unparsed = append(l.unparsed, der)
			l.problems = append(l.problems, fmt.Errorf("entry with SHA-256 %x: %w", sha256.Sum256(der), err))
			continue
		}
		e := storeEntry{cert: x}
		if prop, err := win32.CertGetCertificateContextProperty(c, win32.CERT_ENHKEY_USAGE_PROP_ID); err == nil {
			p, disabled, unknown, perr := purposesFromEKUProperty(prop)
			switch {
			case perr != nil:
				l.problems = append(l.problems, fmt.Errorf("%s: %w", x.Subject, perr))
			case len(p) == 0 && unknown > 0:
				e.disabled = true // enabled only for purposes TLS never asks for
			default:
				e.purposes, e.disabled = p, disabled
			}
		}
		l.entries = append(l.entries, e)
	}
	return l, nil
}

// listEntries reads one store; entries that could not be read are skipped
// and described in a *StoreError returned with the others.
func listEntries(loc Location, store string) ([]storeEntry, error) {
	l, err := readStore(loc, store)
	if err != nil {
		return nil, err
	}
	if len(l.problems) > 0 {
		return l.entries, &StoreError{Op: "list", Location: loc, Store: store,
			Err: fmt.Errorf("%d certificates could not be read and were skipped: %w", len(l.problems), errors.Join(l.problems...))}
	}
	return l.entries, nil
}

func listAnchors(ctx context.Context) ([]trust.Anchor, []trust.SourceReport, error) {
	seen := map[string]bool{}
	var anchors []trust.Anchor
	var reports []trust.SourceReport
	var errs []error
	for _, st := range anchorStores {
		if err := ctx.Err(); err != nil {
			return anchors, reports, err
		}
		src := Source(st.loc, st.name)
		rep := trust.SourceReport{Name: src, Path: st.loc.String() + `\` + st.name}
		entries, err := listEntries(st.loc, st.name)
		switch {
		case storeMissing(err):
			rep.Skipped = "the store does not exist"
		case err != nil:
			rep.Err = err
			errs = append(errs, err)
		}
		for _, e := range entries {
			key := fmt.Sprint(st.distrusted) + string(e.cert.Raw)
			if seen[key] {
				continue
			}
			seen[key] = true
			a := trust.Anchor{Certificate: e.cert, Source: src, Distrusted: st.distrusted || e.disabled, Purposes: e.purposes}
			anchors = append(anchors, a)
			if a.Distrusted {
				rep.Distrusted++
			} else {
				rep.Anchors++
			}
		}
		reports = append(reports, rep)
	}
	if len(errs) == len(anchorStores) {
		return anchors, reports, errors.Join(errs...)
	}
	return anchors, reports, nil
}

// loadDistrust reads both Disallowed stores. An entry crypto/x509 cannot
// parse still distrusts a certificate with exactly its bytes, but is not
// matched by public key; it does not make verification fail (Sources
// reports it, for doctor). A store that cannot be opened, other than a
// missing one, fails verification: distrust must not be skipped silently.
func loadDistrust() (*distrustSet, error) {
	d := newDistrustSet()
	for _, loc := range []Location{LocalMachine, CurrentUser} {
		l, err := readStore(loc, StoreDisallowed)
		if err != nil && !storeMissing(err) {
			return nil, err
		}
		src := Source(loc, StoreDisallowed)
		for _, e := range l.entries {
			d.add(e.cert, src)
		}
		for _, der := range l.unparsed {
			d.addRaw(der, src)
		}
	}
	return d, nil
}

func addCert(cert *x509.Certificate, name string, loc Location, store string) error {
	h, err := openToChange("add", cert, loc, store)
	if err != nil {
		return err
	}
	defer win32.CertCloseStore(h)
	c, err := win32.CertCreateCertificateContext(cert.Raw)
	if err != nil {
		return &StoreError{Op: "add", Location: loc, Store: store, Subject: cert.Subject.String(), Code: errCode(err), Err: err}
	}
	defer win32.CertFreeCertificateContext(c)
	disposition := uint32(syswin.CERT_STORE_ADD_USE_EXISTING)
	if name != "" {
		if err := win32.CertSetCertificateContextProperty(c, certFriendlyNamePropID, utf16Bytes(name)); err != nil {
			return &StoreError{Op: "name", Location: loc, Store: store, Subject: cert.Subject.String(), Code: errCode(err), Err: err}
		}
		disposition = syswin.CERT_STORE_ADD_REPLACE_EXISTING_INHERIT_PROPERTIES
	}
	if err := win32.CertAddCertificateContextToStore(h, c, disposition); err != nil {
		return changeError("add", cert, loc, store, err)
	}
	return nil
}

func deleteCert(cert *x509.Certificate, loc Location, store string) error {
	h, err := openToChange("delete", cert, loc, store)
	if err != nil {
		return err
	}
	defer win32.CertCloseStore(h)
	found, err := findExact(h, cert)
	if err != nil {
		return changeError("delete", cert, loc, store, err)
	}
	// CertDeleteCertificateFromStore frees found, even on failure.
	if err := win32.CertDeleteCertificateFromStore(found); err != nil {
		return changeError("delete", cert, loc, store, err)
	}
	return nil
}

// openToChange opens loc's store for op ("add", "delete") on cert.
func openToChange(op string, cert *x509.Certificate, loc Location, store string) (syswin.Handle, error) {
	if cert == nil {
		return 0, &StoreError{Op: op, Location: loc, Store: store, Err: errors.New("no certificate given")}
	}
	return openStore(loc, store, false)
}

// changeError reports a failed op on cert in loc's store, with the
// sentinel (ErrAccessDenied …) for the Windows error's code.
func changeError(op string, cert *x509.Certificate, loc Location, store string, err error) *StoreError {
	code := errCode(err)
	return &StoreError{Op: op, Location: loc, Store: store, Subject: cert.Subject.String(), Code: code, Err: storeErrorFor(code, err)}
}

// findExact finds cert in store by its encoding (CERT_FIND_EXISTING).
func findExact(store syswin.Handle, cert *x509.Certificate) (*syswin.CertContext, error) {
	c, err := win32.CertCreateCertificateContext(cert.Raw)
	if err != nil {
		return nil, err
	}
	defer win32.CertFreeCertificateContext(c)
	// CERT_FIND_EXISTING takes the certificate context to look for as its
	// parameter; c stays alive across the call.
	return win32.CertFindCertificateInStore(store, syswin.CERT_FIND_EXISTING, unsafe.Pointer(c), nil)
}
