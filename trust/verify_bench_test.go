package trust

import (
	"context"
	"crypto/x509"
	"fmt"
	"os"
	"testing"
	"time"
)

// Benchmarks of the verification layer against crypto/x509 on the same
// 3-certificate chains (root → intermediate → leaf), in the same run:
// cold (no cache) trust.Verifier.Verify over an AnchorStore must stay within
// 1.1× of x509.Certificate.Verify; warm (cached) must be at least 20×
// faster. `NATIVETLS_BENCH=1 go test ./trust -run TestBenchTable -v`
// prints the ratio table.

type benchChain struct {
	name  string
	pki   *vtPKI
	store *AnchorStore
	roots *x509.CertPool
}

func benchChains(b testing.TB) []benchChain {
	var out []benchChain
	for _, rsa := range []bool{false, true} {
		name := "ECDSA"
		if rsa {
			name = "RSA2048"
		}
		p := newVTPKI(b, vtChainOpts{rsa: rsa})
		roots := x509.NewCertPool()
		roots.AddCert(p.Root.Cert)
		out = append(out, benchChain{name: name, pki: p, store: p.Store(), roots: roots})
	}
	return out
}

// benchX509 is the baseline: what crypto/tls does per handshake.
func benchX509(bc benchChain) func(b *testing.B) {
	return x509Loop(bc.roots, vtNow, [][]*x509.Certificate{bc.pki.Chain()})
}

// x509Loop verifies chains (leaf first, cycled) for www.example.com at now
// with crypto/x509 alone, building the intermediates pool each time as
// crypto/tls does.
func x509Loop(roots *x509.CertPool, now time.Time, chains [][]*x509.Certificate) func(b *testing.B) {
	return func(b *testing.B) {
		i := 0
		for b.Loop() {
			ch := chains[i%len(chains)]
			i++
			inter := x509.NewCertPool()
			for _, c := range ch[1:] {
				inter.AddCert(c)
			}
			if _, err := ch[0].Verify(x509.VerifyOptions{Roots: roots, Intermediates: inter, DNSName: "www.example.com",
				CurrentTime: now, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// benchOurs runs the whole pipeline on the same chain again and again:
// with cache, a cache hit; without, a verification in full (the store's
// chain memo is turned off, see sigmemo_bench_test.go for it).
func benchOurs(bc benchChain, cache *VerifyCache) func(b *testing.B) {
	return func(b *testing.B) {
		v := &Verifier{Cache: cache}
		bc.store.memo = nil
		chain, o, ctx := bc.pki.Chain(), vtOpts(), context.Background()
		if _, err := v.Verify(ctx, bc.store, chain, o); err != nil { // warm the cache, if any
			b.Fatal(err)
		}
		for b.Loop() {
			if _, err := v.Verify(ctx, bc.store, chain, o); err != nil {
				b.Fatal(err)
			}
		}
	}
}

func BenchmarkVerify(b *testing.B) {
	for _, bc := range benchChains(b) {
		b.Run(bc.name+"/x509", benchX509(bc))
		b.Run(bc.name+"/cold", benchOurs(bc, nil))
		b.Run(bc.name+"/warm", benchOurs(bc, NewVerifyCache(16)))
	}
}

// TestBenchTable measures both sides with testing.Benchmark in one run and
// prints `name ours baseline ratio target`.
func TestBenchTable(t *testing.T) {
	if os.Getenv("NATIVETLS_BENCH") != "1" {
		t.Skip("set NATIVETLS_BENCH=1 to measure the verification benchmarks and print the ratio table")
	}
	fmt.Printf("%-30s %12s %12s %8s  %s\n", "name", "ours", "baseline", "ratio", "target")
	// The machine may be shared: each side is measured three times,
	// interleaved, and the fastest run of each is compared.
	for _, bc := range benchChains(t) {
		var base, cold, warm int64
		for range 3 {
			base = fastest(base, testing.Benchmark(benchX509(bc)).NsPerOp())
			cold = fastest(cold, testing.Benchmark(benchOurs(bc, nil)).NsPerOp())
			warm = fastest(warm, testing.Benchmark(benchOurs(bc, NewVerifyCache(16))).NsPerOp())
		}
		bn := float64(base)
		fmt.Printf("%-30s %10.1fµs %10.1fµs %7.2fx  ≤ 1.10x of x509\n", bc.name+" cold", float64(cold)/1e3, bn/1e3, float64(cold)/bn)
		fmt.Printf("%-30s %10.2fµs %10.1fµs %7.1fx  ≥ 20x faster than x509\n", bc.name+" warm (speed-up)", float64(warm)/1e3, bn/1e3, bn/float64(warm))
	}
	memoBenchTable(t)
}

func fastest(a, b int64) int64 {
	if a == 0 || b < a {
		return b
	}
	return a
}
