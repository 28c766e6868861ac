package native

import (
	"bytes"
	"errors"
	"io"
	"math/rand"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/nativetls/nativetls/trust"
)

// bufRand returns a seeded generator and logs the seed; set
// NATIVETLS_SEED to replay a run.
func bufRand(t testing.TB) *rand.Rand {
	t.Helper()
	seed := time.Now().UnixNano()
	if s := os.Getenv("NATIVETLS_SEED"); s != "" {
		v, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			t.Fatalf("NATIVETLS_SEED=%q: %v", s, err)
		}
		seed = v
	}
	t.Logf("random seed %d (replay with NATIVETLS_SEED=%d)", seed, seed)
	return rand.New(rand.NewSource(seed))
}

// bufPair makes a client buffer for "buf.example.test" and a server buffer
// from the two configurations; both are closed when the test ends.
func bufPair(t testing.TB, ccfg, scfg trust.Configuration) (client, server *Buffer) {
	t.Helper()
	cctx, sctx := newContexts(t, ccfg, scfg)
	return bufPairCtx(t, cctx, sctx)
}

func bufPairCtx(t testing.TB, cctx *ClientContext, sctx *ServerContext) (client, server *Buffer) {
	t.Helper()
	client, err := cctx.WrapBuffers("buf.example.test")
	if err != nil {
		t.Fatalf("client WrapBuffers: %v", err)
	}
	server, err = sctx.WrapBuffers()
	if err != nil {
		t.Fatalf("server WrapBuffers: %v", err)
	}
	t.Cleanup(func() { client.Close(); server.Close() })
	return client, server
}

// bufPumpSome moves part of from's outgoing ciphertext into to: one byte,
// a random prefix, or everything. rng nil means everything.
func bufPumpSome(rng *rand.Rand, from, to *Buffer) int {
	p := from.PeekOutgoing()
	if len(p) == 0 {
		return 0
	}
	n := len(p)
	if rng != nil {
		switch rng.Intn(3) {
		case 0:
			n = 1
		case 1:
			n = 1 + rng.Intn(len(p))
		}
	}
	if err := to.ReceiveFromNetwork(p[:n]); err != nil {
		panic(err)
	}
	from.ConsumeOutgoing(n)
	return n
}

func bufIsWant(err error) bool {
	return errors.Is(err, trust.ErrWantRead) || errors.Is(err, trust.ErrWantWrite)
}

// bufHandshake drives both handshakes to their end, moving ciphertext in
// random chunks, and returns each side's final error.
func bufHandshake(t testing.TB, rng *rand.Rand, client, server *Buffer) (cerr, serr error) {
	t.Helper()
	cdone, sdone := false, false
	idle := 0
	for idle < 3 {
		if !cdone {
			if cerr = client.Handshake(); !bufIsWant(cerr) {
				cdone = true
			}
		}
		if !sdone {
			if serr = server.Handshake(); !bufIsWant(serr) {
				sdone = true
			}
		}
		moved := bufPumpSome(rng, client, server) + bufPumpSome(rng, server, client)
		if moved == 0 {
			idle++
		} else {
			idle = 0
		}
	}
	if !cdone || !sdone {
		t.Fatalf("handshake stuck: client %v, server %v", cerr, serr)
	}
	return cerr, serr
}

// bufEnd is one side of an in-memory exchange.
type bufEnd struct {
	b    *Buffer
	send []byte
	got  []byte
	want int
	buf  []byte
}

// step writes and reads a random amount; it fails the test on anything but
// progress or a Want error.
func (e *bufEnd) step(t testing.TB, rng *rand.Rand) {
	t.Helper()
	if len(e.send) > 0 {
		k := 1 + rng.Intn(len(e.send))
		n, err := e.b.Write(e.send[:k])
		if err != nil && !errors.Is(err, trust.ErrWantWrite) {
			t.Fatalf("Write: %v", err)
		}
		e.send = e.send[n:]
	}
	if len(e.got) < e.want {
		if e.buf == nil {
			e.buf = make([]byte, 40<<10)
		}
		n, err := e.b.Read(e.buf[:1+rng.Intn(len(e.buf))])
		if err != nil && !errors.Is(err, trust.ErrWantRead) {
			t.Fatalf("Read: %v", err)
		}
		e.got = append(e.got, e.buf[:n]...)
	}
}

// bufExchange sends n random bytes each way at once, in random pieces,
// and checks they arrive intact.
func bufExchange(t testing.TB, rng *rand.Rand, client, server *Buffer, n int) {
	t.Helper()
	c2s, s2c := make([]byte, n), make([]byte, n)
	rng.Read(c2s)
	rng.Read(s2c)
	c := &bufEnd{b: client, send: c2s, want: n}
	s := &bufEnd{b: server, send: s2c, want: n}
	for steps := 0; len(c.got) < n || len(s.got) < n; steps++ {
		if steps > 10_000_000 {
			t.Fatalf("exchange stuck: client got %d, server got %d of %d", len(c.got), len(s.got), n)
		}
		c.step(t, rng)
		s.step(t, rng)
		bufPumpSome(rng, client, server)
		bufPumpSome(rng, server, client)
	}
	if !bytes.Equal(s.got, c2s) || !bytes.Equal(c.got, s2c) {
		t.Fatal("data corrupted in transit")
	}
}

// bufReadAll reads until an error that is not ErrWantRead, pumping from
// peer, and returns the plaintext and that error.
func bufReadAll(t testing.TB, b, peer *Buffer) ([]byte, error) {
	t.Helper()
	var out []byte
	buf := make([]byte, 4096)
	for i := 0; ; i++ {
		n, err := b.Read(buf)
		out = append(out, buf[:n]...)
		if errors.Is(err, trust.ErrWantRead) {
			if peer == nil || bufPumpSome(nil, peer, b) == 0 {
				if i > 0 && peer != nil {
					return out, err
				}
				if peer == nil {
					return out, err
				}
			}
			continue
		}
		if err != nil {
			return out, err
		}
	}
}

func TestBufferPairRandomChunks(t *testing.T) {
	p := bufTestPKI(t)
	rng := bufRand(t)
	cases := []struct {
		name   string
		lo, hi trust.Version
		mtls   bool
	}{
		{"TLS1.3", 0, 0, false},
		{"TLS1.3 client auth", 0, 0, true},
		{"TLS1.2", trust.TLSv1_2, trust.TLSv1_2, false},
		{"TLS1.2 client auth", trust.TLSv1_2, trust.TLSv1_2, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ccfg, scfg := p.bufClientConfig(), p.bufServerConfig()
			if tc.lo != 0 {
				ccfg, scfg = ccfg.WithVersions(tc.lo, tc.hi), scfg.WithVersions(tc.lo, tc.hi)
			}
			if tc.mtls {
				ccfg = ccfg.WithCertificateChain(p.client.key, p.client.cert)
				scfg = scfg.WithClientAuth(trust.RequireClientCert).WithTrustStore(trust.FromCertificates("root", p.root.cert))
			}
			for round := 0; round < 8; round++ {
				client, server := bufPair(t, ccfg, scfg)
				if round%2 == 1 {
					client.SetOutgoingLimit(1 + rng.Intn(3000))
					server.SetOutgoingLimit(1 + rng.Intn(3000))
				}
				cerr, serr := bufHandshake(t, rng, client, server)
				if cerr != nil || serr != nil {
					t.Fatalf("handshake: client %v, server %v", cerr, serr)
				}
				bufExchange(t, rng, client, server, 1+rng.Intn(200<<10))
				if tc.mtls && len(server.VerifiedChains()) == 0 {
					t.Error("server did not record the client's verified chain")
				}
				if len(client.VerifiedChains()) == 0 || client.VerifiedChains()[0][0] != client.PeerCertificates()[0] {
					t.Error("client did not record the server's verified chain")
				}
				bufCloseBoth(t, rng, client, server)
			}
		})
	}
}

// bufCloseBoth shuts both sides down cleanly and checks each reads io.EOF.
func bufCloseBoth(t testing.TB, rng *rand.Rand, client, server *Buffer) {
	t.Helper()
	if err := client.Shutdown(); err != nil {
		t.Fatalf("client Shutdown: %v", err)
	}
	if err := server.Shutdown(); err != nil {
		t.Fatalf("server Shutdown: %v", err)
	}
	for bufPumpSome(rng, client, server)+bufPumpSome(rng, server, client) > 0 {
	}
	for _, b := range []*Buffer{client, server} {
		if _, err := b.Read(make([]byte, 10)); err != io.EOF {
			t.Fatalf("Read after close_notify = %v, want io.EOF", err)
		}
	}
}
