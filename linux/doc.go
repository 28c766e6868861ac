// Package linux is the Linux trust backend of nativetls: it reads what the
// operating system actually trusts, merges it, and verifies chains against
// it with the project's verification layer (trust.AnchorStore).
//
// # Sources
//
// System (and Load) consult, in this order:
//
//   - the p11-kit trust module (p11-kit-trust.so) through the project's
//     pkcs11 package: anchors, blocklisted (CKA_X_DISTRUSTED) certificates,
//     per-purpose trust (CKO_NSS_TRUST, CKO_X_TRUST_ASSERTION), extended key
//     usage restrictions stapled to anchors (CKO_X_CERTIFICATE_EXTENSION) and
//     CKA_NSS_SERVER_DISTRUST_AFTER. When it yields anchors it is the source
//     of truth and the bundles below are not read (they are generated from
//     the same configuration on p11-kit systems). The module's slot list
//     names its trust paths; when every one is a plain PEM file (Debian's
//     /etc/ssl/certs/ca-certificates.crt), the file fully determines the
//     module's answer and is read directly, which avoids the module's own
//     parse (about twice as slow as all of x509.SystemCertPool); Fedora
//     and RHEL's trust paths (directories of .p11-kit persist files with
//     anchors/ and blocklist/) are read directly too when they hold only
//     what the fast path models (certificates, trust and distrust flags,
//     stapled extended key usage, distrust-after), and by the module
//     otherwise; Options.P11KitFullRead turns both off;
//   - otherwise the CA bundle files and certificate directories that Go's
//     crypto/x509 and OpenSSL probe across Debian/Ubuntu, Fedora/RHEL,
//     openSUSE, Alpine and Arch (the first bundle file found, every
//     directory), honouring OpenSSL "TRUSTED CERTIFICATE" trust and reject
//     attributes;
//   - NSS shared databases (sql: cert9.db; /etc/pki/nssdb and ~/.pki/nssdb by
//     default), read-only through NSS's own softoken, when Options.IncludeNSS
//     is set: browsers, not the operating system, own them.
//
// SSL_CERT_FILE and SSL_CERT_DIR are honoured exactly as Go honours them:
// SSL_CERT_FILE replaces the list of bundle files, SSL_CERT_DIR (a
// colon-separated list) replaces the list of directories. When either is set
// the system sources (p11-kit, NSS) are not consulted, as in OpenSSL, and the
// source reports say so.
//
// Every anchor records its source and purposes. Distrust from any source wins
// over trust from any source.
//
// # When changes are seen
//
// System loads the sources once per process, lazily, on first use, and then
// notices their changes by itself: when the store is used (Verify, or
// Generation, which the verification cache asks on every handshake) and at
// least DefaultCheckInterval has passed since the last look, a background
// goroutine stats every source (bundle files and directories, including
// SSL_CERT_FILE and SSL_CERT_DIR, the p11-kit trust paths with their anchors
// and blocklist directories, NSS databases) and, if any changed, reloads
// the store. The handshake never waits for the check: it costs the
// handshake an atomic load and a clock read, and the check goroutine ends
// by itself (Store.Close stops detection). A reload changes the store's
// generation, so the verification cache, which keys on it, never answers
// from the old content: the next handshake after the reload sees the new
// roots and the new distrust. A reload that fails keeps the old content.
// Sources report each source's last change (trust.SourceReport.Modified).
//
// WithRoots makes a store like System's with extra roots. Load takes
// explicit Options (sources, paths, NSS databases) for programs and tests
// that choose what to read; its stores detect changes only when
// Options.CheckInterval is set, and Store.Reload re-reads on demand.
//
// # Builds without cgo
//
// The p11-kit module and NSS databases are PKCS#11 modules, which need cgo.
// A binary built with CGO_ENABLED=0 reads bundles and directories only, and
// the source reports say that the other sources were skipped and why.
//
// # Installing a CA
//
// Install and Uninstall add or remove a CA certificate in the system store
// (update-ca-certificates on Debian-like systems, update-ca-trust on
// Fedora-like systems, `trust anchor --store` elsewhere) and in NSS
// databases (certutil, every Firefox profile found and ~/.pki/nssdb), with
// the options every platform takes (trust.InstallOptions). Every change is
// checked: the store is read back with the loader the trust store uses, and
// a certificate that is not there afterwards (or still there after
// Uninstall) is a *NotInstalledError wrapping trust.ErrNotInstalled, so a
// tool that exits 0 without doing the work never looks like success. A
// failing or missing tool is reported as a *CmdError carrying the command
// and its output; DryRun prints what would run without running it.
//
// On operating systems other than Linux every entry point returns
// ErrUnsupported.
package linux
