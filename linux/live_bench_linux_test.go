package linux_test

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"testing"
	"time"

	"github.com/nativetls/nativetls/internal/testpki"
	"github.com/nativetls/nativetls/linux"
	"github.com/nativetls/nativetls/native"
	"github.com/nativetls/nativetls/trust"
)

// liveContexts returns two client contexts on stores loaded from the same
// bundle, one with change detection and one without, and a server.
func liveContexts(t testing.TB) (watched, static *native.ClientContext, addr string) {
	t.Helper()
	dir := t.TempDir()
	root := testpki.Root("Bench Live Root", testpki.Options{})
	leaf := root.Leaf(testpki.Options{DNSNames: []string{"bench.test"}})
	bundle := filepath.Join(dir, "bundle.pem")
	if err := os.WriteFile(bundle, root.PEM(), 0o644); err != nil {
		t.Fatal(err)
	}
	mk := func(interval time.Duration) *native.ClientContext {
		s, err := linux.Load(linux.Options{Getenv: func(string) string { return "" }, CertFiles: []string{bundle},
			CertDirs: []string{}, DisableP11Kit: true, CheckInterval: interval})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		c, err := native.NewClientContext(trust.DefaultConfiguration().WithTrustStore(s))
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	return mk(linux.DefaultCheckInterval), mk(0), liveServer(t, leaf)
}

func handshakes(t testing.TB, c *native.ClientContext, addr string, n int) time.Duration {
	start := time.Now()
	for i := 0; i < n; i++ {
		if err := dialLive(c, addr, "bench.test"); err != nil {
			t.Fatal(err)
		}
	}
	return time.Since(start)
}

// BenchmarkLiveHandshake measures full handshakes against a store with
// and without change detection (compare the two ns/op).
func BenchmarkLiveHandshake(b *testing.B) {
	watched, static, addr := liveContexts(b)
	for _, c := range []struct {
		name string
		ctx  *native.ClientContext
	}{{"watched", watched}, {"static", static}} {
		b.Run(c.name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				if err := dialLive(c.ctx, addr, "bench.test"); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkGenerationWatched is what change detection adds to every
// handshake: Generation (asked by the verification cache) on a watched
// store.
func BenchmarkGenerationWatched(b *testing.B) { benchGeneration(b, linux.DefaultCheckInterval) }

// BenchmarkGenerationStatic is the same without change detection.
func BenchmarkGenerationStatic(b *testing.B) { benchGeneration(b, 0) }

func benchGeneration(b *testing.B, interval time.Duration) {
	dir := b.TempDir()
	bundle := filepath.Join(dir, "bundle.pem")
	os.WriteFile(bundle, testpki.Root("Gen Root", testpki.Options{}).PEM(), 0o644)
	s, err := linux.Load(linux.Options{Getenv: func(string) string { return "" }, CertFiles: []string{bundle},
		CertDirs: []string{}, DisableP11Kit: true, CheckInterval: interval})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	for i := 0; i < b.N; i++ {
		s.Generation()
	}
}

// TestLiveBenchTable prints the change-detection cost: handshakes against
// the same server through a store with detection and one without,
// alternating rounds in one run; the ratio is the median of the rounds'.
// Also the direct cost per handshake (Generation watched − static) as a
// fraction of a handshake.
func TestLiveBenchTable(t *testing.T) {
	if os.Getenv("NATIVETLS_BENCH") != "1" {
		t.Skip("set NATIVETLS_BENCH=1 to measure")
	}
	watched, static, addr := liveContexts(t)
	handshakes(t, watched, addr, 50) // warm up both
	handshakes(t, static, addr, 50)
	const rounds, n = 15, 100
	var ratios []float64
	var tw, ts time.Duration
	for r := 0; r < rounds; r++ {
		w := handshakes(t, watched, addr, n)
		s := handshakes(t, static, addr, n)
		tw, ts = tw+w, ts+s
		ratios = append(ratios, float64(w)/float64(s))
	}
	sort.Float64s(ratios)
	per := ts / (rounds * n)
	fmt.Printf("%-44s %12s %12s %7.3f %s\n", "handshake with change detection (median)", (tw / (rounds * n)).Round(time.Microsecond),
		per.Round(time.Microsecond), ratios[rounds/2], "<=1.01 (vs the same store without detection)")
	gw := testing.Benchmark(BenchmarkGenerationWatched)
	gs := testing.Benchmark(BenchmarkGenerationStatic)
	extra := float64(gw.NsPerOp()-gs.NsPerOp()) / float64(per.Nanoseconds())
	fmt.Printf("%-44s %10dns %10dns %7.5f %s\n", "  direct cost per handshake (Generation)", gw.NsPerOp(), gs.NsPerOp(), 1+extra, "<=1.01 (share of one handshake)")
}
