//go:build !cgo

package native

import (
	"crypto"
	"crypto/x509"
	"fmt"

	"github.com/nativetls/nativetls/trust"
)

// errPKCS11NoCgo explains why pkcs11: URIs cannot be served.
var errPKCS11NoCgo = fmt.Errorf("%w: pkcs11: URIs need PKCS#11 modules, which are C libraries, and this binary was built with CGO_ENABLED=0; rebuild with CGO_ENABLED=1 and a C compiler", trust.ErrUnsupported)

func pkcs11Certificates(string, *loadConfig) ([]*x509.Certificate, error) {
	return nil, errPKCS11NoCgo
}

func pkcs11Key(string, *loadConfig) (crypto.Signer, error) { return nil, errPKCS11NoCgo }

func pkcs11Identity(string, *loadConfig) (trust.CertificateChain, error) {
	return trust.CertificateChain{}, errPKCS11NoCgo
}

func pkcs11Anchors(string) ([]*x509.Certificate, error) { return nil, errPKCS11NoCgo }

const (
	pkcs11Available = false
	pkcs11Note      = "built with CGO_ENABLED=0; PKCS#11 modules are C libraries and need cgo"
)
