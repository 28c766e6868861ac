package linux

import (
	"context"
	"crypto/x509"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nativetls/nativetls/trust"
)

// Options selects and overrides the sources Load reads. The zero value reads
// what the operating system trusts (System uses it). Tests set the fields to
// temporary files so they never touch the host's stores.
type Options struct {
	// Getenv looks up SSL_CERT_FILE and SSL_CERT_DIR; nil means os.Getenv.
	Getenv func(string) string
	// CertFiles, when non-nil, replaces the bundle file list (and wins over
	// SSL_CERT_FILE); as with the defaults only the first existing file is
	// read.
	CertFiles []string
	// CertDirs, when non-nil, replaces the directory list (and wins over
	// SSL_CERT_DIR).
	CertDirs []string
	// AlwaysReadBundles reads the default bundles and directories even when
	// the p11-kit trust module yielded anchors (zero: they are skipped, since
	// on p11-kit systems they are generated from the same configuration).
	AlwaysReadBundles bool

	// DisableP11Kit skips the p11-kit trust module.
	DisableP11Kit bool
	// P11KitModule is the path of p11-kit-trust.so; empty means search the
	// usual locations.
	P11KitModule string
	// P11KitPaths, when non-nil, replaces the module's configured trust
	// paths (passed as "paths=a:b"). p11-kit treats files under a directory
	// named "anchors" as anchors and under "blocklist" as distrusted.
	P11KitPaths []string
	// P11KitFullRead makes the p11-kit module parse every token itself
	// (zero: a token that is a plain PEM file, such as Debian's
	// /etc/ssl/certs/ca-certificates.crt, is read directly, which gives
	// the same anchors several times faster; see the package doc).
	P11KitFullRead bool

	// IncludeNSS reads NSS databases too (zero: not read, since browsers,
	// not the operating system, own them).
	IncludeNSS bool
	// NSSModule is the path of NSS's softoken (libsoftokn3.so); empty means
	// search the usual locations.
	NSSModule string
	// NSSDatabases lists NSS database directories (with or without the
	// "sql:" prefix); nil means /etc/pki/nssdb and ~/.pki/nssdb.
	NSSDatabases []string
	// Home is the home directory for ~/.pki/nssdb; empty means the
	// user's home directory.
	Home string

	// CheckInterval, when positive, makes the store notice changes to its
	// sources by itself: at most once per interval (one second at least),
	// when the store is used, a background check stats every source
	// (bundle files and directories, p11-kit trust paths and their
	// anchors/blocklist directories, NSS databases) and reloads the store
	// if any changed. Zero: changes are seen only after Reload. System and
	// WithRoots use DefaultCheckInterval.
	CheckInterval time.Duration
}

// Store is the Linux TrustStore (obtain one from System or Load; the zero
// value trusts nothing): crypto/x509 verification (through
// trust.AnchorStore) over the merged anchors of every source, with
// distrust, per-purpose restrictions and distrust-after dates. It is safe
// for concurrent use; Reload swaps its content atomically.
type Store struct {
	opts  Options
	extra []*x509.Certificate // WithRoots
	watch *watcher            // nil: no change detection
	mu    sync.Mutex          // serialises Reload
	cur   atomic.Pointer[snapshot]
}

// snapshot is one loaded content of a Store.
type snapshot struct {
	*trust.AnchorStore
	distrusted []*x509.Certificate // distrusted entries, for distrustedIssuerError
	sources    map[*x509.Certificate]string
	watched    []string // the paths the content depends on
	stamp      uint64   // their fingerprint, taken before they were read
}

// Compile-time conformance.
var (
	_ trust.TrustStore       = (*Store)(nil)
	_ trust.AnchorLister     = (*Store)(nil)
	_ trust.SourceReporter   = (*Store)(nil)
	_ trust.Generational     = (*Store)(nil)
	_ trust.PlatformAnchorer = (*Store)(nil)
)

var (
	systemOnce  sync.Once
	systemStore *Store
	systemErr   error
)

// System returns the store of what this machine trusts (the zero Options),
// loaded once per process, lazily, on first call. It notices changes to
// its sources by itself (Options.CheckInterval = DefaultCheckInterval):
// a new root appended to the bundle, an anchor or blocklist file added to
// a p11-kit trust path, a new SSL_CERT_FILE written, are used from the
// next handshake after the check that sees them, within about a second,
// without Reload. The store is a *Store (Reload, Sources, Anchors).
func System() (trust.TrustStore, error) {
	systemOnce.Do(func() { systemStore, systemErr = Load(Options{CheckInterval: DefaultCheckInterval}) })
	if systemErr != nil {
		return nil, systemErr
	}
	return systemStore, nil
}

// WithRoots returns a new store of what this machine trusts plus extra
// roots (trusted for every purpose, unless a system source distrusts
// them), with change detection as System. It is not shared: Close it when
// done.
func WithRoots(extra ...*x509.Certificate) (trust.TrustStore, error) {
	for i, c := range extra {
		if c == nil {
			return nil, fmt.Errorf("linux: WithRoots: root %d is nil", i)
		}
	}
	s := &Store{opts: Options{CheckInterval: DefaultCheckInterval}, extra: append([]*x509.Certificate(nil), extra...)}
	return s.start()
}

// Load reads the sources selected by opts and returns a new store: for
// programs and tests that choose the sources (explicit bundles, p11-kit
// trust paths, NSS databases), which System does not take. Sources that
// cannot be read are reported by Sources (with the reason); Load fails
// only when no source yielded any anchor, with an error that says where it
// looked.
func Load(opts Options) (*Store, error) {
	return (&Store{opts: opts}).start()
}

func (s *Store) start() (*Store, error) {
	s.watch = newWatcher(s.opts.CheckInterval)
	if err := s.Reload(); err != nil {
		return nil, err
	}
	return s, nil
}

// Close stops change detection (waiting for a check in progress); the
// store keeps verifying with its current content. Closing the store
// returned by System is allowed but stops detection for the whole
// process.
func (s *Store) Close() error {
	if s.watch != nil {
		s.watch.stop()
	}
	return nil
}

// Reload re-reads every source and replaces the store's content; the
// generation changes, so cached verifications are not reused. On failure
// the previous content is kept. A store with change detection calls it by
// itself when a source changes.
func (s *Store) Reload() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	watched := watchPaths(&s.opts)
	stamp := fingerprint(watched) // before reading: a change during the read is seen next time
	anchors, reports, err := loadSources(&s.opts)
	if err != nil {
		return err
	}
	for _, c := range s.extra {
		anchors = append(anchors, trust.Anchor{Certificate: c, Source: "linux.WithRoots"})
	}
	if countTrustedAnchors(anchors) == 0 {
		return &NoAnchorsError{Sources: reports}
	}
	stampReports(reports, watched)
	snap := &snapshot{AnchorStore: trust.NewAnchorStore("linux system trust", anchors, reports...),
		sources: map[*x509.Certificate]string{}, watched: watched, stamp: stamp}
	for _, a := range anchors {
		if a.Distrusted {
			snap.distrusted = append(snap.distrusted, a.Certificate)
			snap.sources[a.Certificate] = a.Source
		}
	}
	s.cur.Store(snap)
	return nil
}

func countTrustedAnchors(as []trust.Anchor) int {
	n := 0
	for _, a := range as {
		if !a.Distrusted {
			n++
		}
	}
	return n
}

// String names the store.
func (s *Store) String() string {
	if s.cur.Load() == nil {
		return "linux system trust (not loaded)"
	}
	return fmt.Sprintf("linux system trust (%d sources)", len(s.cur.Load().Sources()))
}

// Verify implements trust.TrustStore over the current content.
func (s *Store) Verify(ctx context.Context, chain []*x509.Certificate, opts trust.VerifyOptions) ([][]*x509.Certificate, error) {
	s.poke()
	snap := s.cur.Load()
	if snap == nil {
		return nil, &trust.VerificationError{Reason: trust.ReasonUnknownAuthority, Depth: -1, Host: opts.ServerName,
			Backend: "linux", Detail: "the store was not loaded (use linux.System or linux.Load)"}
	}
	chains, err := snap.Verify(ctx, chain, opts)
	if err != nil && len(snap.distrusted) > 0 {
		if derr := distrustedIssuerError(snap.distrusted, snap.sources, chain, opts, err, snap.String()); derr != nil {
			return nil, derr
		}
	}
	return chains, err
}

// Anchors lists every anchor with its source and purposes, distrusted
// entries included.
func (s *Store) Anchors(ctx context.Context) ([]trust.Anchor, error) {
	if snap := s.cur.Load(); snap != nil {
		return snap.Anchors(ctx)
	}
	return nil, nil
}

// Sources reports every source consulted or skipped, with counts and
// errors, for `nativetls doctor`.
func (s *Store) Sources() []trust.SourceReport {
	if snap := s.cur.Load(); snap != nil {
		return snap.Sources()
	}
	return nil
}

// Generation identifies the current content; it changes on every Reload
// (including those change detection makes). The verification cache keys
// on it, so a changed store never answers from an older content's entries.
func (s *Store) Generation() uint64 {
	s.poke()
	if snap := s.cur.Load(); snap != nil {
		return snap.Generation()
	}
	return 0
}

// poke starts a background check of the sources when one is due.
func (s *Store) poke() {
	if s.watch != nil {
		s.watch.poke(s)
	}
}

// IsDistrusted reports whether c (or its public key) is distrusted by any
// source.
func (s *Store) IsDistrusted(c *x509.Certificate) bool {
	snap := s.cur.Load()
	return snap != nil && snap.IsDistrusted(c)
}

// IsPlatformAnchor implements trust.PlatformAnchorer: anchor came from the
// operating system's own configuration (p11-kit or the distribution's
// bundle), not from a file the program named.
func (s *Store) IsPlatformAnchor(anchor *x509.Certificate) bool {
	snap := s.cur.Load()
	return snap != nil && snap.IsPlatformAnchor(anchor)
}

// AnchorStore returns a snapshot of the current content.
func (s *Store) AnchorStore() *trust.AnchorStore {
	if snap := s.cur.Load(); snap != nil {
		return snap.AnchorStore
	}
	return trust.NewAnchorStore("linux system trust (not loaded)", nil)
}
