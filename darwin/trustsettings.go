package darwin

import (
	"fmt"
	"strings"
)

// trustResult is a kSecTrustSettingsResult value (SecTrustSettings.h).
type trustResult int

// The kSecTrustSettingsResult values.
const (
	resultInvalid     trustResult = 0 // kSecTrustSettingsResultInvalid: never valid in a setting
	resultTrustRoot   trustResult = 1 // kSecTrustSettingsResultTrustRoot: a trusted root (self-signed certificates only)
	resultTrustAsRoot trustResult = 2 // kSecTrustSettingsResultTrustAsRoot: a non-root trusted as an anchor
	resultDeny        trustResult = 3 // kSecTrustSettingsResultDeny: explicitly distrusted
	resultUnspecified trustResult = 4 // kSecTrustSettingsResultUnspecified: no decision; trust comes from the chain
)

// String returns the SDK suffix: "TrustRoot", "TrustAsRoot", "Deny", …
func (r trustResult) String() string {
	return enumName(r, "trustResult", "Invalid", "TrustRoot", "TrustAsRoot", "Deny", "Unspecified")
}

// enumName returns names[v], or kind(v) for a value without a name.
func enumName[T ~int](v T, kind string, names ...string) string {
	if v >= 0 && int(v) < len(names) {
		return names[v]
	}
	return fmt.Sprintf("%s(%d)", kind, int(v))
}

// Trusted reports whether r makes the certificate an anchor.
func (r trustResult) Trusted() bool { return r == resultTrustRoot || r == resultTrustAsRoot }

// Domain is a trust-settings domain (SecTrustSettingsDomain).
type Domain int

// Trust-settings domains. Which of user and admin wins depends on the
// macOS version (see domainPrecedence); the system domain is Apple's root
// store, consulted after both.
const (
	DomainUser   Domain = 0 // kSecTrustSettingsDomainUser
	DomainAdmin  Domain = 1 // kSecTrustSettingsDomainAdmin (also where MDM profiles put roots)
	DomainSystem Domain = 2 // kSecTrustSettingsDomainSystem (Apple's root store, read-only)
)

// String returns "user", "admin" or "system".
func (d Domain) String() string { return enumName(d, "domain", "user", "admin", "system") }

// source returns the trust.Anchor source for the domain, e.g.
// "darwin:user-trust-settings"; the system domain is "darwin:system-roots".
func (d Domain) source() string {
	if d == DomainSystem {
		return "darwin:system-roots"
	}
	return "darwin:" + d.String() + "-trust-settings"
}

// tsPolicy identifies the policy of a usage constraint or of an evaluation
// the way trustd compares them: the policy's OID (kSecPolicyOid of the
// SecPolicyRef, which is the same for SSL server and client) and the
// policy name ("sslServer", "sslClient", …: kSecTrustSettingsPolicyName in
// a usage constraint, SecPolicyGetName for an evaluation). Either may be
// empty. kSecPolicyName of SecPolicyCopyProperties is not a policy name:
// it is the host or e-mail address the policy checks.
type tsPolicy struct {
	OID  string
	Name string
}

// Apple policy object identifiers (kSecPolicyApple*).
const (
	oidBasicX509   = "1.2.840.113635.100.1.2"  // kSecPolicyAppleX509Basic
	oidSSL         = "1.2.840.113635.100.1.3"  // kSecPolicyAppleSSL (server and client; the name tells them apart)
	oidSMIME       = "1.2.840.113635.100.1.8"  // kSecPolicyAppleSMIME
	oidEAP         = "1.2.840.113635.100.1.9"  // kSecPolicyAppleEAP
	oidIPSec       = "1.2.840.113635.100.1.11" // kSecPolicyAppleIPsec
	oidCodeSigning = "1.2.840.113635.100.1.16" // kSecPolicyAppleCodeSigning
	oidTimeStamp   = "1.2.840.113635.100.1.20" // kSecPolicyAppleTimeStamping
)

// Policies this package evaluates trust settings for.
var (
	tsPolicyBasic       = tsPolicy{OID: oidBasicX509, Name: "basicX509"}
	tsPolicySSLServer   = tsPolicy{OID: oidSSL, Name: "sslServer"}
	tsPolicySSLClient   = tsPolicy{OID: oidSSL, Name: "sslClient"}
	tsPolicySMIME       = tsPolicy{OID: oidSMIME, Name: "SMIME"}
	tsPolicyCodeSigning = tsPolicy{OID: oidCodeSigning, Name: "CodeSigning"}
)

// empty reports a constraint policy with neither OID nor name, which
// trustd treats as no policy constraint at all.
func (c tsPolicy) empty() bool { return c.OID == "" && c.Name == "" }

// matches reports whether a usage constraint's policy (c) matches the
// evaluation's policy p, as trustd's SecPVCContainsPolicy does (exact,
// case-sensitive comparisons): with OID and name, both must be equal, or
// the OIDs equal and c's name "sslServer" while p is not "sslClient"
// (rdar://40617139); with only an OID or only a name, that one must be
// equal. A policy name found in the OID field (as in hand-written
// trust-settings plists) is compared as an OID, so it matches nothing.
func (c tsPolicy) matches(p tsPolicy) bool {
	switch {
	case c.OID != "" && c.Name != "":
		if c.OID != p.OID {
			return false
		}
		return c.Name == p.Name || (c.Name == "sslServer" && p.Name != "sslClient")
	case c.OID != "":
		return c.OID == p.OID
	case c.Name != "":
		return c.Name == p.Name
	}
	return false
}

// kSecTrustSettingsKeyUsage bits (SecTrustSettings.h).
const (
	keyUseSignature      = 0x01       // kSecTrustSettingsKeyUseSignature
	keyUseEnDecryptData  = 0x02       // kSecTrustSettingsKeyUseEnDecryptData
	keyUseEnDecryptKey   = 0x04       // kSecTrustSettingsKeyUseEnDecryptKey
	keyUseSignCert       = 0x08       // kSecTrustSettingsKeyUseSignCert
	keyUseSignRevocation = 0x10       // kSecTrustSettingsKeyUseSignRevocation
	keyUseKeyExchange    = 0x20       // kSecTrustSettingsKeyUseKeyExchange
	keyUseAny            = 0xffffffff // kSecTrustSettingsKeyUseAny
)

// trustSetting is one usage-constraints dictionary of the array that
// SecTrustSettingsCopyTrustSettings returns. The FFI layer fills it from the
// CFDictionary; absent keys leave the zero value.
type trustSetting struct {
	Policy        *tsPolicy    // kSecTrustSettingsPolicy (its OID) and kSecTrustSettingsPolicyName; nil: any policy
	PolicyString  string       // kSecTrustSettingsPolicyString: host name or e-mail address the setting is limited to
	Application   bool         // kSecTrustSettingsApplication is present: limited to one application (never this process)
	PolicyOptions bool         // kSecTrustSettingsPolicyOptions is present: trustd never lets such an entry match
	AllowedErrors []int64      // kSecTrustSettingsAllowedError values (CSSM/OSStatus codes to ignore)
	KeyUsageSet   bool         // kSecTrustSettingsKeyUsage is present
	KeyUsage      int64        // kSecTrustSettingsKeyUsage: 0xffffffff any, else exactly the uses (keyUse* bits)
	Result        *trustResult // kSecTrustSettingsResult; nil: the documented default, TrustRoot
}

// result returns the setting's result with the documented default.
func (s trustSetting) result() trustResult {
	if s.Result == nil {
		return resultTrustRoot
	}
	return *s.Result
}

// evalContext is the use of a certificate trust settings are matched
// against: the evaluation's policy, the host or e-mail address that policy
// checks ("" for none) and the kSecTrustSettingsKeyUse bits of this use
// (keyUseSignCert for a certificate above the leaf, plus the policy's own
// key usages).
type evalContext struct {
	Policy   tsPolicy
	Host     string
	KeyUsage uint32
}

// anchorContext is the context of an anchor (it signs certificates) under
// policy p. trustd adds the policy's key usages: none for SSL and basic
// X.509 (SecPolicyCreateSSL passes kSecKeyUsageUnspecified), digital
// signature for code signing and S/MIME signing.
func anchorContext(p tsPolicy) evalContext {
	ku := uint32(keyUseSignCert)
	if p == tsPolicyCodeSigning || p == tsPolicySMIME {
		ku |= keyUseSignature
	}
	return evalContext{Policy: p, KeyUsage: ku}
}

// applies reports whether the setting matches ctx, as trustd's
// SecPVCMeetsConstraint decides: every key present must match. An
// application-limited entry never matches this process, an entry with
// policy options never matches, a policy string matches only the host or
// e-mail address of a matched policy (case-insensitively, without a
// trailing NUL that old macOS versions wrote), and a key usage matches when
// it is "any" or equals the use's bits exactly.
func (s trustSetting) applies(ctx evalContext) bool {
	if s.Application || s.PolicyOptions {
		return false
	}
	hasPolicy := s.Policy != nil && !s.Policy.empty()
	if hasPolicy && !s.Policy.matches(ctx.Policy) {
		return false
	}
	if s.PolicyString != "" {
		want := strings.TrimSuffix(s.PolicyString, "\x00")
		if !hasPolicy || want == "" || !strings.EqualFold(want, ctx.Host) {
			return false
		}
	}
	if s.KeyUsageSet && s.KeyUsage != keyUseAny && uint32(s.KeyUsage) != ctx.KeyUsage {
		return false
	}
	return true
}

// evaluateSettings applies one usage-constraints array to ctx as trustd's
// SecPVCGetTrustSettingsResult does: the first entry that matches decides,
// whatever its result (Unspecified and Deny included; no result means
// TrustRoot); resultInvalid when no entry matches (also for an empty
// array). allowed lists the allowed errors of every matching entry
// (SecPVCIsAllowedError consults them all).
func evaluateSettings(settings []trustSetting, ctx evalContext) (r trustResult, allowed []int64) {
	r = resultInvalid
	decided := false
	for _, s := range settings {
		if !s.applies(ctx) {
			continue
		}
		allowed = append(allowed, s.AllowedErrors...)
		if !decided {
			r, decided = s.result(), true
		}
	}
	return r, allowed
}

// anchorVerdict is what trustd makes of one certificate's constraints.
type anchorVerdict int

const (
	verdictNone   anchorVerdict = iota // not an anchor by these settings
	verdictAnchor                      // an anchor for this use
	verdictDeny                        // a "denied anchor": any chain through it fails
)

// isAnchorPerConstraints decides like trustd's SecPVCIsAnchorPerConstraints
// for one certificate whose settings came from the trust-settings domains:
// an empty array makes a self-signed certificate an unrestricted anchor
// (and a certificate that is not self-signed nothing); otherwise the
// deciding entry must say TrustRoot for a self-signed certificate or
// TrustAsRoot for one that is not; Deny makes it a denied anchor.
func isAnchorPerConstraints(settings []trustSetting, selfSigned bool, ctx evalContext) anchorVerdict {
	if len(settings) == 0 {
		if selfSigned {
			return verdictAnchor
		}
		return verdictNone
	}
	r, _ := evaluateSettings(settings, ctx)
	switch {
	case r == resultDeny:
		return verdictDeny
	case selfSigned && r == resultTrustRoot, !selfSigned && r == resultTrustAsRoot:
		return verdictAnchor
	}
	return verdictNone
}
