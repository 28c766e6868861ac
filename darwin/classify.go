package darwin

import (
	"crypto/x509"
	"time"

	"github.com/nativetls/nativetls/trust"
)

// backendName is the Backend of every VerificationError from this package.
const backendName = "darwin"

// evalFailure is what SecTrustEvaluateWithError reported: the CFError's
// code, domain and description, and the per-certificate details of
// SecTrustCopyResult (the names of the checks each certificate failed,
// leaf first).
type evalFailure struct {
	Code        int64
	Domain      string
	Description string
	Details     []map[string]bool
}

// detailReasons maps the check names of SecTrustCopyResult's
// TrustResultDetails (SecPolicyChecks) to shared reasons, most specific
// first: when a certificate fails several checks, the first listed wins.
var detailReasons = []struct {
	key    string
	reason trust.Reason
}{
	{"BlackListedLeaf", trust.ReasonDistrusted},
	{"BlackListedKey", trust.ReasonDistrusted},
	{"GrayListedLeaf", trust.ReasonDistrusted},
	{"GrayListedKey", trust.ReasonDistrusted},
	{"UsageConstraints", trust.ReasonDistrusted},
	{"Revocation", trust.ReasonRevoked},
	{"RevocationResponseRequired", trust.ReasonRevocationUnknown},
	{"TemporalValidity", trust.ReasonExpired},
	{"ValidLeaf", trust.ReasonExpired}, // names used before TemporalValidity
	{"ValidIntermediates", trust.ReasonExpired},
	{"ValidRoot", trust.ReasonExpired},
	{"SSLHostname", trust.ReasonHostnameMismatch},
	{"NameConstraints", trust.ReasonNameConstraints},
	{"ExtendedKeyUsage", trust.ReasonWrongUsage},
	{"ServerAuthEKU", trust.ReasonWrongUsage},
	{"KeyUsage", trust.ReasonWrongUsage},
	// Apple flags MissingIntermediate whenever the path stops short of an
	// anchor; whether the peer failed to send an intermediate is decided
	// from what it presented (classifyFailure), as for crypto/x509.
	{"MissingIntermediate", trust.ReasonUnknownAuthority},
	{"AnchorTrusted", trust.ReasonUnknownAuthority},
	{"WeakSignature", trust.ReasonPolicy},
	{"WeakKeySize", trust.ReasonPolicy},
	{"ValidityPeriodMaximums", trust.ReasonPolicy},
	{"CTRequired", trust.ReasonPolicy},
	{"BasicConstraints", trust.ReasonPolicy},
	{"BasicContraints", trust.ReasonPolicy}, // sic, Apple's spelling
	{"IdLinkage", trust.ReasonUnknownAuthority},
	{"CertificateTransparency", trust.ReasonPolicy},
	{"NonEmptySubject", trust.ReasonMalformed},
	{"CriticalExtensions", trust.ReasonMalformed},
}

// detailLocation returns the depth of the first certificate whose failed
// checks include a check mapped to r, or -1.
func detailLocation(details []map[string]bool, r trust.Reason) int {
	for depth, d := range details {
		for _, dr := range detailReasons {
			if dr.reason == r && d[dr.key] {
				return depth
			}
		}
	}
	return -1
}

// detailReason returns the reason of the first failed check in details,
// certificate by certificate from the leaf.
func detailReason(details []map[string]bool) (trust.Reason, int, bool) {
	for depth, d := range details {
		for _, dr := range detailReasons {
			if d[dr.key] {
				return dr.reason, depth, true
			}
		}
	}
	return trust.ReasonUnknown, -1, false
}

// classifyFailure turns the OS verdict into the shared error. The OSStatus
// decides the reason when it is known; the result details then say which
// certificate it is about. Unknown codes keep their number, their name if
// any, and the CFError description.
func classifyFailure(f evalFailure, presented, built []*x509.Certificate, opts trust.VerifyOptions, now time.Time) *trust.VerificationError {
	r, known := ReasonForStatus(f.Code)
	depth := -1
	dr, dd, detailed := detailReason(f.Details)
	switch {
	case !known && detailed:
		r, depth, known = dr, dd, true
	case known && genericStatus(f.Code) && detailed && dr != trust.ReasonUnknownAuthority:
		// errSecNotTrusted says only "not trusted"; the details name the
		// check that failed (an expired intermediate, a wrong EKU …).
		r, depth = dr, dd
	case known:
		depth = detailLocation(f.Details, r)
	}
	chain := built
	if len(chain) == 0 {
		chain = presented
	}
	c, depth := locate(r, chain, presented, depth, now)
	if r == trust.ReasonExpired && c != nil && now.Before(c.NotBefore) {
		r = trust.ReasonNotYetValid
	}
	if r == trust.ReasonUnknownAuthority && len(presented) == 1 && !isSelfIssued(presented[0]) {
		r, c, depth = trust.ReasonMissingIntermediate, presented[0], 0
	}
	ve := &trust.VerificationError{
		Reason:            r,
		Certificate:       c,
		Depth:             depth,
		Host:              opts.ServerName,
		Time:              now,
		IntermediatesSent: len(presented) - 1,
		Backend:           backendName,
		PlatformCode:      f.Code,
		PlatformCodeName:  knownStatusName(f.Code),
		Err:               &StatusError{Op: "SecTrustEvaluateWithError", Code: f.Code, Domain: f.Domain, Description: f.Description},
	}
	if !known || r == trust.ReasonPolicy || r == trust.ReasonMalformed {
		ve.Detail = f.Description
	}
	return ve
}

// genericStatus reports codes that say only that the chain is not trusted.
func genericStatus(code int64) bool {
	return code == -67843 || code == -25318 // errSecNotTrusted, errSecCreateChainFailed
}

// locate picks the certificate a reason is about: the one the details
// named, else the first certificate that is out of its validity window
// (time reasons), the top of the chain (authority reasons) or the leaf.
// The depth returned is the position in the presented chain, -1 if the
// certificate was not presented (an anchor or a fetched intermediate).
func locate(r trust.Reason, chain, presented []*x509.Certificate, hint int, now time.Time) (*x509.Certificate, int) {
	var c *x509.Certificate
	switch {
	case hint >= 0 && hint < len(chain):
		c = chain[hint]
	case r == trust.ReasonExpired || r == trust.ReasonNotYetValid:
		for _, cand := range chain {
			if now.After(cand.NotAfter) || now.Before(cand.NotBefore) {
				c = cand
				break
			}
		}
	case r == trust.ReasonUnknownAuthority || r == trust.ReasonDistrusted:
		if len(chain) > 0 {
			c = chain[len(chain)-1]
		}
	}
	if c == nil && len(presented) > 0 {
		c = presented[0]
	}
	return c, depthIn(presented, c)
}

func depthIn(chain []*x509.Certificate, c *x509.Certificate) int {
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

func isSelfIssued(c *x509.Certificate) bool {
	return string(c.RawIssuer) == string(c.RawSubject)
}

// resultDetails extracts the per-certificate failed checks from the
// dictionary SecTrustCopyResult returns (converted to Go): its
// "TrustResultDetails" array holds, leaf first, one dictionary per
// certificate whose keys are the checks that certificate failed (with the
// value false).
func resultDetails(result map[string]any) []map[string]bool {
	arr, _ := result["TrustResultDetails"].([]any)
	out := make([]map[string]bool, 0, len(arr))
	for _, e := range arr {
		m, _ := e.(map[string]any)
		failed := map[string]bool{}
		for k, v := range m {
			if b, isBool := v.(bool); !isBool || !b {
				failed[k] = true
			}
		}
		out = append(out, failed)
	}
	return out
}
