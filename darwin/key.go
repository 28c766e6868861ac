package darwin

import (
	"crypto"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io"
	"sync"

	"github.com/nativetls/nativetls/trust"
)

// Key is a private key held by the macOS keychain, the Secure Enclave or a
// smart card, together with its certificate chain. It signs with
// SecKeyCreateSignature and never exports the key. A Key is safe for
// concurrent use; Close releases it.
type Key struct {
	uri     string
	pub     crypto.PublicKey
	chain   []*x509.Certificate
	schemes []tls.SignatureScheme

	mu     sync.RWMutex
	handle *keyHandle // platform key reference; nil after Close
}

// Compile-time conformance.
var (
	_ crypto.Signer          = (*Key)(nil)
	_ trust.SignatureSchemer = (*Key)(nil)
)

// KeyOptions configures OpenKey. A nil *KeyOptions, like the zero value,
// searches where the URI says.
type KeyOptions struct {
	// Keychain is the keychain file to search when the URI has no
	// keychain= attribute; empty searches the user's keychain search list.
	// A URI whose keychain= names another file is an error.
	Keychain string
}

// OpenKey opens the keychain identity (a certificate and its private
// key) that a mackms: URI names; see KeyURI for the attributes. The search
// covers the user's keychain search list (login, System, smart cards and the
// Secure Enclave's identities), or only the file given by keychain= (or
// opts.Keychain). opts may be nil. Errors are *KeyError values; errors.Is
// finds ErrNotFound, ErrAmbiguous, ErrInvalidURI, ErrInteractionNotAllowed
// and ErrUnsupported.
func OpenKey(uri string, opts *KeyOptions) (*Key, error) {
	u, err := ParseKeyURI(uri)
	if err != nil {
		return nil, &KeyError{URI: uri, Op: "open", Err: err}
	}
	if err := applyKeyOptions(u, opts); err != nil {
		return nil, &KeyError{URI: uri, Op: "open", Err: err}
	}
	h, chain, err := openIdentity(u)
	if err != nil {
		return nil, &KeyError{URI: uri, Op: "open", Err: err}
	}
	k := &Key{uri: uri, pub: chain[0].PublicKey, chain: chain, handle: h}
	k.schemes = signatureSchemes(k.pub, h.supports)
	if len(k.schemes) == 0 {
		h.close()
		return nil, &KeyError{URI: uri, Op: "open", Err: ErrUnsupported}
	}
	return k, nil
}

// applyKeyOptions merges opts into the parsed URI.
func applyKeyOptions(u *KeyURI, opts *KeyOptions) error {
	if opts == nil || opts.Keychain == "" {
		return nil
	}
	if u.Keychain != "" && u.Keychain != opts.Keychain {
		return &trust.ConfigurationError{Backend: backendName, Field: "KeyOptions.Keychain",
			Msg: fmt.Sprintf("the URI names keychain %q and the options %q; give one", u.Keychain, opts.Keychain)}
	}
	u.Keychain = opts.Keychain
	return nil
}

// Public returns the public key of the identity's certificate.
func (k *Key) Public() crypto.PublicKey { return k.pub }

// Sign signs a digest (already hashed with opts.HashFunc()). RSA keys sign
// PKCS#1 v1.5, or PSS when opts is *rsa.PSSOptions (salt length = hash
// length); ECDSA keys return an ASN.1 DER signature. rand is ignored: the
// keychain uses its own randomness.
func (k *Key) Sign(_ io.Reader, digest []byte, opts crypto.SignerOpts) ([]byte, error) {
	alg, err := signatureAlgorithm(k.pub, len(digest), opts)
	if err != nil {
		return nil, &KeyError{URI: k.uri, Op: "sign with", Err: err}
	}
	k.mu.RLock()
	defer k.mu.RUnlock()
	if k.handle == nil {
		return nil, &KeyError{URI: k.uri, Op: "sign with", Err: ErrClosed}
	}
	sig, err := k.handle.sign(alg, digest)
	if err != nil {
		return nil, &KeyError{URI: k.uri, Op: "sign with", Err: err}
	}
	return sig, nil
}

// Certificate returns the identity's certificate.
func (k *Key) Certificate() *x509.Certificate { return k.chain[0] }

// Chain returns the identity's certificate followed by the intermediates
// the system found for it (keychains and, if allowed, the network), without
// the root: what a TLS peer should be sent.
func (k *Key) Chain() []*x509.Certificate { return append([]*x509.Certificate(nil), k.chain...) }

// SupportedSignatureSchemes reports the TLS signature schemes the key can
// produce, as Security.framework says it supports them
// (SecKeyIsAlgorithmSupported); it implements trust.SignatureSchemer.
func (k *Key) SupportedSignatureSchemes() []tls.SignatureScheme {
	return append([]tls.SignatureScheme(nil), k.schemes...)
}

// TLSCertificate returns the chain and key as a tls.Certificate for
// crypto/tls, with the supported signature schemes filled in.
func (k *Key) TLSCertificate() tls.Certificate {
	tc := tls.Certificate{PrivateKey: k, Leaf: k.chain[0], SupportedSignatureAlgorithms: k.SupportedSignatureSchemes()}
	for _, c := range k.chain {
		tc.Certificate = append(tc.Certificate, c.Raw)
	}
	return tc
}

// URI returns the URI the key was opened with.
func (k *Key) URI() string { return k.uri }

// Close releases the key. Signing afterwards fails with ErrClosed. Close is
// idempotent.
func (k *Key) Close() error {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.handle != nil {
		k.handle.close()
		k.handle = nil
	}
	return nil
}

// Certificates returns the certificate chain (leaf first, without the
// root) of the identity a mackms: URI names, for a Backend's Certificates
// constructor. The key is opened and closed again.
func Certificates(uri string) ([]*x509.Certificate, error) {
	k, err := OpenKey(uri, nil)
	if err != nil {
		return nil, err
	}
	defer k.Close()
	return k.Chain(), nil
}
