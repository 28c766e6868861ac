package native

import (
	"crypto/tls"
	"errors"
	"testing"

	"github.com/nativetls/nativetls/trust"
)

// TestBufferSNICallback checks that a server buffer applies the context's
// SNI callback, as WrapConn does, including a callback that refuses.
func TestBufferSNICallback(t *testing.T) {
	p := bufTestPKI(t)
	errUnknownName := errors.New("no certificate for that name")
	scfg := trust.DefaultConfiguration().WithSNICallback(func(hello *tls.ClientHelloInfo, cfg trust.Configuration) (trust.Configuration, error) {
		if hello.ServerName != "buf.example.test" {
			return cfg, errUnknownName
		}
		return p.bufServerConfig().WithInnerProtocols(trust.H2), nil
	})
	cctx, sctx := newContexts(t, p.bufClientConfig().WithInnerProtocols(trust.H2), scfg)
	client, server := bufPairCtx(t, cctx, sctx)
	if cerr, serr := bufHandshake(t, nil, client, server); cerr != nil || serr != nil {
		t.Fatalf("handshake: %v, %v", cerr, serr)
	}
	if server.NegotiatedProtocol() != trust.H2 || server.ConnectionState().ServerName != "buf.example.test" {
		t.Fatalf("SNI configuration not applied: ALPN %q, name %q", server.NegotiatedProtocol(), server.ConnectionState().ServerName)
	}

	other, _ := cctx.WrapBuffers("other.example.test")
	defer other.Close()
	server2, _ := sctx.WrapBuffers()
	defer server2.Close()
	_, serr := bufHandshake(t, nil, other, server2)
	if !errors.Is(serr, errUnknownName) {
		t.Fatalf("server handshake = %v, want the callback's error", serr)
	}
}
