package profile

import (
	"crypto/x509"
	"fmt"
	"strings"
)

// Name-constraint checks crypto/x509 does not make.

// checkNameConstraintsOnlyInCA: RFC 5280 4.2.1.10, nameConstraints MUST be
// used only in a CA certificate.
func checkNameConstraintsOnlyInCA(in *Input) (*x509.Certificate, string) {
	return firstBad(in.ownLeaf(), "the end-entity certificate carries a nameConstraints extension, which only CA certificates may (RFC 5280 4.2.1.10)",
		func(l *x509.Certificate) bool { return !isCACert(l) && FindExt(l, OIDExtNameConstraints) != nil })
}

// checkNameConstraintsCritical: RFC 5280 4.2.1.10, conforming CAs MUST
// mark nameConstraints critical. The CA/B Forum once allowed a non-critical
// extension for technically constrained subordinate CAs (for old Apple
// clients), and x509-limbo has a Web PKI case accepting it next to the
// RFC 5280 case rejecting it (the two are marked as conflicting). Chrome
// and Go apply a non-critical extension's constraints just the same, and
// real CAs (a university CA under a GlobalSign root) still carry one, so
// this is an issuance rule: strict profile only. The default profile still
// enforces the constraints themselves.
func checkNameConstraintsCritical(in *Input) (*x509.Certificate, string) {
	return firstBad(in.cas(true), "the nameConstraints extension is not marked critical (RFC 5280 4.2.1.10)", nonCritical(OIDExtNameConstraints))
}

// checkNameConstraintDNSSyntax: RFC 5280 4.2.1.10, a dNSName constraint is a
// host name; a leading period is only meaningful in URI constraints.
// crypto/x509 reads ".example.com" as "subdomains only", which is not what
// the RFC says, so such a constraint makes the CA unusable.
func checkNameConstraintDNSSyntax(in *Input) (*x509.Certificate, string) {
	for _, c := range in.cas(true) {
		for _, d := range append(append([]string(nil), c.PermittedDNSDomains...), c.ExcludedDNSDomains...) {
			if strings.HasPrefix(d, ".") {
				return c, fmt.Sprintf("the dNSName name constraint %q starts with a period, which RFC 5280 4.2.1.10 does not allow", d)
			}
		}
	}
	return nil, ""
}

// ncWorkBudget bounds constraints × names per issuing certificate. Checking
// a name against constraints is cheap, but a certificate with thousands of
// names under a CA with thousands of constraints costs quadratic time (the
// classic name-constraint denial of service); real certificates stay far
// below this.
const ncWorkBudget = 1 << 16

// checkNameConstraintBudget rejects chains whose name-constraint work
// exceeds ncWorkBudget for any constrained issuer.
func checkNameConstraintBudget(in *Input) (*x509.Certificate, string) {
	names := 0
	for _, c := range in.nonAnchors() {
		n := len(c.DNSNames) + len(c.IPAddresses) + len(c.EmailAddresses) + len(c.URIs) + len(c.Subject.Names)
		if n > names {
			names = n
		}
	}
	for _, c := range in.cas(true) {
		k := len(c.PermittedDNSDomains) + len(c.ExcludedDNSDomains) + len(c.PermittedIPRanges) + len(c.ExcludedIPRanges) +
			len(c.PermittedEmailAddresses) + len(c.ExcludedEmailAddresses) + len(c.PermittedURIDomains) + len(c.ExcludedURIDomains)
		if k > 0 && k*names > ncWorkBudget {
			return c, fmt.Sprintf("checking %d names against %d name constraints exceeds the verifier's work limit (%d comparisons)", names, k, ncWorkBudget)
		}
	}
	return nil, ""
}

// RelaxSelfIssuedSANs makes copies of self-issued intermediates without
// their subjectAltName, for the retry of a chain crypto/x509 refused under
// a name constraint: RFC 5280 6.1.3 (b) does not apply name constraints to
// self-issued certificates other than the leaf (a CA's key-rollover
// certificates), and crypto/x509 does. The leaf and every other
// certificate keep their names, so crypto/x509 still checks them against
// every constraint.
func RelaxSelfIssuedSANs(leaf *x509.Certificate) Relaxer {
	return func(c *x509.Certificate) (*x509.Certificate, bool) {
		if c == leaf || !IsSelfIssued(c) || FindExt(c, OIDExtSubjectAltName) == nil {
			return nil, true
		}
		cp := *c
		cp.Extensions = nil
		for _, e := range c.Extensions {
			if !e.Id.Equal(OIDExtSubjectAltName) {
				cp.Extensions = append(cp.Extensions, e)
			}
		}
		cp.DNSNames, cp.EmailAddresses, cp.IPAddresses, cp.URIs = nil, nil, nil, nil
		return &cp, true
	}
}
