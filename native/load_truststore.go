package native

import (
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
		return nil, &LoadError{URI: spec, What: "trust store", Err: errors.New("empty trust store spec (use \"system\", a file, a directory, a pkcs11: URI or system+FILE)")}
	}
	if spec == "system" {
		s, err := platform().system()
		if err != nil {
			return nil, &LoadError{URI: spec, Scheme: "system", What: "trust store", Err: err}
		}
		return s, nil
	}
	if rest, ok := strings.CutPrefix(spec, "system+"); ok {
		sys, err := TrustStore("system")
		if err != nil {
			return nil, err
		}
		extra, err := TrustStore(rest)
		if extra == nil {
			return nil, err
		}
		return trust.Union(sys, extra), err
	}
	scheme, rest := schemeOf(spec)
	fail := func(err error) (trust.TrustStore, error) {
		return nil, &LoadError{URI: spec, Scheme: scheme, What: "trust store", Err: err}
	}
	switch scheme {
	case "file":
		fi, err := os.Stat(rest)
		if err != nil {
			return fail(err)
		}
		if fi.IsDir() {
			s, err := trust.FromDirectory(rest)
			if s == nil {
				return fail(err)
			}
			if err != nil {
				return s, err
			}
			return s, nil
		}
		s, err := trust.FromPEMFile(rest)
		if err != nil {
			return fail(err)
		}
		return s, nil
	case "pkcs11":
		certs, err := pkcs11Anchors(rest)
		if err != nil {
			return fail(err)
		}
		return trust.FromCertificates(spec, certs...), nil
	case "capi", "mackms":
		return fail(fmt.Errorf("%w: %s: URIs name identities (a certificate with its key), not trust stores; use \"system\" for the platform's trust", trust.ErrUnsupported, scheme))
	}
	return fail(fmt.Errorf("%q: %w", scheme+":", ErrUnknownScheme))
}
