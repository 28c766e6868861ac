package trust

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// AIA fetching: when the presented chain does not reach an anchor and a
// certificate names its issuer's URL (authorityInfoAccess caIssuers), the
// issuer is downloaded and verification retried, as browsers do for
// servers that forget their intermediate. Limits keep a hostile server from
// using the verifier as a download tool: plain http only (the issuer is
// itself verified, and https would need a verification to verify), at most
// MaxFetches downloads of at most MaxBytes each per verification, Budget in
// total, no redirect to another scheme, DER or PKCS#7 "certs-only" bodies,
// and only public addresses (see netguard.go): the URL comes from the
// peer. Nothing is fetched while verifying a client certificate unless
// VerifyOptions.FetchClientIntermediates asks for it: a server would
// otherwise make requests for a client it has not authenticated yet.

// SelfFetchingStore is implemented by stores whose platform verifier
// fetches missing intermediates itself (Windows CryptoAPI, macOS
// SecTrust). When FetchesIntermediates reports true, Verifier does not
// fetch again for that store.
type SelfFetchingStore interface {
	FetchesIntermediates() bool
}

func storeFetches(s TrustStore) bool {
	f, ok := s.(SelfFetchingStore)
	return ok && f.FetchesIntermediates()
}

// AIA limits: the defaults of AIAFetcher's fields, and fixed ones.
const (
	defaultAIAMaxFetches = 4
	defaultAIAMaxBytes   = 64 << 10
	defaultAIABudget     = 2 * time.Second
	aiaMaxRedirects      = 3
	aiaCacheSize         = 128
	aiaCacheTTL          = time.Hour
)

// defaultAIAFetcher is the fetcher of verifiers that name none. It is not
// exported: a program that needs other settings gives its Verifier an
// AIAFetcher, rather than changing one every verifier shares.
var defaultAIAFetcher = &AIAFetcher{}

// AIAFetcher downloads issuer certificates from caIssuers URLs and caches
// them by URL. The zero value uses the default limits, a plain HTTP client
// that honours HTTP_PROXY / NO_PROXY, and refuses non-public addresses. It
// is safe for concurrent use; its fields must not change after first use.
type AIAFetcher struct {
	// Client is the HTTP client; nil means a default one. Its redirect
	// policy is replaced to enforce the limits, and its transport (which
	// must be an *http.Transport unless AllowPrivateNetworks is set) is
	// cloned with a dialer that refuses non-public addresses.
	Client *http.Client
	// MaxFetches (default 4 downloads), MaxBytes (default 64 KiB each) and
	// Budget (default 2s in total) limit one verification; a value <= 0
	// keeps the default.
	MaxFetches int
	MaxBytes   int64
	Budget     time.Duration
	// AllowPrivateNetworks lets caIssuers URLs reach loopback, link-local,
	// private and other non-public addresses. False (the default) refuses
	// them on every connection, redirects included; set it only for tests
	// or a closed network whose CAs publish there.
	AllowPrivateNetworks bool

	http  guardedHTTP
	mu    sync.Mutex
	cache map[string]aiaEntry
}

type aiaEntry struct {
	certs []*x509.Certificate
	at    time.Time
}

// FetchError reports an issuer download that failed.
type FetchError struct {
	URL string
	Err error
}

func (e *FetchError) Error() string { return "trust: " + e.detail() }

func (e *FetchError) detail() string {
	return fmt.Sprintf("fetching the issuer certificate from %s: %v", e.URL, e.Err)
}

// Unwrap returns the cause.
func (e *FetchError) Unwrap() error { return e.Err }

func (f *AIAFetcher) limits() (n int, size int64, budget time.Duration) {
	n, size, budget = defaultAIAMaxFetches, defaultAIAMaxBytes, defaultAIABudget
	if f.MaxFetches > 0 {
		n = f.MaxFetches
	}
	if f.MaxBytes > 0 {
		size = f.MaxBytes
	}
	if f.Budget > 0 {
		budget = f.Budget
	}
	return n, size, budget
}

// Fetch downloads the certificates at rawURL (cached by URL).
func (f *AIAFetcher) Fetch(ctx context.Context, rawURL string) ([]*x509.Certificate, error) {
	if certs, ok := f.cached(rawURL); ok {
		return certs, nil
	}
	_, maxBytes, _ := f.limits()
	certs, err := f.download(ctx, rawURL, maxBytes)
	if err != nil {
		return nil, &FetchError{URL: rawURL, Err: err}
	}
	f.remember(rawURL, certs)
	return certs, nil
}

func (f *AIAFetcher) cached(u string) ([]*x509.Certificate, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	e, ok := f.cache[u]
	if !ok || time.Since(e.at) > aiaCacheTTL {
		return nil, false
	}
	return e.certs, true
}

func (f *AIAFetcher) remember(u string, certs []*x509.Certificate) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.cache == nil {
		f.cache = map[string]aiaEntry{}
	}
	if len(f.cache) >= aiaCacheSize {
		for k := range f.cache { // drop an arbitrary entry: the cache is a convenience
			delete(f.cache, k)
			break
		}
	}
	f.cache[u] = aiaEntry{certs: certs, at: time.Now()}
}

func (f *AIAFetcher) download(ctx context.Context, rawURL string, maxBytes int64) ([]*x509.Certificate, error) {
	u, err := url.Parse(rawURL)
	if err != nil || u.Scheme != "http" || u.Host == "" {
		return nil, errors.New("only plain http:// caIssuers URLs are fetched")
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return nil, err
	}
	c, err := f.http.get(f.Client, f.AllowPrivateNetworks, http.ProxyFromEnvironment, aiaRedirect)
	if err != nil {
		return nil, err
	}
	body, err := fetchLimited(ctx, c, req, maxBytes)
	if err != nil {
		return nil, err
	}
	certs, err := ParseCertificates(body)
	if err != nil {
		return nil, fmt.Errorf("not a DER certificate or PKCS#7 certs-only bundle: %w", err)
	}
	return certs, nil
}

func aiaRedirect(req *http.Request, via []*http.Request) error {
	if req.URL.Scheme != "http" {
		return fmt.Errorf("redirect to %s refused: only http:// is followed", req.URL.Redacted())
	}
	if len(via) > aiaMaxRedirects {
		return fmt.Errorf("more than %d redirects", aiaMaxRedirects)
	}
	return nil
}

// retryWithIssuers fetches issuers named by caIssuers URLs of the chain and
// retries the store until it accepts, the limits are reached, or no URL is
// left. On failure the original error is returned, with what was tried.
func (f *AIAFetcher) retryWithIssuers(ctx context.Context, store TrustStore, chain []*x509.Certificate, opts VerifyOptions, firstErr error) ([][]*x509.Certificate, error) {
	if opts.Usage == UsageClientAuth && !opts.FetchClientIntermediates {
		return nil, clientNotFetched(chain, firstErr)
	}
	maxFetches, _, budget := f.limits()
	ctx, cancel := context.WithTimeout(ctx, budget)
	defer cancel()
	extended := append([]*x509.Certificate(nil), chain...)
	tried := map[string]bool{}
	var notes []string
	var cause error
	for fetches := 0; fetches < maxFetches; fetches++ {
		u := nextIssuerURL(extended, tried)
		if u == "" {
			break
		}
		tried[u] = true
		certs, err := f.Fetch(ctx, u)
		if err != nil {
			notes = append(notes, err.(*FetchError).detail())
			if cause == nil {
				cause = err
			}
			continue
		}
		extended = appendNew(extended, certs)
		chains, err := store.Verify(ctx, extended, opts)
		if err == nil {
			return chains, nil
		}
		if !fetchable(err) {
			return nil, err
		}
		notes = append(notes, "fetched "+u+" but the chain still does not reach a trusted root")
	}
	return nil, withNotes(firstErr, notes, cause)
}

// clientNotFetched is the failure of a client certificate whose missing
// issuer is not fetched, saying why when there was a URL to fetch.
func clientNotFetched(chain []*x509.Certificate, firstErr error) error {
	if nextIssuerURL(chain, map[string]bool{}) == "" {
		return firstErr
	}
	return withNotes(firstErr, []string{"the issuer named by the client certificate's caIssuers URL was not fetched: " +
		"a server does not make requests for a client it has not authenticated (set VerifyOptions.FetchClientIntermediates to allow)"}, nil)
}

// withNotes returns a copy of err, a *VerificationError, with notes added
// to its Detail and cause joined to its Err; other errors are returned
// unchanged.
func withNotes(err error, notes []string, cause error) error {
	var ve *VerificationError
	if len(notes) == 0 || !errors.As(err, &ve) {
		return err
	}
	cp := *ve
	if cp.Detail != "" {
		cp.Detail += "; "
	}
	cp.Detail += strings.Join(notes, "; ")
	if cause != nil {
		cp.Err = errors.Join(cp.Err, cause) // errors.Is/As reach both
	}
	return &cp
}

// nextIssuerURL returns an untried caIssuers URL of a certificate whose
// issuer is not among chain. URLs of other schemes are returned too: the
// download refuses them without touching the network, and the refusal ends
// up in the error.
func nextIssuerURL(chain []*x509.Certificate, tried map[string]bool) string {
	for _, c := range chain {
		if isSelfIssued(c) || issuerAmong(c, chain) {
			continue
		}
		for _, u := range c.IssuingCertificateURL {
			if !tried[u] {
				return u
			}
		}
	}
	return ""
}

func appendNew(chain, more []*x509.Certificate) []*x509.Certificate {
	for _, m := range more {
		if depthOf(chain, m) < 0 {
			chain = append(chain, m)
		}
	}
	return chain
}
