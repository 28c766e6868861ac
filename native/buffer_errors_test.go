package native

import (
	"bytes"
	"errors"
	"io"
	"net"
	"testing"

	"github.com/nativetls/nativetls/trust"
)

// bufHandshaken returns a pair whose handshake completed, with all
// ciphertext delivered.
func bufHandshaken(t testing.TB, ccfg, scfg trust.Configuration) (client, server *Buffer) {
	t.Helper()
	client, server = bufPair(t, ccfg, scfg)
	if cerr, serr := bufHandshake(t, nil, client, server); cerr != nil || serr != nil {
		t.Fatalf("handshake: client %v, server %v", cerr, serr)
	}
	return client, server
}

func TestBufferWantRead(t *testing.T) {
	p := bufTestPKI(t)
	client, server := bufPair(t, p.bufClientConfig(), p.bufServerConfig())
	if err := server.Handshake(); !errors.Is(err, trust.ErrWantRead) {
		t.Fatalf("server Handshake with no input = %v, want ErrWantRead", err)
	}
	if err := client.Handshake(); !errors.Is(err, trust.ErrWantRead) {
		t.Fatalf("client Handshake = %v, want ErrWantRead", err)
	}
	hello := client.OutgoingBuffered()
	if hello == 0 {
		t.Fatal("client queued no ClientHello")
	}
	// Retrying without new input neither progresses nor repeats output.
	if err := client.Handshake(); !errors.Is(err, trust.ErrWantRead) || client.OutgoingBuffered() != hello {
		t.Fatalf("retry: %v with %d bytes queued, want ErrWantRead with %d", err, client.OutgoingBuffered(), hello)
	}
	if _, err := client.Read(make([]byte, 10)); !errors.Is(err, trust.ErrWantRead) {
		t.Fatalf("Read during handshake = %v, want ErrWantRead", err)
	}
	if _, err := client.Write([]byte("x")); !errors.Is(err, trust.ErrWantRead) {
		t.Fatalf("Write during handshake = %v, want ErrWantRead", err)
	}
	if client.ConnectionState().Version != 0 || client.Cipher() != 0 || client.PeerCertificates() != nil {
		t.Fatal("connection state reported before the handshake completed")
	}
	if cerr, serr := bufHandshake(t, nil, client, server); cerr != nil || serr != nil {
		t.Fatalf("handshake: %v, %v", cerr, serr)
	}
	if _, err := server.Read(make([]byte, 10)); !errors.Is(err, trust.ErrWantRead) {
		t.Fatalf("Read with nothing buffered = %v, want ErrWantRead", err)
	}
	// A record fed in two halves: the first half wants more, the second
	// completes it.
	if _, err := client.Write([]byte("hello, buffer")); err != nil {
		t.Fatal(err)
	}
	rec := client.TakeOutgoing(nil)
	server.ReceiveFromNetwork(rec[:len(rec)/2])
	buf := make([]byte, 100)
	if _, err := server.Read(buf); !errors.Is(err, trust.ErrWantRead) {
		t.Fatalf("Read of half a record = %v, want ErrWantRead", err)
	}
	server.ReceiveFromNetwork(rec[len(rec)/2:])
	n, err := server.Read(buf)
	if err != nil || string(buf[:n]) != "hello, buffer" {
		t.Fatalf("Read = %q, %v", buf[:n], err)
	}
}

func TestBufferWantWrite(t *testing.T) {
	p := bufTestPKI(t)
	client, server := bufHandshaken(t, p.bufClientConfig(), p.bufServerConfig())
	client.SetOutgoingLimit(1000)
	data := bytes.Repeat([]byte("0123456789abcdef"), 10000)
	n, err := client.Write(data)
	if !errors.Is(err, trust.ErrWantWrite) || n != maxPlaintextRecord {
		t.Fatalf("first Write = %d, %v; want %d, ErrWantWrite", n, err, maxPlaintextRecord)
	}
	if m, err := client.Write(data[n:]); m != 0 || !errors.Is(err, trust.ErrWantWrite) {
		t.Fatalf("Write with a full queue = %d, %v; want 0, ErrWantWrite", m, err)
	}
	if err := client.Shutdown(); !errors.Is(err, trust.ErrWantWrite) {
		t.Fatalf("Shutdown with a full queue = %v, want ErrWantWrite", err)
	}
	var got []byte
	buf := make([]byte, 8192)
	for off := n; off < len(data) || len(got) < len(data); {
		bufPumpSome(nil, client, server)
		for {
			k, err := server.Read(buf)
			got = append(got, buf[:k]...)
			if errors.Is(err, trust.ErrWantRead) {
				break
			} else if err != nil {
				t.Fatal(err)
			}
		}
		if off < len(data) {
			k, err := client.Write(data[off:])
			if err != nil && !errors.Is(err, trust.ErrWantWrite) {
				t.Fatal(err)
			}
			off += k
		}
	}
	if !bytes.Equal(got, data) {
		t.Fatal("data corrupted")
	}
}

func TestBufferWantWriteDuringHandshake(t *testing.T) {
	p := bufTestPKI(t)
	client, server := bufPair(t, p.bufClientConfig(), p.bufServerConfig())
	client.SetOutgoingLimit(1)
	client.Handshake()
	// Send the ClientHello but leave it queued: the client's Finished then
	// finds the queue at its bound.
	hello := len(client.PeekOutgoing())
	server.ReceiveFromNetwork(client.PeekOutgoing())
	if err := server.Handshake(); !errors.Is(err, trust.ErrWantRead) {
		t.Fatalf("server Handshake = %v, want ErrWantRead", err)
	}
	bufPumpSome(nil, server, client)
	if err := client.Handshake(); !errors.Is(err, trust.ErrWantWrite) {
		t.Fatalf("client Handshake with a full queue = %v, want ErrWantWrite", err)
	}
	if err := client.Handshake(); !errors.Is(err, trust.ErrWantWrite) || client.OutgoingBuffered() != hello {
		t.Fatalf("retry without draining = %v (%d queued, was %d)", err, client.OutgoingBuffered(), hello)
	}
	client.ConsumeOutgoing(hello)
	if cerr, serr := bufHandshake(t, nil, client, server); cerr != nil || serr != nil {
		t.Fatalf("handshake after draining: %v, %v", cerr, serr)
	}
}

func TestBufferCleanCloseVersusRaggedEOF(t *testing.T) {
	p := bufTestPKI(t)
	t.Run("close_notify", func(t *testing.T) {
		client, server := bufHandshaken(t, p.bufClientConfig(), p.bufServerConfig())
		client.Write([]byte("last words"))
		if err := client.Shutdown(); err != nil {
			t.Fatal(err)
		}
		if _, err := client.Write([]byte("more")); err == nil {
			t.Fatal("Write after Shutdown succeeded")
		}
		bufPumpSome(nil, client, server)
		server.ReceiveEOF()
		got, err := bufReadAll(t, server, nil)
		if string(got) != "last words" || err != io.EOF {
			t.Fatalf("server read %q, %v; want \"last words\", io.EOF", got, err)
		}
		if _, err := server.Read(make([]byte, 1)); err != io.EOF {
			t.Fatalf("second Read = %v, want io.EOF", err)
		}
		// The server may still answer after the client's close_notify.
		if _, err := server.Write([]byte("bye")); err != nil {
			t.Fatal(err)
		}
		bufPumpSome(nil, server, client)
		if got, err := bufReadAll(t, client, nil); string(got) != "bye" || !errors.Is(err, trust.ErrWantRead) {
			t.Fatalf("client read %q, %v", got, err)
		}
	})
	t.Run("ragged at record boundary", func(t *testing.T) {
		client, server := bufHandshaken(t, p.bufClientConfig(), p.bufServerConfig())
		client.Write([]byte("truncated?"))
		bufPumpSome(nil, client, server)
		server.ReceiveEOF()
		got, err := bufReadAll(t, server, nil)
		if string(got) != "truncated?" || !errors.Is(err, trust.ErrRaggedEOF) {
			t.Fatalf("server read %q, %v; want data then ErrRaggedEOF", got, err)
		}
		if err := server.ReceiveFromNetwork([]byte{1}); !errors.Is(err, ErrReceiveAfterEOF) {
			t.Fatalf("ReceiveFromNetwork after EOF = %v", err)
		}
	})
	t.Run("ragged inside a record", func(t *testing.T) {
		client, server := bufHandshaken(t, p.bufClientConfig(), p.bufServerConfig())
		client.Write([]byte("cut in half"))
		rec := client.TakeOutgoing(nil)
		server.ReceiveFromNetwork(rec[:len(rec)-3])
		server.ReceiveEOF()
		if _, err := server.Read(make([]byte, 100)); !errors.Is(err, trust.ErrRaggedEOF) {
			t.Fatalf("Read = %v, want ErrRaggedEOF", err)
		}
	})
	t.Run("EOF during handshake", func(t *testing.T) {
		client, _ := bufPair(t, p.bufClientConfig(), p.bufServerConfig())
		client.Handshake()
		client.ReceiveEOF()
		err := client.Handshake()
		var te *trust.TLSError
		if !errors.As(err, &te) || te.Op != "handshake" || !errors.Is(err, io.EOF) {
			t.Fatalf("Handshake after EOF = %v, want a *trust.TLSError wrapping io.EOF", err)
		}
	})
}

func TestBufferVerificationFailure(t *testing.T) {
	p := bufTestPKI(t)
	untrusted := trust.DefaultConfiguration().WithCertificateChain(p.otherServer.key, p.otherServer.cert, p.otherRoot.cert)
	cases := []struct {
		name       string
		ccfg, scfg trust.Configuration
		serverName string
		reason     trust.Reason
		serverSide bool
	}{
		{"unknown issuer", p.bufClientConfig(), untrusted, "buf.example.test", trust.ReasonUnknownAuthority, false},
		{"wrong name", p.bufClientConfig(), p.bufServerConfig(), "other.example.test", trust.ReasonHostnameMismatch, false},
		{"client certificate from an unknown issuer",
			p.bufClientConfig().WithCertificateChain(p.otherServer.key, p.otherServer.cert, p.otherRoot.cert),
			p.bufServerConfig().WithClientAuth(trust.RequireClientCert).WithTrustStore(trust.FromCertificates("root", p.root.cert)),
			"buf.example.test", trust.ReasonUnknownAuthority, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cctx, sctx := newContexts(t, tc.ccfg, tc.scfg)
			client, err := cctx.WrapBuffers(tc.serverName)
			if err != nil {
				t.Fatal(err)
			}
			server, _ := sctx.WrapBuffers()
			defer client.Close()
			defer server.Close()
			cerr, serr := bufHandshake(t, bufRand(t), client, server)
			failed, failedBuf, other, otherBuf := cerr, client, serr, server
			if tc.serverSide {
				failed, failedBuf, other, otherBuf = serr, server, cerr, client
			}
			var ve *trust.VerificationError
			if !errors.As(failed, &ve) {
				t.Fatalf("handshake error %v (%T), want a *trust.VerificationError", failed, failed)
			}
			if ve.Reason != tc.reason {
				t.Errorf("reason %v, want %v (%v)", ve.Reason, tc.reason, ve)
			}
			var te *trust.TLSError
			if !errors.As(failed, &te) || te.Op != "handshake" {
				t.Errorf("error %v is not a handshake *trust.TLSError", failed)
			}
			if other == nil {
				// A TLS 1.3 client finishes before the server checks its
				// certificate; the alert then fails its first Read.
				bufPumpSome(nil, failedBuf, otherBuf)
				if _, err := otherBuf.Read(make([]byte, 10)); err == nil || bufIsWant(err) {
					t.Errorf("peer Read after the alert = %v, want the alert", err)
				}
			}
			if err := failedBuf.Handshake(); err != failed {
				t.Errorf("handshake error not kept: %v then %v", failed, err)
			}
			if failedBuf.VerifiedChains() != nil || failedBuf.Cipher() != 0 {
				t.Error("a failed handshake reports connection state")
			}
		})
	}
	t.Run("no server name", func(t *testing.T) {
		cctx, _ := NewClientContext(p.bufClientConfig())
		if _, err := cctx.WrapBuffers(""); !errors.Is(err, ErrNoServerName) {
			t.Fatalf("WrapBuffers(\"\") = %v, want ErrNoServerName", err)
		}
	})
}

func TestBufferALPNAndVersion(t *testing.T) {
	p := bufTestPKI(t)
	cases := []struct {
		name      string
		lo, hi    trust.Version
		cli, srv  []trust.NextProtocol
		want      trust.NextProtocol
		wantVer   trust.Version
		wantSuite trust.CipherSuite
	}{
		{"TLS1.3 h2", 0, 0, []trust.NextProtocol{trust.H2, trust.HTTP1_1}, []trust.NextProtocol{trust.H2}, trust.H2, trust.TLSv1_3, 0},
		{"TLS1.2 http/1.1", trust.TLSv1_2, trust.TLSv1_2, []trust.NextProtocol{trust.H2, trust.HTTP1_1}, []trust.NextProtocol{trust.HTTP1_1}, trust.HTTP1_1, trust.TLSv1_2, trust.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256},
		{"no ALPN", 0, 0, nil, nil, "", trust.TLSv1_3, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ccfg := p.bufClientConfig().WithInnerProtocols(tc.cli...)
			scfg := p.bufServerConfig().WithInnerProtocols(tc.srv...)
			if tc.lo != 0 {
				ccfg, scfg = ccfg.WithVersions(tc.lo, tc.hi), scfg.WithVersions(tc.lo, tc.hi)
			}
			client, server := bufHandshaken(t, ccfg, scfg)
			for _, b := range []*Buffer{client, server} {
				if got := b.NegotiatedProtocol(); got != tc.want {
					t.Errorf("NegotiatedProtocol = %q, want %q", got, tc.want)
				}
				if got := b.NegotiatedVersion(); got != tc.wantVer {
					t.Errorf("NegotiatedVersion = %v, want %v", got, tc.wantVer)
				}
				if b.Cipher() == 0 || (tc.wantSuite != 0 && b.Cipher() != tc.wantSuite) {
					t.Errorf("Cipher = %v, want %v", b.Cipher(), tc.wantSuite)
				}
			}
			if client.Context().Configuration().Equal(server.Context().Configuration()) {
				t.Error("Context returned the same configuration on both sides")
			}
			if _, ok := client.Context().(*ClientContext); !ok {
				t.Errorf("client Context is %T", client.Context())
			}
		})
	}
}

func TestBufferResumption(t *testing.T) {
	p := bufTestPKI(t)
	cctx, _ := NewClientContext(p.bufClientConfig())
	sctx, _ := NewServerContext(p.bufServerConfig())
	client, server := bufPairCtx(t, cctx, sctx)
	bufHandshake(t, nil, client, server)
	// The TLS 1.3 session tickets are post-handshake messages: Read takes
	// them in without returning data.
	if _, err := client.Read(make([]byte, 10)); !errors.Is(err, trust.ErrWantRead) {
		t.Fatalf("Read of session tickets = %v, want ErrWantRead", err)
	}
	client2, server2 := bufPairCtx(t, cctx, sctx)
	if cerr, serr := bufHandshake(t, nil, client2, server2); cerr != nil || serr != nil {
		t.Fatal(cerr, serr)
	}
	if !client2.ConnectionState().DidResume {
		t.Fatal("second buffer pair did not resume the first one's session (server contexts share ticket keys across connections)")
	}
	if len(client2.VerifiedChains()) == 0 {
		t.Error("resumed session was not verified")
	}
}

func TestBufferClose(t *testing.T) {
	p := bufTestPKI(t)
	client, server := bufPair(t, p.bufClientConfig(), p.bufServerConfig())
	client.Handshake()
	bufPumpSome(nil, client, server)
	server.Handshake()
	client.Close()
	server.Close()
	for _, b := range []*Buffer{client, server} {
		if err := b.Handshake(); !errors.Is(err, ErrBufferClosed) || !errors.Is(err, net.ErrClosed) {
			t.Errorf("Handshake after Close = %v", err)
		}
		if _, err := b.Read(nil); !errors.Is(err, ErrBufferClosed) {
			t.Errorf("Read after Close = %v", err)
		}
		if _, err := b.Write([]byte("x")); !errors.Is(err, ErrBufferClosed) {
			t.Errorf("Write after Close = %v", err)
		}
		if err := b.ReceiveFromNetwork([]byte("x")); !errors.Is(err, ErrBufferClosed) {
			t.Errorf("ReceiveFromNetwork after Close = %v", err)
		}
		if err := b.Close(); err != nil {
			t.Errorf("second Close = %v", err)
		}
	}
	c2, s2 := bufHandshaken(t, p.bufClientConfig(), p.bufServerConfig())
	c2.Close()
	if _, err := c2.Read(make([]byte, 1)); !errors.Is(err, ErrBufferClosed) {
		t.Errorf("Read after Close = %v", err)
	}
	if _, err := c2.Write([]byte("x")); !errors.Is(err, ErrBufferClosed) {
		t.Errorf("Write after Close = %v", err)
	}
	_ = s2
}
