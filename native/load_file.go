package native

import (
	"crypto"
	"crypto/x509"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/nativetls/nativetls/trust"
	"software.sslmate.com/src/go-pkcs12"
)

// isPKCS12 reports whether a file is a PKCS#12 bundle, by its extension.
func isPKCS12(path string) bool {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".p12", ".pfx":
		return true
	}
	return false
}

// fileCertificates reads the certificates of a file.
func fileCertificates(path string, c *loadConfig) ([]*x509.Certificate, error) {
	if isPKCS12(path) {
		chain, err := filePKCS12(path, c)
		if err != nil {
			return nil, err
		}
		return chain.Certificates, nil
	}
	return trust.LoadCertificates(path)
}

// fileKey reads the private key of a file.
func fileKey(path string, c *loadConfig) (crypto.Signer, error) {
	if isPKCS12(path) {
		chain, err := filePKCS12(path, c)
		if err != nil {
			return nil, err
		}
		return chain.PrivateKey, nil
	}
	return trust.LoadPrivateKey(path, c.password)
}

// fileIdentity reads certificates and key from one file: a PKCS#12 bundle
// or a PEM file holding both.
func fileIdentity(path string, c *loadConfig) (trust.CertificateChain, error) {
	if isPKCS12(path) {
		return filePKCS12(path, c)
	}
	certs, err := trust.LoadCertificates(path)
	if err != nil {
		return trust.CertificateChain{}, err
	}
	key, err := trust.LoadPrivateKey(path, c.password)
	if err != nil {
		if errors.Is(err, trust.ErrNoPrivateKey) {
			return trust.CertificateChain{}, fmt.Errorf("%s holds certificates but no private key: give the key's location too (WithKey, or --key on the command line)", path)
		}
		return trust.CertificateChain{}, err
	}
	return trust.CertificateChain{Certificates: certs, PrivateKey: key}, nil
}

// filePKCS12 decodes a PKCS#12 bundle. Without a password source the empty
// password is tried (unprotected bundles use it).
func filePKCS12(path string, c *loadConfig) (trust.CertificateChain, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return trust.CertificateChain{}, err
	}
	password := ""
	if c.password != nil {
		pw, err := c.password()
		if err != nil {
			return trust.CertificateChain{}, err
		}
		password = string(pw)
	}
	key, leaf, cas, err := pkcs12.DecodeChain(data, password)
	if errors.Is(err, pkcs12.ErrIncorrectPassword) {
		if c.password == nil {
			return trust.CertificateChain{}, fmt.Errorf("PKCS#12 bundle %s is protected by a password: give one (WithPasswordSource, or --password env:VAR|file:PATH|keychain:SERVICE/ACCOUNT)", path)
		}
		return trust.CertificateChain{}, fmt.Errorf("PKCS#12 bundle %s: %w", path, trust.ErrIncorrectPassword)
	}
	if err != nil {
		return trust.CertificateChain{}, fmt.Errorf("PKCS#12 bundle %s: %w (it must hold one private key and its certificate)", path, err)
	}
	signer, ok := key.(crypto.Signer)
	if !ok {
		return trust.CertificateChain{}, fmt.Errorf("PKCS#12 bundle %s: the private key (%T) cannot sign", path, key)
	}
	return trust.CertificateChain{Certificates: append([]*x509.Certificate{leaf}, cas...), PrivateKey: signer}, nil
}
