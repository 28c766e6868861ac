package native

import (
	"crypto"
	"crypto/x509"
	"errors"

	"github.com/nativetls/nativetls/trust"
)

var errMacKMSNotReady = errors.New("mackms: URIs are not available in this build: the macOS keychain backend is not wired in yet")

func mackmsCertificates(string, *loadConfig) ([]*x509.Certificate, error) {
	return nil, errMacKMSNotReady
}

func mackmsKey(string, *loadConfig) (crypto.Signer, error) { return nil, errMacKMSNotReady }

func mackmsIdentity(string, *loadConfig) (trust.CertificateChain, error) {
	return trust.CertificateChain{}, errMacKMSNotReady
}
