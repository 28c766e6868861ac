//go:build !darwin

package native

import (
	"crypto"
	"crypto/x509"

	"github.com/nativetls/nativetls/trust"
)

const mackmsWhy = "identities of the macOS keychain (Security.framework), which exists only on macOS"

func mackmsCertificates(string, *loadConfig) ([]*x509.Certificate, error) {
	return nil, unsupportedScheme("mackms", mackmsWhy)
}

func mackmsKey(string, *loadConfig) (crypto.Signer, error) {
	return nil, unsupportedScheme("mackms", mackmsWhy)
}

func mackmsIdentity(string, *loadConfig) (trust.CertificateChain, error) {
	return trust.CertificateChain{}, unsupportedScheme("mackms", mackmsWhy)
}

const (
	mackmsAvailable = false
	mackmsNote      = "the macOS keychain exists only on macOS"
)
