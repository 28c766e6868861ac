// Package windows is the Windows backend of nativetls: the CryptoAPI chain
// engine as a trust.TrustStore, the certificate stores (ROOT, AuthRoot, CA,
// Disallowed, MY) and CNG (NCrypt) private keys as crypto.Signer.
//
// # Verification
//
// [System] returns a store that asks Windows: CertGetCertificateChain over
// an in-memory store holding the intermediates the peer presented, then
// CertVerifyCertificateChainPolicy with CERT_CHAIN_POLICY_SSL (server name
// and AUTHTYPE_SERVER, or AUTHTYPE_CLIENT when verifying a client
// certificate). Group-policy and enterprise roots, AuthRoot auto-update,
// the Disallowed store and Windows' own intermediate fetching all apply
// exactly as they do for the OS and its browsers. The chain flags follow
// trust.VerifyOptions (revocation off, soft-fail, or hard-fail on the leaf
// while a revoked intermediate still fails; cache-only retrieval;
// [URLRetrievalTimeout]); a stapled OCSP response reaches the engine as the
// leaf's CERT_OCSP_RESPONSE_PROP_ID. Lower-quality chains the engine
// returns are tried before a chain is rejected; every ECDSA signature of
// the accepted chain is checked again with crypto/x509 (CVE-2020-0601);
// verdicts are decided from the per-element trust-status bits, not from
// the policy's one code alone. [TraceEnv] turns on a trace of all of it.
// Max depth, the profile checks and explicit CRLs are trust.Verifier's,
// as for every store; [Store.IsPlatformAnchor] tells it which anchors are
// the OS's.
//
// [WithRoots] adds the program's own roots ("system plus our root") through
// a custom chain engine whose exclusive root store is the OS roots plus the
// extra ones; the OS default engine is asked first, so nothing the OS trusts
// is lost. Every failure is a *trust.VerificationError whose Reason is
// mapped from the CERT_E_* / TRUST_E_* / CRYPT_E_* status and whose
// PlatformCode / PlatformCodeName keep the Windows code.
//
// # Stores
//
// A store returned by System or WithRoots lists its anchors
// (trust.AnchorLister: ROOT and AuthRoot of CurrentUser and LocalMachine,
// with Disallowed entries marked Distrusted) and reports its sources
// (trust.SourceReporter). [Install] and [Uninstall] take trust.InstallOptions, as on every platform: the ROOT,
// CA or Disallowed store of CurrentUser or LocalMachine, with a dry run,
// and read the store back after the change (trust.ErrNotInstalled).
//
// # Keys
//
// [OpenKey] takes a capi: URI (the form smallstep's capi KMS uses, see
// [ParseCAPIURI]), finds the certificate in the store and returns its CNG
// private key as a [*Key]: a crypto.Signer (RSA PKCS#1 v1.5 and PSS, ECDSA
// P-256/P-384/P-521) and, for RSA, a crypto.Decrypter. The key never
// leaves the key storage provider.
//
// On other operating systems the constructors return [ErrUnsupported]; the
// portable parts (status mapping, decisions on the engine's status bits,
// URI parsing, install planning) are tested everywhere.
//
// The package is pure Go (golang.org/x/sys/windows plus lazily bound
// crypt32/ncrypt procs in internal/win32), so it cross-compiles with
// CGO_ENABLED=0. Its tests run under Wine in CI (ci/wine/run-tests.sh).
package windows
