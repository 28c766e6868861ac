//go:build !windows

package native

import (
	"crypto"
	"crypto/x509"

	"github.com/nativetls/nativetls/trust"
)

const capiWhy = "identities of the Windows certificate store (CryptoAPI/CNG), which exists only on Windows"

func capiCertificates(string, *loadConfig) ([]*x509.Certificate, error) {
	return nil, unsupportedScheme("capi", capiWhy)
}

func capiKey(string, *loadConfig) (crypto.Signer, error) {
	return nil, unsupportedScheme("capi", capiWhy)
}

func capiIdentity(string, *loadConfig) (trust.CertificateChain, error) {
	return trust.CertificateChain{}, unsupportedScheme("capi", capiWhy)
}

const (
	capiAvailable = false
	capiNote      = "Windows certificate stores exist only on Windows"
)
