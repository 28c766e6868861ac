package trust

import (
	"context"
	"crypto/x509"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/crypto/ocsp"
)

// The verification cache: hits skip the store, but never for an expired,
// revoked or reloaded case, never past OCSP nextUpdate, and never skipping
// pins or the callback.

// countingStore counts the decisions it is asked for and can be "reloaded"
// (its generation bumped, its anchors replaced).
type countingStore struct {
	mu    sync.Mutex
	inner *AnchorStore
	calls atomic.Int64
	gen   atomic.Uint64
}

func newCountingStore(s *AnchorStore) *countingStore {
	c := &countingStore{inner: s}
	c.gen.Store(1)
	return c
}

func (c *countingStore) Verify(ctx context.Context, chain []*x509.Certificate, opts VerifyOptions) ([][]*x509.Certificate, error) {
	c.calls.Add(1)
	c.mu.Lock()
	s := c.inner
	c.mu.Unlock()
	return s.Verify(ctx, chain, opts)
}

func (c *countingStore) String() string     { return "counting store" }
func (c *countingStore) Generation() uint64 { return c.gen.Load() }

func (c *countingStore) reload(s *AnchorStore) {
	c.mu.Lock()
	c.inner = s
	c.mu.Unlock()
	c.gen.Add(1)
}

func TestCacheHitAndBypasses(t *testing.T) {
	p := newVTPKI(t, vtChainOpts{})
	store := newCountingStore(p.Store())
	v := &Verifier{Cache: NewVerifyCache(16)}
	ctx := context.Background()
	var cbCalls atomic.Int64
	o := vtOpts()
	o.Callback = func(VerifyInfo) error { cbCalls.Add(1); return nil }
	for range 3 {
		if _, err := v.Verify(ctx, store, p.Chain(), o); err != nil {
			t.Fatal(err)
		}
	}
	if store.calls.Load() != 1 || cbCalls.Load() != 3 {
		t.Fatalf("store asked %d times (want 1), callback ran %d times (want 3)", store.calls.Load(), cbCalls.Load())
	}

	t.Run("callback still rejects on a hit", func(t *testing.T) {
		o := vtOpts()
		o.Callback = func(VerifyInfo) error { return errors.New("not today") }
		if _, err := v.Verify(ctx, store, p.Chain(), o); err == nil {
			t.Fatal("callback rejection ignored on a cache hit")
		}
	})
	t.Run("pins still checked on a hit", func(t *testing.T) {
		o := vtOpts()
		o.Pins = []Pin{{9}}
		_, err := v.Verify(ctx, store, p.Chain(), o)
		var ve *VerificationError
		if !errors.As(err, &ve) || ve.Reason != ReasonPinMismatch {
			t.Fatalf("want pin mismatch, got %v", err)
		}
		o.Pins = []Pin{PinOf(p.Root.Cert)}
		if _, err := v.Verify(ctx, store, p.Chain(), o); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("expired is not served", func(t *testing.T) {
		o := vtOpts()
		o.Time = p.Leaf.Cert.NotAfter.Add(time.Hour)
		_, err := v.Verify(ctx, store, p.Chain(), o)
		var ve *VerificationError
		if !errors.As(err, &ve) || ve.Reason != ReasonExpired {
			t.Fatalf("want expired, got %v", err)
		}
	})
	t.Run("revoked is not served", func(t *testing.T) {
		o := vtOpts()
		o.CRLs = []*x509.RevocationList{revokingCRL(t, p)}
		_, err := v.Verify(ctx, store, p.Chain(), o)
		var ve *VerificationError
		if !errors.As(err, &ve) || ve.Reason != ReasonRevoked {
			t.Fatalf("want revoked, got %v", err)
		}
	})
	t.Run("reloaded store is asked again", func(t *testing.T) {
		before := store.calls.Load()
		store.reload(NewAnchorStore("reloaded", []Anchor{{Certificate: p.Root.Cert}, {Certificate: p.Inter.Cert, Distrusted: true}}))
		_, err := v.Verify(ctx, store, p.Chain(), vtOpts())
		var ve *VerificationError
		if !errors.As(err, &ve) || ve.Reason != ReasonDistrusted || store.calls.Load() != before+1 {
			t.Fatalf("want distrusted from a fresh decision, got %v (%d calls)", err, store.calls.Load()-before)
		}
	})
}

func TestCacheBoundedByOCSPNextUpdate(t *testing.T) {
	p := newVTPKI(t, vtChainOpts{})
	store := newCountingStore(p.Store())
	v := &Verifier{Cache: NewVerifyCache(16)}
	o := vtOpts()
	o.Revocation = RevocationHardFail
	o.OCSPResponse = makeOCSP(t, p, ocspSpec{status: ocsp.Good, nextUpdate: vtNow.Add(time.Hour)})
	if _, err := v.Verify(context.Background(), store, p.Chain(), o); err != nil {
		t.Fatal(err)
	}
	o.Time = vtNow.Add(30 * time.Minute)
	if _, err := v.Verify(context.Background(), store, p.Chain(), o); err != nil || store.calls.Load() != 1 {
		t.Fatalf("not served from cache before nextUpdate: %v, %d calls", err, store.calls.Load())
	}
	o.Time = vtNow.Add(2 * time.Hour)
	_, err := v.Verify(context.Background(), store, p.Chain(), o)
	var ve *VerificationError
	if !errors.As(err, &ve) || ve.Reason != ReasonRevocationUnknown {
		t.Fatalf("stale OCSP served from cache: %v", err)
	}
}

func TestCacheLRUAndUncacheableStores(t *testing.T) {
	c := NewVerifyCache(2)
	v := &Verifier{Cache: c}
	for range 3 {
		p := newVTPKI(t, vtChainOpts{})
		if _, err := v.Verify(context.Background(), p.Store(), p.Chain(), vtOpts()); err != nil {
			t.Fatal(err)
		}
	}
	if c.Len() != 2 {
		t.Fatalf("cache holds %d entries, bound is 2", c.Len())
	}
	c.Purge()
	p := newVTPKI(t, vtChainOpts{})
	pool := x509.NewCertPool()
	pool.AddCert(p.Root.Cert)
	if _, err := v.Verify(context.Background(), FromCertPool(pool), p.Chain(), vtOpts()); err != nil {
		t.Fatal(err)
	}
	if c.Len() != 0 {
		t.Fatal("a CertPoolStore (no generation: its pool may change) was cached")
	}
}

func TestCacheConcurrent(t *testing.T) {
	p := newVTPKI(t, vtChainOpts{})
	store := newCountingStore(p.Store())
	v := &Verifier{Cache: NewVerifyCache(4)}
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range 50 {
				if i == 0 && j%10 == 0 {
					store.reload(p.Store())
				}
				if _, err := v.Verify(context.Background(), store, p.Chain(), vtOpts()); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
}

// TestCacheRetriesUnansweredOnlineOCSP: a soft-fail pass because the
// responder did not answer is cached for minutes, not for the
// certificate's life.
func TestCacheRetriesUnansweredOnlineOCSP(t *testing.T) {
	p := newVTPKI(t, vtChainOpts{})
	leaf := *p.Leaf.Cert
	leaf.OCSPServer = []string{"http://127.0.0.1:1/ocsp"} // nothing listens there
	store := newCountingStore(p.Store())
	v := &Verifier{Cache: NewVerifyCache(4), OCSP: &OCSPClient{Budget: 200 * time.Millisecond}}
	o := vtOpts()
	o.OnlineOCSP = true
	chain := []*x509.Certificate{&leaf, p.Inter.Cert}
	for _, at := range []time.Duration{0, time.Minute, time.Hour} {
		o.Time = vtNow.Add(at)
		if _, err := v.Verify(context.Background(), store, chain, o); err != nil {
			t.Fatal(err)
		}
	}
	if n := store.calls.Load(); n != 2 {
		t.Fatalf("store asked %d times, want 2 (cached at +1m, asked again at +1h)", n)
	}
}

// noGenStore is a store that cannot say when its content changes (as the
// Windows and macOS system stores): it counts its decisions.
type noGenStore struct {
	inner *AnchorStore
	calls *atomic.Int64
}

func (s noGenStore) Verify(ctx context.Context, chain []*x509.Certificate, opts VerifyOptions) ([][]*x509.Certificate, error) {
	s.calls.Add(1)
	return s.inner.Verify(ctx, chain, opts)
}
func (s noGenStore) String() string { return "store without generation" }

// TestUnionWithUncacheableMemberIsNotCached: a later distrust in a member
// without a generation must be seen, so the union is asked every time.
func TestUnionWithUncacheableMemberIsNotCached(t *testing.T) {
	p := newVTPKI(t, vtChainOpts{})
	calls := &atomic.Int64{}
	u := Union(noGenStore{inner: p.Store(), calls: calls}, FromCertificates("other"))
	v := &Verifier{Cache: NewVerifyCache(16)}
	for range 3 {
		if _, err := v.Verify(context.Background(), u, p.Chain(), vtOpts()); err != nil {
			t.Fatal(err)
		}
	}
	if calls.Load() != 3 || v.Cache.Len() != 0 {
		t.Fatalf("member asked %d times (want 3), %d cache entries (want 0)", calls.Load(), v.Cache.Len())
	}
	// A union of stores that all have generations is cached.
	g := Union(newCountingStore(p.Store()), FromCertificates("other"))
	for range 2 {
		if _, err := v.Verify(context.Background(), g, p.Chain(), vtOpts()); err != nil {
			t.Fatal(err)
		}
	}
	if v.Cache.Len() != 1 {
		t.Fatalf("union of generational stores: %d cache entries, want 1", v.Cache.Len())
	}
}

// TestCallbackCannotCorruptCache: a callback (or caller) that edits the
// chains it is given changes only its own copy.
func TestCallbackCannotCorruptCache(t *testing.T) {
	p := newVTPKI(t, vtChainOpts{})
	store := newCountingStore(p.Store())
	v := &Verifier{Cache: NewVerifyCache(16)}
	o := vtOpts()
	o.Callback = func(info VerifyInfo) error {
		info.Verified[0][0] = p.Root.Cert
		info.Verified[0] = info.Verified[0][:1]
		return nil
	}
	for i := range 3 {
		chains, err := v.Verify(context.Background(), store, p.Chain(), o)
		if err != nil {
			t.Fatal(err)
		}
		chains[0][1] = nil // the caller scribbles too
		if i == 0 {
			continue
		}
		clean, err := v.Verify(context.Background(), store, p.Chain(), vtOpts())
		if err != nil || len(clean[0]) != 3 || !clean[0][0].Equal(p.Leaf.Cert) || clean[0][1] == nil {
			t.Fatalf("cached chain corrupted: %v %v", clean, err)
		}
	}
	if store.calls.Load() != 1 {
		t.Fatalf("store asked %d times, want 1 (cache hits)", store.calls.Load())
	}
}

// TestNilCertificateAnywhere: a nil certificate in any position is a clear
// error, never a panic, through the Verifier and the store alike.
func TestNilCertificateAnywhere(t *testing.T) {
	p := newVTPKI(t, vtChainOpts{})
	for _, chain := range [][]*x509.Certificate{{nil}, {p.Leaf.Cert, nil}, {p.Leaf.Cert, p.Inter.Cert, nil}, {nil, p.Inter.Cert}} {
		_, err := Verify(context.Background(), p.Store(), chain, vtOpts())
		var ve *VerificationError
		if !errors.As(err, &ve) || ve.Reason != ReasonMalformed {
			t.Errorf("Verify(%d certs): %v", len(chain), err)
		}
		for _, s := range []TrustStore{p.Store(), FromCertPool(x509.NewCertPool()), Union(p.Store(), noGenStore{inner: p.Store(), calls: &atomic.Int64{}})} {
			if _, err := s.Verify(context.Background(), chain, vtOpts()); err == nil {
				t.Errorf("%s accepted a chain with a nil certificate", s)
			}
		}
	}
}
