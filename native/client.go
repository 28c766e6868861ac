package native

import (
	"context"
	"crypto/tls"
	"errors"
	"net"
	"strings"

	"github.com/nativetls/nativetls/trust"
)

// ClientContext is a client-side TLS context (PEP 543 ClientContext). It is
// immutable and safe for concurrent use: make one per configuration.
type ClientContext struct {
	b    *backend
	cfg  trust.Configuration
	base *tls.Config
	v    verifier
	ids  *clientChooser // nil without a client identity source
}

// NewClientContext builds a client context with the platform backend.
func NewClientContext(cfg trust.Configuration) (*ClientContext, error) {
	return platform().newClient(cfg)
}

func (b *backend) newClient(cfg trust.Configuration) (*ClientContext, error) {
	base, err := baseConfig(b.name, cfg)
	if err != nil {
		return nil, err
	}
	v, err := b.verifierFor(cfg, trust.UsageServerAuth)
	if err != nil {
		return nil, err
	}
	v.checkHostname = cfg.CheckHostname()
	// crypto/tls must not verify by itself: the trust store decides, in
	// VerifyConnection, which runs on every handshake including resumption.
	base.InsecureSkipVerify = true
	base.ClientSessionCache = tls.NewLRUClientSessionCache(0)
	c := &ClientContext{b: b, cfg: cfg, base: base, v: v, ids: newClientChooser(cfg)}
	return c, nil
}

// Configuration returns the configuration the context was built from.
func (c *ClientContext) Configuration() trust.Configuration { return c.cfg }

// Backend returns the name of the backend that built the context.
func (c *ClientContext) Backend() string { return c.b.name }

// ErrNoServerName is returned when a client connection is asked for without
// a server name while the hostname check is on.
var ErrNoServerName = errors.New("native: a server name is required to check the server's certificate; pass the host name (or use trust/insecure.WithoutHostnameCheck to skip the check explicitly)")

// WrapConn starts TLS on conn as a client of serverName (a DNS name or an IP
// literal); the handshake runs on first use or on Handshake.
func (c *ClientContext) WrapConn(conn net.Conn, serverName string) (*Conn, error) {
	out := &Conn{backend: c.b.name}
	tc, err := c.connConfig(serverName, out)
	if err != nil {
		return nil, err
	}
	out.Conn = tls.Client(conn, tc)
	return out, nil
}

// connConfig returns the tls.Config for one connection to serverName whose
// verified chains are recorded in out; WrapConn and WrapBuffers share it.
func (c *ClientContext) connConfig(serverName string, out *Conn) (*tls.Config, error) {
	tc, err := c.configFor(serverName)
	if err != nil {
		return nil, err
	}
	name := tc.ServerName
	if !c.v.checkHostname {
		name = ""
	}
	tc.VerifyConnection = func(cs tls.ConnectionState) error { return c.v.verify(cs, name, out) }
	switch {
	case c.ids != nil:
		tc.GetClientCertificate = func(cri *tls.CertificateRequestInfo) (*tls.Certificate, error) { return c.ids.get(cri, out) }
	case len(tc.Certificates) > 0:
		tc.GetClientCertificate = staticClientCertificate(tc.Certificates)
	}
	return tc, nil
}

// staticClientCertificate answers a certificate request with the first
// configured chain the server's request allows or, when none does (say the
// server names other CAs), with the first chain anyway, as OpenSSL and curl
// do: the server's verdict then says what is wrong with it, where sending
// nothing would only say that nothing was sent.
func staticClientCertificate(certs []tls.Certificate) func(*tls.CertificateRequestInfo) (*tls.Certificate, error) {
	return func(cri *tls.CertificateRequestInfo) (*tls.Certificate, error) {
		for i := range certs {
			if cri.SupportsCertificate(&certs[i]) == nil {
				return &certs[i], nil
			}
		}
		return &certs[0], nil
	}
}

func (c *ClientContext) configFor(serverName string) (*tls.Config, error) {
	serverName = strings.TrimSuffix(strings.TrimPrefix(serverName, "["), "]")
	if serverName == "" && c.v.checkHostname && c.v.store != nil {
		return nil, ErrNoServerName
	}
	tc := c.base.Clone()
	tc.ServerName = serverName
	return tc, nil
}

// Dial connects to addr ("host:port") and completes the handshake; the host
// part is the server name.
func (c *ClientContext) Dial(network, addr string) (*Conn, error) {
	return c.DialContext(context.Background(), network, addr)
}

// DialContext connects to addr and completes the handshake within ctx.
func (c *ClientContext) DialContext(ctx context.Context, network, addr string) (*Conn, error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, err
	}
	var d net.Dialer
	raw, err := d.DialContext(ctx, network, addr)
	if err != nil {
		return nil, err
	}
	conn, err := c.WrapConn(raw, host)
	if err != nil {
		raw.Close()
		return nil, err
	}
	if err := conn.HandshakeContext(ctx); err != nil {
		raw.Close()
		return nil, err
	}
	return conn, nil
}

// DialTLSContext connects to addr and completes the handshake, returning
// the *tls.Conn. It fits net/http's Transport.DialTLSContext, but net/http
// skips it for proxied requests, which Go's default roots would then
// verify: use HTTPTransport or HTTPClient instead.
func (c *ClientContext) DialTLSContext(ctx context.Context, network, addr string) (net.Conn, error) {
	conn, err := c.DialContext(ctx, network, addr)
	if err != nil {
		return nil, err
	}
	return conn.Conn, nil
}

// TLSConfig returns a fresh *tls.Config for code that takes one; its
// VerifyConnection does the whole check (do not replace it) against the
// ServerName the caller sets. crypto/tls does not report an IP address as
// the server name, so connections to one fail with ErrNoServerName: use
// TLSConfigFor, or HTTPTransport for net/http.
func (c *ClientContext) TLSConfig() *tls.Config {
	return c.serverNameConfig(ErrNoServerName)
}

// serverNameConfig returns a copy of the base config whose VerifyConnection
// checks the host crypto/tls reports (the connection's server name) and
// fails with noName when it reports none while the hostname check is on.
func (c *ClientContext) serverNameConfig(noName error) *tls.Config {
	tc := c.base.Clone()
	tc.VerifyConnection = func(cs tls.ConnectionState) error {
		name := cs.ServerName
		if !c.v.checkHostname {
			name = ""
		} else if name == "" && c.v.store != nil {
			return noName
		}
		return c.v.verify(cs, name, nil)
	}
	return tc
}

// wrapped adapts a ClientContext to trust.ClientContext.
type wrappedClient struct{ *ClientContext }

func (w wrappedClient) WrapConn(conn net.Conn, serverName string) (trust.Conn, error) {
	return w.ClientContext.WrapConn(conn, serverName)
}
