package windows

import (
	"crypto/x509"
	"sync"

	"github.com/nativetls/nativetls/trust"
)

// Store is the Windows trust store: a trust.TrustStore that asks the
// CryptoAPI chain engine, a trust.AnchorLister over the system stores and
// a trust.SourceReporter for doctor. [System] and [WithRoots] return one.
//
// A Store made by WithRoots owns a chain engine: call Close when done.
// Verify fails after Close. A Store is safe for concurrent use.
type Store struct {
	name  string
	extra []*x509.Certificate // WithRoots' additional roots

	mu     sync.RWMutex
	engine uintptr // HCERTCHAINENGINE of the custom engine, 0 for none
	// caAnchors: the engine takes non-self-signed extra roots as anchors
	// (CERT_CHAIN_EXCLUSIVE_ENABLE_CA_FLAG).
	caAnchors bool
	// exclusive: only the custom engine, over the extra roots alone, is
	// asked (exclusiveRoots).
	exclusive bool
	handles   []uintptr
	closed    bool
}

// Compile-time conformance.
var (
	_ trust.TrustStore       = (*Store)(nil)
	_ trust.AnchorLister     = (*Store)(nil)
	_ trust.SourceReporter   = (*Store)(nil)
	_ trust.PlatformAnchorer = (*Store)(nil)
)

// String names the store, e.g. "Windows system trust (CryptoAPI)".
func (s *Store) String() string { return s.name }

// ExtraRoots returns the roots added by WithRoots.
func (s *Store) ExtraRoots() []*x509.Certificate { return append([]*x509.Certificate(nil), s.extra...) }

// CAAnchors reports whether an extra root given to WithRoots that is not
// self-signed (an intermediate) anchors chains: true where the OS accepted
// CERT_CHAIN_EXCLUSIVE_ENABLE_CA_FLAG (Windows 8 and later), false on
// Windows 7, under Wine and for a store without extra roots.
func (s *Store) CAAnchors() bool { return s.caAnchors }

// IsPlatformAnchor reports whether anchor, the top of a chain Verify
// returned, is trusted by Windows itself (the ROOT and AuthRoot stores,
// group policy, root auto-update) rather than given to WithRoots by the
// program: trust.Verifier then skips the profile checks of the anchor's own
// extensions, as it does for every OS-trusted root. It implements
// trust.PlatformAnchorer; a store made for the conformance table, whose
// roots are all the program's, reports false.
func (s *Store) IsPlatformAnchor(anchor *x509.Certificate) bool {
	if anchor == nil || s.exclusive {
		return false
	}
	for _, c := range s.extra {
		if c.Equal(anchor) {
			return false
		}
	}
	return true
}

// anchorStores are the stores listed as anchors, in listing order
// (LocalMachine first, so that CurrentUser lists only what the user added).
var anchorStores = []struct {
	loc        Location
	name       string
	distrusted bool
}{
	{LocalMachine, StoreRoot, false},
	{LocalMachine, StoreAuthRoot, false},
	{CurrentUser, StoreRoot, false},
	{CurrentUser, StoreAuthRoot, false},
	{LocalMachine, StoreDisallowed, true},
	{CurrentUser, StoreDisallowed, true},
}

// FetchesIntermediates reports that the CryptoAPI chain engine fetches
// missing intermediates from AIA URLs itself (within the URL-retrieval
// budget, and not when VerifyOptions.DisableFetch asks for cache-only
// retrieval), so trust.Verifier does not fetch them a second time.
func (s *Store) FetchesIntermediates() bool { return true }

var _ trust.SelfFetchingStore = (*Store)(nil)
