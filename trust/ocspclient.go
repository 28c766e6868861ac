package trust

import (
	"bytes"
	"context"
	"crypto/x509"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"

	"golang.org/x/crypto/ocsp"
)

// Default limits of online OCSP queries.
const (
	DefaultOCSPBudget   = 2 * time.Second
	DefaultOCSPMaxBytes = 64 << 10
)

// DefaultOCSPClient is the OCSP client of verifiers that name none.
var DefaultOCSPClient = &OCSPClient{}

// OCSPClient queries the leaf's OCSP responder (VerifyOptions.OnlineOCSP):
// one POST to the first http:// responder URL of the certificate, within
// Budget, reading at most MaxBytes. The zero value uses the defaults. It is
// safe for concurrent use.
type OCSPClient struct {
	// Client is the HTTP client; nil means a default one without
	// redirects.
	Client *http.Client
	// Budget and MaxBytes override the defaults when positive.
	Budget   time.Duration
	MaxBytes int64
}

var defaultOCSPHTTP = &http.Client{
	Transport:     &http.Transport{Proxy: nil, MaxIdleConns: 4, IdleConnTimeout: 30 * time.Second},
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
}

// Query asks leaf's OCSP responder for its status and checks the answer
// like a stapled response (CheckOCSPResponse).
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
	budget, maxBytes := DefaultOCSPBudget, int64(DefaultOCSPMaxBytes)
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
	resp, err := CheckOCSPResponse(der, leaf, issuer, now)
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
	hc := c.Client
	if hc == nil {
		hc = defaultOCSPHTTP
	}
	resp, err := hc.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("HTTP status %s", resp.Status)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBytes+1))
	if err != nil {
		return nil, err
	}
	if int64(len(body)) > maxBytes {
		return nil, fmt.Errorf("response larger than %d bytes", maxBytes)
	}
	return body, nil
}
