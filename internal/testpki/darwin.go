package testpki

import (
	"crypto"
	"crypto/x509"
)

// NewKey returns a fresh key of type t, for certificates a test signs
// with a key it chose (Issue, DarwinSign: the darwin tests reuse one key
// under two encodings of the same name).
func NewKey(t KeyType) crypto.Signer { return newKey(t) }

// DarwinSign signs tmpl as given: with key as the certificate's key (nil:
// a fresh ECDSA P-256 key), issued by parent (nil: self-signed with key).
// A nil SerialNumber gets the next serial. It is for certificates the
// Root/Intermediate/Leaf shapes cannot express: a self-issued certificate
// whose authority key identifier differs from its subject key identifier,
// a name encoded differently in issuer and subject, and the like. tmpl
// must set NotBefore and NotAfter (tests use a fixed clock).
func DarwinSign(tmpl *x509.Certificate, key crypto.Signer, parent *Cert) *Cert {
	if key == nil {
		key = newKey(ECDSAP256)
	}
	return sign(tmpl, key, parent)
}
