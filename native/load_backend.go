package native

import (
	"crypto"
	"crypto/x509"

	"github.com/nativetls/nativetls/trust"
)

// backendCertificates is the loader platform backends use: every scheme of
// LoadCertificates.
func backendCertificates(spec string) ([]*x509.Certificate, error) {
	return LoadCertificates(spec)
}

// backendKey is the key loader platform backends use: every scheme of
// LoadPrivateKey, with pw as the password or PIN callback.
func backendKey(spec string, pw trust.PasswordFunc) (crypto.Signer, error) {
	if pw == nil {
		return LoadPrivateKey(spec)
	}
	return LoadPrivateKey(spec, WithPassword(pw))
}
