package windows

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"encoding/asn1"
	"fmt"
	"math/big"
	"sync"
	"unsafe"

	"github.com/nativetls/nativetls/trust"
)

// Key is a CNG private key of a certificate in a Windows store, opened by
// [OpenKey]. It is a crypto.Signer (RSA PKCS#1 v1.5 and PSS, ECDSA) and,
// for RSA keys, a crypto.Decrypter; the key material never leaves its key
// storage provider. A Key is safe for concurrent use; Close frees the
// NCrypt handle.
type Key struct {
	uri      string
	pub      crypto.PublicKey
	chain    []*x509.Certificate
	provider string // key storage provider name, e.g. "Microsoft Software Key Storage Provider"

	mu       sync.RWMutex
	handle   uintptr // NCRYPT_KEY_HANDLE
	mustFree bool
	closed   bool
}

// Compile-time conformance.
var (
	_ crypto.Signer          = (*Key)(nil)
	_ crypto.Decrypter       = (*Key)(nil)
	_ trust.SignatureSchemer = (*Key)(nil)
)

// Public returns the public key of the certificate.
func (k *Key) Public() crypto.PublicKey { return k.pub }

// Chain returns the certificate, then the rest of its chain as far as the
// stores could build it (without the root when the engine found one is
// self-signed), for use as a tls.Certificate's chain.
func (k *Key) Chain() []*x509.Certificate { return append([]*x509.Certificate(nil), k.chain...) }

// Certificate returns the certificate the key belongs to.
func (k *Key) Certificate() *x509.Certificate {
	if len(k.chain) == 0 {
		return nil
	}
	return k.chain[0]
}

// TLSCertificate returns a tls.Certificate using k as its private key.
func (k *Key) TLSCertificate() tls.Certificate {
	tc := tls.Certificate{PrivateKey: k, Leaf: k.Certificate(), SupportedSignatureAlgorithms: k.SupportedSignatureSchemes()}
	for _, c := range k.chain {
		tc.Certificate = append(tc.Certificate, c.Raw)
	}
	return tc
}

// Provider returns the name of the key storage provider holding the key.
func (k *Key) Provider() string { return k.provider }

// String returns the URI the key was opened with.
func (k *Key) String() string { return k.uri }

// SupportedSignatureSchemes implements trust.SignatureSchemer.
func (k *Key) SupportedSignatureSchemes() []tls.SignatureScheme {
	return signatureSchemes(k.pub, k.provider)
}

// platformProvider is the TPM key storage provider, whose RSA keys cannot
// do PSS with the salt length TLS requires (TPM 1.2 cannot do PSS at all;
// TPM 2.0 uses the maximum salt length).
const platformProvider = "Microsoft Platform Crypto Provider"

// signatureSchemes lists the TLS signature schemes a key of this type in
// this provider can produce. SHA-1 schemes are not offered.
func signatureSchemes(pub crypto.PublicKey, provider string) []tls.SignatureScheme {
	switch p := pub.(type) {
	case *rsa.PublicKey:
		s := []tls.SignatureScheme{tls.PKCS1WithSHA256, tls.PKCS1WithSHA384, tls.PKCS1WithSHA512}
		if provider == platformProvider {
			return s
		}
		return append([]tls.SignatureScheme{tls.PSSWithSHA256, tls.PSSWithSHA384, tls.PSSWithSHA512}, s...)
	case *ecdsa.PublicKey:
		switch p.Curve {
		case elliptic.P256():
			return []tls.SignatureScheme{tls.ECDSAWithP256AndSHA256}
		case elliptic.P384():
			return []tls.SignatureScheme{tls.ECDSAWithP384AndSHA384}
		case elliptic.P521():
			return []tls.SignatureScheme{tls.ECDSAWithP521AndSHA512}
		}
	}
	return nil
}

// handleSize is the size of a Windows handle (NCRYPT_PROV_HANDLE …) on
// this GOARCH.
const handleSize = int(unsafe.Sizeof(uintptr(0)))

// handleFromProperty decodes a handle-valued NCrypt property (little
// endian, pointer sized); ok is false if b is not exactly one handle.
func handleFromProperty(b []byte) (h uintptr, ok bool) {
	if len(b) != handleSize {
		return 0, false
	}
	for i := len(b) - 1; i >= 0; i-- {
		h = h<<8 | uintptr(b[i])
	}
	return h, true
}

// hashAlgID is the BCRYPT_*_ALGORITHM name of h for padding info, "" for
// crypto.MD5SHA1 (raw TLS 1.0 PKCS#1 signature, no DigestInfo).
func hashAlgID(h crypto.Hash) (string, error) {
	switch h {
	case crypto.SHA1:
		return "SHA1", nil
	case crypto.SHA256:
		return "SHA256", nil
	case crypto.SHA384:
		return "SHA384", nil
	case crypto.SHA512:
		return "SHA512", nil
	case crypto.MD5SHA1:
		return "", nil
	}
	return "", fmt.Errorf("hash %v is not supported (use SHA-1, SHA-256, SHA-384 or SHA-512)", h)
}

// pssSaltLength resolves rsa.PSSOptions.SaltLength for CNG, which needs an
// explicit length: PSSSaltLengthEqualsHash and PSSSaltLengthAuto both
// become the hash length (what TLS requires and what any verifier with
// "auto" accepts).
func pssSaltLength(o *rsa.PSSOptions, h crypto.Hash) (uint32, error) {
	switch {
	case o.SaltLength == rsa.PSSSaltLengthEqualsHash || o.SaltLength == rsa.PSSSaltLengthAuto:
		return uint32(h.Size()), nil
	case o.SaltLength > 0:
		return uint32(o.SaltLength), nil
	}
	return 0, fmt.Errorf("invalid PSS salt length %d", o.SaltLength)
}

// ecdsaASN1 converts CNG's fixed-size r‖s ECDSA signature to the ASN.1
// SEQUENCE { r INTEGER, s INTEGER } crypto/tls and x509 expect.
func ecdsaASN1(rs []byte) ([]byte, error) {
	if len(rs) == 0 || len(rs)%2 != 0 {
		return nil, fmt.Errorf("ECDSA signature of odd length %d from CNG", len(rs))
	}
	half := len(rs) / 2
	return asn1.Marshal(struct{ R, S *big.Int }{new(big.Int).SetBytes(rs[:half]), new(big.Int).SetBytes(rs[half:])})
}
