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
// native returns the one for the running platform; every field is set, so a
// program can do everything the nativetls CLI does through it.
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

	// Install adds the CA certificate cert to the trust stores opts names
	// (also the CLI's words "system", "user", "nss" and "all"), reads them
	// back and returns the actions taken (planned, with opts.DryRun); an
	// error wraps ErrUnsupported where no store can be changed.
	Install func(cert *x509.Certificate, opts InstallOptions) ([]InstallAction, error)
	// Uninstall removes cert from the stores opts names, as Install adds it.
	Uninstall func(cert *x509.Certificate, opts InstallOptions) ([]InstallAction, error)
	// Keys lists the key stores the backend can search (PKCS#11 tokens, OS
	// key stores), each with what it found or why it could not be searched;
	// the error is for a module or URI named in opts that cannot be opened.
	Keys func(opts KeyListOptions) ([]KeyStore, error)
	// Capabilities reports what this binary can use on this machine now:
	// the key, certificate and password schemes, each with a note or the
	// reason it is unavailable (e.g. no D-Bus session bus for keychain:).
	Capabilities func() []Capability
}

// KeyListOptions selects what Backend.Keys lists. The zero value lists the
// tokens of every module p11-kit's proxy loads and the identities of the
// OS key stores, without logging in to anything.
type KeyListOptions struct {
	// Module is the PKCS#11 module to ask; empty means p11-kit-proxy.so
	// (every registered module).
	Module string
	// URI, a pkcs11: URI, lists the objects of the token(s) it selects
	// instead of tokens and OS stores.
	URI string
	// PIN supplies the token PIN; nil lists public objects only (private
	// keys stay hidden and are counted in KeyStore.HiddenPrivateKeys).
	PIN PasswordFunc
}

// KeyStore is one place Backend.Keys searched: a PKCS#11 module, a token,
// or an OS key store.
type KeyStore struct {
	// Name says which store, e.g. "pkcs11 module p11-kit-proxy.so",
	// "pkcs11 token \"web\"", "windows:CurrentUser/MY", "macOS keychain".
	Name string
	// Kind is "pkcs11-module", "pkcs11-token" or "os-store".
	Kind string
	// Tokens are the initialized tokens of a module.
	Tokens []TokenInfo
	// Objects are the objects of a token, or the identities of an OS store.
	Objects []KeyObject
	// HiddenPrivateKeys counts the certificates and public keys whose
	// private key is not visible because no PIN was given (tokens hide
	// private objects until a login); 0 when a PIN was given.
	HiddenPrivateKeys int
	// Err says why the store could not be searched; nil when it was.
	Err error
}

// TokenInfo describes a PKCS#11 token Backend.Keys found.
type TokenInfo struct {
	Slot         uint
	Label        string
	Manufacturer string
	Model        string
	Serial       string
	// URI is the pkcs11: URI that selects the token (with the module path).
	URI string
	// Objects counts the objects visible without a PIN; -1 if the token
	// could not be read.
	Objects int
	// HiddenPrivateKeys is KeyStore.HiddenPrivateKeys for this token.
	HiddenPrivateKeys int
}

// KeyObject is an object of a token, or an identity of an OS key store.
type KeyObject struct {
	Type    string // "private", "public", "cert", "secret-key", "data", or "identity"
	Label   string
	ID      []byte // CKA_ID, for token objects
	KeyType string // "RSA", "EC", "EC_EDWARDS" for keys
	URI     string // the URI that names it (no PIN)
}

// Capability says whether a scheme, password source or tool is usable by
// this binary on this machine now.
type Capability struct {
	Name      string // "file", "pkcs11", "capi", "mackms", "keychain" …
	Available bool
	Note      string // why not, or what it needs at run time
}
