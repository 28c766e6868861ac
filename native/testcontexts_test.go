package native

import (
	"net"
	"testing"
	"time"

	"github.com/nativetls/nativetls/trust"
)

// serveConns listens on a loopback port with srv until the test ends and
// calls handle for each accepted connection (closed after handle returns,
// with a 10 s deadline so a stuck peer cannot hang the test). It returns
// the listening address.
func serveConns(t *testing.T, srv *ServerContext, handle func(*Conn)) net.Addr {
	t.Helper()
	l, err := srv.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				c.SetDeadline(time.Now().Add(10 * time.Second))
				handle(c.(*Conn))
			}()
		}
	}()
	return l.Addr()
}

// newContexts makes a client context from ccfg and a server context from
// scfg, failing the test if either configuration is refused.
func newContexts(t testing.TB, ccfg, scfg trust.Configuration) (*ClientContext, *ServerContext) {
	t.Helper()
	cctx, err := NewClientContext(ccfg)
	if err != nil {
		t.Fatalf("NewClientContext: %v", err)
	}
	sctx, err := NewServerContext(scfg)
	if err != nil {
		t.Fatalf("NewServerContext: %v", err)
	}
	return cctx, sctx
}
