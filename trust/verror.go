package trust

import (
	"crypto/x509"
	"fmt"
	"net"
	"slices"
	"strings"
	"time"
)

// Reason is the machine-readable cause of a verification failure.
type Reason int

// Verification failure reasons.
const (
	ReasonUnknown             Reason = iota // not classified; see the Detail and Err fields
	ReasonExpired                           // a certificate's NotAfter is before the verification time
	ReasonNotYetValid                       // a certificate's NotBefore is after the verification time
	ReasonUnknownAuthority                  // the chain does not lead to a trusted anchor
	ReasonMissingIntermediate               // the peer did not send an intermediate needed to reach an anchor
	ReasonHostnameMismatch                  // the leaf is not valid for the requested name
	ReasonRevoked                           // a certificate is revoked (OCSP or CRL)
	ReasonDistrusted                        // a certificate or anchor is explicitly distrusted
	ReasonBadSignature                      // a signature in the chain does not verify
	ReasonWrongUsage                        // key usage / extended key usage does not allow the requested usage
	ReasonNameConstraints                   // a name constraint of an issuer is violated
	ReasonPinMismatch                       // no certificate of the chain matches a configured SPKI pin
	ReasonPolicy                            // a policy check failed (strict profile, must-staple, callback, chain length …)
	ReasonRevocationUnknown                 // revocation status could not be determined under a hard-fail policy
	ReasonMalformed                         // a certificate could not be parsed or is structurally invalid
)

var reasonNames = [...]string{
	ReasonUnknown:             "unknown",
	ReasonExpired:             "expired",
	ReasonNotYetValid:         "not_yet_valid",
	ReasonUnknownAuthority:    "unknown_authority",
	ReasonMissingIntermediate: "missing_intermediate",
	ReasonHostnameMismatch:    "hostname_mismatch",
	ReasonRevoked:             "revoked",
	ReasonDistrusted:          "distrusted",
	ReasonBadSignature:        "bad_signature",
	ReasonWrongUsage:          "wrong_usage",
	ReasonNameConstraints:     "name_constraints",
	ReasonPinMismatch:         "pin_mismatch",
	ReasonPolicy:              "policy",
	ReasonRevocationUnknown:   "revocation_unknown",
	ReasonMalformed:           "malformed",
}

// String returns the stable machine-readable name, e.g. "expired".
func (r Reason) String() string {
	if r >= 0 && int(r) < len(reasonNames) {
		return reasonNames[r]
	}
	return fmt.Sprintf("reason(%d)", int(r))
}

// VerificationError reports why a certificate chain was not accepted. Its
// message is one sentence a person can act on; Reason is for programs.
// Backends that ask the OS keep the OS's own code in PlatformCode and
// PlatformCodeName.
type VerificationError struct {
	Reason      Reason
	Certificate *x509.Certificate // the certificate the failure is about (may be nil)
	Depth       int               // its position in the presented chain (0 = leaf), -1 if not from it
	Host        string            // the name that was asked for, if any
	Time        time.Time         // the verification time
	// IntermediatesSent is the number of certificates the peer sent after
	// its leaf (-1 when unknown).
	IntermediatesSent int
	Detail            string // extra human detail, appended to the message
	Backend           string // the backend or platform that decided
	// Usage is what the chain was verified for; its zero value, server
	// authentication, makes messages speak of "the server".
	Usage            Usage
	PlatformCode     int64  // the OS status code (OSStatus, HRESULT), 0 if none
	PlatformCodeName string // its symbolic name, e.g. "CERT_E_EXPIRED"
	Err              error  // the underlying error, e.g. from crypto/x509
}

// Unwrap returns the underlying error.
func (e *VerificationError) Unwrap() error { return e.Err }

// Error returns the human sentence, prefixed with "trust: ".
func (e *VerificationError) Error() string {
	msg := "trust: " + e.Message()
	if e.PlatformCodeName != "" || e.PlatformCode != 0 {
		msg += fmt.Sprintf(" [%s%s]", e.Backend+" ", platformCode(e.PlatformCodeName, e.PlatformCode))
	}
	return msg
}

func platformCode(name string, code int64) string {
	switch {
	case name != "" && code != 0:
		return fmt.Sprintf("%s 0x%x", name, uint64(code)&0xffffffff)
	case name != "":
		return name
	}
	return fmt.Sprintf("code %d", code)
}

// Message returns the sentence without the package prefix.
func (e *VerificationError) Message() string {
	c := e.Certificate
	var s string
	switch e.Reason {
	case ReasonExpired:
		if c == nil {
			s = "certificate has expired"
			break
		}
		s = fmt.Sprintf("%s expired %s ago (not after %s)", e.certPhrase(), ago(e.now().Sub(c.NotAfter)), fmtTime(c.NotAfter))
		s += e.issuedBy()
	case ReasonNotYetValid:
		if c == nil {
			s = "certificate is not yet valid"
			break
		}
		s = fmt.Sprintf("%s is not valid until %s, %s from now", e.certPhrase(), fmtTime(c.NotBefore), ago(c.NotBefore.Sub(e.now())))
		s += e.issuedBy()
	case ReasonHostnameMismatch:
		names := CertificateNames(c)
		switch {
		case c == nil:
			s = fmt.Sprintf("certificate is not valid for %s", e.Host)
		case len(names) == 0:
			s = fmt.Sprintf("certificate %q has no DNS or IP names (subjectAltName), so it is valid for no host, not %s", subjectName(c), e.Host)
		case isIPName(e.Host) && slices.Contains(c.DNSNames, strings.Trim(e.Host, "[]")):
			s = fmt.Sprintf("certificate lists %q only as a DNS name (subjectAltName dNSName), which never matches the IP address %s: the certificate needs an iPAddress subjectAltName for it", strings.Trim(e.Host, "[]"), e.Host)
		default:
			s = fmt.Sprintf("certificate is valid for %s, not %s", strings.Join(names, ", "), e.Host)
		}
		if a := aLabel(e.Host); a != "" && e.Detail == "" {
			s += fmt.Sprintf(": certificates hold internationalized names in their A-label (punycode) form; ask for %q", a)
		}
	case ReasonUnknownAuthority:
		if c == nil {
			s = "certificate is signed by an unknown authority"
			break
		}
		if isSelfIssued(c) {
			s = fmt.Sprintf("%s is self-signed and is not in the trust store", e.certPhrase())
			break
		}
		s = fmt.Sprintf("%s is issued by %q, which is not a trusted root and was not found among the %s", e.certPhrase(), issuerName(c), sentPhrase(e.IntermediatesSent))
	case ReasonMissingIntermediate:
		if c == nil {
			s = "the peer did not send the intermediate certificate needed to reach a trusted root"
			break
		}
		s = fmt.Sprintf("%s is issued by %q, which is not a trusted root, and the peer sent no intermediate certificates: either the %s is missing its chain (configure the full chain, leaf first) or %q is a CA this system does not trust", e.certPhrase(), issuerName(c), e.peer(), issuerName(c))
	default:
		s = e.genericPhrase()
	}
	if e.Detail != "" {
		s += ": " + e.Detail
	} else if e.Reason == ReasonUnknown && e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

// peer is "client" when a client certificate was verified, else "server".
func (e *VerificationError) peer() string {
	if e.Usage == UsageClientAuth {
		return "client"
	}
	return "server"
}

// aLabel returns the A-label (punycode) form of a host with non-ASCII
// characters, or "" when it has none or cannot be converted.
func aLabel(host string) string {
	ascii := true
	for i := 0; i < len(host); i++ {
		ascii = ascii && host[i] < 0x80
	}
	if ascii {
		return ""
	}
	labels := strings.Split(strings.ToLower(host), ".")
	for i, l := range labels {
		if strings.IndexFunc(l, func(r rune) bool { return r >= 0x80 }) < 0 {
			continue
		}
		enc, ok := punycode(l)
		if !ok {
			return ""
		}
		labels[i] = "xn--" + enc
	}
	return strings.Join(labels, ".")
}

func (e *VerificationError) genericPhrase() string {
	what := "certificate chain"
	if e.Certificate != nil {
		what = e.certPhrase()
	}
	switch e.Reason {
	case ReasonRevoked:
		return what + " has been revoked by its issuer"
	case ReasonDistrusted:
		return what + " is explicitly distrusted"
	case ReasonBadSignature:
		return what + " has a signature that does not verify"
	case ReasonWrongUsage:
		return what + " is not allowed for this use (key usage / extended key usage)"
	case ReasonNameConstraints:
		return what + " violates a name constraint of its issuer"
	case ReasonPinMismatch:
		return "no certificate in the verified chain matches the configured public-key pins"
	case ReasonPolicy:
		return what + " was rejected by policy"
	case ReasonRevocationUnknown:
		return "revocation status of " + what + " could not be determined and the policy requires it"
	case ReasonMalformed:
		return what + " is malformed"
	}
	return what + " could not be verified"
}

func (e *VerificationError) now() time.Time {
	if e.Time.IsZero() {
		return time.Now()
	}
	return e.Time
}

// certPhrase names the certificate: by host for the leaf when a host was
// asked for, otherwise by subject.
func (e *VerificationError) certPhrase() string {
	if e.Depth == 0 && e.Host != "" {
		return fmt.Sprintf("certificate for %q", e.Host)
	}
	if e.Depth > 0 {
		return fmt.Sprintf("intermediate certificate %q", subjectName(e.Certificate))
	}
	return fmt.Sprintf("certificate %q", subjectName(e.Certificate))
}

func (e *VerificationError) issuedBy() string {
	if e.Certificate == nil || len(e.Certificate.RawIssuer) == 0 {
		return ""
	}
	return fmt.Sprintf("; issued by %q", issuerName(e.Certificate))
}

func sentPhrase(n int) string {
	switch {
	case n < 0:
		return "intermediates"
	case n == 0:
		return "intermediates (the peer sent none)"
	case n == 1:
		return "1 intermediate the peer sent"
	}
	return fmt.Sprintf("%d intermediates the peer sent", n)
}

// CertificateNames lists the DNS names and IP addresses a certificate is
// valid for, in certificate order.
func CertificateNames(c *x509.Certificate) []string {
	if c == nil {
		return nil
	}
	names := append([]string(nil), c.DNSNames...)
	for _, ip := range c.IPAddresses {
		names = append(names, ip.String())
	}
	return names
}

func subjectName(c *x509.Certificate) string {
	if c == nil {
		return ""
	}
	if c.Subject.CommonName != "" {
		return c.Subject.CommonName
	}
	if len(c.DNSNames) > 0 {
		return c.DNSNames[0]
	}
	return c.Subject.String()
}

func issuerName(c *x509.Certificate) string {
	if c.Issuer.CommonName != "" {
		return c.Issuer.CommonName
	}
	return c.Issuer.String()
}

func fmtTime(t time.Time) string { return t.UTC().Format("2006-01-02 15:04 UTC") }

// ago renders a duration the way a person says it: "3 days", "5 hours".
func ago(d time.Duration) string {
	if d < 0 {
		d = -d
	}
	switch {
	case d >= 48*time.Hour:
		return fmt.Sprintf("%d days", int(d/(24*time.Hour)))
	case d >= 2*time.Hour:
		return fmt.Sprintf("%d hours", int(d/time.Hour))
	case d >= 2*time.Minute:
		return fmt.Sprintf("%d minutes", int(d/time.Minute))
	}
	return fmt.Sprintf("%d seconds", int(d/time.Second))
}

// isIPName reports whether host is an IP literal (brackets allowed).
func isIPName(host string) bool {
	return net.ParseIP(strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")) != nil
}
