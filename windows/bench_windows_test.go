package windows

import (
	"context"
	"crypto/x509"
	"testing"
	"time"
)

// BenchmarkSystemVerify measures one OS verification (chain building and
// SSL policy, revocation off, no network) of a 3-certificate ECDSA chain,
// and reports it as a ratio to crypto/x509's Verify of the same chain
// measured in the same run (x_vs_x509).
func BenchmarkSystemVerify(b *testing.B) {
	if !underWine() {
		b.Skip("needs the installed test root: run under ci/wine/run-tests.sh")
	}
	p := installed["nativetls Verify Test"]
	chain := []*x509.Certificate{p.leaf, p.inter}
	roots := x509.NewCertPool()
	roots.AddCert(p.root)
	inters := x509.NewCertPool()
	inters.AddCert(p.inter)
	xopts := x509.VerifyOptions{DNSName: testHost, Roots: roots, Intermediates: inters, CurrentTime: verifyTime}
	const baseN = 300
	t0 := time.Now()
	for range baseN {
		if _, err := p.leaf.Verify(xopts); err != nil {
			b.Fatal(err)
		}
	}
	base := time.Since(t0) / baseN
	store, _ := System()
	opts := trustOpts(testHost)
	ctx := context.Background()
	start := time.Now()
	n := 0
	for b.Loop() {
		if _, err := store.Verify(ctx, chain, opts); err != nil {
			b.Fatal(err)
		}
		n++
	}
	per := time.Since(start) / time.Duration(max(n, 1))
	b.ReportMetric(float64(per)/float64(base), "x_vs_x509")
	b.Logf("windows System().Verify %v/op, crypto/x509 Verify %v/op (same run)", per, base)
}

// BenchmarkLoadDistrust measures reading both Disallowed stores, which
// every Verify does (so that a store change is seen at once).
func BenchmarkLoadDistrust(b *testing.B) {
	for b.Loop() {
		if _, err := loadDistrust(); err != nil {
			b.Fatal(err)
		}
	}
}
