package trust

import (
	"context"
	"crypto/x509"
	"time"
)

// Usage is what a certificate is verified for.
//
// The zero Usage is UsageServerAuth, the common case of a client checking a
// server.
type Usage int

// Certificate usages. Anchors may be restricted to some of them.
const (
	UsageServerAuth  Usage = iota // TLS server authentication (id-kp-serverAuth)
	UsageClientAuth               // TLS client authentication (id-kp-clientAuth)
	UsageAny                      // any usage: extended key usage is not checked
	UsageEmail                    // S/MIME (id-kp-emailProtection); for anchor purposes
	UsageCodeSigning              // code signing (id-kp-codeSigning); for anchor purposes
)

// String returns "serverAuth", "clientAuth", "any", "email" or "codeSigning".
func (u Usage) String() string {
	switch u {
	case UsageServerAuth:
		return "serverAuth"
	case UsageClientAuth:
		return "clientAuth"
	case UsageAny:
		return "any"
	case UsageEmail:
		return "email"
	case UsageCodeSigning:
		return "codeSigning"
	}
	return "unknown"
}

// ExtKeyUsage returns the x509 extended key usage for u.
func (u Usage) ExtKeyUsage() x509.ExtKeyUsage {
	switch u {
	case UsageClientAuth:
		return x509.ExtKeyUsageClientAuth
	case UsageAny:
		return x509.ExtKeyUsageAny
	case UsageEmail:
		return x509.ExtKeyUsageEmailProtection
	case UsageCodeSigning:
		return x509.ExtKeyUsageCodeSigning
	}
	return x509.ExtKeyUsageServerAuth
}

// Revocation is the revocation-checking policy.
//
// The zero value, RevocationSoftFail, checks a stapled OCSP response when the
// peer sends one (and enforces must-staple) but lets the chain pass when the
// status cannot be determined.
type Revocation int

// Revocation policies.
const (
	RevocationSoftFail Revocation = iota // check what is available; unknown status passes
	RevocationOff                        // no revocation checking at all
	RevocationHardFail                   // the status must be determined as good, or verification fails
)

// String returns "soft-fail", "off" or "hard-fail".
func (r Revocation) String() string {
	switch r {
	case RevocationOff:
		return "off"
	case RevocationHardFail:
		return "hard-fail"
	}
	return "soft-fail"
}

// VerifyOptions are the inputs of one verification besides the chain.
// The zero value verifies for server authentication, now, without a name
// check, with the default soft-fail revocation policy.
type VerifyOptions struct {
	// ServerName is the DNS name or IP literal the leaf must be valid for.
	// Empty means no name check (callers must ask for that explicitly).
	ServerName string
	// Usage is the usage to verify for (zero: server authentication).
	Usage Usage
	// Time is the verification time; zero means time.Now().
	Time time.Time
	// OCSPResponse is a stapled OCSP response for the leaf, if the peer sent one.
	OCSPResponse []byte
	// Revocation is the revocation policy.
	Revocation Revocation
	// OnlineOCSP allows querying the leaf's OCSP responder within the
	// verification's time budget (off by default).
	OnlineOCSP bool
	// DisableFetch turns off fetching missing intermediates from AIA
	// caIssuers URLs (on by default where the platform does not fetch itself).
	DisableFetch bool
	// Strict adds the strict profile's RFC 5280 / CA/B Forum issuance rules
	// to the default profile (docs/VERIFICATION.md lists every check).
	Strict bool
	// MaxDepth is the most intermediates (self-issued ones not counted)
	// between leaf and anchor: 0 means no limit beyond the engine's own,
	// MaxDepthNoIntermediates (or any negative value) none at all.
	MaxDepth int
	// CRLs are certificate revocation lists to consult, given explicitly.
	CRLs []*x509.RevocationList
	// Pins are SPKI pins; when non-empty, some certificate of a verified
	// chain must match one of them.
	Pins []Pin
	// Callback, if set, sees the result of verification and may reject it
	// (or, through an explicit Override, accept it).
	Callback VerifyCallback
	// FetchClientIntermediates allows fetching missing intermediates for a
	// client certificate (UsageClientAuth). Off by default: a server should
	// not make requests for a peer it has not yet authenticated.
	FetchClientIntermediates bool
}

// TrustStore decides whether a certificate chain is trusted. It is a
// verifier, not a bag of roots: on macOS and Windows it asks the operating
// system; on Linux and in the portable backend it runs crypto/x509 over the
// anchors its sources yield, with their distrust and purpose restrictions.
//
// Implementations must be safe for concurrent use.
type TrustStore interface {
	// Verify checks chain (leaf first, then whatever intermediates the peer
	// presented, in any order) and returns the verified chains, each from
	// the leaf to an anchor. A failure is a *VerificationError.
	//
	// It makes only the store's own decision (path, signatures, validity,
	// name, usage, name constraints, distrust); [Verifier] adds the rest,
	// the same for every store, so a store may ignore MaxDepth, Strict and
	// CRLs. TLS contexts call the package function [Verify].
	Verify(ctx context.Context, chain []*x509.Certificate, opts VerifyOptions) ([][]*x509.Certificate, error)
	// String names the store for messages, e.g. "PEM file /etc/ssl/cert.pem".
	String() string
}

// Anchor is a trust anchor together with where it came from and what it is
// trusted for.
type Anchor struct {
	Certificate *x509.Certificate
	// Source names where the anchor was found: a file path, "p11-kit:<token>",
	// "nss:sql:/dir", "windows:CurrentUser/ROOT", "darwin:admin-trust-settings" …
	Source string
	// Purposes restricts what the anchor is trusted for; empty means any.
	Purposes []Usage
	// Distrusted marks a certificate that must be rejected wherever it
	// appears in a chain (anchor, intermediate or leaf). Distrust from any
	// source wins over trust from any source.
	Distrusted bool
	// DistrustAfter, if non-zero, distrusts server certificates issued by
	// this anchor's hierarchy with a NotBefore after this time (NSS
	// CKA_NSS_SERVER_DISTRUST_AFTER).
	DistrustAfter time.Time
	// Platform marks a root the operating system itself trusts (the
	// distribution's bundle or p11-kit configuration): the profile checks
	// of its own extensions are skipped, see PlatformAnchorer.
	Platform bool
}

// TrustedFor reports whether the anchor may be used for u.
func (a Anchor) TrustedFor(u Usage) bool {
	if a.Distrusted {
		return false
	}
	if len(a.Purposes) == 0 || u == UsageAny {
		return true
	}
	for _, p := range a.Purposes {
		if p == u || p == UsageAny {
			return true
		}
	}
	return false
}

// AnchorLister is implemented by stores that can list their anchors
// (including distrusted entries), for tools such as `nativetls roots`.
type AnchorLister interface {
	Anchors(ctx context.Context) ([]Anchor, error)
}

// SourceReport describes one trust source a store consulted.
type SourceReport struct {
	Name       string // e.g. "bundle", "p11-kit", "nss", "SSL_CERT_FILE"
	Path       string // file, directory, module or store location
	Anchors    int    // anchors (trusted certificates) it gave
	Distrusted int    // distrusted certificates it gave
	Skipped    string // why it was not consulted, if it was not
	Err        error  // what could not be read, if anything
	// Modified is when the source last changed (its file's, directory's
	// or database's modification time) as of the last load; zero when
	// unknown or not applicable.
	Modified time.Time
}

// SourceReporter is implemented by stores that can say which sources they
// read, for `nativetls doctor`.
type SourceReporter interface {
	Sources() []SourceReport
}

// Generational is implemented by stores whose content can change (Reload).
// The verification cache keys on the generation, so a reload invalidates it.
type Generational interface {
	Generation() uint64
}
