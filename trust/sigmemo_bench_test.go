package trust

import (
	"context"
	"crypto/x509"
	"fmt"
	"math/big"
	"testing"

	"github.com/nativetls/nativetls/internal/testpki"
)

// Benchmarks of the chain memo (issue #19): many different leaves under one
// intermediate the store has already verified, and, for the cost of the
// bookkeeping, chains that are each seen for the first time. Both against
// crypto/x509 verifying the very same chains in the same run.

type memoBench struct {
	name   string
	roots  *x509.CertPool
	store  *AnchorStore
	chains [][]*x509.Certificate // leaf, intermediate
	first  bool                  // every chain is new to the memo
}

// newLeafBench: one root, one intermediate, n leaves under it.
func newLeafBench(b testing.TB, kt testpki.KeyType, n int) memoBench {
	p := newMemoPKI(kt)
	mb := memoBench{roots: x509.NewCertPool(), store: FromCertificates("bench", p.root.Cert)}
	mb.roots.AddCert(p.root.Cert)
	for range n {
		mb.chains = append(mb.chains, testpki.Chain(p.leaf("www.example.com"), p.inter))
	}
	return mb
}

// firstChainBench: one root, n intermediates (more than the memo holds,
// all with the same key so that making them is quick), one leaf each:
// cycling through them, every verification misses the memo and records.
func firstChainBench(b testing.TB, kt testpki.KeyType, n int) memoBench {
	p := newMemoPKI(kt)
	mb := memoBench{roots: x509.NewCertPool(), store: FromCertificates("bench", p.root.Cert)}
	mb.roots.AddCert(p.root.Cert)
	for i := range n {
		tmpl := *p.inter.Cert
		tmpl.SerialNumber = big.NewInt(int64(1000 + i))
		inter, err := testpki.Issue(&tmpl, p.inter.Key, p.root)
		if err != nil {
			b.Fatal(err)
		}
		q := memoPKI{root: p.root, inter: inter}
		mb.chains = append(mb.chains, testpki.Chain(q.leaf("www.example.com"), inter))
	}
	return mb
}

func (mb memoBench) x509() func(b *testing.B) { return x509Loop(mb.roots, memoNow, mb.chains) }

// ours verifies through a Verifier without a cache: the whole pipeline
// (profile checks and all), the memo inside the store.
func (mb memoBench) ours() func(b *testing.B) {
	return func(b *testing.B) {
		v, ctx, o := &Verifier{}, context.Background(), memoOpts("www.example.com")
		if _, err := v.Verify(ctx, mb.store, mb.chains[0], o); err != nil { // warm
			b.Fatal(err)
		}
		i := 1 // never the chain just verified
		for b.Loop() {
			if _, err := v.Verify(ctx, mb.store, mb.chains[i%len(mb.chains)], o); err != nil {
				b.Fatal(err)
			}
			i++
		}
	}
}

func memoBenches(b testing.TB) []memoBench {
	var out []memoBench
	for _, kt := range []testpki.KeyType{testpki.ECDSAP256, testpki.RSA2048} {
		name := map[testpki.KeyType]string{testpki.ECDSAP256: "ECDSA", testpki.RSA2048: "RSA2048"}[kt]
		nl := newLeafBench(b, kt, 200)
		nl.name = name + " new leaf, known CA"
		fc := firstChainBench(b, kt, 2*memoEntries)
		fc.name, fc.first = name+" first chain", true
		out = append(out, nl, fc)
	}
	return out
}

func BenchmarkVerifyMemo(b *testing.B) {
	for _, mb := range memoBenches(b) {
		b.Run(mb.name+"/x509", mb.x509())
		b.Run(mb.name+"/ours", mb.ours())
	}
}

// memoBenchTable prints the memo rows of TestBenchTable.
func memoBenchTable(t *testing.T) {
	for _, mb := range memoBenches(t) {
		var base, ours int64
		for range 3 {
			base = fastest(base, testing.Benchmark(mb.x509()).NsPerOp())
			ours = fastest(ours, testing.Benchmark(mb.ours()).NsPerOp())
		}
		target := "≤ 0.60x of x509"
		if mb.first {
			target = "≤ 1.10x of x509"
		}
		fmt.Printf("%-30s %10.1fµs %10.1fµs %7.2fx  %s\n", mb.name, float64(ours)/1e3, float64(base)/1e3, float64(ours)/float64(base), target)
	}
}
