package trust

import (
	"crypto/x509"
	"fmt"
)

// The project's own chain checks run on every chain crypto/x509 built, after
// it accepted it. crypto/x509 is a sound path builder and signature checker
// but deliberately lenient about certificate profiles: it accepts chains
// that RFC 5280 and the CA/Browser Forum Baseline Requirements forbid (and
// that the x509-limbo suite expects to be rejected). Each check below closes
// one such gap. A check marked strict runs only in the strict profile
// (VerifyOptions.Strict): it rejects certificates that are wrong but still
// deployed, or that need data (the public suffix list) an ordinary verifier
// does without.
//
// Checks see the chain from the leaf (index 0) to the anchor (last index).
// The anchor is trusted by configuration, not by its contents, so only the
// checks that say so look at it.

// chainCheck is one profile rule.
type chainCheck struct {
	name   string // stable identifier, shown in the error detail
	strict bool   // only in the strict profile
	// anchor marks checks of the anchor's own extensions, which do not
	// apply to platform roots (Anchor.Platform).
	anchor bool
	reason Reason
	// run returns the offending certificate and what is wrong with it, or
	// nil when the chain passes.
	run func(c *checkInput) (*x509.Certificate, string)
}

// checkInput is what a check looks at.
type checkInput struct {
	chain  []*x509.Certificate // leaf first, anchor last
	opts   VerifyOptions
	strict bool
}

func (in *checkInput) leaf() *x509.Certificate   { return in.chain[0] }
func (in *checkInput) anchor() *x509.Certificate { return in.chain[len(in.chain)-1] }

// nonAnchors returns the chain without its anchor (all of it when the leaf
// itself is the anchor: then nothing).
func (in *checkInput) nonAnchors() []*x509.Certificate { return in.chain[:len(in.chain)-1] }

// cas returns the issuing certificates: intermediates and, when withAnchor,
// the anchor.
func (in *checkInput) cas(withAnchor bool) []*x509.Certificate {
	if len(in.chain) < 2 {
		return nil
	}
	if withAnchor {
		return in.chain[1:]
	}
	return in.chain[1 : len(in.chain)-1]
}

// leafIsAnchor reports a chain of one certificate: a directly trusted leaf.
func (in *checkInput) leafIsAnchor() bool { return len(in.chain) == 1 }

// ChainCheckError is the Err of a *VerificationError raised by one of the
// project's own profile checks.
type ChainCheckError struct {
	Check  string // the check's stable name, e.g. "aki-present"
	Strict bool   // whether the check belongs to the strict profile only
	Msg    string // what is wrong
}

func (e *ChainCheckError) Error() string {
	profile := "profile check"
	if e.Strict {
		profile = "strict profile check"
	}
	return fmt.Sprintf("%s (%s %s)", e.Msg, profile, e.Check)
}

// CheckChain runs the project's profile checks (and the max-depth limit of
// opts) on one verified chain, leaf first and anchor last. AnchorStore and
// CertPoolStore apply it to every chain crypto/x509 builds; platform
// backends that ask the operating system may call it on the OS's chain to
// get the same profile. It returns nil or a *VerificationError whose Err is a
// *ChainCheckError.
func CheckChain(chain []*x509.Certificate, opts VerifyOptions) error {
	return checkChain(chain, opts, false)
}

// checkChain is CheckChain; platformAnchor skips the checks of the anchor's
// own extensions (see Anchor.Platform).
func checkChain(chain []*x509.Certificate, opts VerifyOptions, platformAnchor bool) error {
	if len(chain) == 0 {
		return nil
	}
	in := &checkInput{chain: chain, opts: opts, strict: opts.Strict}
	for _, ck := range chainChecks {
		if (ck.strict && !opts.Strict) || (ck.anchor && platformAnchor) {
			continue
		}
		if bad, msg := ck.run(in); bad != nil {
			return &VerificationError{Reason: ck.reason, Certificate: bad, Depth: -1, Host: opts.ServerName,
				Time: opts.Time, IntermediatesSent: -1,
				Detail: (&ChainCheckError{Check: ck.name, Strict: ck.strict, Msg: msg}).Error(),
				Err:    &ChainCheckError{Check: ck.name, Strict: ck.strict, Msg: msg}}
		}
	}
	return nil
}

// chainChecks lists every check in the order they run. Cheap structural
// checks come first; the name-constraint budget last.
var chainChecks = []chainCheck{
	{name: "max-depth", reason: ReasonPolicy, run: checkMaxDepth},
	{name: "leaf-not-ca", strict: true, reason: ReasonWrongUsage, run: checkLeafNotCA},
	{name: "leaf-ku-no-certsign", strict: true, reason: ReasonWrongUsage, run: checkLeafKeyCertSign},
	{name: "eku-not-empty", reason: ReasonMalformed, run: checkEKUNotEmpty},
	{name: "aki-present", strict: true, reason: ReasonMalformed, run: checkAKIPresent},
	{name: "ski-present", strict: true, reason: ReasonMalformed, run: checkSKIPresent},
	{name: "anchor-ski-present", strict: true, anchor: true, reason: ReasonMalformed, run: checkAnchorSKIPresent},
	{name: "anchor-aki-present", anchor: true, strict: true, reason: ReasonMalformed, run: checkAnchorAKIPresent},
	{name: "ca-basic-constraints-critical", strict: true, reason: ReasonMalformed, run: checkCABasicConstraintsCritical},
	{name: "anchor-basic-constraints-critical", strict: true, anchor: true, reason: ReasonMalformed, run: checkAnchorBasicConstraintsCritical},
	{name: "anchor-aki-form", strict: true, anchor: true, reason: ReasonMalformed, run: checkAnchorAKIForm},
	{name: "ca-subject-not-empty", reason: ReasonMalformed, run: checkCASubjectNotEmpty},
	{name: "ca-ku-consistent", reason: ReasonMalformed, run: checkCAKeyUsageConsistent},
	{name: "nc-only-in-ca", reason: ReasonMalformed, run: checkNameConstraintsOnlyInCA},
	{name: "nc-critical", strict: true, reason: ReasonMalformed, run: checkNameConstraintsCritical},
	{name: "nc-dns-syntax", strict: true, reason: ReasonNameConstraints, run: checkNameConstraintDNSSyntax},
	{name: "policy-constraints-critical", strict: true, reason: ReasonMalformed, run: checkPolicyConstraintsCritical},
	{name: "san-criticality", strict: true, reason: ReasonMalformed, run: checkSANCriticality},
	{name: "san-dns-syntax", strict: true, reason: ReasonMalformed, run: checkSANDNSSyntax},
	{name: "cn-in-san", strict: true, reason: ReasonMalformed, run: checkCommonNameInSAN},
	{name: "weak-rsa-key", reason: ReasonPolicy, run: checkWeakRSAKey},
	{name: "key-strength", strict: true, reason: ReasonPolicy, run: checkKeyStrength},
	{name: "serial-number", strict: true, reason: ReasonMalformed, run: checkSerialNumbers},
	{name: "leaf-eku-strict", strict: true, reason: ReasonWrongUsage, run: checkLeafEKUStrict},
	{name: "intermediate-eku-strict", strict: true, reason: ReasonWrongUsage, run: checkIntermediateEKUStrict},
	{name: "critical-policy-qualifiers", reason: ReasonMalformed, run: checkCriticalPolicyQualifiers},
	{name: "anchor-no-eku", anchor: true, strict: true, reason: ReasonWrongUsage, run: checkAnchorNoEKU},
	{name: "wildcard-public-suffix", strict: true, reason: ReasonPolicy, run: checkWildcardPublicSuffix},
	{name: "nc-work-budget", reason: ReasonNameConstraints, run: checkNameConstraintBudget},
}
