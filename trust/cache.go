package trust

import (
	"crypto/sha256"
	"crypto/x509"
	"encoding/binary"
	"reflect"
	"time"
)

// DefaultCacheSize is the number of verifications the cache of the package
// function Verify keeps.
const DefaultCacheSize = 1024

var defaultVerifyCache = NewVerifyCache(DefaultCacheSize)

// DefaultVerifyCache returns the cache the package function Verify uses,
// for Len and Purge (after changing a store that has no generation, say).
// It is shared by every caller of Verify in the process.
func DefaultVerifyCache() *VerifyCache { return defaultVerifyCache }

// VerifyCache remembers successful verifications, so that a client
// reconnecting to the same server does not verify the same chain again.
//
// An entry is keyed on the exact bytes of the presented chain, the name,
// the usage, the trust store (its identity and its Generation, so a
// reloaded store never sees old entries) and every option that changes the
// result (strict profile, max depth, revocation policy, online OCSP,
// fetching, the stapled OCSP response and the CRLs). It is served only
// while the verification time lies inside the window every certificate of
// the verified chain is valid in, and never past the NextUpdate of the OCSP
// response or CRL that vouched for it. Failures are never cached.
//
// Only stores that implement Generational are cached: a store that cannot
// say when its content changed is asked every time. Pins and the verify
// callback are not part of the decision that is cached: they run on every
// call, hit or miss.
//
// The cache is a bounded LRU and safe for concurrent use.
type VerifyCache struct {
	entries *lru[*cacheEntry]
}

type cacheEntry struct {
	store    TrustStore
	chains   [][]*x509.Certificate
	from, to time.Time
}

// NewVerifyCache returns a cache holding at most size verifications
// (size < 1 is taken as 1).
func NewVerifyCache(size int) *VerifyCache {
	if size < 1 {
		size = 1
	}
	return &VerifyCache{entries: newLRU[*cacheEntry](size)}
}

// Len returns the number of cached verifications.
func (c *VerifyCache) Len() int { return c.entries.len() }

// Purge drops every entry.
func (c *VerifyCache) Purge() { c.entries.purge() }

// keyFor computes the cache key; ok is false when the verification must
// not be cached (no cache, or a store without a generation or identity).
func (c *VerifyCache) keyFor(store TrustStore, chain []*x509.Certificate, opts VerifyOptions) (key [32]byte, ok bool) {
	if c == nil {
		return key, false
	}
	g, isGen := store.(Generational)
	if !isGen || !reflect.TypeOf(store).Comparable() {
		return key, false
	}
	if cs, ok := store.(cacheabler); ok && !cs.cacheable() {
		return key, false
	}
	h := sha256.New()
	var n [8]byte
	field := func(b []byte) {
		binary.BigEndian.PutUint64(n[:], uint64(len(b)))
		h.Write(n[:])
		h.Write(b)
	}
	num := func(v uint64) {
		binary.BigEndian.PutUint64(n[:], v)
		h.Write(n[:])
	}
	num(g.Generation())
	num(uint64(len(chain)))
	for _, cert := range chain {
		field(cert.Raw)
	}
	field([]byte(opts.ServerName))
	num(uint64(opts.Usage))
	num(uint64(opts.Revocation))
	num(uint64(int64(opts.MaxDepth)))
	num(boolBits(opts.Strict, opts.OnlineOCSP, opts.DisableFetch))
	field(opts.OCSPResponse)
	num(uint64(len(opts.CRLs)))
	for _, crl := range opts.CRLs {
		if crl != nil {
			field(crl.Raw)
		}
	}
	h.Sum(key[:0])
	return key, true
}

func boolBits(bs ...bool) uint64 {
	var v uint64
	for i, b := range bs {
		if b {
			v |= 1 << i
		}
	}
	return v
}

// get returns the cached chains for key when the entry belongs to store and
// now lies within its window. An entry that fails either is dropped.
func (c *VerifyCache) get(key [32]byte, store TrustStore, now time.Time) ([][]*x509.Certificate, bool) {
	e, ok := c.entries.get(key)
	if !ok {
		return nil, false
	}
	if e.store != store || now.Before(e.from) || now.After(e.to) {
		c.entries.drop(key, e)
		return nil, false
	}
	return copyChains(e.chains), true
}

// copyChains copies the outer and inner slices of chains (not the
// certificates), so that a caller or verify callback that edits the chains
// it was given never changes a cached entry.
func copyChains(chains [][]*x509.Certificate) [][]*x509.Certificate {
	if chains == nil {
		return nil
	}
	out := make([][]*x509.Certificate, len(chains))
	for i, ch := range chains {
		out[i] = append([]*x509.Certificate(nil), ch...)
	}
	return out
}

// put stores a successful verification valid in [from, to].
func (c *VerifyCache) put(key [32]byte, store TrustStore, chains [][]*x509.Certificate, from, to time.Time) {
	if !from.Before(to) {
		return
	}
	c.entries.put(key, &cacheEntry{store: store, chains: copyChains(chains), from: from, to: to})
}

// validityWindow is the time range in which every certificate of every
// verified chain is valid, narrowed by the CRLs that were consulted.
func validityWindow(chains [][]*x509.Certificate, opts VerifyOptions) (from, to time.Time) {
	first := true
	for _, ch := range chains {
		for _, c := range ch {
			if first || c.NotBefore.After(from) {
				from = c.NotBefore
			}
			if first || c.NotAfter.Before(to) {
				to = c.NotAfter
			}
			first = false
		}
	}
	if opts.Revocation != RevocationOff {
		for _, crl := range opts.CRLs {
			if crl == nil {
				continue
			}
			if crl.ThisUpdate.After(from) {
				from = crl.ThisUpdate
			}
			if !crl.NextUpdate.IsZero() && crl.NextUpdate.Before(to) {
				to = crl.NextUpdate
			}
		}
	}
	return from, to
}

// cacheabler is implemented by stores that have a Generation method but may
// still not be cacheable (a union with a member without a generation).
type cacheabler interface{ cacheable() bool }
