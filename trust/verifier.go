package trust

import (
	"context"
	"crypto/x509"
	"errors"
)

// Verify runs a full verification of chain with store: the store's own
// decision, then the extras every backend shares (SPKI pins and the verify
// callback). TLS contexts call this, never store.Verify directly.
func Verify(ctx context.Context, store TrustStore, chain []*x509.Certificate, opts VerifyOptions) ([][]*x509.Certificate, error) {
	if store == nil {
		return nil, &VerificationError{Reason: ReasonUnknownAuthority, Depth: -1, Host: opts.ServerName,
			Detail: "no trust store is configured (set one with Configuration.WithTrustStore)"}
	}
	chains, err := store.Verify(ctx, chain, opts)
	if err == nil && len(opts.Pins) > 0 {
		err = checkPins(chains, chain, opts)
	}
	if opts.Callback != nil {
		return runCallback(chain, chains, err, opts)
	}
	if err != nil {
		return nil, err
	}
	return chains, nil
}

func checkPins(chains [][]*x509.Certificate, presented []*x509.Certificate, opts VerifyOptions) error {
	for _, ch := range chains {
		for _, c := range ch {
			p := PinOf(c)
			for _, want := range opts.Pins {
				if p == want {
					return nil
				}
			}
		}
	}
	return &VerificationError{Reason: ReasonPinMismatch, Certificate: presented[0], Depth: 0, Host: opts.ServerName, Time: opts.Time, IntermediatesSent: len(presented) - 1}
}

func runCallback(presented []*x509.Certificate, chains [][]*x509.Certificate, verdict error, opts VerifyOptions) ([][]*x509.Certificate, error) {
	cbErr := opts.Callback(VerifyInfo{Presented: presented, Verified: chains, Err: verdict, Options: opts})
	if cbErr == nil {
		if verdict != nil {
			return nil, verdict
		}
		return chains, nil
	}
	var ov *Override
	if errors.As(cbErr, &ov) {
		if ov.Chains != nil {
			return ov.Chains, nil
		}
		if chains != nil {
			return chains, nil
		}
		return [][]*x509.Certificate{presented}, nil
	}
	var ve *VerificationError
	if errors.As(cbErr, &ve) {
		return nil, cbErr
	}
	return nil, &VerificationError{Reason: ReasonPolicy, Certificate: presented[0], Depth: 0, Host: opts.ServerName,
		Time: opts.Time, IntermediatesSent: len(presented) - 1, Detail: "rejected by the verify callback: " + cbErr.Error(), Err: cbErr}
}
