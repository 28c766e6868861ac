package native

import (
	"crypto"
	"crypto/x509"

	"github.com/nativetls/nativetls/darwin"
	"github.com/nativetls/nativetls/trust"
)

// A mackms: URI names a keychain identity (certificate and key); the key
// never leaves the keychain, Secure Enclave or smart card.

var mackmsScheme = &scheme{name: "mackms",
	certificates: func(uri string, _ *loadConfig) ([]*x509.Certificate, error) {
		return darwin.Certificates(uri)
	},
	key: func(uri string, _ *loadConfig) (crypto.Signer, error) {
		return darwin.OpenKey(uri, nil)
	},
	identity: func(uri string, _ *loadConfig) (trust.CertificateChain, error) {
		return storeIdentity(darwin.OpenKey(uri, nil))
	},
	available: true, note: "macOS keychain identities"}

// Set at init: the lister loads keys through the table (LoadPrivateKey), so
// naming it in the row would be an initialization cycle.
func init() { mackmsScheme.clientIdentities = mackmsClientIdentities }
