//go:build !cgo

package pkcs11

import (
	"crypto"
	"crypto/tls"
	"crypto/x509"
	"io"
)

// Key is a private key on a PKCS#11 token; without cgo none can be opened.
type Key struct{}

// RSADecrypter is an RSA Key seen as a crypto.Decrypter.
type RSADecrypter struct{ *Key }

var (
	_ crypto.Signer    = (*Key)(nil)
	_ crypto.Decrypter = (*RSADecrypter)(nil)
)

// OpenKey returns ErrNoCgo.
func OpenKey(uri string, opts *Options) (*Key, error) { return nil, ErrNoCgo }

// LoadTLSCertificate returns ErrNoCgo.
func LoadTLSCertificate(uri string, opts *Options) (tls.Certificate, error) {
	return tls.Certificate{}, ErrNoCgo
}

// LoadCertificates returns ErrNoCgo.
func LoadCertificates(uri string, opts *Options) ([]*x509.Certificate, error) { return nil, ErrNoCgo }

// Tokens returns ErrNoCgo.
func Tokens(modulePath string) ([]Slot, error) { return nil, ErrNoCgo }

// ListObjects returns ErrNoCgo.
func ListObjects(uri string, opts *Options) ([]ObjectInfo, error) { return nil, ErrNoCgo }

// Public returns nil.
func (k *Key) Public() crypto.PublicKey { return nil }

// Sign returns ErrNoCgo.
func (k *Key) Sign(io.Reader, []byte, crypto.SignerOpts) ([]byte, error) { return nil, ErrNoCgo }

// Decrypt returns ErrNoCgo.
func (d *RSADecrypter) Decrypt(io.Reader, []byte, crypto.DecrypterOpts) ([]byte, error) {
	return nil, ErrNoCgo
}

// Decrypter returns ErrNoCgo.
func (k *Key) Decrypter() (*RSADecrypter, error) { return nil, ErrNoCgo }

// Signer returns k.
func (k *Key) Signer() crypto.Signer { return k }

// SupportedSignatureSchemes returns nil.
func (k *Key) SupportedSignatureSchemes() []tls.SignatureScheme { return nil }

// Certificate returns ErrNoCgo.
func (k *Key) Certificate() (*x509.Certificate, error) { return nil, ErrNoCgo }

// Chain returns ErrNoCgo.
func (k *Key) Chain() ([]*x509.Certificate, error) { return nil, ErrNoCgo }

// TLSCertificate returns ErrNoCgo.
func (k *Key) TLSCertificate() (tls.Certificate, error) { return tls.Certificate{}, ErrNoCgo }

// URI returns "".
func (k *Key) URI() string { return "" }

// String names the type.
func (k *Key) String() string { return "pkcs11 key (no cgo)" }

// Close does nothing.
func (k *Key) Close() error { return nil }

// MaxTLSVersion returns ErrNoCgo.
func (k *Key) MaxTLSVersion(min, max uint16) (uint16, error) { return 0, ErrNoCgo }
