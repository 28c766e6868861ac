package windows

import (
	"context"
	"time"

	"github.com/nativetls/nativetls/trust"
)

// URLRetrievalTimeout bounds the revocation retrievals (CRL and OCSP) of
// one verification, together over the chain, or the context's deadline if
// sooner; Windows' default is 15 s per URL. It also bounds a WithRoots
// engine's fetching of missing intermediates, but not the OS default
// engine's (15 s per URL, and the call cannot be cancelled): a program that
// cannot wait sets VerifyOptions.DisableFetch.
const URLRetrievalTimeout = 3 * time.Second

// CertGetCertificateChain dwFlags (wincrypt.h).
const (
	chainCacheOnlyURLRetrieval      = 0x00000004 // CERT_CHAIN_CACHE_ONLY_URL_RETRIEVAL
	chainReturnLowerQuality         = 0x00000080 // CERT_CHAIN_RETURN_LOWER_QUALITY_CONTEXTS
	chainDisableAuthRootAutoUpdate  = 0x00000100 // CERT_CHAIN_DISABLE_AUTH_ROOT_AUTO_UPDATE
	chainDisableAIA                 = 0x00002000 // CERT_CHAIN_DISABLE_AIA
	chainRevocationAccumulativeTime = 0x08000000 // CERT_CHAIN_REVOCATION_ACCUMULATIVE_TIMEOUT
	chainRevocationCheckExcludeRoot = 0x40000000 // CERT_CHAIN_REVOCATION_CHECK_CHAIN_EXCLUDE_ROOT
	chainRevocationCheckCacheOnly   = 0x80000000 // CERT_CHAIN_REVOCATION_CHECK_CACHE_ONLY

	policyIgnoreAllRevUnknown = 0x00000F00 // CERT_CHAIN_POLICY_IGNORE_ALL_REV_UNKNOWN_FLAGS

	authTypeClient = 1 // AUTHTYPE_CLIENT
	authTypeServer = 2 // AUTHTYPE_SERVER

	policyBase = 1 // CERT_CHAIN_POLICY_BASE
	policySSL  = 4 // CERT_CHAIN_POLICY_SSL
)

// chainParams is what one verification asks of the chain engine, derived
// from trust.VerifyOptions by [chainFlags]; the trace prints it.
type chainParams struct {
	Flags       uint32        // CertGetCertificateChain dwFlags
	PolicyFlags uint32        // CERT_CHAIN_POLICY_PARA.dwFlags
	Policy      uintptr       // CERT_CHAIN_POLICY_SSL or CERT_CHAIN_POLICY_BASE
	AuthType    uint32        // SSL policy: AUTHTYPE_SERVER or AUTHTYPE_CLIENT
	UsageOID    string        // requested EKU, "" for any
	Timeout     time.Duration // dwUrlRetrievalTimeout
}

// chainFlags chooses the chain-engine flags for opts. The choices:
//
//   - Revocation off: no CERT_CHAIN_REVOCATION_CHECK_* flag at all.
//   - Soft-fail (the default): CERT_CHAIN_REVOCATION_CHECK_CHAIN_EXCLUDE_ROOT,
//     and the policy ignores "status unknown/offline" for every element
//     (CERT_CHAIN_POLICY_IGNORE_ALL_REV_UNKNOWN_FLAGS): a revoked
//     certificate fails, an unreachable responder does not.
//   - Hard-fail means the leaf: its revocation status must be known good
//     (stapled, cached, or fetched with OnlineOCSP). The intermediates are
//     checked as well, and a revoked one fails, but an intermediate whose
//     status is unknown is excused (CERT_CHAIN_POLICY_IGNORE_CA_ and
//     _ROOT_ and _CTL_SIGNER_REV_UNKNOWN_FLAG, not _END_): real chains
//     rarely have cached CRL/OCSP data for every intermediate, and
//     rustls-platform-verifier checks only the end certificate too.
//   - Unless opts.OnlineOCSP is set, revocation uses only what is cached
//     or stapled (CERT_CHAIN_REVOCATION_CHECK_CACHE_ONLY), so soft-fail adds
//     no network round trip to a handshake; hard-fail then needs a stapled
//     or cached response for the leaf.
//   - opts.DisableFetch: CERT_CHAIN_CACHE_ONLY_URL_RETRIEVAL (no network
//     retrieval at all, and no AuthRoot auto-update download); with
//     OnlineOCSP still set, only AIA fetching is turned off
//     (CERT_CHAIN_DISABLE_AIA) so the OCSP query can happen.
//   - Revocation retrievals are bounded by URLRetrievalTimeout (or the
//     context's deadline if sooner), accumulated over the chain
//     (CERT_CHAIN_REVOCATION_ACCUMULATIVE_TIMEOUT); intermediate fetching
//     is not (see URLRetrievalTimeout).
//   - Always CERT_CHAIN_RETURN_LOWER_QUALITY_CONTEXTS: when the best chain
//     fails the policy, the lower-ranked ones (another path of a
//     cross-signed hierarchy) are tried before rejecting, as Go does.
//   - Usage: the requested EKU (server or client auth, e-mail, code
//     signing; none for UsageAny), then CERT_CHAIN_POLICY_SSL with
//     AUTHTYPE_SERVER / AUTHTYPE_CLIENT for the TLS usages and
//     CERT_CHAIN_POLICY_BASE otherwise.
func chainFlags(ctx context.Context, opts trust.VerifyOptions) chainParams {
	p := chainParams{Flags: chainReturnLowerQuality, Policy: policySSL, AuthType: authTypeServer, Timeout: URLRetrievalTimeout}
	if dl, ok := ctx.Deadline(); ok {
		if left := time.Until(dl); left < p.Timeout {
			p.Timeout = max(left, time.Millisecond)
		}
	}
	switch opts.Revocation {
	case trust.RevocationOff:
	case trust.RevocationHardFail:
		p.Flags |= chainRevocationCheckExcludeRoot
		p.PolicyFlags |= policyHardFailLeaf
	default:
		p.Flags |= chainRevocationCheckExcludeRoot
		p.PolicyFlags |= policyIgnoreAllRevUnknown
	}
	if opts.Revocation != trust.RevocationOff {
		p.Flags |= chainRevocationAccumulativeTime
		if !opts.OnlineOCSP {
			p.Flags |= chainRevocationCheckCacheOnly
		}
	}
	if opts.DisableFetch {
		if opts.OnlineOCSP && opts.Revocation != trust.RevocationOff {
			p.Flags |= chainDisableAIA
		} else {
			p.Flags |= chainCacheOnlyURLRetrieval | chainDisableAuthRootAutoUpdate
		}
	}
	switch opts.Usage {
	case trust.UsageClientAuth:
		p.AuthType = authTypeClient
		p.UsageOID = "1.3.6.1.5.5.7.3.2" // szOID_PKIX_KP_CLIENT_AUTH
	case trust.UsageAny:
		p.Policy = policyBase
	case trust.UsageEmail:
		p.Policy = policyBase
		p.UsageOID = "1.3.6.1.5.5.7.3.4" // szOID_PKIX_KP_EMAIL_PROTECTION
	case trust.UsageCodeSigning:
		p.Policy = policyBase
		p.UsageOID = "1.3.6.1.5.5.7.3.3" // szOID_PKIX_KP_CODE_SIGNING
	default:
		p.UsageOID = "1.3.6.1.5.5.7.3.1" // szOID_PKIX_KP_SERVER_AUTH
	}
	return p
}

// TimeoutMillis is Timeout as dwUrlRetrievalTimeout.
func (p chainParams) TimeoutMillis() uint32 {
	ms := p.Timeout.Milliseconds()
	if ms < 1 {
		ms = 1
	}
	return uint32(ms)
}
