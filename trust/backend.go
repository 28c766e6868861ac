package trust

import (
	"crypto"
	"crypto/tls"
	"crypto/x509"
	"net"
)

// Conn is a TLS connection made by a context: a net.Conn with the
// handshake state, and the chains the context's trust store verified.
type Conn interface {
	net.Conn
	// Handshake runs the handshake if it has not run yet.
	Handshake() error
	// ConnectionState reports the negotiated parameters.
	ConnectionState() tls.ConnectionState
	// VerifiedChains returns the chains the trust store verified for the
	// peer (nil when the peer was not verified).
	VerifiedChains() [][]*x509.Certificate
}

// ClientContext is a client-side TLS context built from a Configuration
// (PEP 543 ClientContext). Package native provides the implementations.
type ClientContext interface {
	// Configuration returns the configuration the context was built from.
	Configuration() Configuration
	// WrapConn starts TLS on conn as a client. serverName is required and
	// checked against the server's certificate; an empty name is refused
	// unless the configuration was made by insecure.WithoutHostnameCheck.
	WrapConn(conn net.Conn, serverName string) (Conn, error)
}

// ServerContext is a server-side TLS context (PEP 543 ServerContext).
type ServerContext interface {
	// Configuration returns the configuration the context was built from.
	Configuration() Configuration
	// WrapConn starts TLS on an accepted conn as a server.
	WrapConn(conn net.Conn) (Conn, error)
}

// Backend bundles a platform's constructors (PEP 543 Backend). Package
// native returns the one for the running platform; every field is set.
type Backend struct {
	// Name identifies the backend: "portable", "linux", "windows", "darwin".
	Name string
	// ClientContext builds a client context, validating cfg up front.
	ClientContext func(cfg Configuration) (ClientContext, error)
	// ServerContext builds a server context, validating cfg up front.
	ServerContext func(cfg Configuration) (ServerContext, error)
	// Certificates loads certificates from a file path or a platform URI.
	Certificates func(spec string) ([]*x509.Certificate, error)
	// PrivateKey loads a private key from a file path or a platform URI.
	PrivateKey func(spec string, password PasswordFunc) (crypto.Signer, error)
	// SystemTrustStore returns the platform's trust store.
	SystemTrustStore func() (TrustStore, error)
	// TrustStoreFromPEMFile returns a store trusting the certificates in a file.
	TrustStoreFromPEMFile func(path string) (TrustStore, error)
	// Validate reports, as a *ConfigurationError, what in cfg the backend
	// cannot honour; nil means every option will be applied.
	Validate func(cfg Configuration) error
}
