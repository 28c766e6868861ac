package profile

import (
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"

	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// Extension identifiers read in raw form (by the profile checks, and by
// trust for must-staple), because crypto/x509 parses their values but drops
// their criticality or shape.
var (
	OIDExtSubjectKeyID     = asn1.ObjectIdentifier{2, 5, 29, 14}
	OIDExtKeyUsage         = asn1.ObjectIdentifier{2, 5, 29, 15}
	OIDExtSubjectAltName   = asn1.ObjectIdentifier{2, 5, 29, 17}
	OIDExtBasicConstraints = asn1.ObjectIdentifier{2, 5, 29, 19}
	OIDExtNameConstraints  = asn1.ObjectIdentifier{2, 5, 29, 30}
	OIDExtCertPolicies     = asn1.ObjectIdentifier{2, 5, 29, 32}
	OIDExtAuthorityKeyID   = asn1.ObjectIdentifier{2, 5, 29, 35}
	OIDExtPolicyConstr     = asn1.ObjectIdentifier{2, 5, 29, 36}
	OIDExtExtKeyUsage      = asn1.ObjectIdentifier{2, 5, 29, 37}
	OIDExtTLSFeature       = asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 1, 24}
	oidAttrCommonName      = asn1.ObjectIdentifier{2, 5, 4, 3}
)

// FindExt returns the extension with id, or nil.
func FindExt(c *x509.Certificate, id asn1.ObjectIdentifier) *pkix.Extension {
	for i := range c.Extensions {
		if c.Extensions[i].Id.Equal(id) {
			return &c.Extensions[i]
		}
	}
	return nil
}

// nonCritical reports a certificate carrying extension id without marking
// it critical.
func nonCritical(id asn1.ObjectIdentifier) func(*x509.Certificate) bool {
	return func(c *x509.Certificate) bool {
		e := FindExt(c, id)
		return e != nil && !e.Critical
	}
}

// akiShape describes an authorityKeyIdentifier extension:
//
//	AuthorityKeyIdentifier ::= SEQUENCE {
//	    keyIdentifier             [0] KeyIdentifier           OPTIONAL,
//	    authorityCertIssuer       [1] GeneralNames            OPTIONAL,
//	    authorityCertSerialNumber [2] CertificateSerialNumber OPTIONAL }
type akiShape struct {
	present     bool
	keyID       []byte
	hasKeyID    bool
	hasIssuer   bool
	hasSerial   bool
	issuerNames [][]byte // DER of each directoryName in authorityCertIssuer
	serial      []byte   // content octets of authorityCertSerialNumber
	malformed   bool
}

func parseAKI(c *x509.Certificate) akiShape {
	e := FindExt(c, OIDExtAuthorityKeyID)
	if e == nil {
		return akiShape{}
	}
	s := akiShape{present: true}
	in := cryptobyte.String(e.Value)
	var seq, kid, names, serial cryptobyte.String
	if !in.ReadASN1(&seq, cbasn1.SEQUENCE) || !in.Empty() ||
		!seq.ReadOptionalASN1(&kid, &s.hasKeyID, cbasn1.Tag(0).ContextSpecific()) ||
		!seq.ReadOptionalASN1(&names, &s.hasIssuer, cbasn1.Tag(1).ContextSpecific().Constructed()) ||
		!seq.ReadOptionalASN1(&serial, &s.hasSerial, cbasn1.Tag(2).ContextSpecific()) || !seq.Empty() {
		s.malformed = true
		return s
	}
	s.keyID, s.serial = kid, serial
	for !names.Empty() {
		var gn cryptobyte.String
		var tag cbasn1.Tag
		if !names.ReadAnyASN1(&gn, &tag) {
			s.malformed = true
			return s
		}
		if tag == cbasn1.Tag(4).ContextSpecific().Constructed() { // directoryName [4] EXPLICIT Name
			s.issuerNames = append(s.issuerNames, gn)
		}
	}
	return s
}

// IsSelfIssued reports whether c's issuer and subject names are equal
// (RFC 5280 6.1: such certificates do not count against path lengths and
// are exempt from name constraints).
func IsSelfIssued(c *x509.Certificate) bool {
	return string(c.RawIssuer) == string(c.RawSubject)
}

// isCACert reports whether c asserts cA=TRUE in a valid basicConstraints.
func isCACert(c *x509.Certificate) bool { return c.BasicConstraintsValid && c.IsCA }

// commonNames returns every CN attribute of the subject, in order.
func commonNames(c *x509.Certificate) []string {
	var out []string
	for _, atv := range c.Subject.Names {
		if atv.Type.Equal(oidAttrCommonName) {
			if s, ok := atv.Value.(string); ok {
				out = append(out, s)
			}
		}
	}
	return out
}

// Relaxer returns a relaxed copy of c, nil when c needs none, or ok=false
// when c cannot be relaxed (trust's retry is then abandoned). See trust's
// relax.go: for rules crypto/x509 applies more strictly than RFC 5280, the
// chain is verified again on relaxed copies and the rule checked here.
type Relaxer func(c *x509.Certificate) (cp *x509.Certificate, ok bool)

// NoPostCheck is the post-check of a retry that needs none.
func NoPostCheck([]*x509.Certificate) (*x509.Certificate, string) { return nil, "" }

// EKUName is the RFC 5280 name of an extended key usage, "other" for one
// it does not know.
func EKUName(e x509.ExtKeyUsage) string {
	switch e {
	case x509.ExtKeyUsageAny:
		return "any"
	case x509.ExtKeyUsageServerAuth:
		return "serverAuth"
	case x509.ExtKeyUsageClientAuth:
		return "clientAuth"
	case x509.ExtKeyUsageCodeSigning:
		return "codeSigning"
	case x509.ExtKeyUsageEmailProtection:
		return "emailProtection"
	case x509.ExtKeyUsageTimeStamping:
		return "timeStamping"
	case x509.ExtKeyUsageOCSPSigning:
		return "OCSPSigning"
	}
	return "other"
}

func subjectName(c *x509.Certificate) string {
	if c.Subject.CommonName != "" {
		return c.Subject.CommonName
	}
	if len(c.DNSNames) > 0 {
		return c.DNSNames[0]
	}
	return c.Subject.String()
}
