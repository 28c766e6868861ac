package native

import (
	"errors"
	"strings"
	"testing"

	"github.com/nativetls/nativetls/trust"
)

// bufClientHello returns the first flight of a fresh client buffer.
func bufClientHello(t testing.TB, cctx *ClientContext) []byte {
	c, err := cctx.WrapBuffers("buf.example.test")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.Handshake()
	return c.TakeOutgoing(nil)
}

// FuzzBufferServer feeds arbitrary ciphertext to a server buffer, before
// the handshake (first byte even) or after it (first byte odd), then ends
// the transport. The buffer must not panic or hang, must fail with a
// handshake *trust.TLSError before the handshake, and must end every read
// with a definite error once the transport ended.
func FuzzBufferServer(f *testing.F) {
	p := bufTestPKI(f)
	cctx, err := NewClientContext(p.bufClientConfig())
	if err != nil {
		f.Fatal(err)
	}
	cctx12, _ := NewClientContext(p.bufClientConfig().WithVersions(trust.TLSv1_2, trust.TLSv1_2))
	sctx, err := NewServerContext(p.bufServerConfig())
	if err != nil {
		f.Fatal(err)
	}
	hello, hello12 := bufClientHello(f, cctx), bufClientHello(f, cctx12)
	f.Add(append([]byte{0}, hello...))
	f.Add(append([]byte{0}, hello12...))
	f.Add(append([]byte{0}, hello[:len(hello)/2]...))
	f.Add(append(append([]byte{0}, hello...), 0x17, 3, 3, 0, 5, 1, 2, 3, 4, 5))
	f.Add([]byte{0, 0x80, 0x2e, 0x01, 0x03, 0x01})       // SSLv2-style hello
	f.Add([]byte{0, 0x16, 0x03, 0x01, 0xff, 0xff, 0x01}) // oversized record
	f.Add([]byte{0, 0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x28})
	f.Add([]byte{1, 0x17, 0x03, 0x03, 0x00, 0x20, 1, 2, 3})
	f.Add([]byte{1, 0x15, 0x03, 0x03, 0x00, 0x02, 0x01, 0x00}) // plaintext close_notify
	f.Add([]byte{1})
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) == 0 {
			return
		}
		if data[0]&1 == 0 {
			bufFuzzHandshake(t, sctx, data[1:])
		} else {
			bufFuzzRecords(t, cctx, sctx, data[1:])
		}
	})
}

func bufFuzzHandshake(t *testing.T, sctx *ServerContext, data []byte) {
	s, _ := sctx.WrapBuffers()
	defer s.Close()
	s.ReceiveFromNetwork(data)
	err := s.Handshake()
	for i := 0; errors.Is(err, trust.ErrWantWrite); i++ {
		if i > 100 {
			t.Fatal("handshake keeps wanting to write")
		}
		s.TakeOutgoing(nil)
		err = s.Handshake()
	}
	if errors.Is(err, trust.ErrWantRead) {
		s.ReceiveEOF()
		err = s.Handshake()
	}
	var te *trust.TLSError
	if !errors.As(err, &te) || te.Op != "handshake" || !strings.HasPrefix(err.Error(), "trust: ") {
		t.Fatalf("handshake on arbitrary bytes ended with %v (%T), want a handshake *trust.TLSError", err, err)
	}
	if again := s.Handshake(); again != err {
		t.Fatalf("handshake error changed from %v to %v", err, again)
	}
}

func bufFuzzRecords(t *testing.T, cctx *ClientContext, sctx *ServerContext, data []byte) {
	c, _ := cctx.WrapBuffers("buf.example.test")
	s, _ := sctx.WrapBuffers()
	defer c.Close()
	defer s.Close()
	if cerr, serr := bufHandshake(t, nil, c, s); cerr != nil || serr != nil {
		t.Fatal(cerr, serr)
	}
	s.ReceiveFromNetwork(data)
	s.ReceiveEOF()
	buf := make([]byte, 1024)
	for i := 0; ; i++ {
		if i > len(data)+10 {
			t.Fatal("Read keeps returning data from fewer bytes than that")
		}
		n, err := s.Read(buf)
		if err == nil && n > 0 {
			continue
		}
		if err == nil || bufIsWant(err) {
			t.Fatalf("Read after the transport ended = %d, %v; want a final error", n, err)
		}
		break
	}
}
