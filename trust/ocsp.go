package trust

import (
	"bytes"
	"context"
	"crypto/x509"
	"encoding/asn1"
	"errors"
	"fmt"
	"time"

	"golang.org/x/crypto/ocsp"

	"github.com/nativetls/nativetls/trust/internal/profile"
)

// OCSP for the leaf certificate. A stapled response (the TLS
// status_request extension; crypto/tls ConnectionState.OCSPResponse) is
// checked against the verified chain: its signature, that the signer is the
// issuer or a responder the issuer delegated to (id-kp-OCSPSigning, valid
// now), that it is fresh (thisUpdate not in the future, nextUpdate not
// passed, both with ocspSkew of tolerance) and the certificate's status.
//
// Policy (VerifyOptions.Revocation):
//   - off: nothing is checked, must-staple included;
//   - soft-fail (default): a revoked status fails; a response that cannot be
//     verified or is stale counts as "no answer", which passes unless the
//     certificate is must-staple;
//   - hard-fail: the status must be known good: from a valid stapled
//     response, an online query (OnlineOCSP) or an explicit CRL.
//
// Must-staple: a leaf carrying the TLS feature extension
// (1.3.6.1.5.5.7.1.24) with status_request requires a valid stapled
// response whatever the policy except off.

// ocspSkew is the clock tolerance applied to thisUpdate and nextUpdate.
const ocspSkew = 5 * time.Minute

// ocspMaxAgeWithoutNextUpdate bounds a response that has no nextUpdate:
// ten days, the longest validity the CA/B Forum allows for OCSP responses.
const ocspMaxAgeWithoutNextUpdate = 10 * 24 * time.Hour

// tlsFeatureStatusRequest is the TLS extension number of status_request.
const tlsFeatureStatusRequest = 5

// mustStaple reports whether c carries the TLS feature extension with
// status_request (RFC 7633 "OCSP must-staple").
func mustStaple(c *x509.Certificate) bool {
	e := profile.FindExt(c, profile.OIDExtTLSFeature)
	if e == nil {
		return false
	}
	var features []int
	if rest, err := asn1.Unmarshal(e.Value, &features); err != nil || len(rest) != 0 {
		return true // unparseable: treat as the strictest reading
	}
	for _, f := range features {
		if f == tlsFeatureStatusRequest {
			return true
		}
	}
	return false
}

// OCSPError reports an OCSP response that could not be used.
type OCSPError struct {
	Source string // "stapled" or the responder URL
	Err    error
}

func (e *OCSPError) Error() string { return "trust: " + e.detail() }

func (e *OCSPError) detail() string { return fmt.Sprintf("%s OCSP response: %v", e.Source, e.Err) }

// Unwrap returns the cause.
func (e *OCSPError) Unwrap() error { return e.Err }

// checkOCSPResponse parses der, an OCSP response for leaf, and checks its
// signature, the responder's authority (issuer or delegated responder with
// id-kp-OCSPSigning), and its freshness at now. It returns the response;
// the caller looks at Status.
func checkOCSPResponse(der []byte, leaf, issuer *x509.Certificate, now time.Time) (*ocsp.Response, error) {
	// No issuer here: given one, x/crypto/ocsp requires an embedded
	// certificate to be signed by the issuer, which rejects the common
	// response signed by the issuer with the issuer's own certificate
	// embedded (the openssl ocsp default). It still checks the response's
	// signature with the embedded certificate's key; checkOCSPSigner
	// decides whether that key may speak for the issuer.
	resp, err := ocsp.ParseResponseForCert(der, leaf, nil)
	if err != nil {
		return nil, err
	}
	if err := checkOCSPSigner(resp, issuer, now); err != nil {
		return nil, err
	}
	if err := checkOCSPCertID(der, resp, leaf, issuer); err != nil {
		return nil, err
	}
	if resp.ThisUpdate.After(now.Add(ocspSkew)) {
		return nil, fmt.Errorf("thisUpdate %s is in the future", fmtTime(resp.ThisUpdate))
	}
	switch {
	case !resp.NextUpdate.IsZero() && now.After(resp.NextUpdate.Add(ocspSkew)):
		return nil, fmt.Errorf("stale: nextUpdate %s has passed", fmtTime(resp.NextUpdate))
	case resp.NextUpdate.IsZero() && now.Sub(resp.ThisUpdate) > ocspMaxAgeWithoutNextUpdate:
		return nil, fmt.Errorf("stale: produced %s and has no nextUpdate", fmtTime(resp.ThisUpdate))
	}
	return resp, nil
}

// checkOCSPSigner accepts a response signed by the issuer (with no
// certificate embedded, or with the issuer's own certificate embedded: the
// same bytes, or the same subject and key) or by a responder certificate the
// issuer signed for id-kp-OCSPSigning, valid at now.
func checkOCSPSigner(resp *ocsp.Response, issuer *x509.Certificate, now time.Time) error {
	rc := resp.Certificate
	if rc == nil {
		if err := resp.CheckSignatureFrom(issuer); err != nil {
			return fmt.Errorf("bad OCSP signature: not signed by the issuer %q: %w", subjectName(issuer), err)
		}
		return nil
	}
	// The parser verified the response's signature with rc's key.
	if rc.Equal(issuer) || (bytes.Equal(rc.RawSubject, issuer.RawSubject) && bytes.Equal(rc.RawSubjectPublicKeyInfo, issuer.RawSubjectPublicKeyInfo)) {
		return nil
	}
	if !hasEKU(rc, x509.ExtKeyUsageOCSPSigning) {
		return fmt.Errorf("signed by %q, which the issuer did not authorise for OCSP (no id-kp-OCSPSigning)", subjectName(rc))
	}
	if !bytes.Equal(rc.RawIssuer, issuer.RawSubject) {
		return fmt.Errorf("signed by %q, which is not issued by %q", subjectName(rc), subjectName(issuer))
	}
	if err := issuer.CheckSignature(rc.SignatureAlgorithm, rc.RawTBSCertificate, rc.Signature); err != nil {
		return fmt.Errorf("signed by %q, whose certificate names %q as issuer but does not carry its signature: %w", subjectName(rc), subjectName(issuer), err)
	}
	if now.Before(rc.NotBefore) || now.After(rc.NotAfter) {
		return fmt.Errorf("the responder certificate %q is not valid at %s", subjectName(rc), fmtTime(now))
	}
	return nil
}

func hasEKU(c *x509.Certificate, u x509.ExtKeyUsage) bool {
	for _, e := range c.ExtKeyUsage {
		if e == u {
			return true
		}
	}
	return false
}

// checkRevocation applies the OCSP policy to the leaf of the first verified
// chain. It returns the nextUpdate of the response that vouched for the
// leaf (zero if none), which bounds how long the result may be cached.
func (v *Verifier) checkRevocation(ctx context.Context, chains [][]*x509.Certificate, presented []*x509.Certificate, opts VerifyOptions, now time.Time) (time.Time, error) {
	if opts.Revocation == RevocationOff || len(chains) == 0 || len(chains[0]) < 2 {
		return time.Time{}, nil
	}
	leaf, issuer := chains[0][0], chains[0][1]
	fail := func(r Reason, detail string, err error) (time.Time, error) {
		return time.Time{}, &VerificationError{Reason: r, Certificate: leaf, Depth: 0, Host: opts.ServerName, Time: now,
			IntermediatesSent: len(presented) - 1, Detail: detail, Err: err}
	}
	mustStaple := mustStaple(leaf)
	var problems []string
	if len(opts.OCSPResponse) > 0 {
		resp, err := checkOCSPResponse(opts.OCSPResponse, leaf, issuer, now)
		if err == nil {
			if until, done, ferr := ocspVerdict(resp, "stapled", fail); done {
				return until, ferr
			}
			problems = append(problems, "the stapled OCSP response says the status is unknown")
		} else {
			problems = append(problems, (&OCSPError{Source: "stapled", Err: err}).detail())
		}
	}
	if mustStaple {
		if len(problems) == 0 {
			problems = append(problems, "the server sent no OCSP response")
		}
		return fail(ReasonRevocationUnknown, "the certificate is must-staple (TLS feature status_request) and "+problems[0], nil)
	}
	if opts.OnlineOCSP && len(leaf.OCSPServer) > 0 {
		resp, err := v.ocspClient().Query(ctx, leaf, issuer, now)
		if err == nil {
			if until, done, ferr := ocspVerdict(resp, leaf.OCSPServer[0], fail); done {
				return until, ferr
			}
			problems = append(problems, "the OCSP responder says the status is unknown")
		} else {
			problems = append(problems, ocspProblem(err))
		}
	}
	if opts.Revocation == RevocationHardFail && !crlCoversLeaf(chains[0], opts, now) {
		if len(problems) == 0 {
			problems = append(problems, "no stapled OCSP response, no online OCSP answer and no CRL covers it")
		}
		return fail(ReasonRevocationUnknown, problems[0], nil)
	}
	if opts.OnlineOCSP && len(leaf.OCSPServer) > 0 {
		// Soft-fail passed without an answer: ask again soon rather than
		// caching the pass for the certificate's whole life.
		return now.Add(ocspRetryAfter), nil
	}
	return time.Time{}, nil
}

// ocspRetryAfter bounds how long a soft-fail pass without an OCSP answer
// is cached when online OCSP was asked for.
const ocspRetryAfter = 10 * time.Minute

// ocspVerdict turns a verified response into a result: done is false for
// status unknown (the caller goes on).
func ocspVerdict(resp *ocsp.Response, source string, fail func(Reason, string, error) (time.Time, error)) (time.Time, bool, error) {
	switch resp.Status {
	case ocsp.Good:
		until := resp.NextUpdate
		if until.IsZero() {
			until = resp.ThisUpdate.Add(ocspMaxAgeWithoutNextUpdate)
		}
		return until, true, nil
	case ocsp.Revoked:
		_, err := fail(ReasonRevoked, fmt.Sprintf("the %s OCSP response says it was revoked on %s (reason %s)",
			sourceName(source), fmtTime(resp.RevokedAt), revocationReason(resp.RevocationReason)), nil)
		return time.Time{}, true, err
	}
	return time.Time{}, false, nil
}

// ocspProblem describes an online query's failure for a verification
// error's Detail, without the package prefix.
func ocspProblem(err error) string {
	var oe *OCSPError
	if errors.As(err, &oe) {
		return oe.detail()
	}
	return err.Error()
}

func sourceName(s string) string {
	if s == "stapled" {
		return "stapled"
	}
	return "online (" + s + ")"
}

func revocationReason(r int) string {
	names := []string{"unspecified", "keyCompromise", "cACompromise", "affiliationChanged", "superseded",
		"cessationOfOperation", "certificateHold", "", "removeFromCRL", "privilegeWithdrawn", "aACompromise"}
	if r >= 0 && r < len(names) && names[r] != "" {
		return names[r]
	}
	return fmt.Sprintf("%d", r)
}

var errNoOCSPServer = errors.New("the certificate names no OCSP responder")
