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

// VerifyCallback sees the result of every verification, cache hits
// included. Returning nil keeps the verdict; an error rejects the chain
// (wrapped in a *VerificationError with ReasonPolicy unless it is one;
// errors.Is finds it); an *Override accepts the chain whatever the verdict,
// which turns verification off for that connection (see Override).
type VerifyCallback func(info VerifyInfo) error

// Override, returned by a VerifyCallback, accepts a chain whatever the
// verdict, turning off the protection verification gives: return it only for
// a chain you have checked yourself (by an exact certificate or key pin).
// Why is kept for logs; Chains, if set, are reported as the verified chains,
// else the store's verified chains if any, else the presented chain.
type Override struct {
	Why    string
	Chains [][]*x509.Certificate
}

func (o *Override) Error() string { return "trust: verification overridden by callback: " + o.Why }
