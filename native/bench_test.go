package native

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/nativetls/nativetls/internal/testpki"
	"github.com/nativetls/nativetls/trust"
)

// Benchmarks compare native contexts with plain crypto/tls configured the
// same way (same certificates, roots, versions, curves), over net.Pipe.
// Session tickets are off on both sides so every handshake is a full one.

type benchSide struct {
	client func(net.Conn) (*tls.Conn, error)
	server func(net.Conn) *tls.Conn
}

func benchPKI(b testing.TB) *pki { return newPKI(b, testpki.Options{}) }

func nativeSide(b testing.TB, p *pki) benchSide {
	cctx, sctx := newContexts(b, p.clientConfig(), p.serverConfig())
	sctx.base.SessionTicketsDisabled = true
	return contextSide(cctx, sctx)
}

// contextSide is the bench side of a client and a server context, the
// client verifying "www.example.test".
func contextSide(cctx *ClientContext, sctx *ServerContext) benchSide {
	return benchSide{
		client: func(c net.Conn) (*tls.Conn, error) {
			conn, err := cctx.WrapConn(c, "www.example.test")
			if err != nil {
				return nil, err
			}
			return conn.Conn, conn.Handshake()
		},
		server: func(c net.Conn) *tls.Conn { s, _ := sctx.WrapConn(c); return s.Conn },
	}
}

func plainSide(b testing.TB, p *pki) benchSide {
	roots := x509.NewCertPool()
	roots.AddCert(p.root.Cert)
	ccfg := &tls.Config{RootCAs: roots, ServerName: "www.example.test", MinVersion: tls.VersionTLS12}
	scfg := &tls.Config{MinVersion: tls.VersionTLS12, SessionTicketsDisabled: true, Certificates: []tls.Certificate{{
		Certificate: [][]byte{p.leaf.Cert.Raw, p.inter.Cert.Raw}, PrivateKey: p.leaf.Key, Leaf: p.leaf.Cert}}}
	return benchSide{
		client: func(c net.Conn) (*tls.Conn, error) { t := tls.Client(c, ccfg.Clone()); return t, t.Handshake() },
		server: func(c net.Conn) *tls.Conn { return tls.Server(c, scfg) },
	}
}

func benchHandshakes(b *testing.B, side benchSide) {
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		c1, c2 := net.Pipe()
		done := make(chan error, 1)
		go func() { done <- side.server(c2).Handshake() }()
		if _, err := side.client(c1); err != nil {
			b.Fatal(err)
		}
		if err := <-done; err != nil {
			b.Fatal(err)
		}
		c1.Close()
		c2.Close()
	}
}

func benchTransfer(b *testing.B, side benchSide) {
	const size = 1 << 20
	c1, c2 := net.Pipe()
	defer c1.Close()
	defer c2.Close()
	srv := side.server(c2)
	go func() {
		buf := make([]byte, 32<<10)
		for {
			if _, err := io.ReadFull(srv, buf[:1]); err != nil {
				return
			}
			for n := 0; n < size; n += len(buf) {
				if _, err := srv.Write(buf); err != nil {
					return
				}
			}
		}
	}()
	cli, err := side.client(c1)
	if err != nil {
		b.Fatal(err)
	}
	buf := make([]byte, 64<<10)
	b.SetBytes(size)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		cli.Write([]byte{1})
		if _, err := io.CopyBuffer(io.Discard, io.LimitReader(cli, size), buf); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkHandshakeNative(b *testing.B)    { benchHandshakes(b, nativeSide(b, benchPKI(b))) }
func BenchmarkHandshakeCryptoTLS(b *testing.B) { benchHandshakes(b, plainSide(b, benchPKI(b))) }
func BenchmarkTransfer1MiBNative(b *testing.B) { benchTransfer(b, nativeSide(b, benchPKI(b))) }
func BenchmarkTransfer1MiBCryptoTLS(b *testing.B) {
	benchTransfer(b, plainSide(b, benchPKI(b)))
}

// TestBenchTable prints the ratio table ci/bench.sh collects. It runs only
// with NATIVETLS_BENCH=1 (it takes a few seconds and measures, not tests).
func TestBenchTable(t *testing.T) {
	if os.Getenv("NATIVETLS_BENCH") != "1" {
		t.Skip("set NATIVETLS_BENCH=1 (ci/bench.sh does) to measure")
	}
	p := benchPKI(t)
	nat, plain := nativeSide(t, p), plainSide(t, p)
	pair := func(name, baseName string, ourSide, baseSide benchSide, f func(*testing.B, benchSide), perSecond bool, target float64) {
		// Seven paired rounds, the two sides back to back in alternating
		// order; the ratio is the median of the per-round ratios, so a noisy
		// neighbour that hits one round does not decide the result.
		const rounds = 7
		var ours, base, ratios []float64
		for round := 0; round < rounds; round++ {
			var v [2]float64
			order := []int{0, 1}
			if round%2 == 1 {
				order = []int{1, 0}
			}
			for _, i := range order {
				side := []benchSide{ourSide, baseSide}[i]
				r := testing.Benchmark(func(b *testing.B) { f(b, side) })
				v[i] = float64(r.N) / r.T.Seconds()
				if !perSecond {
					v[i] = float64(r.Bytes) * float64(r.N) / r.T.Seconds() / 1e6
				}
			}
			ours, base, ratios = append(ours, v[0]), append(base, v[1]), append(ratios, v[0]/v[1])
		}
		ratio := median(ratios)
		verdict := "ok"
		if ratio < target {
			verdict = "BELOW TARGET"
		}
		unit := "handshakes/s"
		if !perSecond {
			unit = "MB/s"
		}
		fmt.Printf("bench: %-34s ours %10.1f  %s %10.1f %-12s ratio %.3f (median of %d paired rounds)  target >= %.2f  %s\n",
			name, median(ours), baseName, median(base), unit, ratio, rounds, target, verdict)
	}
	pair("native full handshakes (TLS 1.3)", "crypto/tls", nat, plain, benchHandshakes, true, 0.95)
	pair("native 1 MiB transfer", "crypto/tls", nat, plain, benchTransfer, false, 0.95)
	pair("watched identity handshakes", "static identity", watchedSide(t, p), nat, benchHandshakes, true, 0.99)
	chosen, fixed := mtlsSides(t, p)
	pair("mTLS, client identity chosen", "fixed client chain", chosen, fixed, benchHandshakes, true, 0.95)
}

// mtlsSides are two full mTLS setups against the same server: a client
// choosing among three identities (two from CAs the server does not
// accept) and a client with the right chain configured.
func mtlsSides(t *testing.T, p *pki) (chosen, fixed benchSide) {
	clientCA := testpki.Root("Bench Client CA", testpki.Options{})
	mine := clientCA.Leaf(testpki.Options{DNSNames: []string{"client.bench.test"}})
	dir := tempDir(t)
	for i, c := range []*testpki.Cert{testpki.Root("Other A", testpki.Options{}).Leaf(testpki.Options{}), mine,
		testpki.Root("Other B", testpki.Options{}).Leaf(testpki.Options{})} {
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("id%d.pem", i)), append(c.PEM(), c.KeyPEM()...), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	src, err := ClientIdentities([]string{dir})
	if err != nil {
		t.Fatal(err)
	}
	sctx, err := NewServerContext(p.serverConfig().WithClientAuth(trust.RequireClientCert).
		WithTrustStore(trust.FromCertificates("client CA", clientCA.Cert)))
	if err != nil {
		t.Fatal(err)
	}
	sctx.base.SessionTicketsDisabled = true
	side := func(cfg trust.Configuration) benchSide {
		cctx, err := NewClientContext(cfg)
		if err != nil {
			t.Fatal(err)
		}
		return contextSide(cctx, sctx)
	}
	return side(p.clientConfig().WithClientIdentities(src)), side(p.clientConfig().WithCertificateChain(mine.Key, mine.Cert))
}

// watchedSide is nativeSide with the server identity coming from an
// IdentityWatcher over files, checking them every second as in production.
func watchedSide(t *testing.T, p *pki) benchSide {
	dir := tempDir(t)
	certPath, keyPath := filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if err := os.WriteFile(certPath, testpki.ChainPEM(p.leaf, p.inter), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyPath, p.leaf.KeyPEM(), 0o600); err != nil {
		t.Fatal(err)
	}
	w, err := WatchIdentity(certPath, WatchOptions{Key: keyPath})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close() })
	side := nativeSide(t, p)
	sctx, err := NewServerContext(trust.DefaultConfiguration().WithIdentitySource(w))
	if err != nil {
		t.Fatal(err)
	}
	sctx.base.SessionTicketsDisabled = true
	side.server = func(c net.Conn) *tls.Conn { s, _ := sctx.WrapConn(c); return s.Conn }
	return side
}

func median(v []float64) float64 {
	s := append([]float64(nil), v...)
	sort.Float64s(s)
	return s[len(s)/2]
}
