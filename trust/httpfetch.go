package trust

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"sync"
	"time"
)

// guardedHTTP is the one HTTP client behind AIA and OCSP fetches: built
// once from the program's *http.Client (or a default one), with the
// network guard installed in its transport and the redirect policy of the
// caller.
type guardedHTTP struct {
	once   sync.Once
	client *http.Client
	err    error
}

// get returns the guarded client, building it on first use from base.
// base and allowPrivate are read only then: later changes to the fetcher's
// fields are not seen.
func (g *guardedHTTP) get(base *http.Client, allowPrivate bool, proxy func(*http.Request) (*url.URL, error),
	redirect func(*http.Request, []*http.Request) error) (*http.Client, error) {
	g.once.Do(func() { g.client, g.err = guardClient(base, allowPrivate, proxy, redirect) })
	return g.client, g.err
}

// guardClient copies base (nil: a default client using proxy) and installs
// the network guard in a clone of its transport. A transport that is not an
// *http.Transport cannot be guarded and is accepted only with
// allowPrivate.
func guardClient(base *http.Client, allowPrivate bool, proxy func(*http.Request) (*url.URL, error),
	redirect func(*http.Request, []*http.Request) error) (*http.Client, error) {
	var c http.Client
	var tr *http.Transport
	switch {
	case base == nil:
		tr = &http.Transport{Proxy: proxy, MaxIdleConns: 4, IdleConnTimeout: 30 * time.Second}
	case base.Transport == nil:
		c = *base
		tr = http.DefaultTransport.(*http.Transport).Clone()
	default:
		c = *base
		t, ok := base.Transport.(*http.Transport)
		if !ok && !allowPrivate {
			return nil, fmt.Errorf("trust: the HTTP client's transport is a %T, in which the guard against requests to private networks cannot be installed: use an *http.Transport, or set AllowPrivateNetworks to use it unguarded", base.Transport)
		}
		if !ok {
			c.CheckRedirect = redirect
			return &c, nil
		}
		tr = t.Clone()
	}
	guard := newDialGuard(allowPrivate)
	tr.DialContext, tr.DialTLSContext, tr.Dial, tr.DialTLS = guard.dialContext, nil, nil, nil //nolint:staticcheck // Dial and DialTLS are cleared so they cannot bypass the guard
	tr.Proxy = guard.wrapProxy(tr.Proxy)
	c.Transport, c.CheckRedirect = tr, redirect
	return &c, nil
}

// wrapProxy records the address of every proxy the program's proxy
// function chooses (the guard lets the transport dial it) and, for a
// proxied request, refuses a target the guard would refuse if it were an
// IP literal or a localhost name. A DNS name is resolved by the proxy,
// which the guard cannot see: the proxy's own egress policy applies.
func (g *dialGuard) wrapProxy(proxy func(*http.Request) (*url.URL, error)) func(*http.Request) (*url.URL, error) {
	if proxy == nil {
		return nil
	}
	return func(req *http.Request) (*url.URL, error) {
		u, err := proxy(req)
		if err != nil || u == nil {
			return u, err
		}
		if !g.allowPrivate {
			if err := checkProxiedTarget(req.URL.Hostname()); err != nil {
				return nil, err
			}
		}
		g.proxies.Store(canonicalProxyAddr(u), true)
		return u, nil
	}
}

func checkProxiedTarget(host string) error {
	h := strings.ToLower(strings.TrimSuffix(host, "."))
	if h == "localhost" || strings.HasSuffix(h, ".localhost") {
		return fmt.Errorf("trust: refused to request %s through the proxy: a localhost name: %w", host, ErrNonPublicAddress)
	}
	if a, err := netip.ParseAddr(h); err == nil {
		if kind := addressKind(a.WithZone("")); kind != "" {
			return &AddressError{Addr: a, Kind: kind}
		}
	}
	return nil
}

// canonicalProxyAddr is the "host:port" net/http dials for proxy u.
func canonicalProxyAddr(u *url.URL) string {
	port := u.Port()
	if port == "" {
		switch u.Scheme {
		case "https":
			port = "443"
		case "socks5", "socks5h":
			port = "1080"
		default:
			port = "80"
		}
	}
	return net.JoinHostPort(u.Hostname(), port)
}

// fetchLimited sends req with c and returns the body of a 200 response,
// refusing one longer than maxBytes.
func fetchLimited(ctx context.Context, c *http.Client, req *http.Request, maxBytes int64) ([]byte, error) {
	resp, err := c.Do(req.WithContext(ctx))
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
