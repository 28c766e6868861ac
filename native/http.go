package native

import (
	"crypto/tls"
	"errors"
	"net"
	"net/http"
	"slices"
	"time"
)

// ErrProxiedIPAddress is returned by the verification of a connection made
// through a proxy (HTTP CONNECT) to a server named by an IP address: net/http
// hands crypto/tls the address, but crypto/tls does not report it back to
// the verifier, so it cannot be checked and the connection is refused.
var ErrProxiedIPAddress = errors.New("native: through a proxy, the IP address of an https:// URL cannot be checked against the server's certificate: use the server's DNS name, or exclude the address from the proxy (NO_PROXY)")

// httpProtocols are the ALPN protocols of HTTPTransport when the
// configuration names none: HTTP/2 first, then HTTP/1.1.
var httpProtocols = []string{"h2", "http/1.1"}

// HTTPTransport returns a new *http.Transport whose every TLS connection
// is verified by the context: the trust store (with its distrust), the
// pins, the verify callback and the hostname, for direct requests and for
// requests through a proxy alike. It has http.DefaultTransport's documented
// settings (Proxy: http.ProxyFromEnvironment, timeouts, idle pool) with
// ForceAttemptHTTP2 on, ALPN "h2" and "http/1.1" offered unless the
// configuration names its own inner protocols, and:
//
//   - DialTLSContext set to the context's DialTLSContext, which net/http
//     uses for direct requests; it knows the host it dials, so URLs naming
//     an IP address (https://192.0.2.1/) are checked against the
//     certificate's IP addresses;
//   - TLSClientConfig set to a configuration that verifies through the
//     context as well (crypto/tls's own verification is off and the
//     context's VerifyConnection does the whole check, taking the host from
//     the connection's server name). net/http uses it for requests through
//     a proxy (CONNECT) and for https:// proxies, which never reach
//     DialTLSContext. Through a proxy, a URL naming an IP address fails with
//     ErrProxiedIPAddress, since crypto/tls does not report the address.
//
// The transport may be changed like any other (Proxy, timeouts), but not
// TLSClientConfig's InsecureSkipVerify, VerifyConnection or
// VerifyPeerCertificate, nor DialTLSContext: they carry the verification.
func (c *ClientContext) HTTPTransport() *http.Transport {
	hc := c.withDefaultProtocols(httpProtocols)
	d := &net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second}
	// Built afresh rather than cloned from http.DefaultTransport, which a
	// program (or a library it uses) may have changed.
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

// TLSConfigFor returns a *tls.Config for one connection to serverName (a DNS
// name or an IP address), for code that takes a tls.Config and a connection
// it made itself (gRPC credentials, a custom dialer). Unlike TLSConfig, the
// name checked is serverName as given, so IP addresses are checked too;
// changing the returned ServerName changes only what is sent in SNI. It
// returns ErrNoServerName when serverName is empty and the hostname check
// is on.
func (c *ClientContext) TLSConfigFor(serverName string) (*tls.Config, error) {
	return c.connConfig(serverName, nil)
}
