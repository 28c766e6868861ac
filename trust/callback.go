package trust

import "crypto/x509"

// VerifyInfo is what a VerifyCallback sees.
type VerifyInfo struct {
	// Presented is the chain as the peer sent it, leaf first.
	Presented []*x509.Certificate
	// Verified holds the verified chains when the store accepted the chain.
	Verified [][]*x509.Certificate
	// Err is the store's verdict: nil when it accepted, otherwise usually a
	// *VerificationError.
	Err error
	// Options are the options of this verification.
	Options VerifyOptions
}

// VerifyCallback sees every verification's result. Returning nil keeps the
// verdict (a rejected chain stays rejected). Returning an error rejects the
// chain with that error (wrapped in a *VerificationError with ReasonPolicy
// unless it already is one). Returning an *Override accepts a chain the
// store rejected: this is dangerous, and meant only for explicit pinning
// decisions made by the callback.
type VerifyCallback func(info VerifyInfo) error

// Override, returned by a VerifyCallback, accepts a chain regardless of the
// store's verdict. Why must say why (it is kept for logs); Chains, if set,
// become the verified chains reported to the program.
//
// Using Override turns off the protection certificate verification gives:
// only return it for a chain you have checked yourself, e.g. by an exact
// certificate or key pin.
type Override struct {
	Why    string
	Chains [][]*x509.Certificate
}

func (o *Override) Error() string { return "trust: verification overridden by callback: " + o.Why }
