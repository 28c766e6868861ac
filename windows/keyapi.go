package windows

import (
	"crypto"
	"crypto/rsa"
	"errors"
	"fmt"
	"io"

	"github.com/nativetls/nativetls/internal/errtext"
)

// KeyOptions configures OpenKey. A nil *KeyOptions means the zero value:
// the PIN, if any, comes from the URI's pin-value.
type KeyOptions struct {
	// PIN is handed to the key's provider (NCRYPT_PIN_PROPERTY) for smart
	// cards and other keys that need one; empty means the URI's pin-value
	// (or none). It overrides the URI.
	PIN string
}

// pin is the PIN to use for u.
func (o *KeyOptions) pin(u *CAPIURI) string {
	if o != nil && o.PIN != "" {
		return o.PIN
	}
	return u.PIN
}

// OpenKey finds the certificate named by a capi: URI (see [ParseCAPIURI])
// in its system store and opens its private key through CNG
// (CryptAcquireCertificatePrivateKey with CRYPT_ACQUIRE_ONLY_NCRYPT_KEY_FLAG
// and CRYPT_ACQUIRE_SILENT_FLAG: no legacy CryptoAPI providers, no UI).
// opts may be nil. When several certificates match, the first with a
// usable private key wins. Errors are *URIError or *KeyError (errors.Is
// with ErrKeyNotFound, ErrKeyNeedsUI …). Call Close when done. On other
// operating systems it checks the URI, then returns ErrUnsupported.
func OpenKey(uri string, opts *KeyOptions) (*Key, error) {
	u, err := ParseCAPIURI(uri)
	if err != nil {
		return nil, err
	}
	if err := available(); err != nil {
		return nil, err
	}
	return openKey(u, opts)
}

var errClosed = errors.New("the key is closed")

// Sign implements crypto.Signer with NCryptSignHash: PKCS#1 v1.5
// (BCRYPT_PAD_PKCS1) or, for *rsa.PSSOptions, PSS (BCRYPT_PAD_PSS) for RSA
// keys; for ECDSA keys CNG's r‖s signature is returned ASN.1-encoded.
// rand is not used: the provider has its own.
func (k *Key) Sign(_ io.Reader, digest []byte, opts crypto.SignerOpts) ([]byte, error) {
	h := opts.HashFunc()
	if h != 0 && len(digest) != h.Size() {
		return nil, &KeyError{URI: k.uri, Op: "sign", Err: errtext.With(ErrKeyBadInput, fmt.Sprintf(": digest is %d bytes, %v needs %d", len(digest), h, h.Size()))}
	}
	k.mu.RLock()
	defer k.mu.RUnlock()
	if k.closed {
		return nil, &KeyError{URI: k.uri, Op: "sign", Err: errClosed}
	}
	return k.sign(digest, opts)
}

// Decrypt implements crypto.Decrypter for RSA keys with NCryptDecrypt:
// OAEP for *rsa.OAEPOptions, PKCS#1 v1.5 otherwise. With
// rsa.PKCS1v15DecryptOptions.SessionKeyLen set, a failed or wrong-length
// decryption returns random bytes of that length instead of an error, as
// crypto/rsa does (this is not constant-time: CNG reports the failure).
func (k *Key) Decrypt(rand io.Reader, msg []byte, opts crypto.DecrypterOpts) ([]byte, error) {
	if _, ok := k.pub.(*rsa.PublicKey); !ok {
		return nil, &KeyError{URI: k.uri, Op: "decrypt", Err: errtext.With(ErrKeyNotSupported, ": only RSA keys decrypt")}
	}
	k.mu.RLock()
	defer k.mu.RUnlock()
	if k.closed {
		return nil, &KeyError{URI: k.uri, Op: "decrypt", Err: errClosed}
	}
	return k.decryptMsg(rand, msg, opts)
}

// Close frees the NCrypt key handle (NCryptFreeObject). Sign and Decrypt
// fail after Close; closing twice is harmless.
func (k *Key) Close() error {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.closed {
		return nil
	}
	k.closed = true
	return k.release()
}
