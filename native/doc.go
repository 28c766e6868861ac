// Package native is the bridge between trust.Configuration and Go's
// crypto/tls. It builds client and server contexts from an immutable
// configuration, verifies peers through a trust.TrustStore (the operating
// system's verifier on Windows and macOS, the merged Linux sources on Linux,
// files and crypto/x509 in the portable backend), and hands out ordinary
// net.Conn values, dialers, listeners and *tls.Config values for net/http,
// gRPC and anything else that takes one.
//
// # Verification
//
// Contexts never let crypto/tls verify certificates by itself: they set
// VerifyConnection, which crypto/tls calls on every handshake, including
// resumed sessions, and run trust.Verify there. A failure surfaces from the
// handshake as a *trust.VerificationError (reachable with errors.As).
//
// # Sans-I/O
//
// WrapBuffers on either context returns a Buffer: PEP 543's
// TLSWrappedBuffer. Ciphertext goes in and out through memory and the caller
// owns all I/O, for transports that are not a net.Conn (WebSocket messages,
// SSH channels, serial links, simulators) and for event loops; it never
// blocks, returning trust.ErrWantRead or trust.ErrWantWrite instead. WrapStream
// runs a Buffer over any io.ReadWriter.
//
// # Errors at creation
//
// Everything that cannot work is reported by NewClientContext and
// NewServerContext as a *trust.ConfigurationError, never at first use: a
// cipher suite crypto/tls cannot do, a TLS 1.3 restriction it cannot honour,
// version bounds that exclude every suite, a certificate chain without a key.
package native
