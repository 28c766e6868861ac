package darwin

import (
	"context"
	"crypto"
	"crypto/sha256"
	"crypto/x509"
	"testing"
	"time"

	"github.com/nativetls/nativetls/trust"
)

// BenchmarkVerify measures a SecTrust verification of a 3-certificate
// ECDSA chain (custom anchor, no network) and reports its ratio to
// crypto/x509's Verify of the same chain, measured in the same run.
func BenchmarkVerify(b *testing.B) {
	old := setTracer(nil) // thousands of evaluations: do not print them
	defer setTracer(old)
	p := newTestPKI(b)
	store := (&Store{}).withRoots(p.root)
	chain := []*x509.Certificate{p.leaf, p.inter}
	opts := trust.VerifyOptions{ServerName: goodHost, Time: fixedNow, DisableFetch: true}
	roots, inter := x509.NewCertPool(), x509.NewCertPool()
	roots.AddCert(p.root)
	inter.AddCert(p.inter)
	xo := x509.VerifyOptions{DNSName: goodHost, Roots: roots, Intermediates: inter, CurrentTime: fixedNow}
	base := timePerOp(200, func() error { _, err := p.leaf.Verify(xo); return err })
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		if _, err := store.Verify(context.Background(), chain, opts); err != nil {
			b.Fatal(err)
		}
	}
	per := time.Since(start) / time.Duration(b.N)
	b.ReportMetric(float64(base.Nanoseconds()), "x509-ns/op")
	b.ReportMetric(float64(per)/float64(base), "ratio-vs-x509")
}

// BenchmarkSign measures keychain ECDSA P-256 signing and reports its ratio
// to crypto/ecdsa signing with a Go key, measured in the same run.
func BenchmarkSign(b *testing.B) {
	f := newIdentityFixture(b)
	k, err := OpenKey(f.uri("label="+f.ecLabel), nil)
	if err != nil {
		b.Skipf("identity: %v", err)
	}
	defer k.Close()
	digest := sha256.Sum256([]byte("nativetls"))
	goKey := newECKey(b)
	base := timePerOp(200, func() error { _, err := goKey.Sign(nil, digest[:], crypto.SHA256); return err })
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		if _, err := k.Sign(nil, digest[:], crypto.SHA256); err != nil {
			b.Fatal(err)
		}
	}
	per := time.Since(start) / time.Duration(b.N)
	b.ReportMetric(float64(per)/float64(base), "ratio-vs-go-ecdsa")
}

func timePerOp(n int, f func() error) time.Duration {
	start := time.Now()
	for i := 0; i < n; i++ {
		if err := f(); err != nil {
			panic(err)
		}
	}
	return time.Since(start) / time.Duration(n)
}
