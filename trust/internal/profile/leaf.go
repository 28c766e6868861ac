package profile

import (
	"crypto/x509"
	"fmt"
	"math/big"
	"slices"
	"strings"
	"unicode"

	"golang.org/x/net/publicsuffix"
)

// Checks on the end-entity (leaf) certificate. A leaf that is itself the
// anchor (a directly trusted certificate) is exempt: it is trusted by
// configuration.

// serverUsage reports whether the WebPKI server-certificate rules apply.
func (in *Input) serverUsage() bool {
	return in.Usage == ServerAuth && !in.leafIsAnchor()
}

// checkLeafNotCA: CA/B BR 7.1.2.7.8, a subscriber certificate's cA MUST be
// FALSE.
func checkLeafNotCA(in *Input) (*x509.Certificate, string) {
	return firstBad(in.ownLeaf(), "the end-entity certificate is a CA certificate (basicConstraints cA=TRUE); it must not be used as a leaf (CA/B BR 7.1.2.7.8)", isCACert)
}

// checkLeafKeyCertSign: RFC 5280 4.2.1.3, keyCertSign without cA=TRUE is
// forbidden.
func checkLeafKeyCertSign(in *Input) (*x509.Certificate, string) {
	return firstBad(in.ownLeaf(), "the end-entity certificate asserts keyCertSign without being a CA (RFC 5280 4.2.1.3)",
		func(l *x509.Certificate) bool { return !isCACert(l) && l.KeyUsage&x509.KeyUsageCertSign != 0 })
}

// checkEKUNotEmpty: RFC 5280 4.2.1.12, extKeyUsage lists one or more
// purposes.
func checkEKUNotEmpty(in *Input) (*x509.Certificate, string) {
	return firstBad(in.Chain, "the extKeyUsage extension lists no purpose (RFC 5280 4.2.1.12)", func(c *x509.Certificate) bool {
		return FindExt(c, OIDExtExtKeyUsage) != nil && len(c.ExtKeyUsage) == 0 && len(c.UnknownExtKeyUsage) == 0
	})
}

// checkAKIPresent (strict): RFC 5280 4.2.1.1, the keyIdentifier of the
// authorityKeyIdentifier MUST be included in all certificates a conforming
// CA issues (the anchor is exempt).
func checkAKIPresent(in *Input) (*x509.Certificate, string) {
	return firstBad(in.nonAnchors(), "the certificate has no authorityKeyIdentifier keyIdentifier (RFC 5280 4.2.1.1)",
		func(c *x509.Certificate) bool { return len(c.AuthorityKeyId) == 0 })
}

// checkSANCriticality: RFC 5280 4.2.1.6 and CA/B BR 7.1.2.7.12, subjectAltName
// is critical exactly when the subject is empty.
func checkSANCriticality(in *Input) (*x509.Certificate, string) {
	if !in.serverUsage() {
		return nil, ""
	}
	l := in.leaf()
	e := FindExt(l, OIDExtSubjectAltName)
	empty := len(l.Subject.Names) == 0
	switch {
	case empty && (e == nil || !e.Critical):
		return l, "the certificate has an empty subject, so its subjectAltName must be present and critical (RFC 5280 4.2.1.6)"
	case !empty && e != nil && e.Critical:
		return l, "the certificate has a subject, so its subjectAltName must not be critical (CA/B BR 7.1.2.7.12)"
	}
	return nil, ""
}

// checkSANDNSSyntax: RFC 5280 4.2.1.6, dNSName entries use the preferred
// name syntax (letters, digits, hyphens; a leading "*." wildcard label).
func checkSANDNSSyntax(in *Input) (*x509.Certificate, string) {
	if !in.serverUsage() {
		return nil, ""
	}
	l := in.leaf()
	for _, n := range l.DNSNames {
		if !validDNSName(n) {
			return l, fmt.Sprintf("the subjectAltName dNSName %q is not a valid host name (RFC 5280 4.2.1.6, RFC 1034 3.5)", n)
		}
	}
	return nil, ""
}

func validDNSName(n string) bool {
	n = strings.TrimPrefix(n, "*.")
	if n == "" || len(n) > 253 {
		return false
	}
	for _, label := range strings.Split(n, ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for _, r := range label {
			if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-') {
				return false
			}
		}
	}
	return true
}

// checkCommonNameInSAN: CA/B BR 7.1.4.3, a commonName holding an IP address
// or host name is a character-for-character copy of a subjectAltName entry.
// An IP-like common name must be the RFC 3986 / RFC 5952 text of an IP SAN.
// A host-like common name is checked against the dNSName SANs when there
// are any, and is also accepted when it is an exact parent domain of one
// (the organisation's base domain, as older CAs wrote it). Common names that
// are not host-like (spaces, no dot) are left alone.
func checkCommonNameInSAN(in *Input) (*x509.Certificate, string) {
	if !in.serverUsage() {
		return nil, ""
	}
	l := in.leaf()
	for _, cn := range commonNames(l) {
		switch {
		case ipLike(cn):
			if !cnIsIPSAN(l, cn) {
				return l, fmt.Sprintf("the commonName %q is not the canonical text of an IP address in the subjectAltName (CA/B BR 7.1.4.3)", cn)
			}
		case hostLike(cn) && len(l.DNSNames) > 0:
			if !cnCoveredByDNSSAN(l, cn) {
				return l, fmt.Sprintf("the commonName %q is not a character-for-character copy of a subjectAltName entry (CA/B BR 7.1.4.3)", cn)
			}
		}
	}
	return nil, ""
}

func hostLike(s string) bool {
	return s != "" && strings.IndexFunc(s, unicode.IsSpace) < 0 && strings.Contains(s, ".")
}

// ipLike reports text meant as an IP address, canonical or not: four dotted
// decimal groups, hexadecimal "0x…", or hex groups with colons.
func ipLike(s string) bool {
	if s == "" {
		return false
	}
	low := strings.ToLower(s)
	if strings.HasPrefix(low, "0x") {
		return true
	}
	digitsDots, hexColons := true, strings.Contains(s, ":")
	for _, r := range low {
		if !(r >= '0' && r <= '9' || r == '.') {
			digitsDots = false
		}
		if !(r >= '0' && r <= '9' || r >= 'a' && r <= 'f' || r == ':' || r == '.') {
			hexColons = false
		}
	}
	return (digitsDots && strings.Count(s, ".") == 3) || hexColons
}

func cnIsIPSAN(c *x509.Certificate, cn string) bool {
	for _, ip := range c.IPAddresses {
		if ip.String() == cn {
			return true
		}
	}
	return false
}

func cnCoveredByDNSSAN(c *x509.Certificate, cn string) bool {
	for _, n := range c.DNSNames {
		if n == cn || strings.HasSuffix(n, "."+cn) {
			return true
		}
	}
	return false
}

var maxSerial = new(big.Int).Lsh(big.NewInt(1), 159) // 20 octets of positive DER INTEGER

// checkSerialNumbers (strict): RFC 5280 4.1.2.2, serial numbers are
// positive and at most 20 octets.
func checkSerialNumbers(in *Input) (*x509.Certificate, string) {
	for _, c := range in.nonAnchors() {
		if c.SerialNumber == nil || c.SerialNumber.Sign() <= 0 {
			return c, "the certificate's serial number is not positive (RFC 5280 4.1.2.2)"
		}
		if c.SerialNumber.Cmp(maxSerial) >= 0 {
			return c, "the certificate's serial number is longer than 20 octets (RFC 5280 4.1.2.2)"
		}
	}
	return nil, ""
}

// ekuUsage reports whether the strict EKU rules apply: a TLS usage and a
// leaf that is not itself the anchor.
func (in *Input) ekuUsage() bool {
	return (in.Usage == ServerAuth || in.Usage == ClientAuth) && !in.leafIsAnchor()
}

// checkLeafEKUStrict (strict): Chrome's strict EKU rules for TLS leaves,
// for server and client authentication alike (CA/B BR 7.1.2.7.10 for
// servers): an extKeyUsage extension is present, not critical, names the
// purpose itself (anyExtendedKeyUsage does not do, and a server
// certificate must not carry it), and does not also name codeSigning,
// OCSPSigning or timeStamping.
func checkLeafEKUStrict(in *Input) (*x509.Certificate, string) {
	if !in.ekuUsage() {
		return nil, ""
	}
	l, want := in.leaf(), in.EKU
	e := FindExt(l, OIDExtExtKeyUsage)
	switch {
	case e == nil:
		return l, fmt.Sprintf("the certificate has no extKeyUsage extension; it must list %s (CA/B BR 7.1.2.7.10)", EKUName(want))
	case e.Critical:
		return l, "the certificate's extKeyUsage is marked critical (CA/B BR 7.1.2.7.6)"
	case !slices.Contains(l.ExtKeyUsage, want):
		return l, fmt.Sprintf("the certificate's extKeyUsage does not name %s (anyExtendedKeyUsage does not count)", EKUName(want))
	}
	for _, u := range l.ExtKeyUsage {
		switch {
		case u == x509.ExtKeyUsageAny && want == x509.ExtKeyUsageServerAuth:
			return l, "the server certificate's extKeyUsage contains anyExtendedKeyUsage (CA/B BR 7.1.2.7.10)"
		case u == x509.ExtKeyUsageCodeSigning || u == x509.ExtKeyUsageOCSPSigning || u == x509.ExtKeyUsageTimeStamping:
			return l, fmt.Sprintf("the TLS certificate's extKeyUsage also names %s, which a TLS certificate must not", EKUName(u))
		}
	}
	return nil, ""
}

// checkIntermediateEKUStrict (strict): Chrome's strict EKU rule for
// issuing certificates: an intermediate with an extKeyUsage extension must
// name the purpose being verified (anyExtendedKeyUsage does not do).
func checkIntermediateEKUStrict(in *Input) (*x509.Certificate, string) {
	if !in.ekuUsage() {
		return nil, ""
	}
	want := in.EKU
	for _, c := range in.cas(false) {
		if FindExt(c, OIDExtExtKeyUsage) != nil && !slices.Contains(c.ExtKeyUsage, want) {
			return c, fmt.Sprintf("the intermediate's extKeyUsage does not name %s (anyExtendedKeyUsage does not count)", EKUName(want))
		}
	}
	return nil, ""
}

// checkWildcardPublicSuffix (strict): a wildcard whose remainder is a public
// suffix ("*.com", "*.co.uk", "*.s3.amazonaws.com") spans names of many
// owners (CA/B BR 3.2.2.6 forbids issuing it), so it must not be what makes
// the certificate valid for the host. With a host name, the check applies
// only when no exact subjectAltName matches it; without one, to every
// wildcard. Uses the public suffix list compiled into
// golang.org/x/net/publicsuffix, private section included.
func checkWildcardPublicSuffix(in *Input) (*x509.Certificate, string) {
	if !in.serverUsage() {
		return nil, ""
	}
	l := in.leaf()
	host := strings.ToLower(strings.TrimSuffix(in.ServerName, "."))
	for _, n := range l.DNSNames {
		if host != "" && strings.ToLower(n) == host {
			return nil, ""
		}
	}
	for _, n := range l.DNSNames {
		rest, ok := strings.CutPrefix(strings.ToLower(n), "*.")
		if !ok || (host != "" && !strings.HasSuffix(host, "."+rest)) {
			continue
		}
		if suffix, _ := publicsuffix.PublicSuffix(rest); suffix == rest {
			return l, fmt.Sprintf("the wildcard %q covers the public suffix %q (CA/B BR 3.2.2.6)", n, rest)
		}
	}
	return nil, ""
}
