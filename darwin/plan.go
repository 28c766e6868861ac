package darwin

import (
	"context"
	"crypto/x509"
	"strings"
	"time"

	"github.com/nativetls/nativetls/trust"
)

// policyKind is the SecPolicy a verification or trust setting uses.
type policyKind int

const (
	policySSLServer policyKind = iota // SecPolicyCreateSSL(true, name): the peer is a TLS server
	policySSLClient                   // SecPolicyCreateSSL(false, NULL): the peer is a TLS client
	policyBasic                       // SecPolicyCreateBasicX509(): chain and validity only
)

// String names the policy as Security.framework does.
func (p policyKind) String() string {
	switch p {
	case policySSLServer:
		return "sslServer"
	case policySSLClient:
		return "sslClient"
	}
	return "basicX509"
}

// SecRevocation flags (SecPolicyCreateRevocation).
const (
	revocationOCSP            = 1 << 0 // kSecRevocationOCSPMethod
	revocationCRL             = 1 << 1 // kSecRevocationCRLMethod
	revocationRequirePositive = 1 << 3 // kSecRevocationRequirePositiveResponse
	revocationNetworkDisabled = 1 << 4 // kSecRevocationNetworkAccessDisabled
	revocationAnyMethod       = revocationOCSP | revocationCRL
)

// verifyPlan is everything the FFI layer must do for one
// SecTrustEvaluateWithError call, decided here from the options.
type verifyPlan struct {
	Certs        [][]byte // DER, leaf first: SecTrustCreateWithCertificates
	Anchors      [][]byte // extra roots: SecTrustSetAnchorCertificates + …Only(false); nil: none
	Policy       policyKind
	Hostname     string    // the name given to SecPolicyCreateSSL ("" for none)
	Revocation   uint      // flags for SecPolicyCreateRevocation; 0: no revocation policy added
	OCSP         []byte    // SecTrustSetOCSPResponse; nil: none
	Date         time.Time // SecTrustSetVerifyDate; zero: now
	NetworkFetch bool      // SecTrustSetNetworkFetchAllowed
}

// planVerify decides the SecTrust set-up for chain under opts:
// server authentication uses the SSL server policy with the host name (IP
// literals without brackets); client authentication the SSL client
// policy; any other usage the basic X.509 policy, with host name and
// extended key usage checked afterwards in Go. Revocation off passes no
// OCSP staple and adds no revocation policy; soft-fail leaves Apple's
// default and adds an any-method policy when online OCSP is allowed;
// hard-fail requires a positive response, from the staple alone when
// fetching is disabled.
func planVerify(chain, anchors []*x509.Certificate, opts trust.VerifyOptions) verifyPlan {
	p := verifyPlan{Date: opts.Time, NetworkFetch: !opts.DisableFetch}
	for _, c := range chain {
		p.Certs = append(p.Certs, c.Raw)
	}
	for _, c := range anchors {
		p.Anchors = append(p.Anchors, c.Raw)
	}
	switch opts.Usage {
	case trust.UsageServerAuth:
		p.Policy = policySSLServer
		p.Hostname = strings.TrimSuffix(strings.TrimPrefix(opts.ServerName, "["), "]")
	case trust.UsageClientAuth:
		p.Policy = policySSLClient
	default:
		p.Policy = policyBasic
	}
	switch opts.Revocation {
	case trust.RevocationOff:
	case trust.RevocationHardFail:
		p.OCSP = opts.OCSPResponse
		p.Revocation = revocationAnyMethod | revocationRequirePositive
		if opts.DisableFetch {
			p.Revocation |= revocationNetworkDisabled
		}
	default:
		p.OCSP = opts.OCSPResponse
		if opts.OnlineOCSP {
			p.Revocation = revocationAnyMethod
		}
	}
	return p
}

// evalResult is the outcome of one evaluation as the FFI layer reports it.
type evalResult struct {
	Trusted bool
	Chain   [][]byte // SecTrustCopyCertificateChain, leaf first (also on failure, when available)
	Failure evalFailure
}

// runWithContext runs a blocking evaluation and returns early when ctx is
// done; the evaluation then finishes in the background and releases its
// objects itself. SecTrustEvaluateWithError cannot be interrupted, and
// trustd may spend seconds fetching intermediates or revocation data.
func runWithContext(ctx context.Context, f func() (evalResult, error)) (evalResult, error) {
	if err := ctx.Err(); err != nil {
		return evalResult{}, err
	}
	if ctx.Done() == nil {
		return f()
	}
	type out struct {
		r   evalResult
		err error
	}
	ch := make(chan out, 1)
	go func() {
		r, err := f()
		ch <- out{r, err}
	}()
	select {
	case o := <-ch:
		return o.r, o.err
	case <-ctx.Done():
		return evalResult{}, ctx.Err()
	}
}

// postChecks applies, after the OS accepted the chain, what the chosen
// SecPolicy did not check: the host name under the basic policy and the
// extended key usage for e-mail and code signing. Max depth, explicit CRLs
// and the profile checks are trust.Verifier's, as for every store.
func postChecks(built, presented []*x509.Certificate, opts trust.VerifyOptions, now time.Time, pol policyKind) *trust.VerificationError {
	leaf := built[0]
	mk := func(r trust.Reason, c *x509.Certificate, detail string, err error) *trust.VerificationError {
		return &trust.VerificationError{Reason: r, Certificate: c, Depth: depthIn(presented, c), Host: opts.ServerName, Time: now,
			IntermediatesSent: len(presented) - 1, Detail: detail, Backend: backendName, Err: err}
	}
	if pol != policySSLServer && opts.ServerName != "" {
		if err := leaf.VerifyHostname(opts.ServerName); err != nil {
			return mk(trust.ReasonHostnameMismatch, leaf, "", err)
		}
	}
	if opts.Usage == trust.UsageEmail || opts.Usage == trust.UsageCodeSigning {
		if !hasEKU(leaf, opts.Usage.ExtKeyUsage()) {
			return mk(trust.ReasonWrongUsage, leaf, "", nil)
		}
	}
	return nil
}

// hasEKU reports whether c allows u: no EKU extension, anyExtendedKeyUsage
// or u itself.
func hasEKU(c *x509.Certificate, u x509.ExtKeyUsage) bool {
	if len(c.ExtKeyUsage) == 0 && len(c.UnknownExtKeyUsage) == 0 {
		return true
	}
	for _, e := range c.ExtKeyUsage {
		if e == u || e == x509.ExtKeyUsageAny {
			return true
		}
	}
	return false
}
