package trust

import (
	"context"
	"crypto/x509"
	"sync"
	"testing"
	"time"

	"github.com/nativetls/nativetls/internal/testpki"
)

// FuzzChainMemo is a differential test of the chain memo: one long-lived
// store, whose memo fills up with whatever the fuzzer presented before,
// must give every chain the verdict (reason and chains) of a store that
// has never verified anything. The certificates come from a fixed set
// with the cases the memo must handle: same-named issuers with other keys,
// name-constrained, EKU-restricted, short-lived and untrusted
// intermediates, an intermediate that is also an anchor, a cross-signed
// root, and leaves for several names and
// times.

type memoUniverse struct {
	anchors []Anchor
	inters  []*x509.Certificate
	leaves  []*x509.Certificate
	hosts   []string
	warm    *AnchorStore
}

var (
	memoUniOnce sync.Once
	memoUni     *memoUniverse
)

func newMemoUniverse() *memoUniverse {
	o := testpki.At(memoNow)
	r1 := testpki.Root("Fuzz Root", o)
	r2 := testpki.Root("Fuzz Other Root", o)
	short := testpki.Options{NotBefore: memoNow.Add(-time.Hour), NotAfter: memoNow.Add(48 * time.Hour)}
	nc := o
	nc.PermittedDNSDomains = []string{"a.example"}
	cli := o
	cli.EKUs = []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}
	inters := []*testpki.Cert{
		r1.Intermediate("Fuzz CA", o),
		r1.Intermediate("Fuzz CA", o), // same name, another key
		r1.Intermediate("Fuzz NC CA", nc),
		r1.Intermediate("Fuzz Client CA", cli),
		r1.Intermediate("Fuzz Short CA", short),
		r2.Intermediate("Fuzz CA", o), // same name, untrusted root
	}
	// r2 cross-signed by r1: r2's intermediates reach r1 through it.
	cross, err := testpki.Issue(&x509.Certificate{SerialNumber: r2.Cert.SerialNumber, Subject: r2.Cert.Subject,
		NotBefore: o.NotBefore, NotAfter: o.NotAfter, IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign}, r2.Key, r1)
	if err != nil {
		panic(err)
	}
	u := &memoUniverse{hosts: []string{"a.example", "b.a.example", "c.example", ""}}
	// The client CA is also trusted directly, as a separately parsed
	// anchor: chains under it end both there and at r1.
	alsoAnchor, err := x509.ParseCertificate(inters[3].Cert.Raw)
	if err != nil {
		panic(err)
	}
	u.anchors = []Anchor{{Certificate: r1.Cert}, {Certificate: alsoAnchor}}
	for _, in := range inters {
		u.inters = append(u.inters, in.Cert)
		for _, h := range []string{"a.example", "c.example"} {
			lo := testpki.At(memoNow)
			lo.DNSNames = []string{h}
			u.leaves = append(u.leaves, in.Leaf(lo).Cert)
		}
	}
	u.inters = append(u.inters, cross.Cert, r2.Cert)
	u.warm = NewAnchorStore("warm", u.anchors)
	return u
}

func FuzzChainMemo(f *testing.F) {
	f.Add([]byte{0, 0, 0, 0, 9, 9})
	f.Add([]byte{1, 0, 1, 0, 0, 9})
	f.Add([]byte{10, 2, 0, 5, 6, 7})
	f.Add([]byte{4, 1, 2, 3, 2, 9})
	f.Add([]byte{8, 3, 0, 4, 9, 9})
	f.Fuzz(func(t *testing.T, in []byte) {
		memoUniOnce.Do(func() { memoUni = newMemoUniverse() })
		u := memoUni
		if len(in) < 3 {
			return
		}
		leaf := u.leaves[int(in[0])%len(u.leaves)]
		o := VerifyOptions{ServerName: u.hosts[int(in[1])%len(u.hosts)], DisableFetch: true,
			Time: memoNow.Add(time.Duration(in[2]%4) * 24 * time.Hour)}
		if in[2]&0x80 != 0 {
			o.Usage = UsageClientAuth
		}
		chain := []*x509.Certificate{leaf}
		for _, b := range in[3:min(len(in), 7)] {
			if int(b) < len(u.inters) {
				chain = append(chain, u.inters[b])
			}
		}
		checkMemoDifferential(t, u, chain, o)
	})
}

// checkMemoDifferential verifies chain with the warm store and with a fresh
// one and fails unless the verdicts are the same.
func checkMemoDifferential(t *testing.T, u *memoUniverse, chain []*x509.Certificate, o VerifyOptions) {
	t.Helper()
	ctx := context.Background()
	got, err := u.warm.Verify(ctx, chain, o)
	want, wantErr := NewAnchorStore("fresh", u.anchors).Verify(ctx, chain, o)
	sameVerdict(t, got, err, want, wantErr)
}

// TestChainMemoDifferential walks every leaf with every list of up to two
// presented intermediates, at two times and for both usages, through one
// warm store: the same verdicts as fresh stores, and the memo was used.
func TestChainMemoDifferential(t *testing.T) {
	memoUniOnce.Do(func() { memoUni = newMemoUniverse() })
	u := memoUni
	lists := [][]*x509.Certificate{nil}
	for _, a := range u.inters {
		lists = append(lists, []*x509.Certificate{a})
		for _, b := range u.inters {
			lists = append(lists, []*x509.Certificate{a, b})
		}
	}
	hits := u.warm.memo.hits.Load()
	for _, leaf := range u.leaves {
		for _, l := range lists {
			for _, day := range []time.Duration{0, 3} {
				for _, usage := range []Usage{UsageServerAuth, UsageClientAuth} {
					o := VerifyOptions{ServerName: leaf.DNSNames[0], DisableFetch: true, Time: memoNow.Add(day * 24 * time.Hour), Usage: usage}
					checkMemoDifferential(t, u, append([]*x509.Certificate{leaf}, l...), o)
				}
			}
		}
	}
	if u.warm.memo.hits.Load() == hits {
		t.Fatal("the walk never used the memo")
	}
	t.Logf("memo hits: %d", u.warm.memo.hits.Load()-hits)
}
