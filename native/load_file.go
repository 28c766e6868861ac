package native

import (
	"crypto"
	"crypto/x509"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"

	"github.com/nativetls/nativetls/internal/safefile"
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

// readUserFile reads a file a user or configuration named: regular files
// only, at most safefile.DefaultMax (16 MiB), so /dev/zero, a FIFO or a
// runaway file is a clear error instead of an endless read.
func readUserFile(path string) ([]byte, error) {
	data, err := safefile.Read(path, 0)
	var pe *fs.PathError
	if errors.As(err, &pe) && pe.Op == "stat" {
		pe.Op = "open" // the same words on every OS (Windows stats with CreateFile)
	}
	return data, err
}

// fileCertificates reads the certificates of a certificate file.
func fileCertificates(path string, _ *loadConfig) ([]*x509.Certificate, error) {
	data, err := readUserFile(path)
	if err != nil {
		return nil, &trust.CertificateError{Source: path, Index: -1, Err: err}
	}
	certs, err := trust.ParseCertificates(data)
	return certs, namedSource(err, path)
}

// fileKey reads the private key of a key file.
func fileKey(path string, c *loadConfig) (crypto.Signer, error) {
	data, err := readUserFile(path)
	if err != nil {
		return nil, &trust.KeyError{Source: path, Err: err}
	}
	key, err := trust.ParsePrivateKey(data, c.password)
	return key, namedSource(err, path)
}

// namedSource puts the file's path into the errors of trust's parsers,
// which call their input "buffer".
func namedSource(err error, path string) error {
	var ce *trust.CertificateError
	if errors.As(err, &ce) && ce.Source == "buffer" {
		ce.Source = path
	}
	var ke *trust.KeyError
	if errors.As(err, &ke) && ke.Source == "buffer" {
		ke.Source = path
	}
	return err
}

// fileIdentity reads certificates and key from one PEM file holding both.
func fileIdentity(path string, c *loadConfig) (trust.CertificateChain, error) {
	data, err := readUserFile(path)
	if err != nil {
		return trust.CertificateChain{}, &trust.CertificateError{Source: path, Index: -1, Err: err}
	}
	certs, err := trust.ParseCertificates(data)
	if err != nil {
		return trust.CertificateChain{}, namedSource(err, path)
	}
	key, err := trust.ParsePrivateKey(data, c.password)
	if err != nil {
		if errors.Is(err, trust.ErrNoPrivateKey) {
			return trust.CertificateChain{}, fmt.Errorf("%s holds certificates but no private key: give the key's location too (WithKey, or --key on the command line)", path)
		}
		return trust.CertificateChain{}, namedSource(err, path)
	}
	return trust.CertificateChain{Certificates: certs, PrivateKey: key}, nil
}

// pkcs12Certificates returns the chain of a PKCS#12 bundle.
func pkcs12Certificates(path string, c *loadConfig) ([]*x509.Certificate, error) {
	chain, err := filePKCS12(path, c)
	return chain.Certificates, err
}

// pkcs12Key returns the key of a PKCS#12 bundle.
func pkcs12Key(path string, c *loadConfig) (crypto.Signer, error) {
	chain, err := filePKCS12(path, c)
	return chain.PrivateKey, err
}

// filePKCS12 decodes a PKCS#12 bundle. Without a password source the empty
// password is tried (unprotected bundles use it).
func filePKCS12(path string, c *loadConfig) (trust.CertificateChain, error) {
	data, err := readUserFile(path)
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
	if err := checkPKCS12Iterations(data, 0); err != nil {
		return trust.CertificateChain{}, fmt.Errorf("PKCS#12 bundle %s: %w", path, err)
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
