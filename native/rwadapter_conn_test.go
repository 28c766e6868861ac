package native

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"math/rand"
	"sync"
	"testing"

	"github.com/nativetls/nativetls/trust"
)

// bufChunkRW passes reads and writes through in random pieces, so the
// buffer sees records split anywhere.
type bufChunkRW struct {
	rw  io.ReadWriter
	mu  sync.Mutex
	rng *rand.Rand
}

func (c *bufChunkRW) n(max int) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	if max <= 1 || c.rng.Intn(4) == 0 {
		return max
	}
	return 1 + c.rng.Intn(max)
}

func (c *bufChunkRW) Read(p []byte) (int, error) { return c.rw.Read(p[:c.n(len(p))]) }

func (c *bufChunkRW) Write(p []byte) (int, error) {
	off := 0
	for off < len(p) {
		k, err := c.rw.Write(p[off : off+c.n(len(p)-off)])
		off += k
		if err != nil {
			return off, err
		}
	}
	return off, nil
}

// bufEcho copies everything c reads back to it, then closes it.
func bufEcho(c io.ReadWriteCloser, done chan<- error) {
	_, err := io.Copy(c, c)
	c.Close()
	done <- err
}

func bufPlainServerConfig(p *bufPKI) *tls.Config {
	return &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{p.server.cert.Raw}, PrivateKey: p.server.key}}}
}

func bufPlainClientConfig(p *bufPKI) *tls.Config {
	pool := x509.NewCertPool()
	pool.AddCert(p.root.cert)
	return &tls.Config{RootCAs: pool, ServerName: "buf.example.test"}
}

// bufEchoRoundTrip writes random data through s in pieces of at most one
// small record, reading each echo before the next piece (a Stream is for
// one goroutine at a time, and net.Pipe does not buffer), then half-closes
// and expects the peer's close_notify.
func bufEchoRoundTrip(t *testing.T, rng *rand.Rand, s *Stream) {
	t.Helper()
	data := make([]byte, 100<<10)
	rng.Read(data)
	got := make([]byte, len(data))
	for off := 0; off < len(data); {
		n := min(len(data)-off, 1+rng.Intn(1000))
		if _, err := s.Write(data[off : off+n]); err != nil {
			t.Fatalf("Write: %v", err)
		}
		if _, err := io.ReadFull(s, got[off:off+n]); err != nil {
			t.Fatalf("reading the echo: %v", err)
		}
		off += n
	}
	if !bytes.Equal(got, data) {
		t.Fatal("echo corrupted")
	}
	if err := s.CloseWrite(); err != nil {
		t.Fatalf("CloseWrite: %v", err)
	}
	if n, err := s.Read(make([]byte, 1)); n != 0 || err != io.EOF {
		t.Fatalf("Read after the peer's close_notify = %d, %v; want io.EOF", n, err)
	}
}

func TestBufferAgainstTLSConn(t *testing.T) {
	p := bufTestPKI(t)
	rng := bufRand(t)
	for _, ver := range []trust.Version{trust.TLSv1_2, trust.TLSv1_3} {
		t.Run("client buffer "+ver.String(), func(t *testing.T) {
			a, b := tcpPair(t)
			defer a.Close()
			defer b.Close()
			done := make(chan error, 1)
			go bufEcho(tls.Server(b, bufPlainServerConfig(p)), done)
			cctx, err := NewClientContext(p.bufClientConfig().WithVersions(ver, ver))
			if err != nil {
				t.Fatal(err)
			}
			s, err := cctx.WrapStream(&bufChunkRW{rw: a, rng: rand.New(rand.NewSource(rng.Int63()))}, "buf.example.test")
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			if err := s.Handshake(); err != nil {
				t.Fatal(err)
			}
			if s.Buffer().NegotiatedVersion() != ver || len(s.VerifiedChains()) == 0 {
				t.Fatalf("version %v, %d verified chains", s.Buffer().NegotiatedVersion(), len(s.VerifiedChains()))
			}
			bufEchoRoundTrip(t, rng, s)
			if err := <-done; err != nil {
				t.Fatalf("tls.Conn echo: %v", err)
			}
		})
		t.Run("server buffer "+ver.String(), func(t *testing.T) {
			a, b := tcpPair(t)
			defer a.Close()
			defer b.Close()
			sctx, err := NewServerContext(p.bufServerConfig().WithVersions(ver, ver))
			if err != nil {
				t.Fatal(err)
			}
			s, err := sctx.WrapStream(&bufChunkRW{rw: b, rng: rand.New(rand.NewSource(rng.Int63()))})
			if err != nil {
				t.Fatal(err)
			}
			done := make(chan error, 1)
			go bufEcho(s, done)
			c := tls.Client(a, bufPlainClientConfig(p))
			data := make([]byte, 100<<10)
			rng.Read(data)
			go func() { c.Write(data); c.CloseWrite() }()
			got, err := io.ReadAll(c)
			if err != nil || !bytes.Equal(got, data) {
				t.Fatalf("echo through the server buffer: %d bytes, %v", len(got), err)
			}
			if v := c.ConnectionState().Version; v != uint16(ver) {
				t.Fatalf("version %x", v)
			}
			if err := <-done; err != nil {
				t.Fatalf("server buffer echo: %v", err)
			}
		})
	}
}

// TestBufferResumesWithTLSConn checks that session tickets (TLS 1.3
// post-handshake messages) are taken in by Read and that a resumed
// session is verified again.
func TestBufferResumesWithTLSConn(t *testing.T) {
	p := bufTestPKI(t)
	scfg := bufPlainServerConfig(p)
	cctx, _ := NewClientContext(p.bufClientConfig())
	for i := 0; i < 2; i++ {
		a, b := tcpPair(t)
		go func() {
			s := tls.Server(b, scfg)
			s.Write([]byte("hi"))
			io.Copy(io.Discard, s)
			b.Close()
		}()
		s, _ := cctx.WrapStream(a, "buf.example.test")
		buf := make([]byte, 2)
		if _, err := io.ReadFull(s, buf); err != nil {
			t.Fatal(err)
		}
		resumed := s.ConnectionState().DidResume
		if resumed != (i == 1) {
			t.Fatalf("connection %d: DidResume = %v", i, resumed)
		}
		if len(s.VerifiedChains()) == 0 {
			t.Fatalf("connection %d was not verified", i)
		}
		s.Close()
	}
}

// bufOutcome is what a test observes of one client connection.
type bufOutcome struct {
	Err      string
	Reason   trust.Reason
	Op       string
	Proto    string
	Version  uint16
	Suite    uint16
	Chains   int
	Echo     string
	ServerOK bool
}

// bufConnLike is what WrapConn's *Conn and *Stream have in common.
type bufConnLike interface {
	io.ReadWriteCloser
	Handshake() error
	ConnectionState() tls.ConnectionState
	VerifiedChains() [][]*x509.Certificate
}

func bufObserve(t *testing.T, cctx *ClientContext, sctx *ServerContext, name string, stream bool) bufOutcome {
	t.Helper()
	a, b := tcpPair(t)
	defer a.Close()
	defer b.Close()
	var c, s bufConnLike
	var err error
	if stream {
		c, err = cctx.WrapStream(a, name)
		if err == nil {
			s, err = sctx.WrapStream(b)
		}
	} else {
		c, err = cctx.WrapConn(a, name)
		if err == nil {
			s, err = sctx.WrapConn(b)
		}
	}
	if err != nil {
		return bufOutcome{Err: "wrap: " + err.Error()}
	}
	srv := make(chan bool, 1)
	go func() {
		ok := s.Handshake() == nil
		if ok {
			buf := make([]byte, 4)
			if _, err := io.ReadFull(s, buf); err == nil {
				s.Write(bytes.ToUpper(buf))
			}
		}
		b.Close()
		srv <- ok
	}()
	var o bufOutcome
	if err := c.Handshake(); err != nil {
		o.Err = err.Error()
		var ve *trust.VerificationError
		if errors.As(err, &ve) {
			o.Reason = ve.Reason
		}
		var te *trust.TLSError
		if errors.As(err, &te) {
			o.Op = te.Op
		}
		a.Close()
	} else {
		cs := c.ConnectionState()
		o.Proto, o.Version, o.Suite, o.Chains = cs.NegotiatedProtocol, cs.Version, cs.CipherSuite, len(c.VerifiedChains())
		c.Write([]byte("ping"))
		buf := make([]byte, 4)
		io.ReadFull(c, buf)
		o.Echo = string(buf)
	}
	o.ServerOK = <-srv
	return o
}

// TestBufferStreamBehavesLikeConn runs the same scenarios through WrapConn and
// through WrapStream and expects the same observations.
func TestBufferStreamBehavesLikeConn(t *testing.T) {
	p := bufTestPKI(t)
	untrusted := trust.DefaultConfiguration().WithCertificateChain(p.otherServer.key, p.otherServer.cert, p.otherRoot.cert)
	mtls := p.bufServerConfig().WithClientAuth(trust.RequireClientCert).WithTrustStore(trust.FromCertificates("root", p.root.cert))
	cases := []struct {
		name       string
		ccfg, scfg trust.Configuration
		serverName string
	}{
		{"TLS1.3", p.bufClientConfig(), p.bufServerConfig(), "buf.example.test"},
		{"TLS1.2 ALPN", p.bufClientConfig().WithVersions(trust.TLSv1_2, trust.TLSv1_2).WithInnerProtocols(trust.H2, trust.HTTP1_1),
			p.bufServerConfig().WithInnerProtocols(trust.HTTP1_1), "buf.example.test"},
		{"IP address", p.bufClientConfig(), p.bufServerConfig(), "127.0.0.1"},
		{"client certificate", p.bufClientConfig().WithCertificateChain(p.client.key, p.client.cert), mtls, "buf.example.test"},
		{"untrusted server", p.bufClientConfig(), untrusted, "buf.example.test"},
		{"wrong name", p.bufClientConfig(), p.bufServerConfig(), "nope.example.test"},
		{"no server name", p.bufClientConfig(), p.bufServerConfig(), ""},
		{"version mismatch", p.bufClientConfig().WithVersions(trust.TLSv1_2, trust.TLSv1_2),
			p.bufServerConfig().WithVersions(trust.TLSv1_3, trust.TLSv1_3), "buf.example.test"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cctx, sctx := newContexts(t, tc.ccfg, tc.scfg)
			conn := bufObserve(t, cctx, sctx, tc.serverName, false)
			stream := bufObserve(t, cctx, sctx, tc.serverName, true)
			if conn != stream {
				t.Errorf("outcomes differ:\n WrapConn:   %+v\n WrapStream: %+v", conn, stream)
			}
			t.Logf("%+v", stream)
		})
	}
}
