package profile

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/x509"
	"fmt"
)

// Checks on issuing certificates: intermediates and, where stated, the
// anchor.

// checkMaxDepth enforces Input.MaxIntermediates: the number of
// intermediates between leaf and anchor, not counting self-issued ones
// (RFC 5280 6.1.4 (l) does not count them against path lengths either).
func checkMaxDepth(in *Input) (*x509.Certificate, string) {
	limit := in.MaxIntermediates
	if limit < 0 {
		return nil, ""
	}
	n := 0
	for _, c := range in.cas(false) {
		if IsSelfIssued(c) {
			continue
		}
		n++
		if n > limit {
			return c, fmt.Sprintf("the chain needs more than %d intermediate certificate(s), the configured maximum chain depth", limit)
		}
	}
	return nil, ""
}

// checkSKIPresent (strict): RFC 5280 4.2.1.2, the subjectKeyIdentifier
// MUST appear in all conforming CA certificates.
func checkSKIPresent(in *Input) (*x509.Certificate, string) {
	return firstBad(in.cas(false), "the CA certificate has no subjectKeyIdentifier extension (RFC 5280 4.2.1.2)", lacksSKI)
}

// lacksSKI reports a CA certificate without a subjectKeyIdentifier.
func lacksSKI(c *x509.Certificate) bool { return isCACert(c) && len(c.SubjectKeyId) == 0 }

// checkAnchorSKIPresent is checkSKIPresent for the anchor. (A few roots of
// public programs lack it; see docs/VERIFICATION.md.)
func checkAnchorSKIPresent(in *Input) (*x509.Certificate, string) {
	return firstBad(in.ownAnchor(), "the trust anchor has no subjectKeyIdentifier extension (RFC 5280 4.2.1.2)", lacksSKI)
}

// checkAnchorAKIPresent (strict): an anchor that is not self-issued (a
// cross-signed root used as anchor) must carry an authorityKeyIdentifier.
func checkAnchorAKIPresent(in *Input) (*x509.Certificate, string) {
	return firstBad(in.ownAnchor(), "the trust anchor is not self-issued (it is cross-signed) and has no authorityKeyIdentifier (RFC 5280 4.2.1.1)",
		func(a *x509.Certificate) bool { return !IsSelfIssued(a) && !parseAKI(a).hasKeyID })
}

// checkCABasicConstraintsCritical: RFC 5280 4.2.1.9, CA certificates MUST
// mark basicConstraints critical.
func checkCABasicConstraintsCritical(in *Input) (*x509.Certificate, string) {
	return firstBad(in.cas(false), "the CA certificate's basicConstraints extension is not marked critical (RFC 5280 4.2.1.9)", nonCritical(OIDExtBasicConstraints))
}

// checkAnchorBasicConstraintsCritical is the same rule for the anchor. (A
// few legacy roots of public programs violate it; see docs/VERIFICATION.md.)
func checkAnchorBasicConstraintsCritical(in *Input) (*x509.Certificate, string) {
	return firstBad(in.ownAnchor(), "the trust anchor's basicConstraints extension is not marked critical (RFC 5280 4.2.1.9)", nonCritical(OIDExtBasicConstraints))
}

// checkAnchorAKIForm (strict): CA/B BR 7.1.2.1.3, a root's
// authorityKeyIdentifier, when present, holds a keyIdentifier equal to its
// own subjectKeyIdentifier, and no authorityCertIssuer or
// authorityCertSerialNumber. Several long-lived roots of public programs
// carry those (naming themselves), so this is an issuance rule: strict
// profile only.
func checkAnchorAKIForm(in *Input) (*x509.Certificate, string) {
	a := in.anchor()
	if in.leafIsAnchor() {
		return nil, ""
	}
	s := parseAKI(a)
	switch {
	case !s.present:
		return nil, ""
	case s.malformed:
		return a, "the trust anchor's authorityKeyIdentifier cannot be parsed"
	case !s.hasKeyID:
		return a, "the trust anchor's authorityKeyIdentifier has no keyIdentifier (CA/B BR 7.1.2.1.3)"
	case s.hasIssuer || s.hasSerial:
		return a, "the trust anchor's authorityKeyIdentifier carries authorityCertIssuer/authorityCertSerialNumber (CA/B BR 7.1.2.1.3)"
	case IsSelfIssued(a) && len(a.SubjectKeyId) > 0 && string(s.keyID) != string(a.SubjectKeyId):
		return a, "the self-issued trust anchor's authorityKeyIdentifier differs from its subjectKeyIdentifier"
	}
	return nil, ""
}

// checkCASubjectNotEmpty: RFC 5280 4.1.2.6, a CA's subject MUST be a
// non-empty distinguished name.
func checkCASubjectNotEmpty(in *Input) (*x509.Certificate, string) {
	return firstBad(in.cas(true), "the CA certificate has an empty subject name (RFC 5280 4.1.2.6)",
		func(c *x509.Certificate) bool { return len(c.Subject.Names) == 0 })
}

// checkCAKeyUsageConsistent: a CA certificate whose keyUsage is present
// must assert keyCertSign (RFC 5280 4.2.1.3 and 4.2.1.9). The anchor is
// checked when a program supplied it; a root the OS trusts is its
// decision (Chrome does not hold anchors to their keyUsage either).
func checkCAKeyUsageConsistent(in *Input) (*x509.Certificate, string) {
	return firstBad(in.cas(!in.PlatformAnchor), "the CA certificate's keyUsage does not include keyCertSign (RFC 5280 4.2.1.3)",
		func(c *x509.Certificate) bool {
			return isCACert(c) && FindExt(c, OIDExtKeyUsage) != nil && c.KeyUsage&x509.KeyUsageCertSign == 0
		})
}

// checkPolicyConstraintsCritical: RFC 5280 4.2.1.11, conforming CAs MUST
// mark policyConstraints critical.
func checkPolicyConstraintsCritical(in *Input) (*x509.Certificate, string) {
	return firstBad(in.Chain, "the policyConstraints extension is not marked critical (RFC 5280 4.2.1.11)", nonCritical(OIDExtPolicyConstr))
}

// checkWeakRSAKey: RSA keys below 1024 bits anywhere in the chain, anchor
// and leaf included, are refused (Chrome treats them as weak keys and
// rejects the chain; Go's crypto/rsa refuses to use them; NIST SP 800-131A
// disallowed them long ago).
func checkWeakRSAKey(in *Input) (*x509.Certificate, string) {
	for _, c := range in.Chain {
		if k, ok := c.PublicKey.(*rsa.PublicKey); ok && k.N.BitLen() < 1024 {
			return c, fmt.Sprintf("the certificate has a %d-bit RSA key; keys below 1024 bits are refused as weak", k.N.BitLen())
		}
	}
	return nil, ""
}

// checkKeyStrength (strict): CA/B BR 6.1.5, RSA moduli of at least 2048 bits
// and a multiple of 8, ECDSA only on P-256, P-384 or P-521, no DSA, for
// every certificate of the chain including the anchor.
func checkKeyStrength(in *Input) (*x509.Certificate, string) {
	for _, c := range in.Chain {
		if msg := keyProblem(c); msg != "" {
			return c, msg
		}
	}
	return nil, ""
}

func keyProblem(c *x509.Certificate) string {
	switch k := c.PublicKey.(type) {
	case *rsa.PublicKey:
		bits := k.N.BitLen()
		switch {
		case bits < 2048:
			return fmt.Sprintf("the certificate has a %d-bit RSA key; at least 2048 bits are required (CA/B BR 6.1.5)", bits)
		case bits%8 != 0:
			return fmt.Sprintf("the certificate has a %d-bit RSA key, not a multiple of 8 (CA/B BR 6.1.5)", bits)
		}
	case *ecdsa.PublicKey:
		switch k.Curve {
		case elliptic.P256(), elliptic.P384(), elliptic.P521():
		default:
			return fmt.Sprintf("the certificate has an ECDSA key on curve %s; only P-256, P-384 and P-521 are allowed (CA/B BR 6.1.5)", k.Curve.Params().Name)
		}
	}
	if c.PublicKeyAlgorithm == x509.DSA {
		return "the certificate conveys a DSA key, which is not allowed (CA/B BR 6.1.5)"
	}
	return ""
}

// checkAnchorNoEKU (strict): CA/B BR 7.1.2.1.2, root certificates MUST NOT
// carry extKeyUsage.
func checkAnchorNoEKU(in *Input) (*x509.Certificate, string) {
	return firstBad(in.ownAnchor(), "the trust anchor carries an extKeyUsage extension (CA/B BR 7.1.2.1.2)",
		func(a *x509.Certificate) bool { return FindExt(a, OIDExtExtKeyUsage) != nil })
}
