// Package trust is the backend-neutral half of nativetls: the Go rendering of
// Python's PEP 543 ("A Unified TLS API") and its successor draft PEP 748.
//
// It holds the concepts every backend shares and makes no operating-system
// calls:
//
//   - [Configuration], an immutable TLS configuration whose With methods
//     return changed copies. Its zero value is the documented secure default.
//   - [Version], [CipherSuite] and [NextProtocol], the protocol vocabulary.
//   - [TrustStore], a verifier: a chain, a name, a time and a usage go in,
//     verified chains or a [*VerificationError] come out. Portable stores read
//     PEM files, directories and [x509.CertPool] values; platform packages
//     (linux, windows, darwin) supply the operating system's own verifier.
//   - Certificate and private-key loaders for PEM, DER and PKCS#7 data.
//   - [Backend], PEP 543's bundle of constructors for one platform.
//   - Errors: [ErrWantRead], [ErrWantWrite], [ErrRaggedEOF],
//     [*ConfigurationError], [*TLSError] and [*VerificationError].
//
// Options that weaken security (no certificate validation, no hostname
// check) are not here: they live in package trust/insecure so that they stand
// out in review.
//
// # Secure defaults may be raised
//
// The defaults (TLS 1.2 minimum, AEAD cipher suites only, certificate
// validation on) follow PEP 466: they may be raised in a minor release when
// the state of the art moves. Programs that need an older peer must say so
// explicitly in their Configuration.
package trust
