package native

import (
	"context"
	"crypto"
	"crypto/x509"

	"github.com/nativetls/nativetls/pkcs11"
	"github.com/nativetls/nativetls/trust"
)

// pkcs11Options passes the loader's password source as the token PIN.
func pkcs11Options(c *loadConfig) *pkcs11.Options {
	o := &pkcs11.Options{}
	if c.password != nil {
		o.PIN = func(context.Context, string) (string, error) {
			pw, err := c.password()
			return string(pw), err
		}
	}
	return o
}

func pkcs11Certificates(uri string, c *loadConfig) ([]*x509.Certificate, error) {
	u, err := pkcs11.ParseURI(uri)
	if err != nil {
		return nil, err
	}
	if u.Type == "private" {
		// A key URI names the key's chain.
		id, err := pkcs11Identity(uri, c)
		if err != nil {
			return nil, err
		}
		if cl, ok := id.PrivateKey.(interface{ Close() error }); ok {
			cl.Close()
		}
		return id.Certificates, nil
	}
	certs, err := pkcs11.LoadCertificates(uri, pkcs11Options(c))
	if err != nil {
		return nil, err
	}
	if len(certs) == 0 {
		return nil, pkcs11.ErrCertificateNotFound
	}
	return certs, nil
}

func pkcs11Key(uri string, c *loadConfig) (crypto.Signer, error) {
	return pkcs11.OpenKey(uri, pkcs11Options(c))
}

func pkcs11Identity(uri string, c *loadConfig) (trust.CertificateChain, error) {
	key, err := pkcs11.OpenKey(uri, pkcs11Options(c))
	if err != nil {
		return trust.CertificateChain{}, err
	}
	chain, err := key.Chain()
	if err != nil {
		key.Close()
		return trust.CertificateChain{}, err
	}
	return trust.CertificateChain{Certificates: chain, PrivateKey: key}, nil
}

// pkcs11Anchors returns the certificates of a token as trust anchors.
func pkcs11Anchors(uri string) ([]*x509.Certificate, error) {
	return pkcs11Certificates(uri, &loadConfig{})
}

const (
	pkcs11Available = true
	pkcs11Note      = "PKCS#11 modules are loaded without cgo: purego dlopen, LoadLibraryEx on Windows"
)
