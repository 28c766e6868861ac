package darwin

import (
	"fmt"
	"strings"

	"github.com/nativetls/nativetls/trust"
)

// TrustResult is a kSecTrustSettingsResult value (SecTrustSettings.h).
type TrustResult int

// The kSecTrustSettingsResult values.
const (
	ResultInvalid     TrustResult = 0 // kSecTrustSettingsResultInvalid: never valid in a setting
	ResultTrustRoot   TrustResult = 1 // kSecTrustSettingsResultTrustRoot: a trusted root (self-signed certificates only)
	ResultTrustAsRoot TrustResult = 2 // kSecTrustSettingsResultTrustAsRoot: a non-root trusted as an anchor
	ResultDeny        TrustResult = 3 // kSecTrustSettingsResultDeny: explicitly distrusted
	ResultUnspecified TrustResult = 4 // kSecTrustSettingsResultUnspecified: no decision; trust comes from the chain
)

// String returns the SDK suffix: "TrustRoot", "TrustAsRoot", "Deny", …
func (r TrustResult) String() string {
	switch r {
	case ResultTrustRoot:
		return "TrustRoot"
	case ResultTrustAsRoot:
		return "TrustAsRoot"
	case ResultDeny:
		return "Deny"
	case ResultUnspecified:
		return "Unspecified"
	case ResultInvalid:
		return "Invalid"
	}
	return fmt.Sprintf("TrustResult(%d)", int(r))
}

// Trusted reports whether r makes the certificate an anchor.
func (r TrustResult) Trusted() bool { return r == ResultTrustRoot || r == ResultTrustAsRoot }

// Domain is a trust-settings domain (SecTrustSettingsDomain).
type Domain int

// Trust-settings domains, in the order macOS consults them: the user's
// settings override the administrator's, which override the system's.
const (
	DomainUser   Domain = 0 // kSecTrustSettingsDomainUser
	DomainAdmin  Domain = 1 // kSecTrustSettingsDomainAdmin (also where MDM profiles put roots)
	DomainSystem Domain = 2 // kSecTrustSettingsDomainSystem (Apple's root store, read-only)
)

// Domains lists the domains in precedence order.
var Domains = []Domain{DomainUser, DomainAdmin, DomainSystem}

// String returns "user", "admin" or "system".
func (d Domain) String() string {
	switch d {
	case DomainUser:
		return "user"
	case DomainAdmin:
		return "admin"
	case DomainSystem:
		return "system"
	}
	return fmt.Sprintf("domain(%d)", int(d))
}

// Source returns the trust.Anchor source for the domain, e.g.
// "darwin:user-trust-settings"; the system domain is "darwin:system-roots".
func (d Domain) Source() string {
	if d == DomainSystem {
		return "darwin:system-roots"
	}
	return "darwin:" + d.String() + "-trust-settings"
}

// Policy identifies a SecPolicy by the values SecPolicyCopyProperties
// reports: kSecPolicyOid and kSecPolicyName. Either may be empty.
type Policy struct {
	OID  string
	Name string
}

// Apple policy object identifiers (kSecPolicyApple*).
const (
	OIDBasicX509   = "1.2.840.113635.100.1.2"  // kSecPolicyAppleX509Basic
	OIDSSL         = "1.2.840.113635.100.1.3"  // kSecPolicyAppleSSL (server and client; the name tells them apart)
	OIDSMIME       = "1.2.840.113635.100.1.8"  // kSecPolicyAppleSMIME
	OIDEAP         = "1.2.840.113635.100.1.9"  // kSecPolicyAppleEAP
	OIDIPSec       = "1.2.840.113635.100.1.11" // kSecPolicyAppleIPsec
	OIDCodeSigning = "1.2.840.113635.100.1.16" // kSecPolicyAppleCodeSigning
	OIDTimeStamp   = "1.2.840.113635.100.1.20" // kSecPolicyAppleTimeStamping
)

// Policies this package evaluates trust settings for.
var (
	PolicyBasic       = Policy{OID: OIDBasicX509, Name: "basicX509"}
	PolicySSLServer   = Policy{OID: OIDSSL, Name: "sslServer"}
	PolicySSLClient   = Policy{OID: OIDSSL, Name: "sslClient"}
	PolicySMIME       = Policy{OID: OIDSMIME, Name: "SMIME"}
	PolicyCodeSigning = Policy{OID: OIDCodeSigning, Name: "CodeSigning"}
)

// matches reports whether a policy constraint of a trust setting (c)
// applies to an evaluation under policy p. OIDs must be equal when the
// constraint has one; names are compared when both sides have one and the
// constraint has no OID or the shared SSL OID (sslServer vs sslClient). A
// constraint with neither OID nor name matches nothing.
func (c Policy) matches(p Policy) bool {
	c, p = c.normalize(), p.normalize()
	if c.OID == "" && c.Name == "" {
		return false
	}
	if c.OID != "" && c.OID != p.OID {
		return false
	}
	if c.Name != "" && p.Name != "" && !strings.EqualFold(c.Name, p.Name) && (c.OID == "" || c.OID == OIDSSL) {
		return false
	}
	return true
}

// policyNameOIDs maps Security.framework policy names (kSecPolicyName
// values) to their OIDs.
var policyNameOIDs = map[string]string{
	"basicX509":         OIDBasicX509,
	"sslServer":         OIDSSL,
	"sslClient":         OIDSSL,
	"SMIME":             OIDSMIME,
	"eapServer":         OIDEAP,
	"eapClient":         OIDEAP,
	"ipsecServer":       OIDIPSec,
	"ipsecClient":       OIDIPSec,
	"CodeSigning":       OIDCodeSigning,
	"AppleTimeStamping": OIDTimeStamp,
}

// normalize accepts a policy whose OID field holds a policy name (as some
// macOS versions report in kSecPolicyOid) and fills the OID of a known name.
func (c Policy) normalize() Policy {
	if c.OID != "" && !isDottedOID(c.OID) {
		if c.Name == "" {
			c.Name = c.OID
		}
		c.OID = ""
	}
	if c.OID == "" && c.Name != "" {
		c.OID = policyNameOIDs[c.Name]
	}
	return c
}

func isDottedOID(s string) bool {
	for _, r := range s {
		if (r < '0' || r > '9') && r != '.' {
			return false
		}
	}
	return s != ""
}

// TrustSetting is one usage-constraints dictionary of the array that
// SecTrustSettingsCopyTrustSettings returns. The FFI layer fills it from the
// CFDictionary; absent keys leave the zero value.
type TrustSetting struct {
	Policy        *Policy      // kSecTrustSettingsPolicy; nil: any policy
	PolicyString  string       // kSecTrustSettingsPolicyString: host name or e-mail address the setting is limited to
	Application   bool         // kSecTrustSettingsApplication is present: limited to one application (never this process)
	AllowedErrors []int64      // kSecTrustSettingsAllowedError values (CSSM/OSStatus codes to ignore)
	KeyUsage      uint32       // kSecTrustSettingsKeyUsage; 0 or 0xffffffff: any
	Result        *TrustResult // kSecTrustSettingsResult; nil: the documented default, TrustRoot
}

// result returns the setting's result with the documented default.
func (s TrustSetting) result() TrustResult {
	if s.Result == nil {
		return ResultTrustRoot
	}
	return *s.Result
}

// applies reports whether the setting constrains an evaluation under p for
// host (host may be empty: a setting limited to one host then does not
// apply).
func (s TrustSetting) applies(p Policy, host string) bool {
	if s.Application {
		return false
	}
	if s.Policy != nil && !s.Policy.matches(p) {
		return false
	}
	if s.PolicyString != "" && !strings.EqualFold(strings.TrimSuffix(s.PolicyString, "."), strings.TrimSuffix(host, ".")) {
		return false
	}
	return true
}

// EvaluateSettings applies one domain's usage-constraints array to an
// evaluation under policy p for host, with Apple's documented semantics:
// an empty array means "always trust as a root"; otherwise the entries are
// read in order, entries whose policy, policy string or application do not
// match are skipped, an entry without a result means TrustRoot, an
// Unspecified entry only contributes allowed errors, and the first other
// result decides. TrustRoot on a certificate that is not self-signed is
// invalid and ignored. Unspecified is returned when nothing decided;
// allowed lists the errors that Unspecified entries allowed on the way.
func EvaluateSettings(settings []TrustSetting, selfSigned bool, p Policy, host string) (r TrustResult, allowed []int64) {
	if len(settings) == 0 {
		if selfSigned {
			return ResultTrustRoot, nil
		}
		return ResultTrustAsRoot, nil
	}
	for _, s := range settings {
		if !s.applies(p, host) {
			continue
		}
		allowed = append(allowed, s.AllowedErrors...)
		switch res := s.result(); res {
		case ResultUnspecified:
			continue
		case ResultTrustRoot:
			if !selfSigned {
				continue
			}
			return res, allowed
		case ResultTrustAsRoot, ResultDeny:
			return res, allowed
		}
	}
	return ResultUnspecified, allowed
}

// CertSettings is what the trust-settings domains hold for one certificate:
// its DER and, per domain where it has settings, the usage-constraints
// array (an empty, non-nil slice for "always trust").
type CertSettings struct {
	DER        []byte
	SelfSigned bool
	Domains    map[Domain][]TrustSetting
}

// Effective returns the decision for p across domains in precedence order
// (user, admin, system) and the domain that made it.
func (c CertSettings) Effective(p Policy, host string) (TrustResult, Domain) {
	for _, d := range Domains {
		s, ok := c.Domains[d]
		if !ok {
			continue
		}
		if r, _ := EvaluateSettings(s, c.SelfSigned, p, host); r != ResultUnspecified {
			return r, d
		}
	}
	return ResultUnspecified, DomainSystem
}

// usagePolicies are the usages an anchor's purposes are computed for.
var usagePolicies = []struct {
	usage  trust.Usage
	policy Policy
}{
	{trust.UsageServerAuth, PolicySSLServer},
	{trust.UsageClientAuth, PolicySSLClient},
	{trust.UsageEmail, PolicySMIME},
	{trust.UsageCodeSigning, PolicyCodeSigning},
}

// anchorDecision is what listing makes of a certificate's settings.
type anchorDecision struct {
	Anchor    bool          // trusted for at least one usage (or distrusted: listed as such)
	NeedsEval bool          // no domain decided: trusted only if it chains to an anchor (basic X.509 evaluation)
	Purposes  []trust.Usage // nil: any
	Distrust  bool
	Source    Domain
}

// decideAnchor computes how a certificate with trust settings is listed:
// the purposes it is trusted for (nil when trusted for every usage), or
// distrusted when some usage denies it and none trusts it, or "needs
// evaluation" when every domain left it unspecified.
func decideAnchor(c CertSettings) anchorDecision {
	var (
		purposes  []trust.Usage
		denied    bool
		allTrust  = true
		src       = DomainSystem
		srcSet    bool
		unspecAll = true
	)
	for _, up := range usagePolicies {
		r, d := c.Effective(up.policy, "")
		if r != ResultUnspecified {
			unspecAll = false
			if !srcSet || d < src {
				src, srcSet = d, true
			}
		}
		switch {
		case r.Trusted():
			purposes = append(purposes, up.usage)
		case r == ResultDeny:
			denied, allTrust = true, false
		default:
			allTrust = false
		}
	}
	switch {
	case unspecAll:
		return anchorDecision{NeedsEval: true, Source: src}
	case len(purposes) == 0 && denied:
		return anchorDecision{Anchor: true, Distrust: true, Source: src}
	case len(purposes) == 0:
		return anchorDecision{Source: src}
	case allTrust:
		return anchorDecision{Anchor: true, Source: src}
	}
	return anchorDecision{Anchor: true, Purposes: purposes, Source: src}
}
