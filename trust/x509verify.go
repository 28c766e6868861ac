package trust

import (
	"context"
	"crypto/x509"
	"errors"
	"time"
)

// verifyWithAnchors verifies chain against the anchors of s trusted for
// opts.Usage, then applies the store's distrust.
func verifyWithAnchors(ctx context.Context, s *AnchorStore, chain []*x509.Certificate, opts VerifyOptions) ([][]*x509.Certificate, error) {
	return verifyWithPool(ctx, s, s.pool(opts.Usage), chain, opts)
}

func verifyWithPool(_ context.Context, s *AnchorStore, roots *x509.CertPool, chain []*x509.Certificate, opts VerifyOptions) ([][]*x509.Certificate, error) {
	now := opts.Time
	if now.IsZero() {
		now = time.Now()
	}
	inter := x509.NewCertPool()
	for _, c := range chain[1:] {
		inter.AddCert(c)
	}
	vo := x509.VerifyOptions{
		DNSName:       opts.ServerName,
		Roots:         roots,
		Intermediates: inter,
		CurrentTime:   now,
		KeyUsages:     []x509.ExtKeyUsage{opts.Usage.ExtKeyUsage()},
	}
	for _, c := range chain {
		if s.IsDistrusted(c) {
			return nil, newVerificationError(ReasonDistrusted, chain, c, opts, now, s.name, nil)
		}
	}
	chains, err := chain[0].Verify(vo)
	if err != nil {
		return nil, classify(err, chain, opts, now, s.name)
	}
	return filterChains(s, chains, chain, opts, now)
}

// filterChains drops chains that use a distrusted certificate or violate an
// anchor's distrust-after date.
func filterChains(s *AnchorStore, chains [][]*x509.Certificate, presented []*x509.Certificate, opts VerifyOptions, now time.Time) ([][]*x509.Certificate, error) {
	var ok [][]*x509.Certificate
	var firstBad *x509.Certificate
	for _, ch := range chains {
		bad := false
		for _, c := range ch {
			if s.IsDistrusted(c) {
				bad, firstBad = true, c
				break
			}
		}
		if !bad {
			if a, found := s.anchorFor(ch[len(ch)-1]); found && !a.DistrustAfter.IsZero() &&
				opts.Usage == UsageServerAuth && ch[0].NotBefore.After(a.DistrustAfter) {
				bad, firstBad = true, ch[len(ch)-1]
			}
		}
		if !bad {
			ok = append(ok, ch)
		}
	}
	if len(ok) == 0 {
		return nil, newVerificationError(ReasonDistrusted, presented, firstBad, opts, now, s.name, nil)
	}
	return ok, nil
}

func newVerificationError(r Reason, chain []*x509.Certificate, c *x509.Certificate, opts VerifyOptions, now time.Time, backend string, err error) *VerificationError {
	depth := -1
	for i, p := range chain {
		if c != nil && p.Equal(c) {
			depth = i
		}
	}
	return &VerificationError{Reason: r, Certificate: c, Depth: depth, Host: opts.ServerName,
		Time: now, IntermediatesSent: len(chain) - 1, Backend: backend, Err: err}
}

// classify turns a crypto/x509 error into a VerificationError.
func classify(err error, chain []*x509.Certificate, opts VerifyOptions, now time.Time, backend string) *VerificationError {
	var (
		ci x509.CertificateInvalidError
		he x509.HostnameError
		ua x509.UnknownAuthorityError
	)
	switch {
	case errors.As(err, &he):
		return newVerificationError(ReasonHostnameMismatch, chain, he.Certificate, opts, now, backend, err)
	case errors.As(err, &ua):
		c := ua.Cert
		if c == nil {
			c = chain[0]
		}
		r := ReasonUnknownAuthority
		if len(chain) == 1 && !isSelfIssued(c) {
			r = ReasonMissingIntermediate
		}
		return newVerificationError(r, chain, c, opts, now, backend, err)
	case errors.As(err, &ci):
		c := ci.Cert
		r := ReasonUnknown
		switch ci.Reason {
		case x509.Expired:
			if c != nil && now.Before(c.NotBefore) {
				r = ReasonNotYetValid
			} else {
				r = ReasonExpired
			}
		case x509.IncompatibleUsage:
			r = ReasonWrongUsage
		case x509.CANotAuthorizedForThisName, x509.CANotAuthorizedForExtKeyUsage:
			r = ReasonNameConstraints
			if ci.Reason == x509.CANotAuthorizedForExtKeyUsage {
				r = ReasonWrongUsage
			}
		case x509.TooManyIntermediates, x509.TooManyConstraints, x509.NotAuthorizedToSign, x509.NoValidChains:
			r = ReasonPolicy
		case x509.UnconstrainedName:
			r = ReasonNameConstraints
		}
		ve := newVerificationError(r, chain, c, opts, now, backend, err)
		if r == ReasonPolicy || r == ReasonUnknown {
			ve.Detail = err.Error()
		}
		return ve
	}
	ve := newVerificationError(ReasonUnknown, chain, chain[0], opts, now, backend, err)
	return ve
}

func isSelfIssued(c *x509.Certificate) bool {
	return string(c.RawIssuer) == string(c.RawSubject)
}
