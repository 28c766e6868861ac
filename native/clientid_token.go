package native

import (
	"crypto/x509"
	"fmt"
	"strings"

	"github.com/nativetls/nativetls/pkcs11"
)

// tokenCertificates returns the certificates on the token a pkcs11: URI
// selects, with the CKA_ID of each. Certificates are public objects: no
// PIN is needed (nor asked for).
func tokenCertificates(spec string, _ *loadConfig) ([]*x509.Certificate, [][]byte, error) {
	objs, err := pkcs11.ListObjects(pkcs11ObjectURI(spec, nil, "cert"), nil)
	if err != nil {
		return nil, nil, err
	}
	var certs []*x509.Certificate
	var ids [][]byte
	for _, o := range objs {
		if o.Type != "cert" {
			continue
		}
		cs, err := pkcs11.LoadCertificates(withQuery(o.URI, spec), nil)
		if err != nil {
			return nil, nil, fmt.Errorf("reading certificate %q: %w", o.Label, err)
		}
		for _, c := range cs {
			certs = append(certs, c)
			ids = append(ids, o.ID)
		}
	}
	if len(certs) == 0 {
		return nil, nil, fmt.Errorf("no certificates on the token %s: import the client certificates (pkcs11-tool --write-object CERT.der --type cert --id ID)", RedactURI(spec))
	}
	return certs, ids, nil
}

// withQuery gives an object URI the module attributes of the spec's query
// (module-path, module-name), so it opens the same module.
func withQuery(objURI, spec string) string {
	_, q, ok := strings.Cut(spec, "?")
	if !ok || strings.Contains(objURI, "?") {
		return objURI
	}
	return objURI + "?" + q
}
