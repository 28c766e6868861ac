package native

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/nativetls/nativetls/trust"
)

// TrustStore returns the trust store a spec names:
//
//	system            the platform's trust store (Backend().SystemTrustStore)
//	/path/bundle.pem  a PEM, DER or PKCS#7 certificate file (only its anchors)
//	/path/dir         a directory of certificate files (plain or OpenSSL hashed)
//	pkcs11:...        the certificates on a PKCS#11 token, as anchors (needs cgo)
//	system+SPEC       the union of the system store and SPEC ("the system
//	                  plus our company root"); SPEC may itself be a union
//
// When a directory holds unreadable files, the store of the readable ones is
// returned together with a *trust.DirectoryError listing the others; any
// other error comes with a nil store.
func TrustStore(spec string) (trust.TrustStore, error) {
	if spec == "" {
		return nil, newLoadError(spec, "", "trust store", errors.New("empty trust store spec (use \"system\", a file, a directory, a pkcs11: URI or system+FILE)"))
	}
	if spec == "system" {
		s, err := platform().system()
		if err != nil {
			return nil, newLoadError(spec, "system", "trust store", err)
		}
		return s, nil
	}
	if rest, ok := strings.CutPrefix(spec, "system+"); ok {
		return systemPlus(rest)
	}
	var dirErr error // a directory with unreadable files: the store of the rest, and this
	store, err := load(spec, "trust store", func(s *scheme, rest string) (trust.TrustStore, error) {
		if s.trustStore == nil {
			return nil, fmt.Errorf("%w: %s: URIs name identities (a certificate with its key), not trust stores; use \"system\" for the platform's trust", trust.ErrUnsupported, s.name)
		}
		st, err := s.trustStore(spec, rest)
		if st != nil && err != nil {
			dirErr = err
			return st, nil
		}
		return st, err
	})
	if dirErr != nil {
		return store, dirErr
	}
	return store, err
}

// systemPlus is the union of the system store and the store spec names.
func systemPlus(spec string) (trust.TrustStore, error) {
	sys, err := TrustStore("system")
	if err != nil {
		return nil, err
	}
	extra, err := TrustStore(spec)
	if extra == nil {
		return nil, err
	}
	return trust.Union(sys, extra), err
}

// fileTrustStore reads a certificate file (regular files of at most
// 16 MiB only) or a directory of them.
func fileTrustStore(_, path string) (trust.TrustStore, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if fi.IsDir() {
		s, err := trust.FromDirectory(path)
		if s == nil {
			return nil, err
		}
		return s, err
	}
	data, err := readUserFile(path)
	if err != nil {
		return nil, &trust.CertificateError{Source: path, Index: -1, Err: err}
	}
	pemStore, err := trust.FromPEM(data)
	if err != nil {
		return nil, namedSource(err, path)
	}
	anchors, err := pemStore.Anchors(context.Background())
	if err != nil {
		return nil, err
	}
	report := trust.SourceReport{Name: "file", Path: path}
	for i := range anchors {
		anchors[i].Source = path
		if anchors[i].Distrusted {
			report.Distrusted++
		} else {
			report.Anchors++
		}
	}
	return trust.NewAnchorStore("PEM file "+path, anchors, report), nil
}

// pkcs11TrustStore trusts the certificates on a PKCS#11 token.
func pkcs11TrustStore(spec, rest string) (trust.TrustStore, error) {
	certs, err := pkcs11Anchors(rest)
	if err != nil {
		return nil, err
	}
	return trust.FromCertificates(RedactURI(spec), certs...), nil
}
