// Package darwin is the macOS backend of nativetls: Security.framework's
// verifier, keychain identities and trust settings, called without cgo.
//
//   - [System] and [WithRoots] return a trust.TrustStore that asks
//     SecTrustEvaluateWithError, so a program trusts what Safari and
//     Keychain Access trust: admin and user trust settings, MDM-installed
//     roots, Apple's distrust lists, intermediate fetching and revocation.
//     Failures are *trust.VerificationError values with the shared reason,
//     the OSStatus in PlatformCode and its SDK name in PlatformCodeName.
//     The store also lists its anchors (trust.AnchorLister) and sources
//     (trust.SourceReporter) for tools, deciding from the trust settings
//     the way trustd does (no evaluation, no network).
//
//     There is no Reload and no generation: every Verify asks trustd
//     (which watches the trust settings itself) and every Anchors call
//     reads the settings afresh, so a change is seen by the next call. The
//     store is not trust.Generational: trust.Verifier's cache never keeps
//     its results.
//
//   - [OpenKey] opens a keychain, Secure Enclave or smart-card
//     identity named by a smallstep-style mackms: URI ([KeyURI]) as a
//     crypto.Signer that signs with SecKeyCreateSignature and never exports
//     the key.
//
//   - [Install] and [Uninstall] add or remove a CA in the user's (or, with
//     trust.ScopeSystem, the admin) trust settings, as Keychain Access's
//     "Always Trust" does, and read the settings back afterwards.
//
// The foreign calls go through github.com/ebitengine/purego in package
// darwin/internal/sec, one Go function per C function. Every decision —
// OSStatus to reason, trust-settings semantics, URI parsing, signature
// algorithm choice — is portable Go in this package, tested on every OS.
// On other operating systems the entry points return [ErrUnsupported].
//
// Max depth, explicit CRLs and the profile checks (default and strict) are
// applied by trust.Verifier to the chain SecTrust built, as for every store;
// roots macOS itself trusts skip the anchor-only checks
// (trust.PlatformAnchorer), extra roots from WithRoots keep them.
//
// Limits: RSA-PSS signs with salt length equal to the hash length only;
// Ed25519 keys are not supported by the keychain.
package darwin
