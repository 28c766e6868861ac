package testpki

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/x509"
	"encoding/asn1"
	"fmt"
	"math/big"
)

// SignTemplate issues tmpl, a template a test wrote for a case Options
// cannot express (an intermediate restricted by EKU, a root without EKU
// checks …), for the public key pub, signed by parent's key (parent nil:
// self-signed with signer). It sets a fresh serial number and panics on
// error, like the other constructors. tmpl's validity must be set by the
// caller (a fixed clock).
func SignTemplate(tmpl *x509.Certificate, pub crypto.PublicKey, parent *x509.Certificate, signer crypto.Signer) *x509.Certificate {
	tmpl.SerialNumber = big.NewInt(serial.Add(1))
	c, err := create(tmpl, pub, parent, signer)
	if err != nil {
		panic(fmt.Sprintf("testpki: %v", err))
	}
	return c
}

// ShortECDSASignature reports whether c carries an ECDSA signature by
// issuer (an ECDSA public key) whose r or s has fewer bytes than the curve
// size: valid DER, about 1 in 128 P-256 signatures, and one Wine 8's
// crypt32 wrongly rejects.
func ShortECDSASignature(c *x509.Certificate, issuer crypto.PublicKey) bool {
	k, ok := issuer.(*ecdsa.PublicKey)
	if !ok {
		return false
	}
	var sig struct{ R, S *big.Int }
	if _, err := asn1.Unmarshal(c.Signature, &sig); err != nil {
		return false
	}
	n := (k.Curve.Params().BitSize + 7) / 8
	return (sig.R.BitLen()+7)/8 < n || (sig.S.BitLen()+7)/8 < n
}

// NegativeSerialDER returns c's DER with a negative serial number: the
// kind of entry old Windows Disallowed stores hold, which crypt32 decodes
// and crypto/x509 (Go 1.23 and later) refuses to parse. c's serial must be
// encoded in one to 127 bytes; the signature no longer matches.
func NegativeSerialDER(c *x509.Certificate) []byte {
	der := bytes.Clone(c.Raw)
	// TBSCertificate: [0] EXPLICIT version (a0 03 02 01 02), then the
	// serial INTEGER (02 len value…).
	i := bytes.Index(der, []byte{0xa0, 0x03, 0x02, 0x01, 0x02, 0x02})
	if i < 0 || i+7 >= len(der) || der[i+6] == 0 || der[i+6] > 127 {
		panic("testpki: NegativeSerialDER: no short v3 serial number found")
	}
	der[i+7] |= 0x80 // the sign bit of the first byte: still minimal DER
	return der
}
