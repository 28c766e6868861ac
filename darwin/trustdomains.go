package darwin

import (
	"strconv"
	"strings"

	"github.com/nativetls/nativetls/trust"
)

// certSettings is what the trust-settings domains hold for one certificate:
// its DER and, per domain where it has settings, the usage-constraints
// array (an empty, non-nil slice for "always trust"). The system domain's
// entry marks a root of Apple's store, which is an unrestricted anchor.
type certSettings struct {
	DER        []byte
	SelfSigned bool // as Apple decides it: isSelfSigned
	Domains    map[Domain][]trustSetting
}

// domainPrecedence says which of the admin and user domains' settings
// trustd uses for a certificate that has both.
type domainPrecedence int

const (
	// adminWins: macOS 11 and later (Security-59754,
	// trust/trustd/SecCertificateSource.c,
	// SecLegacyAnchorSourceCopyUsageConstraints: "admin trust settings
	// overrule user trust settings (rdar://37052515)").
	adminWins domainPrecedence = iota
	// userWins: macOS 10.15 and earlier (Security-59306, same function:
	// "user trust settings overrule admin trust settings").
	userWins
)

// precedenceForDarwin returns the precedence of a Darwin kernel release
// (kern.osrelease, "20.1.0" for macOS 11.0): admin wins from Darwin 20 on.
// An unreadable release is taken as current (admin wins).
func precedenceForDarwin(release string) domainPrecedence {
	major, _, _ := strings.Cut(release, ".")
	n, err := strconv.Atoi(major)
	if err == nil && n > 0 && n < 20 {
		return userWins
	}
	return adminWins
}

// legacyConstraints returns the usage constraints trustd's legacy anchor
// source gives the certificate: one domain's whole array (the winning
// domain's when both have one), never a merge; ok is false when neither
// domain has settings for it.
func (c certSettings) legacyConstraints(prec domainPrecedence) ([]trustSetting, Domain, bool) {
	first, second := DomainAdmin, DomainUser
	if prec == userWins {
		first, second = DomainUser, DomainAdmin
	}
	if s, ok := c.Domains[first]; ok {
		return s, first, true
	}
	if s, ok := c.Domains[second]; ok {
		return s, second, true
	}
	return nil, DomainSystem, false
}

// effective returns the verdict for ctx and the domain that gave it:
// the legacy (admin/user) anchor source first, as trustd's path builder
// consults it before the system anchors (trust/trustd/SecTrustServer.c);
// a root of Apple's store that the legacy source does not make an anchor
// or deny is an unrestricted system anchor.
func (c certSettings) effective(ctx evalContext, prec domainPrecedence) (anchorVerdict, Domain) {
	if s, d, ok := c.legacyConstraints(prec); ok {
		if v := isAnchorPerConstraints(s, c.SelfSigned, ctx); v != verdictNone {
			return v, d
		}
	}
	if _, ok := c.Domains[DomainSystem]; ok {
		return verdictAnchor, DomainSystem
	}
	return verdictNone, DomainSystem
}

// usagePolicies are the usages an anchor's purposes are computed for.
var usagePolicies = []struct {
	usage  trust.Usage
	policy tsPolicy
}{
	{trust.UsageServerAuth, tsPolicySSLServer},
	{trust.UsageClientAuth, tsPolicySSLClient},
	{trust.UsageEmail, tsPolicySMIME},
	{trust.UsageCodeSigning, tsPolicyCodeSigning},
}

// anchorDecision is what listing makes of a certificate's settings.
type anchorDecision struct {
	Anchor   bool          // trusted for at least one usage (or distrusted: listed as such)
	Purposes []trust.Usage // nil: any
	Distrust bool
	Source   Domain
}

// decideAnchor computes how a certificate with trust settings is listed:
// the purposes it is an anchor for (nil when for every usage), or
// distrusted when some usage denies it and none trusts it, or not at all.
// A certificate its settings do not make an anchor may still be trusted
// by chaining to one; listing does not ask (it would need an evaluation).
func decideAnchor(c certSettings, prec domainPrecedence) anchorDecision {
	var (
		purposes []trust.Usage
		denied   bool
		all      = true
		src      = DomainSystem
		srcSet   bool
	)
	for _, up := range usagePolicies {
		v, d := c.effective(anchorContext(up.policy), prec)
		if v != verdictNone && (!srcSet || d < src) {
			src, srcSet = d, true
		}
		switch v {
		case verdictAnchor:
			purposes = append(purposes, up.usage)
		case verdictDeny:
			denied, all = true, false
		default:
			all = false
		}
	}
	switch {
	case len(purposes) == 0 && denied:
		return anchorDecision{Anchor: true, Distrust: true, Source: src}
	case len(purposes) == 0:
		return anchorDecision{Source: src}
	case all:
		return anchorDecision{Anchor: true, Source: src}
	}
	return anchorDecision{Anchor: true, Purposes: purposes, Source: src}
}
