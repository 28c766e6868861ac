package native

import (
	"crypto"
	"crypto/x509"
	"sync"

	"github.com/nativetls/nativetls/trust"
)

// osBackend returns a platform backend named name whose system store
// comes from system, created once per process (the OS verifier, or the
// Linux store, sees later changes to the stores by itself), and which
// loads certificates and keys through every scheme of this package.
func osBackend(name string, system func() (trust.TrustStore, error)) *backend {
	return &backend{
		name:             name,
		system:           sync.OnceValues(system),
		loadCertificates: backendCertificates,
		loadKey:          backendKey,
	}
}

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
