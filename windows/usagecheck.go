package windows

import (
	"crypto/x509"
	"fmt"
	"strings"

	"github.com/nativetls/nativetls/trust"
)

// usageEKUs maps the requested usage OIDs of chainFlags to crypto/x509's.
var usageEKUs = map[string]x509.ExtKeyUsage{
	"1.3.6.1.5.5.7.3.1": x509.ExtKeyUsageServerAuth,
	"1.3.6.1.5.5.7.3.2": x509.ExtKeyUsageClientAuth,
	"1.3.6.1.5.5.7.3.3": x509.ExtKeyUsageCodeSigning,
	"1.3.6.1.5.5.7.3.4": x509.ExtKeyUsageEmailProtection,
}

// ekuNames names the extended key usages an error message may list.
var ekuNames = map[x509.ExtKeyUsage]string{
	x509.ExtKeyUsageServerAuth:      "serverAuth",
	x509.ExtKeyUsageClientAuth:      "clientAuth",
	x509.ExtKeyUsageCodeSigning:     "codeSigning",
	x509.ExtKeyUsageEmailProtection: "emailProtection",
	x509.ExtKeyUsageTimeStamping:    "timeStamping",
	x509.ExtKeyUsageOCSPSigning:     "OCSPSigning",

	x509.ExtKeyUsageMicrosoftServerGatedCrypto: "msSGC",
	x509.ExtKeyUsageNetscapeServerGatedCrypto:  "nsSGC",
}

// checkIssuerUsage re-checks, after the chain policy accepted, that every
// issuer in the built chain (intermediates and root) that carries an
// extended key usage extension allows the requested usage (or any usage).
// Windows, crypto/x509 and browsers all nest EKUs this way; Wine's chain
// engine ignores the EKUs of issuers, and a verifier must not accept a
// server certificate issued under a CA restricted to, say, client auth.
// As crypto/x509 does, the Server Gated Crypto EKUs of old CAs count as
// server auth.
func checkIssuerUsage(presented []*x509.Certificate, built builtChain, opts trust.VerifyOptions, p chainParams) *trust.VerificationError {
	want, ok := usageEKUs[p.UsageOID]
	if !ok {
		return nil
	}
	for i := 1; i < len(built.Certs); i++ {
		c := built.Certs[i]
		if ekuAllows(c, want) {
			continue
		}
		ve := policyError(presented, built, 0x800B0110, i, opts) // CERT_E_WRONG_USAGE
		ekus := strings.Join(ekuList(c), ", ")
		ve.Detail = fmt.Sprintf("its extended key usage is limited to %s, which does not include %s", ekus, ekuNames[want])
		ve.Err = fmt.Errorf("issuer %q limits its extended key usage to %s, which does not include %s (the chain policy accepted it)", c.Subject.CommonName, ekus, ekuNames[want])
		return ve
	}
	return nil
}

// ekuAllows reports whether c's extended key usage extension, if any,
// permits want.
func ekuAllows(c *x509.Certificate, want x509.ExtKeyUsage) bool {
	if len(c.ExtKeyUsage) == 0 && len(c.UnknownExtKeyUsage) == 0 {
		return true
	}
	for _, u := range c.ExtKeyUsage {
		switch {
		case u == x509.ExtKeyUsageAny, u == want:
			return true
		case want == x509.ExtKeyUsageServerAuth && (u == x509.ExtKeyUsageNetscapeServerGatedCrypto || u == x509.ExtKeyUsageMicrosoftServerGatedCrypto):
			return true
		}
	}
	return false
}

// ekuList lists c's extended key usages for an error message.
func ekuList(c *x509.Certificate) []string {
	var names []string
	for _, u := range c.ExtKeyUsage {
		if n, ok := ekuNames[u]; ok {
			names = append(names, n)
		} else {
			names = append(names, fmt.Sprintf("x509.ExtKeyUsage(%d)", u))
		}
	}
	for _, o := range c.UnknownExtKeyUsage {
		names = append(names, o.String())
	}
	return names
}
