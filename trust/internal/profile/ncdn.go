package profile

import (
	"crypto/x509"
	"fmt"

	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// Name constraints on directory names and otherNames. crypto/x509 enforces
// dNSName, iPAddress, rfc822Name and URI constraints, and marks a critical
// nameConstraints extension with any other form as unhandled, which fails
// every chain through that CA. For the two other forms that matter in
// practice this file does the rest of the work, so such chains verify:
//
//   - directoryName (RFC 5280 4.2.1.10): the subject (when not empty) and
//     every directoryName subjectAltName of each certificate below the CA
//     must lie within a permitted subtree, if there are any, and within no
//     excluded one. "Within" compares whole RDNs byte for byte, which is
//     stricter than RFC 5280's case-insensitive matching, never looser;
//   - otherName: the forms are application-defined, so any otherName
//     constraint makes an otherName subjectAltName below the CA fail; when
//     no certificate below carries one, the constraint is met (RFC 5280
//     requires only names that appear to be checked).
//
// Self-issued intermediates are exempt, as RFC 5280 6.1.3 (b) says. Any
// other unhandled form (x400Address, ediPartyName, registeredID) or any other
// unhandled critical extension still fails verification.

// extraConstraints are the parts of a nameConstraints extension crypto/x509
// leaves to this file.
type extraConstraints struct {
	permittedDN, excludedDN [][]byte // DER of each Name
	otherName               bool
	unsupported             bool // a form neither crypto/x509 nor this file handles
}

var (
	tagOtherName = cbasn1.Tag(0).ContextSpecific().Constructed()
	tagDirName   = cbasn1.Tag(4).ContextSpecific().Constructed()
	tagRFC822    = cbasn1.Tag(1).ContextSpecific()
	tagDNSName   = cbasn1.Tag(2).ContextSpecific()
	tagURI       = cbasn1.Tag(6).ContextSpecific()
	tagIPAddress = cbasn1.Tag(7).ContextSpecific()
)

// parseExtraConstraints reads c's nameConstraints. ok is false when c has
// none or the extension cannot be parsed.
func parseExtraConstraints(c *x509.Certificate) (ec extraConstraints, ok bool) {
	e := FindExt(c, OIDExtNameConstraints)
	if e == nil {
		return ec, false
	}
	in := cryptobyte.String(e.Value)
	var top, permitted, excluded cryptobyte.String
	var hasP, hasE bool
	if !in.ReadASN1(&top, cbasn1.SEQUENCE) || !in.Empty() ||
		!top.ReadOptionalASN1(&permitted, &hasP, cbasn1.Tag(0).ContextSpecific().Constructed()) ||
		!top.ReadOptionalASN1(&excluded, &hasE, cbasn1.Tag(1).ContextSpecific().Constructed()) || !top.Empty() {
		return ec, false
	}
	return ec, ec.readSubtrees(permitted, &ec.permittedDN) && ec.readSubtrees(excluded, &ec.excludedDN)
}

func (ec *extraConstraints) readSubtrees(subtrees cryptobyte.String, dns *[][]byte) bool {
	for !subtrees.Empty() {
		var seq, base cryptobyte.String
		var tag cbasn1.Tag
		if !subtrees.ReadASN1(&seq, cbasn1.SEQUENCE) || !seq.ReadAnyASN1(&base, &tag) {
			return false
		}
		switch tag {
		case tagDirName:
			*dns = append(*dns, base)
		case tagOtherName:
			ec.otherName = true
		case tagRFC822, tagDNSName, tagURI, tagIPAddress:
		default:
			ec.unsupported = true
		}
	}
	return true
}

// sanForms returns the directoryNames of c's subjectAltName and whether it
// has an otherName.
func sanForms(c *x509.Certificate) (dirNames [][]byte, otherName bool, ok bool) {
	e := FindExt(c, OIDExtSubjectAltName)
	if e == nil {
		return nil, false, true
	}
	in := cryptobyte.String(e.Value)
	var seq cryptobyte.String
	if !in.ReadASN1(&seq, cbasn1.SEQUENCE) {
		return nil, false, false
	}
	for !seq.Empty() {
		var v cryptobyte.String
		var tag cbasn1.Tag
		if !seq.ReadAnyASN1(&v, &tag) {
			return nil, false, false
		}
		switch tag {
		case tagDirName:
			dirNames = append(dirNames, v)
		case tagOtherName:
			otherName = true
		}
	}
	return dirNames, otherName, true
}

// nameWithin reports whether the Name name lies in the subtree base: the
// RDNs of base are the first RDNs of name.
func nameWithin(name, base []byte) bool {
	n, b := rdns(name), rdns(base)
	if n == nil || b == nil || len(b) > len(n) {
		return false
	}
	for i := range b {
		if string(b[i]) != string(n[i]) {
			return false
		}
	}
	return true
}

// rdns splits the DER of a Name into its RDN SETs (nil if malformed).
func rdns(name []byte) [][]byte {
	in := cryptobyte.String(name)
	var seq cryptobyte.String
	if !in.ReadASN1(&seq, cbasn1.SEQUENCE) {
		return nil
	}
	out := [][]byte{}
	for !seq.Empty() {
		var set cryptobyte.String
		if !seq.ReadASN1Element(&set, cbasn1.SET) {
			return nil
		}
		out = append(out, set)
	}
	return out
}

// CheckExtraConstraints enforces directoryName and otherName constraints
// of every CA in chain (leaf first) on the certificates below it.
func CheckExtraConstraints(chain []*x509.Certificate) (*x509.Certificate, string) {
	for i := 1; i < len(chain); i++ {
		ec, ok := parseExtraConstraints(chain[i])
		if !ok || (len(ec.permittedDN) == 0 && len(ec.excludedDN) == 0 && !ec.otherName) {
			continue
		}
		for j := 0; j < i; j++ {
			c := chain[j]
			if j > 0 && IsSelfIssued(c) {
				continue
			}
			if msg := extraConstraintViolation(c, chain[i], ec); msg != "" {
				return c, msg
			}
		}
	}
	return nil, ""
}

func extraConstraintViolation(c, ca *x509.Certificate, ec extraConstraints) string {
	dirNames, other, ok := sanForms(c)
	if !ok {
		return "its subjectAltName cannot be parsed"
	}
	if ec.otherName && other {
		return fmt.Sprintf("it has an otherName subjectAltName, and %q constrains otherNames, which this verifier cannot evaluate", subjectName(ca))
	}
	if len(c.Subject.Names) > 0 {
		dirNames = append(dirNames, c.RawSubject)
	}
	for _, n := range dirNames {
		if len(ec.permittedDN) > 0 && !anyWithin(n, ec.permittedDN) {
			return fmt.Sprintf("a directory name is outside the subtrees %q permits", subjectName(ca))
		}
		if anyWithin(n, ec.excludedDN) {
			return fmt.Sprintf("a directory name is inside a subtree %q excludes", subjectName(ca))
		}
	}
	return ""
}

func anyWithin(name []byte, bases [][]byte) bool {
	for _, b := range bases {
		if nameWithin(name, b) {
			return true
		}
	}
	return false
}

// RelaxNC makes a copy of c without the "unhandled" mark of a
// nameConstraints extension whose forms CheckExtraConstraints handles.
// It returns nil when c needs no copy; ok is false when c cannot be
// relaxed (another unhandled extension, an unsupported form).
func RelaxNC(c *x509.Certificate) (cp *x509.Certificate, ok bool) {
	if len(c.UnhandledCriticalExtensions) == 0 {
		return nil, true
	}
	for _, id := range c.UnhandledCriticalExtensions {
		if !id.Equal(OIDExtNameConstraints) {
			return nil, false
		}
	}
	if ec, ok := parseExtraConstraints(c); !ok || ec.unsupported {
		return nil, false
	}
	r := *c
	r.UnhandledCriticalExtensions = nil
	return &r, true
}
