package native

import (
	"crypto"
	"crypto/x509"
	"errors"

	"github.com/nativetls/nativetls/trust"
)

var errCAPINotReady = errors.New("capi: URIs are not available in this build: the Windows key store backend is not wired in yet")

func capiCertificates(string, *loadConfig) ([]*x509.Certificate, error) { return nil, errCAPINotReady }

func capiKey(string, *loadConfig) (crypto.Signer, error) { return nil, errCAPINotReady }

func capiIdentity(string, *loadConfig) (trust.CertificateChain, error) {
	return trust.CertificateChain{}, errCAPINotReady
}
