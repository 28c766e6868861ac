package native

import (
	"encoding/asn1"
	"fmt"
	"math/big"

	"github.com/nativetls/nativetls/trust"
)

// maxPKCS12Iterations caps the iteration counts a PKCS#12 bundle may ask
// for, as trust caps PBKDF2 in encrypted PKCS#8 keys: the decoder
// (software.sslmate.com/src/go-pkcs12) runs whatever count the file
// states, so 2^31-1 would stall the program for hours.
const maxPKCS12Iterations = 10_000_000

// maxPKCS12Depth bounds the walk. The parameters the decoder uses lie
// about ten levels deep; certificates inside go deeper and are not
// walked past this depth.
const maxPKCS12Depth = 24

// checkPKCS12Iterations walks a PKCS#12 bundle's DER, descending into
// OCTET STRINGs that hold DER, and refuses any iteration count above the
// cap: in every structure that carries one (PBEParameter, PBKDF2-params,
// MacData) it is the INTEGER right after the salt's OCTET STRING.
// Content that is not DER (ciphertext) is skipped; the decoder reports
// malformed bundles itself.
func checkPKCS12Iterations(der []byte, depth int) error {
	if depth > maxPKCS12Depth {
		return nil
	}
	prevSalt := false
	for rest := der; len(rest) > 0; {
		var v asn1.RawValue
		r, err := asn1.Unmarshal(rest, &v)
		if err != nil {
			return nil
		}
		rest = r
		universal := v.Class == asn1.ClassUniversal
		if universal && v.Tag == asn1.TagInteger && prevSalt {
			n := new(big.Int).SetBytes(v.Bytes)
			if len(v.Bytes) > 0 && v.Bytes[0]&0x80 != 0 || n.Cmp(big.NewInt(maxPKCS12Iterations)) > 0 {
				return fmt.Errorf("iteration count %s is outside 1..%d: %w", iterString(v.Bytes, n), maxPKCS12Iterations, trust.ErrKeyParameters)
			}
		}
		prevSalt = universal && v.Tag == asn1.TagOctetString && !v.IsCompound
		if v.IsCompound || prevSalt {
			if err := checkPKCS12Iterations(v.Bytes, depth+1); err != nil {
				return err
			}
		}
	}
	return nil
}

func iterString(b []byte, n *big.Int) string {
	if len(b) > 0 && b[0]&0x80 != 0 {
		return "negative"
	}
	return n.String()
}
