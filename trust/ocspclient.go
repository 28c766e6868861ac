package trust

import (
	"bytes"
	"context"
	"crypto/x509"
	"net/http"
	"net/url"
	"time"

	"golang.org/x/crypto/ocsp"
)

// Default limits of online OCSP queries.
const (
	defaultOCSPBudget   = 2 * time.Second
	defaultOCSPMaxBytes = 64 << 10
)

// defaultOCSPClient is the OCSP client of verifiers that name none (see
// defaultAIAFetcher for why it is not exported).
var defaultOCSPClient = &OCSPClient{}

// OCSPClient queries the leaf's OCSP responder (VerifyOptions.OnlineOCSP):
// one POST to the first http:// responder URL of the certificate, within
// Budget, reading at most MaxBytes, never following a redirect and never
// connecting to a non-public address (the URL comes from the peer's
// certificate; see AIAFetcher). The zero value uses the defaults and no
// proxy. It is safe for concurrent use; its fields must not change after
// first use.
type OCSPClient struct {
	// Client is the HTTP client; nil means a default one without a proxy.
	// Redirects are never followed, and its transport (which must be an
	// *http.Transport unless AllowPrivateNetworks is set) is cloned with a
	// dialer that refuses non-public addresses.
	Client *http.Client
	// Budget (default 2s) and MaxBytes (default 64 KiB) limit one query;
	// a value <= 0 keeps the default.
	Budget   time.Duration
	MaxBytes int64
	// AllowPrivateNetworks lets responder URLs reach loopback, link-local,
	// private and other non-public addresses. False (the default) refuses
	// them; set it only for tests or a closed network.
	AllowPrivateNetworks bool

	http guardedHTTP
}

func noRedirect(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

// Query asks leaf's OCSP responder for its status and checks the answer
// like a stapled response (checkOCSPResponse).
func (c *OCSPClient) Query(ctx context.Context, leaf, issuer *x509.Certificate, now time.Time) (*ocsp.Response, error) {
	var responder string
	for _, u := range leaf.OCSPServer {
		if p, err := url.Parse(u); err == nil && p.Scheme == "http" && p.Host != "" {
			responder = u
			break
		}
	}
	if responder == "" {
		return nil, &OCSPError{Source: "online", Err: errNoOCSPServer}
	}
	budget, maxBytes := defaultOCSPBudget, int64(defaultOCSPMaxBytes)
	if c.Budget > 0 {
		budget = c.Budget
	}
	if c.MaxBytes > 0 {
		maxBytes = c.MaxBytes
	}
	ctx, cancel := context.WithTimeout(ctx, budget)
	defer cancel()
	der, err := c.post(ctx, responder, leaf, issuer, maxBytes)
	if err != nil {
		return nil, &OCSPError{Source: responder, Err: err}
	}
	resp, err := checkOCSPResponse(der, leaf, issuer, now)
	if err != nil {
		return nil, &OCSPError{Source: responder, Err: err}
	}
	return resp, nil
}

func (c *OCSPClient) post(ctx context.Context, responder string, leaf, issuer *x509.Certificate, maxBytes int64) ([]byte, error) {
	reqDER, err := ocsp.CreateRequest(leaf, issuer, nil)
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, responder, bytes.NewReader(reqDER))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/ocsp-request")
	hc, err := c.http.get(c.Client, c.AllowPrivateNetworks, nil, noRedirect)
	if err != nil {
		return nil, err
	}
	return fetchLimited(ctx, hc, req, maxBytes)
}
