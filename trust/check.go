package trust

import (
	"crypto/x509"
	"fmt"

	"github.com/nativetls/nativetls/trust/internal/profile"
)

// ChainCheckError is the Err of a *VerificationError raised by one of the
// project's own profile checks (see docs/VERIFICATION.md for the table).
type ChainCheckError struct {
	Check  string // the check's stable name, e.g. "aki-present"
	Strict bool   // whether the check belongs to the strict profile only
	Msg    string // what is wrong
}

func (e *ChainCheckError) Error() string {
	p := "profile check"
	if e.Strict {
		p = "strict profile check"
	}
	return fmt.Sprintf("%s (%s %s)", e.Msg, p, e.Check)
}

// MaxDepthNoIntermediates, as VerifyOptions.MaxDepth or
// Configuration.WithMaxChainDepth, allows no intermediate at all (the zero
// MaxDepth means "no limit").
const MaxDepthNoIntermediates = -1

// checkChain runs max depth and the profile checks of opts (default or
// strict) on one verified chain, leaf first and anchor last;
// platformAnchor skips the checks of the anchor's own extensions (see
// PlatformAnchorer). It returns nil or a *VerificationError whose Err is a
// *ChainCheckError.
func checkChain(chain []*x509.Certificate, opts VerifyOptions, platformAnchor bool) error {
	in := &profile.Input{Chain: chain, EKU: opts.Usage.ExtKeyUsage(), ServerName: opts.ServerName,
		Strict: opts.Strict, MaxIntermediates: maxIntermediates(opts.MaxDepth), PlatformAnchor: platformAnchor}
	switch opts.Usage {
	case UsageServerAuth:
		in.Usage = profile.ServerAuth
	case UsageClientAuth:
		in.Usage = profile.ClientAuth
	default:
		in.Usage = profile.Other
	}
	f := profile.Run(in)
	if f == nil {
		return nil
	}
	ce := &ChainCheckError{Check: f.Check.Name, Strict: f.Check.Strict, Msg: f.Msg}
	return &VerificationError{Reason: kindReason[f.Check.Kind], Certificate: f.Certificate, Depth: -1, Host: opts.ServerName,
		Time: opts.Time, IntermediatesSent: -1, Usage: opts.Usage, Detail: ce.Error(), Err: ce}
}

// maxIntermediates turns VerifyOptions.MaxDepth into the profile's limit:
// negative for none.
func maxIntermediates(maxDepth int) int {
	switch {
	case maxDepth == 0:
		return -1
	case maxDepth < 0:
		return 0
	}
	return maxDepth
}

var kindReason = map[profile.Kind]Reason{
	profile.Policy:          ReasonPolicy,
	profile.WrongUsage:      ReasonWrongUsage,
	profile.Malformed:       ReasonMalformed,
	profile.NameConstraints: ReasonNameConstraints,
}
