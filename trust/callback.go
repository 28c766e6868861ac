package trust

import "crypto/x509"

// VerifyInfo is what a VerifyCallback sees.
type VerifyInfo struct {
	// Presented is the chain as the peer sent it, leaf first.
	Presented []*x509.Certificate
	// Verified holds the verified chains when the store accepted the chain
	// (each from the leaf to an anchor), nil otherwise.
	Verified [][]*x509.Certificate
	// Err is the verdict before the callback: the store's decision, AIA,
	// OCSP and pins; nil when all accepted, otherwise usually a
	// *VerificationError (with the platform's own code when the OS decided).
	Err error
	// Options are the options of this verification.
	Options VerifyOptions
}

// VerifyCallback sees the result of every verification, including results
// served from the verification cache: the callback runs on every call and
// is never cached itself.
//
// Returning nil keeps the verdict: an accepted chain stays accepted, a
// rejected chain stays rejected. Returning an error rejects the chain with
// that error (wrapped in a *VerificationError with ReasonPolicy unless it
// already is one; errors.Is finds the callback's error through Unwrap).
//
// Returning an *Override accepts the chain whatever the verdict. This is
// dangerous: it turns certificate verification off for that connection,
// so return it only after checking the chain yourself, for instance
// against an exact certificate or public-key pin of a self-signed server.
type VerifyCallback func(info VerifyInfo) error

// Override, returned by a VerifyCallback, accepts a chain regardless of the
// verdict. Why must say why (it is kept for logs); Chains, if set, become
// the verified chains reported to the program; otherwise the verified
// chains are reported when there were any, else the presented chain.
//
// Using Override turns off the protection certificate verification gives:
// only return it for a chain you have checked yourself, e.g. by an exact
// certificate or key pin.
type Override struct {
	Why    string
	Chains [][]*x509.Certificate
}

func (o *Override) Error() string { return "trust: verification overridden by callback: " + o.Why }
