// Package native is the bridge between trust.Configuration and Go's
// crypto/tls: it builds client and server contexts that verify peers
// through a trust.TrustStore (the operating system's verifier on Windows
// and macOS, the merged Linux sources on Linux, crypto/x509 in the portable
// backend) and hands out net.Conn values, dialers, listeners and
// *tls.Config values for net/http, gRPC and the rest.
//
// # Verification
//
// Contexts turn crypto/tls's own verification off and run trust.Verify in
// VerifyConnection, on every handshake including resumed ones; a failure is
// a *trust.VerificationError (errors.As). ClientContext.HTTPTransport
// verifies direct and proxied requests alike (a Transport built from
// DialTLSContext alone does not: net/http skips it for proxied requests).
// Package grpccreds turns contexts into gRPC transport credentials.
//
// # Hostile input
//
// Paths, URIs and password sources are treated as hostile: files are read
// only when regular and at most 16 MiB, errors never show a secret
// (RedactURI), and a parser crash is recovered as ErrLoaderPanic.
//
// # Sans-I/O
//
// WrapBuffers returns a Buffer (PEP 543's TLSWrappedBuffer): ciphertext
// goes through memory and the caller owns all I/O, for transports that are
// not a net.Conn and for event loops. WrapStream runs one over any
// io.ReadWriter.
//
// # Errors at creation
//
// NewClientContext and NewServerContext report everything that cannot work
// as a *trust.ConfigurationError, never at first use: a cipher suite or TLS
// 1.3 restriction crypto/tls cannot honour, version bounds that exclude
// every suite, a certificate chain without a key.
package native
