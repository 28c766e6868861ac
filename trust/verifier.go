package trust

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"time"
)

// Verifier runs a full verification: the trust store's own decision, then
// everything else, the same for every store (AnchorStore, CertPoolStore,
// the Linux, Windows and macOS stores, unions). In this order:
//
//  0. the host name loses one trailing dot ("example.com." is
//     "example.com"), and a chain with a nil certificate is refused;
//  1. the verification cache (Cache), when the store has a generation;
//  2. the store's decision (TrustStore.Verify): path building, signatures,
//     validity, name, usage, name constraints and distrust as the store
//     (crypto/x509 or the operating system) decides them;
//  3. when the chain does not reach an anchor, missing intermediates
//     fetched from AIA caIssuers URLs (Fetcher; off with
//     VerifyOptions.DisableFetch, and for stores that fetch themselves, see
//     SelfFetchingStore) and the decision retried;
//  4. on every chain the store returned: VerifyOptions.MaxDepth, the
//     profile checks (default or, with VerifyOptions.Strict, strict; the
//     anchor's own extensions are not checked for roots the OS trusts, see
//     PlatformAnchorer) and the explicit CRLs (VerifyOptions.CRLs); chains
//     that fail are dropped;
//  5. OCSP for the leaf: the stapled response, must-staple, the
//     revocation policy and, if asked, an online query (OCSP);
//  6. SPKI pins (VerifyOptions.Pins), on every call, cached or not;
//  7. the verify callback (VerifyOptions.Callback), on every call, cached
//     or not: a cache hit never skips it.
//
// The chains it returns (and hands to the callback) are the caller's own
// copies: changing them never changes a cached result.
//
// The zero Verifier has no cache and uses a shared zero AIAFetcher and
// OCSPClient (default limits, public addresses only). A Verifier is safe
// for concurrent use.
type Verifier struct {
	// Cache holds successful verifications; nil disables caching.
	Cache *VerifyCache
	// Fetcher fetches missing intermediates; nil means a shared zero
	// AIAFetcher.
	Fetcher *AIAFetcher
	// OCSP queries OCSP responders when VerifyOptions.OnlineOCSP is set;
	// nil means a shared zero OCSPClient.
	OCSP *OCSPClient
}

// defaultVerifier is the Verifier behind the package function Verify. It
// caches in DefaultVerifyCache() and cannot be replaced: a program that
// wants another cache or fetcher makes its own Verifier.
var defaultVerifier = &Verifier{Cache: defaultVerifyCache}

// Verify runs a full verification of chain with store through the
// package's default Verifier, which caches in DefaultVerifyCache() (see
// Verifier for the steps). TLS contexts call this, never store.Verify
// directly.
func Verify(ctx context.Context, store TrustStore, chain []*x509.Certificate, opts VerifyOptions) ([][]*x509.Certificate, error) {
	return defaultVerifier.Verify(ctx, store, chain, opts)
}

// Verify runs a full verification of chain (leaf first) with store.
func (v *Verifier) Verify(ctx context.Context, store TrustStore, chain []*x509.Certificate, opts VerifyOptions) ([][]*x509.Certificate, error) {
	if store == nil {
		return nil, &VerificationError{Reason: ReasonUnknownAuthority, Depth: -1, Host: opts.ServerName, IntermediatesSent: len(chain) - 1,
			Detail: "no trust store is configured (set one with Configuration.WithTrustStore)"}
	}
	if len(chain) == 0 || chain[0] == nil {
		return nil, &VerificationError{Reason: ReasonMalformed, Depth: -1, Host: opts.ServerName, IntermediatesSent: -1,
			Backend: store.String(), Detail: "the peer presented no certificate"}
	}
	if i := nilIndex(chain); i >= 0 {
		return nil, &VerificationError{Reason: ReasonMalformed, Depth: i, Host: opts.ServerName, IntermediatesSent: len(chain) - 1,
			Backend: store.String(), Detail: fmt.Sprintf("certificate %d of the presented chain is missing (nil); pass only parsed certificates", i)}
	}
	opts.ServerName = normalizeServerName(opts.ServerName)
	now := opts.Time
	if now.IsZero() {
		now = time.Now()
	}
	chains, err := v.decide(ctx, store, chain, opts, now)
	if err == nil && len(opts.Pins) > 0 {
		err = checkPins(chains, chain, opts, now)
	}
	if opts.Callback != nil {
		return runCallback(chain, chains, err, opts, now)
	}
	if err != nil {
		return nil, err
	}
	return chains, nil
}

// decide is everything but pins and callback: the cacheable part.
func (v *Verifier) decide(ctx context.Context, store TrustStore, chain []*x509.Certificate, opts VerifyOptions, now time.Time) ([][]*x509.Certificate, error) {
	key, cacheable := v.Cache.keyFor(store, chain, opts)
	if cacheable {
		if chains, ok := v.Cache.get(key, store, now); ok {
			return chains, nil
		}
	}
	chains, err := store.Verify(ctx, chain, opts)
	if err != nil && !opts.DisableFetch && fetchable(err) && !storeFetches(store) {
		chains, err = v.fetcher().retryWithIssuers(ctx, store, chain, opts, err)
	}
	if err != nil {
		return nil, refineMissingIssuer(err, chain)
	}
	if chains, err = applyPolicy(store, chains, chain, opts, now); err != nil {
		return nil, err
	}
	until, err := v.checkRevocation(ctx, chains, chain, opts, now)
	if err != nil {
		return nil, err
	}
	if cacheable {
		from, to := validityWindow(chains, opts)
		if !until.IsZero() && until.Before(to) {
			to = until
		}
		v.Cache.put(key, store, chains, from, to)
	}
	return chains, nil
}

func (v *Verifier) fetcher() *AIAFetcher {
	if v.Fetcher != nil {
		return v.Fetcher
	}
	return defaultAIAFetcher
}

func (v *Verifier) ocspClient() *OCSPClient {
	if v.OCSP != nil {
		return v.OCSP
	}
	return defaultOCSPClient
}

// fetchable reports a failure that a missing intermediate could explain.
func fetchable(err error) bool {
	var ve *VerificationError
	return errors.As(err, &ve) && (ve.Reason == ReasonUnknownAuthority || ve.Reason == ReasonMissingIntermediate)
}

func checkPins(chains [][]*x509.Certificate, presented []*x509.Certificate, opts VerifyOptions, now time.Time) error {
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
	return &VerificationError{Reason: ReasonPinMismatch, Certificate: presented[0], Depth: 0, Host: opts.ServerName,
		Time: now, IntermediatesSent: len(presented) - 1, Detail: pinDetail(chains, opts.Pins)}
}

func runCallback(presented []*x509.Certificate, chains [][]*x509.Certificate, verdict error, opts VerifyOptions, now time.Time) ([][]*x509.Certificate, error) {
	// The callback gets its own copies: what it does to them changes
	// neither the result nor the cache.
	info := VerifyInfo{Presented: append([]*x509.Certificate(nil), presented...), Verified: copyChains(chains), Err: verdict, Options: opts}
	cbErr := opts.Callback(info)
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
		if chains != nil && verdict == nil {
			return chains, nil
		}
		return [][]*x509.Certificate{presented}, nil
	}
	var ve *VerificationError
	if errors.As(cbErr, &ve) {
		return nil, cbErr
	}
	return nil, &VerificationError{Reason: ReasonPolicy, Certificate: presented[0], Depth: 0, Host: opts.ServerName,
		Time: now, IntermediatesSent: len(presented) - 1, Detail: "rejected by the verify callback: " + cbErr.Error(), Err: cbErr}
}
