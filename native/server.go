package native

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"net"
	"sync"

	"github.com/nativetls/nativetls/trust"
)

// ServerContext is a server-side TLS context (PEP 543 ServerContext). It is
// immutable and safe for concurrent use.
type ServerContext struct {
	b    *backend
	cfg  trust.Configuration
	base *tls.Config
	v    verifier
	sni  *sniCache
	tk   ticketKeys
}

// NewServerContext builds a server context with the platform backend.
func NewServerContext(cfg trust.Configuration) (*ServerContext, error) {
	return platform().newServer(cfg)
}

func (b *backend) newServer(cfg trust.Configuration) (*ServerContext, error) {
	base, v, err := b.serverConfig(cfg)
	if err != nil {
		return nil, err
	}
	if len(base.Certificates) == 0 && base.GetCertificate == nil && cfg.SNICallback() == nil {
		return nil, &trust.ConfigurationError{Backend: b.name, Field: "certificate chain",
			Msg: "a server needs at least one certificate chain (WithCertificateChain), an identity source (WithIdentitySource) or an SNI callback that supplies one"}
	}
	s := &ServerContext{b: b, cfg: cfg, base: base, v: v}
	if cfg.SNICallback() != nil {
		s.sni = &sniCache{b: b}
	}
	return s, nil
}

// serverConfig builds the tls.Config and verifier for a server configuration,
// without the per-connection parts.
func (b *backend) serverConfig(cfg trust.Configuration) (*tls.Config, verifier, error) {
	base, err := baseConfig(b.name, cfg)
	if err != nil {
		return nil, verifier{}, err
	}
	if src := cfg.IdentitySource(); src != nil {
		if err := useIdentitySource(b.name, base, src); err != nil {
			return nil, verifier{}, err
		}
	}
	v := verifier{backend: b.name, cfg: cfg, usage: trust.UsageClientAuth}
	switch cfg.ClientAuth() {
	case trust.RequestClientCert, trust.RequireClientCert:
		v, err = b.verifierFor(cfg, trust.UsageClientAuth)
		if err != nil {
			return nil, verifier{}, err
		}
		base.ClientAuth = tls.RequestClientCert
		if cfg.ClientAuth() == trust.RequireClientCert {
			base.ClientAuth = tls.RequireAnyClientCert
		}
		base.ClientCAs = acceptableCAs(v.store)
	}
	return base, v, nil
}

// Configuration returns the configuration the context was built from.
func (s *ServerContext) Configuration() trust.Configuration { return s.cfg }

// Backend returns the name of the backend that built the context.
func (s *ServerContext) Backend() string { return s.b.name }

// WrapConn starts TLS on an accepted conn as a server. The handshake runs
// on first use or on an explicit Handshake.
func (s *ServerContext) WrapConn(conn net.Conn) (*Conn, error) {
	out := &Conn{backend: s.b.name}
	out.Conn = tls.Server(conn, s.configFor(out))
	return out, nil
}

// configFor returns the tls.Config for one connection; verified chains of
// client certificates are recorded in out (when not nil).
func (s *ServerContext) configFor(out *Conn) *tls.Config {
	tc := s.tk.clone(s.base)
	tc.VerifyConnection = func(cs tls.ConnectionState) error { return s.v.verify(cs, "", out) }
	if s.sni != nil {
		tc.GetConfigForClient = func(hello *tls.ClientHelloInfo) (*tls.Config, error) {
			return s.sni.configFor(hello, s.cfg, out)
		}
	}
	return tc
}

// TLSConfig returns a *tls.Config for code that takes one (net/http's
// Server.TLSConfig, gRPC …). Client certificates, when asked for, are
// verified through the context's trust store.
func (s *ServerContext) TLSConfig() *tls.Config { return s.configFor(nil) }

// Listen listens on the network address and returns a listener whose
// Accept returns *Conn values (the handshake runs on first use). net/http
// recognises only *tls.Conn values: for an http.Server use TLSConfig with
// ListenAndServeTLS("", "") or tls.NewListener instead.
func (s *ServerContext) Listen(network, addr string) (net.Listener, error) {
	l, err := net.Listen(network, addr)
	if err != nil {
		return nil, err
	}
	return s.NewListener(l), nil
}

// NewListener wraps an existing listener.
func (s *ServerContext) NewListener(l net.Listener) net.Listener { return &listener{Listener: l, s: s} }

type listener struct {
	net.Listener
	s *ServerContext
}

func (l *listener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return l.s.WrapConn(c)
}

// sniCache converts configurations returned by an SNI callback once, keyed
// by equality, so a callback choosing among a few configurations is cheap.
type sniCache struct {
	b       *backend
	mu      sync.Mutex
	entries []sniEntry
}

type sniEntry struct {
	cfg trust.Configuration
	tc  *tls.Config
	v   verifier
	err error
}

// maxSNIEntries bounds the cache; callbacks that build a new configuration
// per connection still work, only without caching beyond this many.
const maxSNIEntries = 64

func (c *sniCache) configFor(hello *tls.ClientHelloInfo, cfg trust.Configuration, out *Conn) (*tls.Config, error) {
	next, err := cfg.SNICallback()(hello, cfg)
	if err != nil {
		return nil, err
	}
	if next.Equal(cfg) {
		return nil, nil // keep the server's own config
	}
	e := c.lookup(next)
	if e.err != nil {
		return nil, e.err
	}
	tc := e.tc.Clone()
	v := e.v
	tc.VerifyConnection = func(cs tls.ConnectionState) error { return v.verify(cs, "", out) }
	return tc, nil
}

func (c *sniCache) lookup(cfg trust.Configuration) sniEntry {
	c.mu.Lock()
	defer c.mu.Unlock()
	for i, e := range c.entries {
		if e.cfg.Equal(cfg) {
			if i > 0 { // move to front
				copy(c.entries[1:i+1], c.entries[:i])
				c.entries[0] = e
			}
			return e
		}
	}
	tc, v, err := c.b.serverConfig(cfg.WithSNICallback(nil))
	if err == nil && len(tc.Certificates) == 0 && tc.GetCertificate == nil {
		err = &trust.ConfigurationError{Backend: c.b.name, Field: "certificate chain", Msg: "the configuration returned by the SNI callback has no certificate chain"}
	}
	e := sniEntry{cfg: cfg, tc: tc, v: v, err: err}
	c.entries = append([]sniEntry{e}, c.entries...)
	if len(c.entries) > maxSNIEntries {
		c.entries = c.entries[:maxSNIEntries]
	}
	return e
}

type wrappedServer struct{ *ServerContext }

func (w wrappedServer) WrapConn(conn net.Conn) (trust.Conn, error) {
	return w.ServerContext.WrapConn(conn)
}

// acceptableCAs returns the pool whose subjects a server names in its
// certificate request (the clients' hint for choosing a certificate): the
// store's anchors trusted for client authentication, when the store can
// list them. crypto/tls uses it only for the names here: verification
// stays with the store (ClientAuth is one of the "Any" modes).
func acceptableCAs(store trust.TrustStore) *x509.CertPool {
	lister, ok := store.(trust.AnchorLister)
	if !ok {
		return nil
	}
	anchors, err := lister.Anchors(context.Background())
	if err != nil || len(anchors) == 0 {
		return nil
	}
	pool := x509.NewCertPool()
	for _, a := range anchors {
		if a.Certificate != nil && !a.Distrusted && a.TrustedFor(trust.UsageClientAuth) {
			pool.AddCert(a.Certificate)
		}
	}
	return pool
}
