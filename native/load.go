package native

import (
	"crypto"
	"crypto/x509"
	"fmt"
	"os"
	"runtime"
	"strings"

	"github.com/nativetls/nativetls/internal/errtext"
	"github.com/nativetls/nativetls/trust"
)

// One vocabulary names keys, certificates and trust on every platform:
//
//	/path/to/file        PEM, DER or PKCS#7 certificates; PEM or DER keys
//	                     (PKCS#1, PKCS#8, SEC1, encrypted PKCS#8 and PEM);
//	                     PKCS#12 bundles (.p12, .pfx) with a password source
//	file:///path         the same, as a URL
//	pkcs11:...           RFC 7512: a token key, its certificate chain, or a
//	                     token's certificates (needs cgo)
//	capi:...             a Windows certificate store identity (Windows only)
//	mackms:...           a macOS keychain identity (macOS only)
//
// A scheme this OS or build cannot serve is an error wrapping
// trust.ErrUnsupported that names the scheme and the reason.

// ErrUnknownScheme is returned (wrapped in a *LoadError) for a URI whose
// scheme is none of file, pkcs11, capi or mackms.
var ErrUnknownScheme error = errtext.New("native", "unknown scheme (use a file path, file://, pkcs11:, capi: or mackms:)")

// LoadError reports a key, certificate or trust store that could not be
// loaded from a path or URI. Neither its message nor its fields show a
// secret the URI carries (see RedactURI): URI is redacted, and the message
// of Err is scrubbed of the secrets while Err itself still unwraps to the
// cause for errors.Is and errors.As.
type LoadError struct {
	URI    string // the path or URI as given, with secrets replaced by "***" (RedactURI)
	Scheme string // "file", "pkcs11", "capi", "mackms" or the unknown scheme
	What   string // "key", "certificates", "identity" or "trust store"
	Err    error
}

// newLoadError builds the LoadError for uri, redacting its secrets in the
// URI and in the cause's message.
func newLoadError(uri, scheme, what string, err error) *LoadError {
	return &LoadError{URI: RedactURI(uri), Scheme: scheme, What: what, Err: redactErr(err, uri)}
}

func (e *LoadError) Error() string {
	return fmt.Sprintf("native: cannot load %s from %q: %s", e.What, RedactURI(e.URI), errtext.Bare("native", e.Err))
}

// Unwrap returns the cause.
func (e *LoadError) Unwrap() error { return e.Err }

// LoadOption changes how a loader reads a key or identity.
type LoadOption func(*loadConfig)

type loadConfig struct {
	password trust.PasswordFunc
	pwErr    error
	keyURI   string
}

// WithPassword gives the callback that supplies the password of an encrypted
// key or PKCS#12 bundle, or the PIN of a token. It is called only when needed.
func WithPassword(f trust.PasswordFunc) LoadOption {
	return func(c *loadConfig) { c.password = f }
}

// WithPasswordSource gives the password or PIN as a source string (see
// PasswordSource): "env:VAR", "file:PATH", "keychain:SERVICE/ACCOUNT" or
// "pass:TEXT". A malformed source is reported by the loader.
func WithPasswordSource(spec string) LoadOption {
	return func(c *loadConfig) { c.password, c.pwErr = PasswordSource(spec) }
}

// WithKey tells LoadIdentity that the private key is at keyURI rather than
// beside the certificates (a PEM certificate file with its key in an HSM).
func WithKey(keyURI string) LoadOption {
	return func(c *loadConfig) { c.keyURI = keyURI }
}

func newLoadConfig(opts []LoadOption) *loadConfig {
	c := &loadConfig{}
	for _, o := range opts {
		o(c)
	}
	return c
}

// schemeOf returns the scheme of a URI and the rest, or "file" and the path.
// A single letter before ':' is a Windows drive, not a scheme.
func schemeOf(uri string) (scheme, rest string) {
	if strings.HasPrefix(uri, "file://") {
		return "file", strings.TrimPrefix(uri, "file://")
	}
	i := strings.IndexByte(uri, ':')
	if i < 2 || strings.ContainsAny(uri[:i], `/\.`) {
		return "file", uri
	}
	for _, r := range uri[:i] {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '+' || r == '-') {
			return "file", uri
		}
	}
	if _, err := os.Stat(uri); err == nil {
		return "file", uri // a file that happens to contain ':'
	}
	return strings.ToLower(uri[:i]), uri
}

// unsupportedScheme is the error for a scheme this OS cannot serve.
func unsupportedScheme(scheme, why string) error {
	return fmt.Errorf("%w: %s: URIs are %s; this binary runs on %s/%s", trust.ErrUnsupported, scheme, why, runtime.GOOS, runtime.GOARCH)
}

// LoadCertificates returns the certificates a path or URI names: those of
// a file (PEM, DER, PKCS#7, or a PKCS#12 bundle's chain), those on a PKCS#11
// token matching a pkcs11: URI, or the chain of a capi: or mackms: identity
// (or, for capi: certificates without a CNG key, those certificates). A file
// must be a regular file of at most 16 MiB.
func LoadCertificates(uri string, opts ...LoadOption) ([]*x509.Certificate, error) {
	c := newLoadConfig(opts)
	return load(uri, "certificates", func(s *scheme, rest string) ([]*x509.Certificate, error) {
		return s.certificates(rest, c)
	})
}

// LoadCertificate returns the first certificate LoadCertificates finds: the
// leaf of a chain file, a PKCS#12 bundle or a key's chain.
func LoadCertificate(uri string, opts ...LoadOption) (*x509.Certificate, error) {
	certs, err := LoadCertificates(uri, opts...)
	if err != nil {
		return nil, err
	}
	return certs[0], nil
}

// LoadPrivateKey returns the private key a path or URI names: a key file
// (encrypted ones need WithPassword or WithPasswordSource), a PKCS#12
// bundle's key, a PKCS#11 key, a Windows CNG key (capi:) or a macOS keychain
// key (mackms:). Keys of tokens and OS stores stay there; close them (they
// are io.Closers) when done.
func LoadPrivateKey(uri string, opts ...LoadOption) (crypto.Signer, error) {
	c := newLoadConfig(opts)
	if c.pwErr != nil {
		scheme, _ := schemeOf(uri)
		return nil, newLoadError(uri, scheme, "key", c.pwErr)
	}
	return load(uri, "key", func(s *scheme, rest string) (crypto.Signer, error) {
		return s.key(rest, c)
	})
}

// LoadIdentity returns a certificate chain and its private key from one
// path or URI: a PEM file holding both, a PKCS#12 bundle, a pkcs11: key URI
// (its certificate and the CA certificates on the token), a capi: or mackms:
// identity. With WithKey, the certificates come from uri and the key from
// the key URI. The leaf's public key must match the private key.
func LoadIdentity(uri string, opts ...LoadOption) (trust.CertificateChain, error) {
	c := newLoadConfig(opts)
	name, _ := schemeOf(uri)
	if c.pwErr != nil {
		return trust.CertificateChain{}, newLoadError(uri, name, "identity", c.pwErr)
	}
	var chain trust.CertificateChain
	var err error
	if c.keyURI != "" {
		if chain.Certificates, err = LoadCertificates(uri, opts...); err != nil {
			return trust.CertificateChain{}, err
		}
		if chain.PrivateKey, err = LoadPrivateKey(c.keyURI, opts...); err != nil {
			return trust.CertificateChain{}, err
		}
	} else {
		chain, err = load(uri, "identity", func(s *scheme, rest string) (trust.CertificateChain, error) {
			return s.identity(rest, c)
		})
		if err != nil {
			return trust.CertificateChain{}, err
		}
	}
	if chain, err = completeChain(chain, uri, c); err != nil { // chain.go: a store's CA certificates
		return trust.CertificateChain{}, newLoadError(uri, name, "identity", err)
	}
	if err := checkKeyMatches(chain); err != nil {
		return trust.CertificateChain{}, newLoadError(uri, name, "identity", err)
	}
	return chain, nil
}

// checkKeyMatches verifies that the leaf certifies the key's public key.
func checkKeyMatches(chain trust.CertificateChain) error {
	if len(chain.Certificates) == 0 {
		return trust.ErrNoCertificates
	}
	if chain.PrivateKey == nil {
		return trust.ErrNoPrivateKey
	}
	type equaler interface{ Equal(crypto.PublicKey) bool }
	pub, ok := chain.PrivateKey.Public().(equaler)
	if !ok || !pub.Equal(chain.Certificates[0].PublicKey) {
		return fmt.Errorf("the private key does not match the certificate %q (its public key differs): pair the certificate with its own key", chain.Certificates[0].Subject)
	}
	return nil
}
