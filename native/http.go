package native

import (
	"crypto/tls"
	"errors"
	"net"
	"net/http"
	"slices"
	"time"
)

// ErrProxiedIPAddress refuses a connection through a proxy to a server
// named by an IP address, which crypto/tls does not report for checking.
var ErrProxiedIPAddress = errors.New("native: through a proxy, the IP address of an https:// URL cannot be checked against the server's certificate: use the server's DNS name, or exclude the address from the proxy (NO_PROXY)")

// httpProtocols are the ALPN protocols of HTTPTransport when the
// configuration names none: HTTP/2 first, then HTTP/1.1.
var httpProtocols = []string{"h2", "http/1.1"}

// HTTPTransport returns a new *http.Transport whose every TLS connection the
// context verifies (trust store, pins, callback, hostname), direct or
// through a proxy: http.DefaultTransport's settings with HTTP/2 attempted
// and ALPN "h2", "http/1.1" unless the configuration names protocols.
// Direct requests go through DialTLSContext, which checks URLs naming an IP
// address too; proxied ones through TLSClientConfig, where such URLs fail
// with ErrProxiedIPAddress. Change Proxy or timeouts freely, but not
// DialTLSContext or TLSClientConfig's verification fields.
func (c *ClientContext) HTTPTransport() *http.Transport {
	hc := c.withDefaultProtocols(httpProtocols)
	d := &net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second}
	// Built afresh rather than cloned from http.DefaultTransport, which a
	// program (or a library it uses) may have changed. net/http dials direct
	// requests with DialTLSContext but requests through a proxy (CONNECT,
	// https:// proxies) with TLSClientConfig, so both carry verification.
	return &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           d.DialContext,
		DialTLSContext:        hc.DialTLSContext,
		TLSClientConfig:       hc.proxyTLSConfig(),
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          100,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   10 * time.Second,
		ExpectContinueTimeout: time.Second,
	}
}

// HTTPClient returns an *http.Client using HTTPTransport, with no overall
// timeout (set Timeout, or use request contexts).
func (c *ClientContext) HTTPClient() *http.Client {
	return &http.Client{Transport: c.HTTPTransport()}
}

// withDefaultProtocols returns c itself when the configuration names inner
// protocols, else a copy offering protos.
func (c *ClientContext) withDefaultProtocols(protos []string) *ClientContext {
	if len(c.base.NextProtos) > 0 {
		return c
	}
	cp := *c
	cp.base = c.base.Clone()
	cp.base.NextProtos = slices.Clone(protos)
	return &cp
}

// proxyTLSConfig is the TLSClientConfig of HTTPTransport: the context's
// verification with the host taken from the connection's server name,
// refusing a connection whose name crypto/tls did not report (an IP address).
func (c *ClientContext) proxyTLSConfig() *tls.Config {
	return c.serverNameConfig(ErrProxiedIPAddress)
}

// TLSConfigFor returns a *tls.Config for one connection, made by the
// caller, to serverName (a DNS name or an IP address, checked as given;
// ServerName then only sets SNI). It returns ErrNoServerName when
// serverName is empty and the hostname check is on.
func (c *ClientContext) TLSConfigFor(serverName string) (*tls.Config, error) {
	return c.connConfig(serverName, nil)
}
