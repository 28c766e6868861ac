package windows

import (
	"crypto/x509"

	syswin "golang.org/x/sys/windows"

	"github.com/nativetls/nativetls/windows/internal/win32"
)

// certFriendlyNamePropID is CERT_FRIENDLY_NAME_PROP_ID.
const certFriendlyNamePropID = 11

// applyStep makes one store change and reads the store back.
func applyStep(cert *x509.Certificate, name string, st installStep, install bool) error {
	var err error
	if install {
		err = addCert(cert, name, st.loc, st.store)
	} else {
		err = deleteCert(cert, st.loc, st.store)
	}
	if err != nil {
		return err
	}
	present, err := inPhysicalStore(cert, st.loc, st.store)
	if err != nil {
		return err
	}
	if install && present {
		// What the verifier and Anchors see: the system view.
		present, err = inSystemStore(cert, st.loc, st.store)
		if err != nil {
			return err
		}
	}
	if present != install {
		return readBackError(cert, st, install)
	}
	return nil
}

// inPhysicalStore reports whether cert is in loc's own registry store
// (without the other location's certificates the system view merges in).
func inPhysicalStore(cert *x509.Certificate, loc Location, store string) (bool, error) {
	flags, err := loc.flags()
	if err != nil {
		return false, err
	}
	h, err := win32.CertOpenSystemRegistryStore(flags|syswin.CERT_STORE_READONLY_FLAG, store)
	if err != nil {
		code := errCode(err)
		return false, &StoreError{Op: "open", Location: loc, Store: store, Code: code, Err: storeErrorFor(code, err)}
	}
	defer win32.CertCloseStore(h)
	return storeHas(h, cert), nil
}

// inSystemStore reports whether cert is in the system view of a store,
// read with the loader Anchors uses.
func inSystemStore(cert *x509.Certificate, loc Location, store string) (bool, error) {
	l, err := readStore(loc, store)
	if err != nil {
		return false, err
	}
	for _, e := range l.entries {
		if e.cert.Equal(cert) {
			return true, nil
		}
	}
	return false, nil
}

// storeHas reports whether the store h holds exactly cert.
func storeHas(h syswin.Handle, cert *x509.Certificate) bool {
	found, err := findExact(h, cert)
	if err != nil {
		return false
	}
	win32.CertFreeCertificateContext(found)
	return true
}
