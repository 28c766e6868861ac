package pkcs11

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/tls"
	"encoding/asn1"
	"errors"
	"fmt"
	"math/big"

	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"

	p11 "github.com/nativetls/nativetls/internal/p11raw"
)

// Mechanisms and MGF numbers used for signing (PKCS#11 2.40 / 3.0).
const (
	ckmRSAPKCS     = 0x1
	ckmRSAPKCSOAEP = 0x9
	ckmRSAPKCSPSS  = 0xD
	ckmSHA1        = 0x220
	ckmSHA224      = 0x255
	ckmSHA256      = 0x250
	ckmSHA384      = 0x260
	ckmSHA512      = 0x270
	ckmECDSA       = 0x1041
	ckgMGF1SHA1    = 0x1
	ckgMGF1SHA256  = 0x2
	ckgMGF1SHA384  = 0x3
	ckgMGF1SHA512  = 0x4
	ckgMGF1SHA224  = 0x5
	ckzDataSpec    = 0x1
)

// hashMechs maps Go hashes to their CKM_SHA* digest and CKG_MGF1_* numbers.
var hashMechs = map[crypto.Hash]struct{ mech, mgf uint }{
	crypto.SHA1:   {ckmSHA1, ckgMGF1SHA1},
	crypto.SHA224: {ckmSHA224, ckgMGF1SHA224},
	crypto.SHA256: {ckmSHA256, ckgMGF1SHA256},
	crypto.SHA384: {ckmSHA384, ckgMGF1SHA384},
	crypto.SHA512: {ckmSHA512, ckgMGF1SHA512},
}

// digestInfoPrefix holds the DER DigestInfo header (RFC 8017 section 9.2,
// note 1) that precedes the digest in a PKCS #1 v1.5 signature.
var digestInfoPrefix = map[crypto.Hash][]byte{
	crypto.SHA1:    {0x30, 0x21, 0x30, 0x09, 0x06, 0x05, 0x2b, 0x0e, 0x03, 0x02, 0x1a, 0x05, 0x00, 0x04, 0x14},
	crypto.SHA224:  {0x30, 0x2d, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x04, 0x05, 0x00, 0x04, 0x1c},
	crypto.SHA256:  {0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20},
	crypto.SHA384:  {0x30, 0x41, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x02, 0x05, 0x00, 0x04, 0x30},
	crypto.SHA512:  {0x30, 0x51, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x03, 0x05, 0x00, 0x04, 0x40},
	crypto.MD5SHA1: {}, // TLS 1.0/1.1: the 36 bytes are signed as they are
}

// pkcs1Input returns DigestInfo(hash) || digest for CKM_RSA_PKCS.
func pkcs1Input(h crypto.Hash, digest []byte) ([]byte, error) {
	prefix, ok := digestInfoPrefix[h]
	if !ok {
		return nil, fmt.Errorf("pkcs11: RSA PKCS#1 v1.5 with hash %v is not supported: %w", h, ErrUnsupported)
	}
	if h != 0 && len(digest) != h.Size() {
		return nil, fmt.Errorf("pkcs11: digest is %d bytes, %v needs %d", len(digest), h, h.Size())
	}
	return append(append(make([]byte, 0, len(prefix)+len(digest)), prefix...), digest...), nil
}

// pssSaltLength maps rsa.PSSOptions.SaltLength to an explicit length:
// PSSSaltLengthEqualsHash → hash size; PSSSaltLengthAuto → hash size (any
// verifier using Auto or EqualsHash accepts it, and it is what TLS
// requires); an explicit length must fit the key.
func pssSaltLength(opts *rsa.PSSOptions, h crypto.Hash, keyBits int) (int, error) {
	max := (keyBits-1+7)/8 - h.Size() - 2
	salt := h.Size()
	if opts != nil && opts.SaltLength > 0 {
		salt = opts.SaltLength
	} else if opts != nil && opts.SaltLength < rsa.PSSSaltLengthEqualsHash {
		return 0, fmt.Errorf("pkcs11: invalid PSS salt length %d", opts.SaltLength)
	}
	if salt > max || max < 0 {
		return 0, fmt.Errorf("pkcs11: PSS salt length %d does not fit a %d-bit key with %v (max %d): %w", salt, keyBits, h, max, ErrUnsupported)
	}
	return salt, nil
}

// ecdsaASN1 re-encodes the raw r‖s signature of CKM_ECDSA as the ASN.1
// ECDSA-Sig-Value crypto.Signer callers expect.
func ecdsaASN1(rs []byte) ([]byte, error) {
	if len(rs) == 0 || len(rs)%2 != 0 {
		return nil, fmt.Errorf("pkcs11: token returned a %d-byte ECDSA signature, want even r||s", len(rs))
	}
	r := new(big.Int).SetBytes(rs[:len(rs)/2])
	s := new(big.Int).SetBytes(rs[len(rs)/2:])
	var b cryptobyte.Builder
	b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
		b.AddASN1BigInt(r)
		b.AddASN1BigInt(s)
	})
	return b.Bytes()
}

var (
	oidP256    = asn1.ObjectIdentifier{1, 2, 840, 10045, 3, 1, 7}
	oidP384    = asn1.ObjectIdentifier{1, 3, 132, 0, 34}
	oidP521    = asn1.ObjectIdentifier{1, 3, 132, 0, 35}
	oidEd25519 = asn1.ObjectIdentifier{1, 3, 101, 112}
)

// errEd25519 is returned by parseECParams for Ed25519 parameters.
var errEd25519 = errors.New("ed25519")

// parseECParams decodes CKA_EC_PARAMS: a named-curve OID, or for Edwards
// keys the OID 1.3.101.112 or the PrintableString "edwards25519" (as
// pkcs11-tool and SoftHSM store it). It returns errEd25519 for Ed25519.
func parseECParams(b []byte) (elliptic.Curve, error) {
	var oid asn1.ObjectIdentifier
	if rest, err := asn1.Unmarshal(b, &oid); err == nil && len(rest) == 0 {
		switch {
		case oid.Equal(oidP256):
			return elliptic.P256(), nil
		case oid.Equal(oidP384):
			return elliptic.P384(), nil
		case oid.Equal(oidP521):
			return elliptic.P521(), nil
		case oid.Equal(oidEd25519):
			return nil, errEd25519
		}
		return nil, fmt.Errorf("pkcs11: EC curve %v is not supported (P-256, P-384, P-521, Ed25519): %w", oid, ErrUnsupported)
	}
	var name string
	if rest, err := asn1.Unmarshal(b, &name); err == nil && len(rest) == 0 {
		switch name {
		case "edwards25519", "Ed25519", "ed25519":
			return nil, errEd25519
		}
		return nil, fmt.Errorf("pkcs11: EC curve %q is not supported (P-256, P-384, P-521, Ed25519): %w", name, ErrUnsupported)
	}
	return nil, fmt.Errorf("pkcs11: CKA_EC_PARAMS (%x) is neither a curve OID nor a curve name", b)
}

// unwrapECPoint returns the point inside CKA_EC_POINT, which PKCS#11 says
// is a DER OCTET STRING but some tokens return raw.
func unwrapECPoint(b []byte, rawLen func(int) bool) []byte {
	var inner []byte
	if rest, err := asn1.Unmarshal(b, &inner); err == nil && len(rest) == 0 && rawLen(len(inner)) {
		return inner
	}
	return b
}

// ecPublicKey builds a public key from CKA_EC_PARAMS and CKA_EC_POINT.
func ecPublicKey(params, point []byte) (crypto.PublicKey, error) {
	curve, err := parseECParams(params)
	if err == errEd25519 {
		p := unwrapECPoint(point, func(n int) bool { return n == ed25519.PublicKeySize })
		if len(p) != ed25519.PublicKeySize {
			return nil, fmt.Errorf("pkcs11: Ed25519 CKA_EC_POINT is %d bytes, want 32", len(p))
		}
		return ed25519.PublicKey(append([]byte(nil), p...)), nil
	}
	if err != nil {
		return nil, err
	}
	size := (curve.Params().BitSize + 7) / 8
	p := unwrapECPoint(point, func(n int) bool { return n == 1+2*size })
	pub, err := ecdsa.ParseUncompressedPublicKey(curve, p)
	if err != nil {
		return nil, fmt.Errorf("pkcs11: CKA_EC_POINT is not an uncompressed %s point: %v", curve.Params().Name, err)
	}
	return pub, nil
}

// rsaPublicKey builds a public key from CKA_MODULUS and
// CKA_PUBLIC_EXPONENT.
func rsaPublicKey(n, e []byte) (*rsa.PublicKey, error) {
	if len(n) == 0 || len(e) == 0 || len(e) > 4 {
		return nil, errors.New("pkcs11: RSA key without a usable modulus or public exponent")
	}
	exp := new(big.Int).SetBytes(e)
	return &rsa.PublicKey{N: new(big.Int).SetBytes(n), E: int(exp.Int64())}, nil
}

// signatureSchemes lists the TLS signature schemes a key of this type can
// produce with the mechanisms the token offers.
func signatureSchemes(pub crypto.PublicKey, mechs map[uint]bool) []tls.SignatureScheme {
	var out []tls.SignatureScheme
	switch k := pub.(type) {
	case *rsa.PublicKey:
		bits := k.N.BitLen()
		if mechs[ckmRSAPKCSPSS] {
			for _, s := range []struct {
				s tls.SignatureScheme
				h crypto.Hash
			}{{tls.PSSWithSHA256, crypto.SHA256}, {tls.PSSWithSHA384, crypto.SHA384}, {tls.PSSWithSHA512, crypto.SHA512}} {
				if (bits+6)/8-2*s.h.Size()-2 >= 0 {
					out = append(out, s.s)
				}
			}
		}
		if mechs[ckmRSAPKCS] {
			out = append(out, tls.PKCS1WithSHA256, tls.PKCS1WithSHA384, tls.PKCS1WithSHA512, tls.PKCS1WithSHA1)
		}
	case *ecdsa.PublicKey:
		if mechs[ckmECDSA] {
			switch k.Curve {
			case elliptic.P256():
				out = append(out, tls.ECDSAWithP256AndSHA256)
			case elliptic.P384():
				out = append(out, tls.ECDSAWithP384AndSHA384)
			case elliptic.P521():
				out = append(out, tls.ECDSAWithP521AndSHA512)
			}
		}
	case ed25519.PublicKey:
		if mechs[p11.CKM_EDDSA] {
			out = append(out, tls.Ed25519)
		}
	}
	return out
}

// usableTLSVersions returns the highest TLS version in [min, max] that a
// key with these schemes can serve: TLS 1.3 signs RSA only with PSS, so an
// RSA key without PSS schemes stops at TLS 1.2. It fails with a sentence
// saying why when no version in the range works.
func usableTLSVersions(pub crypto.PublicKey, schemes []tls.SignatureScheme, min, max uint16) (uint16, error) {
	if min == 0 {
		min = tls.VersionTLS12
	}
	if max == 0 {
		max = tls.VersionTLS13
	}
	if len(schemes) == 0 {
		return 0, fmt.Errorf("the token offers no mechanism that can sign TLS handshakes with this %T key", pub)
	}
	top := max
	if _, ok := pub.(*rsa.PublicKey); ok && top >= tls.VersionTLS13 {
		pss := false
		for _, s := range schemes {
			pss = pss || s == tls.PSSWithSHA256 || s == tls.PSSWithSHA384 || s == tls.PSSWithSHA512
		}
		if !pss {
			top = tls.VersionTLS12
		}
	}
	if top < min {
		return 0, errors.New("the token cannot make RSA-PSS signatures (no CKM_RSA_PKCS_PSS), which TLS 1.3 requires for RSA keys; allow TLS 1.2, or use an ECDSA/Ed25519 key or a token with RSA-PSS")
	}
	return top, nil
}
