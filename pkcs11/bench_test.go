//go:build cgo

// The benchmarks compare with crypto11, which needs cgo (it is built on
// github.com/miekg/pkcs11); this package itself does not.

package pkcs11

import (
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ThalesIgnite/crypto11"
	p11 "github.com/nativetls/nativetls/internal/p11raw"
)

// benchEnv holds the keys compared by the benchmarks: this package's Key,
// crypto11's Signer on the same token key, and the raw binding.
type benchEnv struct {
	c11  *crypto11.Context
	keys map[string]*Key
	c11s map[string]crypto.Signer
}

var benchAlgs = []struct{ name, label string }{{"ECDSA-P256", "p256"}, {"RSA-2048", "rsa2048"}}

func openBenchEnv(tb testing.TB) *benchEnv {
	tb.Helper()
	sharedHSM(tb)
	// crypto11 first: it refuses a module someone else initialized, while
	// LoadModule accepts CKR_CRYPTOKI_ALREADY_INITIALIZED.
	c11, err := crypto11.Configure(&crypto11.Config{Path: softhsmModule, TokenLabel: "algos", Pin: testPIN})
	if err != nil {
		tb.Fatalf("crypto11: %v", err)
	}
	e := &benchEnv{c11: c11, keys: map[string]*Key{}, c11s: map[string]crypto.Signer{}}
	for _, a := range benchAlgs {
		k, err := OpenKey(keyURI("algos", a.label), nil)
		if err != nil {
			tb.Fatal(err)
		}
		e.keys[a.name] = k
		s, err := c11.FindKeyPair(nil, []byte(a.label))
		if err != nil || s == nil {
			tb.Fatalf("crypto11 FindKeyPair %s: %v", a.label, err)
		}
		e.c11s[a.name] = s
	}
	return e
}

func (e *benchEnv) close() {
	for _, k := range e.keys {
		k.Close()
	}
	e.c11.Close()
}

var benchDigest = sha256.Sum256([]byte("nativetls benchmark"))

// lastCPU is the process CPU time of the last timed run of parallel.
var lastCPU time.Duration

// parallel runs n operations split over par goroutines.
func parallel(b *testing.B, par int, setup func() (op func() error, done func())) {
	var wg sync.WaitGroup
	errs := make(chan error, par)
	ops := make([]func() error, par)
	dones := make([]func(), par)
	for i := range par {
		ops[i], dones[i] = setup()
	}
	b.ResetTimer()
	cpu0 := processCPU()
	for i := range par {
		n := b.N / par
		if i < b.N%par {
			n++
		}
		wg.Add(1)
		go func(op func() error, n int) {
			defer wg.Done()
			for j := 0; j < n; j++ {
				if err := op(); err != nil {
					errs <- err
					return
				}
			}
		}(ops[i], n)
	}
	wg.Wait()
	b.StopTimer()
	lastCPU = processCPU() - cpu0
	for _, d := range dones {
		d()
	}
	close(errs)
	for err := range errs {
		b.Fatal(err)
	}
}

// benchRaw is the limit: C_SignInit + one C_Sign (with a buffer of the
// signature's size) on one session per goroutine, no pool, no encoding.
func benchRaw(b *testing.B, k *Key, par int) {
	ctx := k.t.ctx
	mech := ckmECDSA
	in := benchDigest[:]
	if _, ok := k.Public().(*rsa.PublicKey); ok {
		mech = ckmRSAPKCS
		in, _ = pkcs1Input(crypto.SHA256, in)
	}
	parallel(b, par, func() (func() error, func()) {
		sh, err := ctx.OpenSession(k.t.slotID(), p11.CKF_SERIAL_SESSION)
		if err != nil {
			b.Fatal(err)
		}
		m := []*p11.Mechanism{p11.NewMechanism(uint(mech), nil)}
		return func() error {
				if err := ctx.SignInit(sh, m, k.handle); err != nil {
					return err
				}
				_, err := ctx.SignSized(sh, in, k.sigSize())
				return err
			}, func() {
				ctx.CloseSession(sh)
			}
	})
}

func benchSigner(b *testing.B, s crypto.Signer, par int) {
	parallel(b, par, func() (func() error, func()) {
		return func() error {
			_, err := s.Sign(nil, benchDigest[:], crypto.SHA256)
			return err
		}, func() {}
	})
}

// BenchmarkSign compares signatures per second: raw binding loop, this
// package's Signer, crypto11's Signer, with 1 and 2 goroutines.
func BenchmarkSign(b *testing.B) {
	e := openBenchEnv(b)
	defer e.close()
	for _, a := range benchAlgs {
		for _, par := range []int{1, 2} {
			b.Run(fmt.Sprintf("%s/raw/%dg", a.name, par), func(b *testing.B) { benchRaw(b, e.keys[a.name], par) })
			b.Run(fmt.Sprintf("%s/signer/%dg", a.name, par), func(b *testing.B) { benchSigner(b, e.keys[a.name], par) })
			b.Run(fmt.Sprintf("%s/crypto11/%dg", a.name, par), func(b *testing.B) { benchSigner(b, e.c11s[a.name], par) })
		}
	}
}

// benchHandshakes runs full TLS 1.3 handshakes over net.Pipe with cert on
// the server; the client verifies the chain against roots.
func benchHandshakes(b *testing.B, cert tls.Certificate, roots *x509.CertPool) {
	sc, cc := &tls.Config{Certificates: []tls.Certificate{cert}}, clientConfig(roots, 0)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := pipeHandshake(sc, cc); err != nil {
			b.Fatal(err)
		}
	}
}

// handshakeSide is a server certificate and the roots that verify it.
type handshakeSide struct {
	cert  tls.Certificate
	roots *x509.CertPool
}

// handshakeSides returns what the handshake benchmarks compare: the HSM
// ECDSA P-256 key (closed when tb ends) and an in-memory key of the same
// type.
func handshakeSides(tb testing.TB) (hsm, goKey handshakeSide) {
	tb.Helper()
	sharedHSM(tb)
	k, err := OpenKey(keyURI("algos", "p256"), nil)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { k.Close() })
	if hsm.cert, err = k.TLSCertificate(); err != nil {
		tb.Fatal(err)
	}
	hsm.roots = x509.NewCertPool()
	hsm.roots.AddCert(shared.root)
	goTC, goCA := goCert(tb, "ecdsa")
	goKey = handshakeSide{cert: goTC, roots: x509.NewCertPool()}
	goKey.roots.AddCert(goCA)
	return hsm, goKey
}

// BenchmarkTLSHandshake compares handshakes per second with the HSM
// ECDSA P-256 key and an in-memory key of the same type.
func BenchmarkTLSHandshake(b *testing.B) {
	hsm, goKey := handshakeSides(b)
	b.Run("hsm-p256", func(b *testing.B) { benchHandshakes(b, hsm.cert, hsm.roots) })
	b.Run("go-p256", func(b *testing.B) { benchHandshakes(b, goKey.cert, goKey.roots) })
}

// TestBenchTable prints the benchmark ratios of issue 6 in one run:
//
//	NATIVETLS_BENCH=1 go test ./pkcs11 -run TestBenchTable -v
//
// Each side is measured with testing.Benchmark; the sides of a ratio run
// back to back in each round, and the table shows the median over rounds
// of the per-round ratios (pairing cancels slow drift of a shared
// machine), plus the best ops/s of each side. NATIVETLS_BENCH_ROUNDS sets
// the number of rounds (default 5).
func TestBenchTable(t *testing.T) {
	if os.Getenv("NATIVETLS_BENCH") == "" {
		t.Skip("set NATIVETLS_BENCH=1 to measure and print the ratio table")
	}
	rounds := 5
	if n, err := strconv.Atoi(os.Getenv("NATIVETLS_BENCH_ROUNDS")); err == nil && n > 0 {
		rounds = n
	}
	e := openBenchEnv(t)
	ops := map[string][]float64{}
	cpuOps := map[string][]float64{} // operations per CPU-second of this process
	measure := func(name string, f func(b *testing.B)) {
		lastCPU = 0
		r := testing.Benchmark(f)
		if r.N == 0 {
			t.Fatalf("%s: benchmark failed", name)
		}
		ops[name] = append(ops[name], float64(r.N)/r.T.Seconds())
		if lastCPU > 0 {
			cpuOps[name] = append(cpuOps[name], float64(r.N)/lastCPU.Seconds())
		}
	}
	for range rounds {
		for _, a := range benchAlgs {
			for _, par := range []int{1, 2} {
				measure(fmt.Sprintf("%s raw %dg", a.name, par), func(b *testing.B) { benchRaw(b, e.keys[a.name], par) })
				measure(fmt.Sprintf("%s signer %dg", a.name, par), func(b *testing.B) { benchSigner(b, e.keys[a.name], par) })
				measure(fmt.Sprintf("%s crypto11 %dg", a.name, par), func(b *testing.B) { benchSigner(b, e.c11s[a.name], par) })
			}
		}
	}
	e.close()

	hsm, goKey := handshakeSides(t)
	for range rounds {
		measure("TLS1.3 handshake hsm-p256", func(b *testing.B) { benchHandshakes(b, hsm.cert, hsm.roots) })
		measure("TLS1.3 handshake go-p256", func(b *testing.B) { benchHandshakes(b, goKey.cert, goKey.roots) })
	}

	best := func(name string) float64 {
		v := append([]float64(nil), ops[name]...)
		sort.Float64s(v)
		return v[len(v)-1]
	}
	// ratio is the median over rounds of a/b measured in the same round.
	ratio := func(a, b string) float64 {
		var r []float64
		for i := range ops[a] {
			r = append(r, ops[a][i]/ops[b][i])
		}
		sort.Float64s(r)
		return r[len(r)/2]
	}
	cpuRatio := func(a, b string) float64 {
		var r []float64
		for i := range cpuOps[a] {
			if i < len(cpuOps[b]) {
				r = append(r, cpuOps[a][i]/cpuOps[b][i])
			}
		}
		if len(r) == 0 {
			return 0
		}
		sort.Float64s(r)
		return r[len(r)/2]
	}
	var sb strings.Builder
	fmt.Fprintf(&sb, "\n%-34s %12s\n", fmt.Sprintf("measurement (best of %d)", rounds), "ops/s")
	names := make([]string, 0, len(ops))
	for n := range ops {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(&sb, "%-34s %12.0f\n", n, best(n))
	}
	fmt.Fprintf(&sb, "\n%-44s %7s %s\n", fmt.Sprintf("ratio (median of %d paired rounds)", rounds), "value", "target")
	row := func(label string, v float64, target string) { fmt.Fprintf(&sb, "%-44s %7.3f %s\n", label, v, target) }
	for _, a := range benchAlgs {
		n := a.name
		row(n+" signer/raw (1 goroutine)", ratio(n+" signer 1g", n+" raw 1g"), ">= 0.95")
		row(n+" signer/raw (2 goroutines)", ratio(n+" signer 2g", n+" raw 2g"), ">= 0.95")
		row(n+" signer/crypto11 (1 goroutine)", ratio(n+" signer 1g", n+" crypto11 1g"), ">= 1.0")
		row(n+" signer/crypto11 (2 goroutines)", ratio(n+" signer 2g", n+" crypto11 2g"), ">= 1.0")
		row(n+" signer 2g/1g", ratio(n+" signer 2g", n+" signer 1g"), ">= 1.6 (read against raw below)")
		row(n+" raw 2g/1g (SoftHSM's own scaling)", ratio(n+" raw 2g", n+" raw 1g"), "reference")
	}
	row("TLS 1.3 handshakes hsm-p256/go-p256", ratio("TLS1.3 handshake hsm-p256", "TLS1.3 handshake go-p256"), "report")
	fmt.Fprintf(&sb, "\nper CPU-second of this process (insensitive to other load on the machine):\n")
	for _, a := range benchAlgs {
		n := a.name
		row(n+" signer/raw (1 goroutine, CPU)", cpuRatio(n+" signer 1g", n+" raw 1g"), ">= 0.95")
		row(n+" signer/crypto11 (1 goroutine, CPU)", cpuRatio(n+" signer 1g", n+" crypto11 1g"), ">= 1.0")
	}
	t.Log(sb.String())
}
