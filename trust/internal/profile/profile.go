// Package profile holds the chain checks trust.Verifier applies on top of
// every store's decision: the default (relying-party) profile and the
// strict profile. Each check is one function over a verified chain (leaf
// first, anchor last), listed once in Checks with the rule it comes from
// and the relying parties that enforce it; docs/VERIFICATION.md is
// generated from that table.
//
// crypto/x509 (and the operating systems' verifiers) build the path and
// check signatures, validity, names, usages and name constraints; these
// checks close the gaps that matter to a relying party (default profile)
// and add the CA/Browser Forum and RFC 5280 issuance rules (strict
// profile). The anchor is trusted by configuration, not by its contents,
// so only checks marked Anchor look at it, and not when the operating
// system itself trusts it.
package profile

import "crypto/x509"

// Usage is the purpose a chain is verified for, as the checks see it.
type Usage int

// Usages.
const (
	ServerAuth Usage = iota // TLS server authentication
	ClientAuth              // TLS client authentication
	Other                   // anything else: EKU rules do not apply
)

// Input is what a check looks at.
type Input struct {
	Chain      []*x509.Certificate // leaf first, anchor last
	Usage      Usage
	EKU        x509.ExtKeyUsage // the extended key usage verified for
	ServerName string           // the name asked for, "" if none
	Strict     bool             // strict profile
	// MaxIntermediates bounds the intermediates between leaf and anchor
	// (self-issued ones not counted); negative means no limit.
	MaxIntermediates int
	// PlatformAnchor marks an anchor the operating system trusts: checks
	// marked Anchor are skipped.
	PlatformAnchor bool
}

func (in *Input) leaf() *x509.Certificate   { return in.Chain[0] }
func (in *Input) anchor() *x509.Certificate { return in.Chain[len(in.Chain)-1] }

// nonAnchors returns the chain without its anchor (all of it when the leaf
// itself is the anchor: then nothing).
func (in *Input) nonAnchors() []*x509.Certificate { return in.Chain[:len(in.Chain)-1] }

// cas returns the issuing certificates: intermediates and, when withAnchor,
// the anchor.
func (in *Input) cas(withAnchor bool) []*x509.Certificate {
	if len(in.Chain) < 2 {
		return nil
	}
	if withAnchor {
		return in.Chain[1:]
	}
	return in.Chain[1 : len(in.Chain)-1]
}

// leafIsAnchor reports a chain of one certificate: a directly trusted leaf.
func (in *Input) leafIsAnchor() bool { return len(in.Chain) == 1 }

// ownLeaf and ownAnchor return the leaf, or the anchor, as a list of one;
// nothing when the leaf itself is the anchor (it is trusted by
// configuration, so the leaf and anchor checks do not look at it).
func (in *Input) ownLeaf() []*x509.Certificate {
	if in.leafIsAnchor() {
		return nil
	}
	return in.Chain[:1]
}

func (in *Input) ownAnchor() []*x509.Certificate {
	if in.leafIsAnchor() {
		return nil
	}
	return in.Chain[len(in.Chain)-1:]
}

// firstBad returns the first of certs that bad reports, with msg, or nil
// and "": the shape of most checks, one rule over one part of the chain.
func firstBad(certs []*x509.Certificate, msg string, bad func(*x509.Certificate) bool) (*x509.Certificate, string) {
	for _, c := range certs {
		if bad(c) {
			return c, msg
		}
	}
	return nil, ""
}

// Kind classifies a failure; trust maps it to its Reason.
type Kind int

// Failure kinds.
const (
	Policy          Kind = iota // a policy or limit (key size, depth, …)
	WrongUsage                  // key usage / extended key usage
	Malformed                   // a structurally wrong certificate
	NameConstraints             // a name constraint
)

// Check is one rule of a profile.
type Check struct {
	Name   string // stable identifier, shown in messages
	Strict bool   // strict profile only
	Anchor bool   // looks at the anchor's own extensions
	Kind   Kind
	// Rule cites where the rule comes from.
	Rule string
	// EnforcedBy names which of Chrome (non-strict unless said), Go's
	// crypto/x509, Firefox (mozilla::pkix) and rustls-webpki enforce it.
	EnforcedBy string
	// Run returns the offending certificate and what is wrong with it, or
	// nil when the chain passes.
	Run func(in *Input) (*x509.Certificate, string)
}

// Failure is the first check a chain fails.
type Failure struct {
	Check       *Check
	Certificate *x509.Certificate
	Msg         string
}

// Run applies the checks of in's profile to in.Chain, in table order, and
// returns the first failure or nil.
func Run(in *Input) *Failure {
	if len(in.Chain) == 0 {
		return nil
	}
	for i := range Checks {
		ck := &Checks[i]
		if (ck.Strict && !in.Strict) || (ck.Anchor && in.PlatformAnchor) {
			continue
		}
		if bad, msg := ck.Run(in); bad != nil {
			return &Failure{Check: ck, Certificate: bad, Msg: msg}
		}
	}
	return nil
}
