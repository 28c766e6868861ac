package native

import (
	"crypto"
	"crypto/x509"
	"errors"

	"github.com/nativetls/nativetls/trust"
	"github.com/nativetls/nativetls/windows"
)

// A capi: URI names a certificate in a Windows store; its CNG key never
// leaves its provider. A PIN comes from the URI's pin-value (handed to the
// provider by package windows).

// capiCertificates returns the chain of the identity a capi: URI names or,
// when the certificate has no (CNG) private key, such as a root in the
// Root store, the matching certificates themselves.
func capiCertificates(uri string, c *loadConfig) ([]*x509.Certificate, error) {
	id, err := capiIdentity(uri, c)
	if errors.Is(err, windows.ErrKeyNotFound) || errors.Is(err, windows.ErrKeyNotCNG) {
		return windows.FindCertificates(uri)
	}
	if err != nil {
		return nil, err
	}
	if k, ok := id.PrivateKey.(*windows.Key); ok {
		k.Close()
	}
	return id.Certificates, nil
}

var capiScheme = &scheme{name: "capi", certificates: capiCertificates,
	key: func(uri string, _ *loadConfig) (crypto.Signer, error) {
		return windows.OpenKey(uri, nil)
	},
	identity:  capiIdentity,
	available: true, note: "Windows certificate stores and CNG keys"}

func capiIdentity(uri string, _ *loadConfig) (trust.CertificateChain, error) {
	return storeIdentity(windows.OpenKey(uri, nil))
}

// Set at init: the lister loads keys through the table (LoadPrivateKey), so
// naming it in the row would be an initialization cycle.
func init() { capiScheme.clientIdentities = capiClientIdentities }
