package trust

import (
	"context"
	"crypto/sha256"
	"crypto/x509"
	"strings"
	"sync"
	"time"
)

// AnchorStore is a TrustStore over a fixed list of anchors, each with its
// source and purposes, plus distrusted certificates. Verification runs
// crypto/x509 with the anchors trusted for the requested usage and then the
// store's own distrust rules (distrust anywhere in the chain, distrust-after
// dates); the Verifier then applies max depth, the profile checks and CRLs,
// as for every store. The portable backend and the Linux backend use it.
//
// An AnchorStore is immutable and safe for concurrent use.
type AnchorStore struct {
	name       string
	anchors    []Anchor
	sources    []SourceReport
	distrusted map[[32]byte]bool // SHA-256 of the certificate DER
	distrustPK map[[32]byte]bool // SHA-256 of the SubjectPublicKeyInfo
	trusted    map[string]Anchor // non-distrusted anchors by certificate DER
	generation uint64

	mu    sync.Mutex
	pools map[Usage]*x509.CertPool
	memo  *chainMemo // see sigmemo.go
}

// NewAnchorStore returns a store over anchors. name describes it in
// messages; sources, if given, are reported by Sources (for doctor).
// Distrusted entries are kept for rejection and never trusted.
func NewAnchorStore(name string, anchors []Anchor, sources ...SourceReport) *AnchorStore {
	s := &AnchorStore{
		name:       name,
		anchors:    append([]Anchor(nil), anchors...),
		sources:    append([]SourceReport(nil), sources...),
		distrusted: map[[32]byte]bool{},
		distrustPK: map[[32]byte]bool{},
		pools:      map[Usage]*x509.CertPool{},
		generation: nextGeneration(),
		memo:       newChainMemo(),
	}
	s.trusted = map[string]Anchor{}
	for _, a := range s.anchors {
		switch {
		case a.Certificate == nil:
		case a.Distrusted:
			s.distrusted[sha256.Sum256(a.Certificate.Raw)] = true
			s.distrustPK[sha256.Sum256(a.Certificate.RawSubjectPublicKeyInfo)] = true
		default:
			// The first entry for a certificate wins, except that the root
			// is a platform root if any source says so.
			key := string(a.Certificate.Raw)
			if prev, ok := s.trusted[key]; ok {
				prev.Platform = prev.Platform || a.Platform
				s.trusted[key] = prev
			} else {
				s.trusted[key] = a
			}
		}
	}
	return s
}

var (
	genMu  sync.Mutex
	genCtr uint64
)

// nextGeneration hands out process-unique generations so that a cache keyed
// on (store, generation) never confuses two store versions.
func nextGeneration() uint64 {
	genMu.Lock()
	defer genMu.Unlock()
	genCtr++
	return genCtr
}

// String names the store.
func (s *AnchorStore) String() string { return s.name }

// Generation identifies this store's content for caches.
func (s *AnchorStore) Generation() uint64 { return s.generation }

// Anchors returns a copy of the anchors, distrusted entries included.
func (s *AnchorStore) Anchors(context.Context) ([]Anchor, error) {
	return append([]Anchor(nil), s.anchors...), nil
}

// Sources reports the sources the store was built from.
func (s *AnchorStore) Sources() []SourceReport { return append([]SourceReport(nil), s.sources...) }

// IsDistrusted reports whether c (or its public key) is explicitly distrusted.
func (s *AnchorStore) IsDistrusted(c *x509.Certificate) bool {
	if !s.hasDistrust() {
		return false // no hashing for the common store that distrusts nothing
	}
	return s.distrusted[sha256.Sum256(c.Raw)] || s.distrustPK[sha256.Sum256(c.RawSubjectPublicKeyInfo)]
}

// pool returns the pool of anchors trusted for u, built once per usage.
func (s *AnchorStore) pool(u Usage) *x509.CertPool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if p, ok := s.pools[u]; ok {
		return p
	}
	// Distrusted certificates go into the pool too: a chain through one is
	// then built, and rejected by the distrust check with ReasonDistrusted,
	// instead of failing as "unknown authority", which would hide why.
	p := x509.NewCertPool()
	for _, a := range s.anchors {
		if a.Certificate == nil {
			continue
		}
		if a.Distrusted || (a.TrustedFor(u) && !s.IsDistrusted(a.Certificate)) {
			p.AddCert(a.Certificate)
		}
	}
	s.pools[u] = p
	return p
}

// anchorFor returns the anchor entry of a certificate at the top of a chain.
func (s *AnchorStore) anchorFor(c *x509.Certificate) (Anchor, bool) {
	a, ok := s.trusted[string(c.Raw)]
	return a, ok
}

// IsPlatformAnchor implements PlatformAnchorer: anchor is a trusted entry
// of the store marked Anchor.Platform by any of its sources.
func (s *AnchorStore) IsPlatformAnchor(anchor *x509.Certificate) bool {
	if anchor == nil {
		return false
	}
	a, ok := s.anchorFor(anchor)
	return ok && a.Platform
}

// Verify implements TrustStore.
func (s *AnchorStore) Verify(ctx context.Context, chain []*x509.Certificate, opts VerifyOptions) ([][]*x509.Certificate, error) {
	if len(chain) == 0 {
		return nil, &VerificationError{Reason: ReasonMalformed, Depth: -1, Host: opts.ServerName,
			Detail: "the peer presented no certificate", Backend: s.name}
	}
	if len(s.trusted) == 0 && nilIndex(chain) < 0 {
		return nil, s.emptyError(chain, opts)
	}
	return verifyWithAnchors(ctx, s, chain, opts)
}

// emptyError is the failure of a store without a single trusted anchor
// (an empty --roots directory, a file of distrusted entries only): it
// names where the anchors were looked for, not a missing issuer.
func (s *AnchorStore) emptyError(chain []*x509.Certificate, opts VerifyOptions) error {
	var where []string
	for _, r := range s.sources {
		if r.Path != "" {
			where = append(where, r.Path)
		}
	}
	if len(where) == 0 {
		where = []string{s.name}
	}
	now := opts.Time
	if now.IsZero() {
		now = time.Now()
	}
	ve := newVerificationError(ReasonUnknownAuthority, chain, chain[0], opts, now, s.name, ErrNoTrustAnchors)
	ve.Detail = "no anchors in " + strings.Join(where, ", ") + ": the trust store holds no trusted certificate, so nothing can verify; add the CA certificates to trust there"
	return ve
}

// CertPoolStore is a TrustStore over an x509.CertPool. It cannot list its
// anchors (CertPool does not expose them) and knows no distrust.
type CertPoolStore struct {
	name string
	pool *x509.CertPool
	as   *AnchorStore // empty anchor store for the shared checks
}

// FromCertPool returns a TrustStore that trusts exactly the roots in pool.
func FromCertPool(pool *x509.CertPool) *CertPoolStore {
	return &CertPoolStore{name: "x509.CertPool", pool: pool, as: NewAnchorStore("x509.CertPool", nil)}
}

// String names the store.
func (s *CertPoolStore) String() string { return s.name }

// Verify implements TrustStore.
func (s *CertPoolStore) Verify(ctx context.Context, chain []*x509.Certificate, opts VerifyOptions) ([][]*x509.Certificate, error) {
	if len(chain) == 0 {
		return nil, &VerificationError{Reason: ReasonMalformed, Depth: -1, Detail: "the peer presented no certificate", Backend: s.name}
	}
	return verifyWithPool(ctx, s.as, s.pool, nil, chain, opts)
}
