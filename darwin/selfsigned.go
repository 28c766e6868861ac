package darwin

import (
	"bytes"
	"crypto/x509"

	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// isSelfSigned reports whether Apple considers c self-signed
// (OSX/sec/Security/SecCertificate.c, _SecCertificateIsSelfSigned,
// Security-61901): its normalized issuer equals its normalized subject,
// its authority key identifier, when present, equals its subject key
// identifier, and its signature verifies with its own key. CA or not.
func isSelfSigned(c *x509.Certificate) bool {
	if c == nil {
		return false
	}
	ni, ok1 := normalizeName(c.RawIssuer)
	ns, ok2 := normalizeName(c.RawSubject)
	if !ok1 || !ok2 || !bytes.Equal(ni, ns) {
		return false
	}
	if len(c.AuthorityKeyId) > 0 && !bytes.Equal(c.AuthorityKeyId, c.SubjectKeyId) {
		return false
	}
	return c.CheckSignature(c.SignatureAlgorithm, c.RawTBSCertificate, c.Signature) == nil
}

// normalizeName returns a comparable form of a DER X.501 Name as Apple's
// createNormalizedX501Name normalizes it (SecCertificate.c, Security-61901):
// PrintableString values are upper-cased (ASCII) with leading and trailing
// blanks removed and inner runs of blanks collapsed to one space (RFC 5280
// 7.1 (c), (d)); every other value is compared as encoded. Empty RDNs and
// malformed DER give ok false.
func normalizeName(der []byte) ([]byte, bool) {
	in := cryptobyte.String(der)
	var seq cryptobyte.String
	if !in.ReadASN1(&seq, cbasn1.SEQUENCE) || !in.Empty() {
		return nil, false
	}
	var out cryptobyte.Builder
	for !seq.Empty() {
		var rdn cryptobyte.String
		if !seq.ReadASN1(&rdn, cbasn1.SET) || rdn.Empty() {
			return nil, false
		}
		out.AddUint8('{')
		for !rdn.Empty() {
			if !normalizeATV(&rdn, &out) {
				return nil, false
			}
		}
		out.AddUint8('}')
	}
	b, err := out.Bytes()
	return b, err == nil
}

// normalizeATV reads one AttributeTypeAndValue and appends its normalized
// form (length-prefixed type, tag and value) to out.
func normalizeATV(rdn *cryptobyte.String, out *cryptobyte.Builder) bool {
	var atv, oid, val cryptobyte.String
	var tag cbasn1.Tag
	if !rdn.ReadASN1(&atv, cbasn1.SEQUENCE) || !atv.ReadASN1(&oid, cbasn1.OBJECT_IDENTIFIER) ||
		len(oid) == 0 || !atv.ReadAnyASN1(&val, &tag) || !atv.Empty() {
		return false
	}
	v := []byte(val)
	if tag == cbasn1.PrintableString {
		v = foldPrintable(v)
	}
	out.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes(oid) })
	out.AddUint8(uint8(tag))
	out.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes(v) })
	return true
}

// foldPrintable upper-cases ASCII letters, drops leading and trailing
// blanks (space, tab) and collapses inner runs of blanks to one space.
func foldPrintable(v []byte) []byte {
	out := make([]byte, 0, len(v))
	blank := false
	for _, ch := range v {
		if ch == ' ' || ch == '\t' {
			blank = true
			continue
		}
		if blank && len(out) > 0 {
			out = append(out, ' ')
		}
		blank = false
		if 'a' <= ch && ch <= 'z' {
			ch -= 'a' - 'A'
		}
		out = append(out, ch)
	}
	return out
}
