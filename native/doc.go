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
// # net/http, proxies and gRPC
//
// ClientContext.HTTPTransport and HTTPClient give net/http a transport whose
// every connection is verified by the context, for direct requests (through
// DialTLSContext, which checks IP-address URLs too) and for requests through
// a proxy (through a TLSClientConfig whose VerifyConnection does the whole
// check), over HTTP/2 or HTTP/1.1. A Transport built from DialTLSContext
// alone is not safe with a proxy: net/http does not call DialTLSContext for
// proxied requests. Package grpccreds turns contexts into gRPC transport
// credentials.
//
// # Hostile input
//
// Every path, URI and password source a user or configuration names is
// treated as hostile: files are read only when regular and at most 16 MiB,
// errors never show a secret a URI or source carries (RedactURI), and a
// parser crash is recovered at the loader as ErrLoaderPanic. The PEP 493
// switch (Policy) relaxes only the default configuration, never a trust
// store, pins or a callback the program chose.
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
