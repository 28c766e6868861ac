package native

import (
	"crypto"
	"crypto/x509"

	"github.com/nativetls/nativetls/darwin"
	"github.com/nativetls/nativetls/trust"
)

// A mackms: URI names a keychain identity (certificate and key); the key
// never leaves the keychain, Secure Enclave or smart card.

func mackmsCertificates(uri string, _ *loadConfig) ([]*x509.Certificate, error) {
	return darwin.Certificates(uri)
}

func mackmsKey(uri string, _ *loadConfig) (crypto.Signer, error) {
	return darwin.OpenKey(uri, nil)
}

func mackmsIdentity(uri string, _ *loadConfig) (trust.CertificateChain, error) {
	k, err := darwin.OpenKey(uri, nil)
	if err != nil {
		return trust.CertificateChain{}, err
	}
	return trust.CertificateChain{Certificates: k.Chain(), PrivateKey: k}, nil
}

const (
	mackmsAvailable = true
	mackmsNote      = "macOS keychain identities"
)
