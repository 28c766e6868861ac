package native

import (
	"errors"
	"net"
	"strings"
	"testing"

	"github.com/nativetls/nativetls/internal/testpki"
	"github.com/nativetls/nativetls/trust"
)

// TestHandshakeErrorNoStutter: a verification failure reads
// "trust: BACKEND handshake: certificate …", the package prefix once, and
// errors.As still finds both the TLSError and the VerificationError.
func TestHandshakeErrorNoStutter(t *testing.T) {
	p := newPKI(t, testpki.Options{})
	r := handshake(t, p.clientConfig(), p.serverConfig(), "other.example.test")
	if r.clientErr == nil {
		t.Fatal("handshake with the wrong host name succeeded")
	}
	msg := r.clientErr.Error()
	if n := strings.Count(msg, "trust: "); n != 1 {
		t.Errorf("error %q repeats the package prefix (%d times)", msg, n)
	}
	if !strings.Contains(msg, "handshake: certificate is valid for") {
		t.Errorf("error %q does not carry the verification sentence", msg)
	}
	var te *trust.TLSError
	if !errors.As(r.clientErr, &te) {
		t.Errorf("error %v is not a *trust.TLSError", r.clientErr)
	}
	wantReason(t, r.clientErr, trust.ReasonHostnameMismatch)
}

// TestNetConnIsNetConn: (*Conn).NetConn returns a net.Conn, like
// (*tls.Conn).NetConn, so callers need no type assertion.
func TestNetConnIsNetConn(t *testing.T) {
	p := newPKI(t, testpki.Options{})
	r := handshake(t, p.clientConfig(), p.serverConfig(), "www.example.test")
	if r.clientErr != nil {
		t.Fatal(r.clientErr)
	}
	var nc net.Conn = r.client.NetConn()
	if nc == nil || nc.LocalAddr() == nil {
		t.Fatal("NetConn returned no connection")
	}
}
