package darwin

import (
	"crypto/x509"
	"slices"
	"time"

	"github.com/nativetls/nativetls/trust"
)

// backendName is the Backend of every VerificationError from this package.
const backendName = "darwin"

// evalFailure is what SecTrustEvaluateWithError reported: the CFError's
// code, domain and description, and the per-certificate details of
// SecTrustCopyResult (the names of the checks each certificate failed,
// leaf first, and the OSStatus codes macOS attaches to each failing
// certificate).
type evalFailure struct {
	Code        int64
	Domain      string
	Description string
	Details     []map[string]bool
	StatusCodes [][]int64 // per certificate, leaf first: the "StatusCodes" array of its details
	Raw         any       // the whole SecTrustCopyResult dictionary, for logs
}

// detailReasons maps the check names of SecTrustCopyResult's
// TrustResultDetails to shared reasons, most specific first: when a
// certificate fails several checks, the first listed wins. The names are
// those of OSX/sec/Security/SecPolicyChecks.list (Security-61901); names
// that never existed or were removed (BasicContraints, ValidIntermediates,
// CertificateTransparency) are not listed.
var detailReasons = []struct {
	key    string
	reason trust.Reason
}{
	// Blocklisted certificates and keys arrive as errSecCertificateRevoked
	// (-67820); the detail says they are distrusted, not revoked.
	{"BlackListedLeaf", trust.ReasonDistrusted},
	{"BlackListedKey", trust.ReasonDistrusted},
	{"GrayListedLeaf", trust.ReasonDistrusted},
	{"GrayListedKey", trust.ReasonDistrusted},
	{"UsageConstraints", trust.ReasonDistrusted},
	{"Revocation", trust.ReasonRevoked},
	{"RevocationResponseRequired", trust.ReasonRevocationUnknown},
	{"TemporalValidity", trust.ReasonExpired},
	{"ValidLeaf", trust.ReasonExpired},
	{"ValidRoot", trust.ReasonExpired},
	{"NotValidBefore", trust.ReasonNotYetValid},
	{"SSLHostname", trust.ReasonHostnameMismatch},
	{"NameConstraints", trust.ReasonNameConstraints},
	{"IssuerNameConstraints", trust.ReasonNameConstraints},
	{"ExtendedKeyUsage", trust.ReasonWrongUsage},
	{"ServerAuthEKU", trust.ReasonWrongUsage},
	{"KeyUsage", trust.ReasonWrongUsage},
	{"NotCA", trust.ReasonWrongUsage},
	// AnchorTrusted: the path ends at a self-signed certificate that is not
	// trusted; MissingIntermediate: it ends at one that is not self-signed
	// (trust/trustd/SecPolicyServer.c,
	// SecPolicyCheckBasicCertificateProcessing, Security-61901). Whether the
	// peer failed to send an intermediate is decided in classifyFailure.
	{"AnchorTrusted", trust.ReasonUnknownAuthority},
	{"MissingIntermediate", trust.ReasonUnknownAuthority},
	{"WeakSignature", trust.ReasonPolicy},
	{"SystemTrustedWeakHash", trust.ReasonPolicy},
	{"WeakKeySize", trust.ReasonPolicy},
	{"KeySize", trust.ReasonPolicy},
	{"SystemTrustedWeakKey", trust.ReasonPolicy},
	{"ValidityPeriodMaximums", trust.ReasonPolicy},
	{"SystemTrustValidityPeriod", trust.ReasonPolicy},
	{"CTRequired", trust.ReasonPolicy},
	{"SystemTrustedCTRequired", trust.ReasonPolicy},
	{"NonTlsCTRequired", trust.ReasonPolicy},
	{"BasicConstraints", trust.ReasonPolicy},
	{"BasicConstraintsCA", trust.ReasonPolicy},
	{"BasicConstraintsPathLen", trust.ReasonPolicy},
	{"PolicyConstraints", trust.ReasonPolicy},
	{"IssuerPolicyConstraints", trust.ReasonPolicy},
	{"IdLinkage", trust.ReasonUnknownAuthority},
	{"BasicCertificateProcessing", trust.ReasonMalformed},
	{"NonEmptySubject", trust.ReasonMalformed},
	{"CriticalExtensions", trust.ReasonMalformed},
	{"UnparseableExtension", trust.ReasonMalformed},
	{"DuplicateExtension", trust.ReasonMalformed},
}

// blocklisted reports whether the details name a blocklist check.
func blocklisted(details []map[string]bool) (int, bool) {
	for depth, d := range details {
		if d["BlackListedLeaf"] || d["BlackListedKey"] || d["GrayListedLeaf"] || d["GrayListedKey"] {
			return depth, true
		}
	}
	return -1, false
}

// untrustedRoot reports whether the details say the path ended at a
// self-signed certificate that is not trusted.
func untrustedRoot(details []map[string]bool) bool {
	for _, d := range details {
		if d["AnchorTrusted"] {
			return true
		}
	}
	return false
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
	r, depth, known := reasonOf(f)
	chain := built
	if len(chain) == 0 {
		chain = presented
	}
	c, depth := locate(r, chain, presented, depth, now)
	if r == trust.ReasonExpired && c != nil && now.Before(c.NotBefore) {
		r = trust.ReasonNotYetValid
	}
	if r == trust.ReasonUnknownAuthority && len(presented) == 1 && !isSelfIssued(presented[0]) && !untrustedRoot(f.Details) {
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

// reasonOf picks the reason and the depth (in the built chain, -1 if
// unknown) from the code and the details: a blocklist detail makes it
// distrusted whatever the code (blocklisted certificates arrive as
// errSecCertificateRevoked); a code that says only "not trusted" defers to
// the detail that names the failed check.
func reasonOf(f evalFailure) (trust.Reason, int, bool) {
	if d, ok := blocklisted(f.Details); ok {
		return trust.ReasonDistrusted, d, true
	}
	r, known := reasonForStatus(f.Code)
	dr, dd, detailed := detailReason(f.Details)
	switch {
	case !known && detailed:
		return dr, dd, true
	case known && genericStatus(f.Code) && detailed && dr != trust.ReasonUnknownAuthority:
		return dr, dd, true
	case known:
		return r, detailLocation(f.Details, r), true
	}
	return r, -1, false
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

// depthIn is c's position in chain, -1 if it is not there (or c is nil).
func depthIn(chain []*x509.Certificate, c *x509.Certificate) int {
	return slices.IndexFunc(chain, func(p *x509.Certificate) bool { return c != nil && p.Equal(c) })
}

func isSelfIssued(c *x509.Certificate) bool {
	return string(c.RawIssuer) == string(c.RawSubject)
}

// resultDetails extracts the per-certificate failed checks from the
// dictionary SecTrustCopyResult returns (converted to Go): its
// "TrustResultDetails" array holds, leaf first, one dictionary per
// certificate whose keys are the checks that certificate failed (with the
// value false). On macOS each failing certificate's dictionary also holds
// "StatusCodes", the OSStatus codes of its failures
// (OSX/sec/Security/SecTrust.c, _SecTrustCopyDetails, Security-61901):
// those are returned in codes, not as a failed check.
func resultDetails(result map[string]any) (failed []map[string]bool, codes [][]int64) {
	arr, _ := result["TrustResultDetails"].([]any)
	failed = make([]map[string]bool, 0, len(arr))
	codes = make([][]int64, 0, len(arr))
	for _, e := range arr {
		m, _ := e.(map[string]any)
		f := map[string]bool{}
		var cs []int64
		for k, v := range m {
			if k == "StatusCodes" {
				cs = statusCodes(v)
				continue
			}
			if b, isBool := v.(bool); !isBool || !b {
				f[k] = true
			}
		}
		failed = append(failed, f)
		codes = append(codes, cs)
	}
	return failed, codes
}

func statusCodes(v any) []int64 {
	arr, _ := v.([]any)
	var out []int64
	for _, c := range arr {
		if n, ok := c.(int64); ok {
			out = append(out, n)
		}
	}
	return out
}
