package trust

import (
	"bytes"
	"context"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"math/big"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/nativetls/nativetls/internal/testpki"
)

// The chain memo (sigmemo.go) may only ever save work: every verdict with
// it must be the verdict without it. These tests warm a store's memo with a
// good chain, then present what an attacker or a changed configuration
// would, and compare with a store that has never seen anything.

var memoNow = testpki.Clock

type memoPKI struct {
	root, inter *testpki.Cert
}

func newMemoPKI(kt testpki.KeyType) memoPKI {
	o := testpki.At(memoNow)
	o.KeyType = kt
	root := testpki.Root("Memo Root", o)
	return memoPKI{root: root, inter: root.Intermediate("Memo Issuing CA", o)}
}

// leaf issues a fresh leaf for host under p.inter (ECDSA key: only the
// issuer's algorithm matters for the link).
func (p memoPKI) leaf(host string) *testpki.Cert {
	o := testpki.At(memoNow)
	o.DNSNames = []string{host}
	return p.inter.Leaf(o)
}

func memoOpts(host string) VerifyOptions {
	return VerifyOptions{ServerName: host, Time: memoNow, DisableFetch: true}
}

// verifyBoth verifies chain with the warm store and with a fresh store of
// the same anchors, through the whole pipeline, and fails the test unless
// both agree. It returns the warm store's result.
func verifyBoth(t *testing.T, warm *AnchorStore, chain []*x509.Certificate, o VerifyOptions) ([][]*x509.Certificate, error) {
	t.Helper()
	v := &Verifier{}
	got, err := v.Verify(context.Background(), warm, chain, o)
	want, wantErr := v.Verify(context.Background(), NewAnchorStore("fresh", warm.anchors), chain, o)
	sameVerdict(t, got, err, want, wantErr)
	return got, err
}

// sameVerdict fails the test unless the verification with the memo (got,
// err) and the one without (want, wantErr) agree: both fail for the same
// reason at the same depth, or both succeed with the same chains.
func sameVerdict(t *testing.T, got [][]*x509.Certificate, err error, want [][]*x509.Certificate, wantErr error) {
	t.Helper()
	if (err == nil) != (wantErr == nil) {
		t.Fatalf("with the memo: %v; without: %v", err, wantErr)
	}
	if err != nil {
		var a, b *VerificationError
		if !errors.As(err, &a) || !errors.As(wantErr, &b) || a.Reason != b.Reason || a.Depth != b.Depth {
			t.Fatalf("with the memo: %v; without: %v", err, wantErr)
		}
		return
	}
	if !sameChains(got, want) {
		t.Fatalf("with the memo: %s; without: %s", chainNames(got), chainNames(want))
	}
}

// sameChains reports whether a and b are the same chains in the same
// order (callers use the first chain; the memo keeps crypto/x509's order).
func sameChains(a, b [][]*x509.Certificate) bool {
	return slices.EqualFunc(a, b, func(x, y []*x509.Certificate) bool {
		return slices.EqualFunc(x, y, (*x509.Certificate).Equal)
	})
}

func chainNames(cs [][]*x509.Certificate) string {
	var b bytes.Buffer
	for _, ch := range cs {
		b.WriteString("[")
		for i, c := range ch {
			if i > 0 {
				b.WriteString(" → ")
			}
			b.WriteString(c.Subject.CommonName)
		}
		b.WriteString("] ")
	}
	return b.String()
}

// warmStore returns a store trusting p.root whose memo holds the entry for
// chains under p.inter.
func warmStore(t *testing.T, p memoPKI) *AnchorStore {
	t.Helper()
	s := FromCertificates("memo test", p.root.Cert)
	if _, err := verifyBoth(t, s, testpki.Chain(p.leaf("a.example"), p.inter), memoOpts("a.example")); err != nil {
		t.Fatal(err)
	}
	if s.memo.len() != 1 {
		t.Fatalf("memo entries after one good chain: %d, want 1", s.memo.len())
	}
	return s
}

func TestChainMemoNewLeafUsesMemo(t *testing.T) {
	for _, kt := range []testpki.KeyType{testpki.ECDSAP256, testpki.RSA2048} {
		p := newMemoPKI(kt)
		s := warmStore(t, p)
		hits := s.memo.hits.Load()
		for _, host := range []string{"b.example", "c.example"} {
			chains, err := verifyBoth(t, s, testpki.Chain(p.leaf(host), p.inter), memoOpts(host))
			if err != nil {
				t.Fatal(err)
			}
			if len(chains) != 1 || len(chains[0]) != 3 || !chains[0][2].Equal(p.root.Cert) {
				t.Fatalf("chains %s", chainNames(chains))
			}
		}
		if got := s.memo.hits.Load() - hits; got != 2 {
			t.Fatalf("memo hits for two new leaves: %d, want 2", got)
		}
	}
}

// A leaf the memoized intermediate did not sign, a wrong host, a leaf not
// valid yet: the memo's single link check fails, and the full verification
// gives the same verdict as a fresh store.
func TestChainMemoLeafStillChecked(t *testing.T) {
	p := newMemoPKI(testpki.ECDSAP256)
	s := warmStore(t, p)
	// Same issuer name, another key: the forged leaf names the memoized
	// intermediate but is signed by an impostor.
	impostor := newMemoPKI(testpki.ECDSAP256)
	forged := impostor.leaf("b.example")
	if _, err := verifyBoth(t, s, testpki.Chain(forged, p.inter), memoOpts("b.example")); err == nil {
		t.Fatal("a leaf signed by another key was accepted under the memoized intermediate")
	}
	if _, err := verifyBoth(t, s, testpki.Chain(p.leaf("b.example"), p.inter), memoOpts("other.example")); err == nil {
		t.Fatal("wrong host accepted")
	}
	o := memoOpts("b.example")
	o.Usage = UsageClientAuth
	leafEKU := testpki.At(memoNow)
	leafEKU.DNSNames, leafEKU.EKUs = []string{"b.example"}, []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}
	if _, err := verifyBoth(t, s, testpki.Chain(p.inter.Leaf(leafEKU), p.inter), o); err == nil {
		t.Fatal("a serverAuth-only leaf was accepted for clientAuth")
	}
}

// An intermediate whose TBS differs from the memoized one (here its
// notBefore, one digit) but which carries the same signature must not ride
// on the memo: its DER is part of the key, and the full verification
// rejects the broken signature.
func TestChainMemoNotReusedForOtherTBS(t *testing.T) {
	p := newMemoPKI(testpki.ECDSAP256)
	s := warmStore(t, p)
	nb := []byte(p.inter.Cert.NotBefore.UTC().Format("060102150405Z"))
	der := bytes.Replace(p.inter.Cert.Raw, nb, append(nb[:len(nb)-2:len(nb)-2], '1', 'Z'), 1)
	if bytes.Equal(der, p.inter.Cert.Raw) {
		t.Fatal("test setup: notBefore not found in the intermediate's DER")
	}
	tampered, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	hits := s.memo.hits.Load()
	if _, err := verifyBoth(t, s, []*x509.Certificate{p.leaf("b.example").Cert, tampered}, memoOpts("b.example")); err == nil {
		t.Fatal("an intermediate with a changed TBS and the old signature was accepted")
	}
	if s.memo.hits.Load() != hits {
		t.Fatal("the memo was used for an intermediate with another TBS")
	}
}

// The same intermediate with its signature algorithm identifiers changed
// (SHA-256 → SHA-384, signature bytes kept) must not be taken for the
// memoized one; a genuine re-issue with SHA-384 verifies in full.
func TestChainMemoNotReusedForOtherAlgorithm(t *testing.T) {
	p := newMemoPKI(testpki.ECDSAP256)
	s := warmStore(t, p)
	sha256OID := []byte{0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02}
	sha384OID := []byte{0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x03}
	der := bytes.ReplaceAll(p.inter.Cert.Raw, sha256OID, sha384OID)
	swapped, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	if swapped.SignatureAlgorithm != x509.ECDSAWithSHA384 {
		t.Fatalf("test setup: algorithm %v", swapped.SignatureAlgorithm)
	}
	hits := s.memo.hits.Load()
	if _, err := verifyBoth(t, s, []*x509.Certificate{p.leaf("b.example").Cert, swapped}, memoOpts("b.example")); err == nil {
		t.Fatal("an intermediate with swapped algorithm identifiers was accepted")
	}
	tmpl := *p.inter.Cert
	tmpl.SignatureAlgorithm = x509.ECDSAWithSHA384
	reissued, err := testpki.Issue(&tmpl, p.inter.Key, p.root)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := verifyBoth(t, s, []*x509.Certificate{p.leaf("b.example").Cert, reissued.Cert}, memoOpts("b.example")); err != nil {
		t.Fatalf("a genuine SHA-384 re-issue: %v", err)
	}
	if s.memo.hits.Load() != hits {
		t.Fatal("the memo was used for an intermediate with another algorithm")
	}
}

// Another intermediate with the same name but its own key, genuinely
// issued by the root, verifies in full, never through the entry of the
// first one.
func TestChainMemoNotReusedForOtherIssuerKey(t *testing.T) {
	p := newMemoPKI(testpki.ECDSAP256)
	s := warmStore(t, p)
	twin := p.root.Intermediate("Memo Issuing CA", testpki.At(memoNow))
	q := memoPKI{root: p.root, inter: twin}
	hits := s.memo.hits.Load()
	if _, err := verifyBoth(t, s, testpki.Chain(q.leaf("b.example"), twin), memoOpts("b.example")); err != nil {
		t.Fatal(err)
	}
	// The twin's leaf presented with the first intermediate: same issuer
	// name, so the memo is consulted, but the link fails and the full
	// verification rejects it.
	if _, err := verifyBoth(t, s, testpki.Chain(q.leaf("c.example"), p.inter), memoOpts("c.example")); err == nil {
		t.Fatal("a leaf of the twin intermediate verified under the first one")
	}
	if s.memo.hits.Load() != hits {
		t.Fatal("the memo produced a chain for a leaf of another key")
	}
	// Both same-named intermediates presented: a candidate crypto/x509
	// could try is left unused, so nothing is recorded for that key.
	before := s.memo.len()
	if _, err := verifyBoth(t, s, testpki.Chain(p.leaf("d.example"), p.inter, twin), memoOpts("d.example")); err != nil {
		t.Fatal(err)
	}
	if s.memo.len() != before {
		t.Fatal("recorded an entry although a same-named issuer went unused")
	}
}

// A reloaded store is a new AnchorStore: its memo starts empty, so a root
// removed by the reload cannot be reached through the old entry.
func TestChainMemoDroppedOnReload(t *testing.T) {
	p := newMemoPKI(testpki.ECDSAP256)
	s := warmStore(t, p)
	other := newMemoPKI(testpki.ECDSAP256)
	reloaded := FromCertificates("memo test", other.root.Cert)
	if reloaded.Generation() == s.Generation() || reloaded.memo == s.memo {
		t.Fatal("a new store shares the old one's generation or memo")
	}
	if _, err := verifyBoth(t, reloaded, testpki.Chain(p.leaf("b.example"), p.inter), memoOpts("b.example")); err == nil {
		t.Fatal("accepted after the root was removed")
	}
}

// Distrusting the intermediate (a new store with a distrust entry, or a
// union with a distrust list) refuses new leaves under it.
func TestChainMemoNeverAcrossDistrust(t *testing.T) {
	p := newMemoPKI(testpki.ECDSAP256)
	s := warmStore(t, p)
	distrusting := NewAnchorStore("memo test", []Anchor{{Certificate: p.root.Cert}, {Certificate: p.inter.Cert, Distrusted: true}})
	chain := testpki.Chain(p.leaf("b.example"), p.inter)
	_, err := verifyBoth(t, distrusting, chain, memoOpts("b.example"))
	var ve *VerificationError
	if !errors.As(err, &ve) || ve.Reason != ReasonDistrusted {
		t.Fatalf("distrusted intermediate: %v", err)
	}
	list := NewAnchorStore("distrust list", []Anchor{{Certificate: p.inter.Cert, Distrusted: true}})
	u := Union(s, list)
	if _, err := (&Verifier{}).Verify(context.Background(), u, chain, memoOpts("b.example")); err == nil {
		t.Fatal("a union with a distrust list accepted a leaf through the warm member's memo")
	}
	// The warm store itself is unchanged and still accepts.
	if _, err := verifyBoth(t, s, chain, memoOpts("b.example")); err != nil {
		t.Fatal(err)
	}
}

// The memo's upper chain is checked for validity at the time of each use:
// here the root expires while the intermediate (checked anyway as the new
// leaf's issuer) is still valid.
func TestChainMemoUpperValidityRechecked(t *testing.T) {
	ro := testpki.Options{NotBefore: memoNow.Add(-time.Hour), NotAfter: memoNow.Add(240 * time.Hour)}
	root := testpki.Root("Short Root", ro)
	p := memoPKI{root: root, inter: root.Intermediate("Memo Issuing CA", testpki.At(memoNow))}
	s := warmStore(t, p)
	o := memoOpts("b.example")
	o.Time = root.Cert.NotAfter.Add(time.Hour)
	_, err := verifyBoth(t, s, testpki.Chain(p.leaf("b.example"), p.inter), o)
	var ve *VerificationError
	if !errors.As(err, &ve) || ve.Reason != ReasonExpired {
		t.Fatalf("expired root: %v", err)
	}
}

// Name constraints and policy constraints are evaluated over the whole
// chain: an upper chain holding them is never recorded, and a leaf outside
// the constraint is refused after a good one.
func TestChainMemoSkipsConstrainedChains(t *testing.T) {
	o := testpki.At(memoNow)
	root := testpki.Root("NC Root", o)
	nco := o
	nco.PermittedDNSDomains = []string{"good.example"}
	inter := root.Intermediate("NC Issuing CA", nco)
	s := FromCertificates("memo test", root.Cert)
	p := memoPKI{root: root, inter: inter}
	if _, err := verifyBoth(t, s, testpki.Chain(p.leaf("a.good.example"), inter), memoOpts("a.good.example")); err != nil {
		t.Fatal(err)
	}
	if s.memo.len() != 0 {
		t.Fatal("recorded a chain with name constraints")
	}
	if _, err := verifyBoth(t, s, testpki.Chain(p.leaf("evil.example"), inter), memoOpts("evil.example")); err == nil {
		t.Fatal("a leaf outside the name constraints was accepted")
	}

	pc := testpki.At(memoNow)
	pc.ExtraExtensions = []pkix.Extension{{Id: oidPolicyConstraints, Critical: true, Value: []byte{0x30, 0x03, 0x80, 0x01, 0x00}}}
	pinter := root.Intermediate("PC Issuing CA", pc)
	q := memoPKI{root: root, inter: pinter}
	_, _ = verifyBoth(t, s, testpki.Chain(q.leaf("a.example"), pinter), memoOpts("a.example"))
	if s.memo.len() != 0 {
		t.Fatal("recorded a chain with policy constraints")
	}
}

// A leaf with the memoized intermediate's own subject and key (the loop
// crypto/x509 refuses to build) never takes the memo path.
func TestChainMemoLoopGuard(t *testing.T) {
	p := newMemoPKI(testpki.ECDSAP256)
	s := warmStore(t, p)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(99), Subject: p.inter.Cert.Subject, NotBefore: memoNow.Add(-time.Hour),
		NotAfter: memoNow.Add(time.Hour), DNSNames: []string{"b.example"}, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	self, err := testpki.Issue(tmpl, p.inter.Key, p.inter)
	if err != nil {
		t.Fatal(err)
	}
	hits := s.memo.hits.Load()
	_, _ = verifyBoth(t, s, []*x509.Certificate{self.Cert, p.inter.Cert}, memoOpts("b.example"))
	if s.memo.hits.Load() != hits {
		t.Fatal("the memo was used for a leaf with its issuer's subject and key")
	}
}

// Many goroutines verifying new leaves through one store (run with -race).
func TestChainMemoConcurrent(t *testing.T) {
	p := newMemoPKI(testpki.ECDSAP256)
	s := warmStore(t, p)
	leaves := make([]*testpki.Cert, 16)
	for i := range leaves {
		leaves[i] = p.leaf("b.example")
	}
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 40 {
				l := leaves[(g+i)%len(leaves)]
				if _, err := (&Verifier{}).Verify(context.Background(), s, testpki.Chain(l, p.inter), memoOpts("b.example")); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if s.memo.hits.Load() < 8*40 {
		t.Fatalf("memo hits %d, want every verification (%d)", s.memo.hits.Load(), 8*40)
	}
}

// The memo holds at most memoEntries entries, least recently used out.
func TestChainMemoBounded(t *testing.T) {
	o := testpki.At(memoNow)
	root := testpki.Root("Memo Root", o)
	s := FromCertificates("memo test", root.Cert)
	first := memoPKI{root: root, inter: root.Intermediate("CA 0", o)}
	warm := func(p memoPKI) {
		if _, err := (&Verifier{}).Verify(context.Background(), s, testpki.Chain(p.leaf("a.example"), p.inter), memoOpts("a.example")); err != nil {
			t.Fatal(err)
		}
	}
	warm(first)
	for i := range memoEntries + 10 {
		warm(memoPKI{root: root, inter: root.Intermediate("CA "+string(rune('a'+i%26)), o)})
	}
	if s.memo.len() != memoEntries {
		t.Fatalf("memo entries %d, want %d", s.memo.len(), memoEntries)
	}
	hits := s.memo.hits.Load()
	warm(first) // evicted: verified in full, recorded again
	if s.memo.hits.Load() != hits {
		t.Fatal("an evicted entry was used")
	}
}

// An intermediate that is also an anchor, and presented: crypto/x509 builds
// both [leaf, anchor] and [leaf, presented, root]; so must the memo, though
// its one-certificate pool keeps only one of the two equal issuers.
func TestChainMemoIssuerAlsoAnchor(t *testing.T) {
	p := newMemoPKI(testpki.ECDSAP256)
	s := FromCertificates("memo test", p.root.Cert, p.inter.Cert)
	// The peer's copy is its own parse, as in a handshake.
	presented, err := x509.ParseCertificate(p.inter.Cert.Raw)
	if err != nil {
		t.Fatal(err)
	}
	for _, host := range []string{"a.example", "b.example"} {
		chains, err := verifyBoth(t, s, []*x509.Certificate{p.leaf(host).Cert, presented}, memoOpts(host))
		if err != nil {
			t.Fatal(err)
		}
		if len(chains) != 2 {
			t.Fatalf("%s: chains %s, want two", host, chainNames(chains))
		}
	}
	if s.memo.hits.Load() != 1 {
		t.Fatalf("memo hits %d, want 1", s.memo.hits.Load())
	}
}
