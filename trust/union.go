package trust

import (
	"context"
	"crypto/x509"
	"errors"
	"strings"
	"time"
)

// Union returns a TrustStore that accepts a chain when any of stores does
// ("the system plus our company root"). Distrust from any store wins over
// trust from any other. When every store is an *AnchorStore, their anchors
// are merged into one store. Otherwise stores are asked in order and the
// first success wins, after dropping the chains that hold a certificate any
// member distrusts (members that can say so: *AnchorStore, the linux
// store, unions), so a distrust list next to an OS store vetoes what the
// OS accepts; if all fail, the first store's error is returned (the
// platform store normally comes first).
func Union(stores ...TrustStore) TrustStore {
	all := true
	var anchors []Anchor
	var sources []SourceReport
	var names []string
	for _, s := range stores {
		names = append(names, s.String())
		as, ok := s.(*AnchorStore)
		if !ok {
			all = false
			continue
		}
		anchors = append(anchors, as.anchors...)
		sources = append(sources, as.sources...)
	}
	name := "union of " + strings.Join(names, ", ")
	if all {
		return NewAnchorStore(name, anchors, sources...)
	}
	return &unionStore{name: name, stores: append([]TrustStore(nil), stores...)}
}

type unionStore struct {
	name   string
	stores []TrustStore
}

func (u *unionStore) String() string { return u.name }

func (u *unionStore) Verify(ctx context.Context, chain []*x509.Certificate, opts VerifyOptions) ([][]*x509.Certificate, error) {
	var first error
	for _, s := range u.stores {
		chains, err := s.Verify(ctx, chain, opts)
		if err == nil {
			return u.withoutDistrusted(chains, chain, opts)
		}
		var ve *VerificationError
		if errors.As(err, &ve) && ve.Reason == ReasonDistrusted {
			return nil, err // distrust from any store wins
		}
		if first == nil {
			first = err
		}
	}
	if first == nil {
		first = &VerificationError{Reason: ReasonUnknownAuthority, Depth: -1, Detail: "the union holds no stores", Backend: u.name}
	}
	return nil, first
}

// IsPlatformAnchor implements PlatformAnchorer: some member that can tell
// says the OS trusts anchor.
func (u *unionStore) IsPlatformAnchor(anchor *x509.Certificate) bool {
	for _, s := range u.stores {
		if pa, ok := s.(PlatformAnchorer); ok && pa.IsPlatformAnchor(anchor) {
			return true
		}
	}
	return false
}

// cacheable reports whether every member says when its content changes
// (implements Generational): a member without a generation (the Windows and
// macOS system stores) can change under the cache, so then nothing of the
// union is cached.
func (u *unionStore) cacheable() bool {
	for _, s := range u.stores {
		if _, ok := s.(Generational); !ok {
			return false
		}
		if c, ok := s.(cacheabler); ok && !c.cacheable() {
			return false
		}
	}
	return true
}

// Generation combines the generations of the member stores. The union is
// cached only when every member has one (see cacheable).
func (u *unionStore) Generation() uint64 {
	var g uint64
	for _, s := range u.stores {
		if gs, ok := s.(Generational); ok {
			g = g*1000003 + gs.Generation()
		}
	}
	return g
}

// Anchors lists the anchors of every member store that can list them.
func (u *unionStore) Anchors(ctx context.Context) ([]Anchor, error) {
	var out []Anchor
	for _, s := range u.stores {
		if l, ok := s.(AnchorLister); ok {
			a, err := l.Anchors(ctx)
			if err != nil {
				return out, err
			}
			out = append(out, a...)
		}
	}
	return out, nil
}

// Sources reports the sources of member stores.
func (u *unionStore) Sources() []SourceReport {
	var out []SourceReport
	for _, s := range u.stores {
		if r, ok := s.(SourceReporter); ok {
			out = append(out, r.Sources()...)
		}
	}
	return out
}

// distruster is a store that can say a certificate is distrusted wherever
// it appears in a chain.
type distruster interface {
	IsDistrusted(c *x509.Certificate) bool
}

// IsDistrusted reports whether some member distrusts c.
func (u *unionStore) IsDistrusted(c *x509.Certificate) bool {
	for _, s := range u.stores {
		if d, ok := s.(distruster); ok && d.IsDistrusted(c) {
			return true
		}
	}
	return false
}

// withoutDistrusted drops the chains a member accepted that hold a
// certificate another member distrusts; none left is a distrusted verdict.
func (u *unionStore) withoutDistrusted(chains [][]*x509.Certificate, presented []*x509.Certificate, opts VerifyOptions) ([][]*x509.Certificate, error) {
	var kept [][]*x509.Certificate
	var bad *x509.Certificate
	for _, ch := range chains {
		if c := u.firstDistrusted(ch); c != nil {
			bad = c
			continue
		}
		kept = append(kept, ch)
	}
	if len(kept) > 0 || bad == nil {
		return kept, nil
	}
	now := opts.Time
	if now.IsZero() {
		now = time.Now()
	}
	ve := newVerificationError(ReasonDistrusted, presented, bad, opts, now, u.name, nil)
	ve.Detail = subjectName(bad) + " is distrusted by a store of " + u.name
	return nil, ve
}

func (u *unionStore) firstDistrusted(chain []*x509.Certificate) *x509.Certificate {
	for _, c := range chain {
		if c != nil && u.IsDistrusted(c) {
			return c
		}
	}
	return nil
}
