package trust

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/nativetls/nativetls/trust/internal/profile"
)

// verifyWithAnchors verifies chain against the anchors of s trusted for
// opts.Usage, then applies the store's distrust.
func verifyWithAnchors(ctx context.Context, s *AnchorStore, chain []*x509.Certificate, opts VerifyOptions) ([][]*x509.Certificate, error) {
	return verifyWithPool(ctx, s, s.pool(opts.Usage), s.memo, chain, opts)
}

// verifyWithPool is the decision of AnchorStore and CertPoolStore:
//
//  1. distrusted certificates among those presented are rejected at once;
//  2. crypto/x509 builds and checks every chain to an anchor in roots
//     (signatures, validity, name, extended key usage, name constraints);
//     with a memo (an AnchorStore's, see sigmemo.go), a new leaf under
//     intermediates already verified has only its own link checked;
//  3. chains through a distrusted certificate or past an anchor's
//     distrust-after date are dropped; the others are returned.
//
// Max depth, the profile checks and the explicit CRLs are not the store's:
// the Verifier applies them to the chains of every store (pipeline.go).
//
// Every failure is a *VerificationError naming the certificate, its depth
// in the presented chain, the host, the time and how many intermediates
// the peer sent.
func verifyWithPool(_ context.Context, s *AnchorStore, roots *x509.CertPool, memo *chainMemo, chain []*x509.Certificate, opts VerifyOptions) ([][]*x509.Certificate, error) {
	now := opts.Time
	if now.IsZero() {
		now = time.Now()
	}
	if i := nilIndex(chain); i >= 0 {
		return nil, &VerificationError{Reason: ReasonMalformed, Depth: i, Host: opts.ServerName, Time: now, IntermediatesSent: len(chain) - 1,
			Backend: s.name, Detail: fmt.Sprintf("certificate %d of the presented chain is missing (nil); pass only parsed certificates", i)}
	}
	for _, c := range chain {
		if s.hasDistrust() && s.IsDistrusted(c) {
			return nil, newVerificationError(ReasonDistrusted, chain, c, opts, now, s.name, nil)
		}
	}
	vo := x509.VerifyOptions{
		DNSName: opts.ServerName,
		Roots:   roots,
		// Certificate times have one-second granularity; compare at that
		// granularity (the reading CAs in the Web PKI are held to), so a
		// certificate is valid for the whole second of its notAfter.
		CurrentTime: now.Truncate(time.Second),
		KeyUsages:   []x509.ExtKeyUsage{opts.Usage.ExtKeyUsage()},
	}
	var key [32]byte
	if memo != nil {
		key = memoKey(opts.Usage, chain)
		if chains := memo.lookup(key, chain, vo); chains != nil {
			return filterChains(s, chains, chain, opts, now)
		}
	}
	vo.Intermediates = x509.NewCertPool()
	for _, c := range chain[1:] {
		vo.Intermediates.AddCert(c)
	}
	chains, err := chain[0].Verify(vo)
	if err == nil && memo != nil {
		memo.record(key, s, chain, chains, opts.Usage)
	}
	if err != nil {
		if ch, handled, rerr := retryIfRelaxable(s, chain, vo, opts.Usage, err); handled {
			var ve *VerificationError
			if errors.As(rerr, &ve) {
				return nil, completeError(ve, chain, opts, now, s.name)
			}
			chains, err = ch, rerr
		}
	}
	if err != nil {
		return nil, classify(err, chain, opts, now, s.name)
	}
	return filterChains(s, chains, chain, opts, now)
}

// retryIfRelaxable retries (see relax.go) when crypto/x509 refused the
// chain only for an unhandled name-constraint form, or for a path length or
// name constraint that it applied to self-issued intermediates.
func retryIfRelaxable(s *AnchorStore, chain []*x509.Certificate, vo x509.VerifyOptions, u Usage, err error) ([][]*x509.Certificate, bool, error) {
	var uce x509.UnhandledCriticalExtension
	var ci x509.CertificateInvalidError
	switch {
	case errors.As(err, &uce):
		return retryRelaxed(s, chain, vo, u, profile.RelaxNC, profile.CheckExtraConstraints, ReasonNameConstraints)
	case errors.As(err, &ci) && ci.Reason == x509.TooManyIntermediates:
		return retryRelaxed(s, chain, vo, u, profile.RelaxPathLen, profile.CheckPathLen, ReasonPolicy)
	case errors.As(err, &ci) && ci.Reason == x509.CANotAuthorizedForThisName:
		return retryRelaxed(s, chain, vo, u, profile.RelaxSelfIssuedSANs(chain[0]), profile.NoPostCheck, ReasonNameConstraints)
	}
	return nil, false, nil
}

// completeError fills the context fields of a check's error from the
// presented chain.
func completeError(err error, presented []*x509.Certificate, opts VerifyOptions, now time.Time, backend string) error {
	var ve *VerificationError
	if !errors.As(err, &ve) {
		return err
	}
	ve.Depth = depthOf(presented, ve.Certificate)
	ve.Host, ve.Time, ve.IntermediatesSent, ve.Usage = opts.ServerName, now, len(presented)-1, opts.Usage
	if ve.Backend == "" {
		ve.Backend = backend
	}
	return ve
}

// hasDistrust reports whether the store distrusts anything, so that the
// common case skips hashing every certificate.
func (s *AnchorStore) hasDistrust() bool { return len(s.distrusted) > 0 || len(s.distrustPK) > 0 }

func depthOf(chain []*x509.Certificate, c *x509.Certificate) int {
	if c == nil {
		return -1
	}
	for i, p := range chain {
		if p.Equal(c) {
			return i
		}
	}
	return -1
}

// filterChains drops chains that use a distrusted certificate or violate an
// anchor's distrust-after date.
func filterChains(s *AnchorStore, chains [][]*x509.Certificate, presented []*x509.Certificate, opts VerifyOptions, now time.Time) ([][]*x509.Certificate, error) {
	var ok [][]*x509.Certificate
	var firstBad *x509.Certificate
	var detail string
	for _, ch := range chains {
		bad := false
		for _, c := range ch {
			if s.hasDistrust() && s.IsDistrusted(c) {
				bad, firstBad = true, c
				break
			}
		}
		if !bad {
			if a, found := s.anchorFor(ch[len(ch)-1]); found && !a.DistrustAfter.IsZero() &&
				opts.Usage == UsageServerAuth && ch[0].NotBefore.After(a.DistrustAfter) {
				bad, firstBad = true, ch[len(ch)-1]
				detail = "its issuer " + subjectName(firstBad) + " is distrusted for server certificates issued after " + fmtTime(a.DistrustAfter)
			}
		}
		if !bad {
			ok = append(ok, ch)
		}
	}
	if len(ok) == 0 {
		ve := newVerificationError(ReasonDistrusted, presented, firstBad, opts, now, s.name, nil)
		ve.Detail = detail
		return nil, ve
	}
	return ok, nil
}

func newVerificationError(r Reason, chain []*x509.Certificate, c *x509.Certificate, opts VerifyOptions, now time.Time, backend string, err error) *VerificationError {
	return &VerificationError{Reason: r, Certificate: c, Depth: depthOf(chain, c), Host: opts.ServerName,
		Time: now, IntermediatesSent: len(chain) - 1, Backend: backend, Usage: opts.Usage, Err: err}
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
		return classifyUnknownAuthority(ua, err, chain, opts, now, backend)
	case errors.As(err, &ci):
		return classifyInvalid(ci, err, chain, opts, now, backend)
	}
	ve := newVerificationError(ReasonUnknown, chain, chain[0], opts, now, backend, err)
	var uce x509.UnhandledCriticalExtension
	if errors.As(err, &uce) {
		ve.Reason = ReasonMalformed
		ve.Detail = "a certificate of the chain has a critical extension this verifier does not handle"
		for i, c := range chain {
			if len(c.UnhandledCriticalExtensions) > 0 {
				ve.Certificate, ve.Depth = c, i
				ve.Detail = fmt.Sprintf("it has a critical extension this verifier does not handle (%s)", c.UnhandledCriticalExtensions[0])
				break
			}
		}
	}
	return ve
}

func classifyUnknownAuthority(ua x509.UnknownAuthorityError, err error, chain []*x509.Certificate, opts VerifyOptions, now time.Time, backend string) *VerificationError {
	c := ua.Cert
	if c == nil {
		c = chain[0]
	}
	r := missingIssuerReason(c, chain)
	ve := newVerificationError(r, chain, c, opts, now, backend, err)
	// crypto/x509 says "possibly because of …" when a candidate issuer was
	// found whose signature did not verify.
	if m := candidateRe.FindStringSubmatch(err.Error()); m != nil {
		ve.Reason = ReasonBadSignature
		ve.Detail = fmt.Sprintf("a certificate named %q was found but its key did not sign it (%s)", m[2], strings.TrimPrefix(m[1], "x509: "))
	}
	return ve
}

var candidateRe = regexp.MustCompile(`possibly because of "(.*)" while trying to verify candidate authority certificate "(.*)"\)`)

// issuerAmong reports whether some certificate of chain has c's issuer as
// its subject.
func issuerAmong(c *x509.Certificate, chain []*x509.Certificate) bool {
	for _, p := range chain {
		if p != c && string(p.RawSubject) == string(c.RawIssuer) {
			return true
		}
	}
	return false
}

func classifyInvalid(ci x509.CertificateInvalidError, err error, chain []*x509.Certificate, opts VerifyOptions, now time.Time, backend string) *VerificationError {
	c := ci.Cert
	r := ReasonUnknown
	switch ci.Reason {
	case x509.Expired:
		r = ReasonExpired
		if c != nil && now.Before(c.NotBefore) {
			r = ReasonNotYetValid
		}
	case x509.IncompatibleUsage, x509.CANotAuthorizedForExtKeyUsage:
		r = ReasonWrongUsage
	case x509.CANotAuthorizedForThisName, x509.UnconstrainedName, x509.TooManyConstraints:
		r = ReasonNameConstraints
	case x509.TooManyIntermediates, x509.NotAuthorizedToSign, x509.NoValidChains:
		r = ReasonPolicy
	}
	ve := newVerificationError(r, chain, c, opts, now, backend, err)
	switch r {
	case ReasonPolicy, ReasonUnknown, ReasonNameConstraints:
		ve.Detail = invalidDetail(ci)
	case ReasonWrongUsage:
		ve.Detail = usageDetail(c, opts.Usage)
	}
	return ve
}

// invalidReasonText says, in the project's words, what each crypto/x509
// CertificateInvalidError reason means; invalidDetail adds the error's
// own detail (the name or constraint concerned).
var invalidReasonText = map[x509.InvalidReason]string{
	x509.NotAuthorizedToSign:        "certificate is not authorized to sign other certificates",
	x509.CANotAuthorizedForThisName: "a root or intermediate certificate is not authorized to sign for this name",
	x509.TooManyIntermediates:       "too many intermediates for path length constraint",
	x509.NameMismatch:               "issuer name does not match subject from issuing certificate",
	x509.NameConstraintsWithoutSANs: "issuer has name constraints but leaf doesn't have a SAN extension",
	x509.UnconstrainedName:          "issuer has name constraints but leaf contains unknown or unconstrained name",
	x509.TooManyConstraints:         "too many name constraints to check",
	x509.NoValidChains:              "no valid chains built",
}

func invalidDetail(ci x509.CertificateInvalidError) string {
	s, ok := invalidReasonText[ci.Reason]
	if !ok {
		s = fmt.Sprintf("the chain is invalid (crypto/x509 reason %d)", ci.Reason)
	}
	if ci.Detail != "" {
		s += ": " + ci.Detail
	}
	return s
}

// usageDetail says which usage was asked for and which the certificate has.
func usageDetail(c *x509.Certificate, u Usage) string {
	if c == nil {
		return ""
	}
	var have []string
	for _, e := range c.ExtKeyUsage {
		have = append(have, profile.EKUName(e))
	}
	if len(have) == 0 && len(c.UnknownExtKeyUsage) > 0 {
		have = append(have, "only unknown purposes")
	}
	return "asked for " + u.String() + ", the certificate allows " + strings.Join(have, ", ")
}
