package trust

import (
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"fmt"
	"strings"
)

// Pin is an RFC 7469 SPKI pin: the SHA-256 of a certificate's
// SubjectPublicKeyInfo.
type Pin [sha256.Size]byte

// ParsePin accepts `pin-sha256="BASE64"`, `pin-sha256=BASE64`,
// `sha256/BASE64` or bare BASE64 (standard encoding, 44 characters).
func ParsePin(s string) (Pin, error) {
	v := strings.TrimSpace(s)
	switch {
	case strings.HasPrefix(v, "pin-sha256="):
		v = strings.Trim(strings.TrimPrefix(v, "pin-sha256="), `"`)
	case strings.HasPrefix(v, "sha256/"):
		v = strings.TrimPrefix(v, "sha256/")
	}
	b, err := base64.StdEncoding.DecodeString(v)
	if err != nil || len(b) != sha256.Size {
		return Pin{}, fmt.Errorf("trust: invalid pin %q: want pin-sha256=\"<base64 of the SHA-256 of the SubjectPublicKeyInfo>\" (44 base64 characters)", s)
	}
	var p Pin
	copy(p[:], b)
	return p, nil
}

// PinOf returns the pin of a certificate's public key.
func PinOf(c *x509.Certificate) Pin { return sha256.Sum256(c.RawSubjectPublicKeyInfo) }

// String returns the RFC 7469 form: pin-sha256="BASE64".
func (p Pin) String() string {
	return `pin-sha256="` + base64.StdEncoding.EncodeToString(p[:]) + `"`
}

// pinDetail lists the pins of the verified chain's certificates, so that a
// mismatch says what the server actually has.
func pinDetail(chains [][]*x509.Certificate, want []Pin) string {
	var have []string
	seen := map[Pin]bool{}
	for _, ch := range chains {
		for _, c := range ch {
			if p := PinOf(c); !seen[p] {
				seen[p] = true
				have = append(have, fmt.Sprintf("%s (%s)", p, subjectName(c)))
			}
		}
	}
	if len(have) == 0 {
		return fmt.Sprintf("%d pin(s) configured", len(want))
	}
	return fmt.Sprintf("%d pin(s) configured; the chain has %s", len(want), strings.Join(have, ", "))
}
