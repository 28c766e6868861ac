package linux

import (
	"crypto/x509"
	"errors"
	"time"

	"github.com/nativetls/nativetls/trust"
)

// distrustedIssuerError returns a ReasonDistrusted error when verification
// failed because the chain leads to a distrusted certificate that the peer
// did not send (typically a blocklisted root: it is not in the anchor pool,
// so crypto/x509 reports an unknown authority). It returns nil when no
// distrusted certificate issued any presented certificate.
//
// trust.AnchorStore checks distrust only on presented and built chains;
// this closes the gap for the Linux store.
func distrustedIssuerError(distrusted []*x509.Certificate, sources map[*x509.Certificate]string, chain []*x509.Certificate, opts trust.VerifyOptions, err error, backend string) error {
	var ve *trust.VerificationError
	if !errors.As(err, &ve) || (ve.Reason != trust.ReasonUnknownAuthority && ve.Reason != trust.ReasonMissingIntermediate) {
		return nil
	}
	for _, c := range chain {
		for _, d := range distrusted {
			if string(c.RawIssuer) == string(d.RawSubject) && c.CheckSignatureFrom(d) == nil {
				now := opts.Time
				if now.IsZero() {
					now = time.Now()
				}
				return &trust.VerificationError{Reason: trust.ReasonDistrusted, Certificate: d, Depth: -1,
					Host: opts.ServerName, Time: now, IntermediatesSent: len(chain) - 1, Backend: backend,
					Detail: "it issued " + describe(c) + " and is distrusted by " + sources[d], Err: err}
			}
		}
	}
	return nil
}

func describe(c *x509.Certificate) string {
	if c.Subject.CommonName != "" {
		return "\"" + c.Subject.CommonName + "\""
	}
	return c.Subject.String()
}
