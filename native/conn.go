package native

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"slices"
	"sync/atomic"

	"github.com/nativetls/nativetls/trust"
)

// Conn is a TLS connection made by a context. It is a *tls.Conn (all its
// methods are available) that also reports the chains the trust store
// verified, and whose handshake errors are *trust.TLSError values wrapping
// the cause (a *trust.VerificationError when the peer was not trusted).
type Conn struct {
	*tls.Conn
	backend  string
	verified atomic.Pointer[[][]*x509.Certificate]
	// clientIDErr says why no client certificate was sent (set during the
	// handshake, on its goroutine, by the identity chooser).
	clientIDErr error
}

var _ trust.Conn = (*Conn)(nil)

// VerifiedChains returns the chains verified for the peer, nil if the peer
// was not verified (validation off, or a server that got no client
// certificate). The slices are the caller's own copies: changing them
// changes nothing the connection or a verification cache holds.
func (c *Conn) VerifiedChains() [][]*x509.Certificate {
	p := c.verified.Load()
	if p == nil {
		return nil
	}
	out := make([][]*x509.Certificate, len(*p))
	for i, ch := range *p {
		out[i] = slices.Clone(ch)
	}
	return out
}

// ClientIdentityError returns why this client connection sent no
// certificate when the server asked for one (a *trust.NoClientIdentityError
// naming the acceptable CAs and each skipped identity), or nil. Call it
// after the handshake; under TLS 1.3 the rejection arrives with the first read.
func (c *Conn) ClientIdentityError() error { return c.clientIDErr }

// Handshake runs the handshake if it has not run yet.
func (c *Conn) Handshake() error { return c.HandshakeContext(context.Background()) }

// HandshakeContext runs the handshake, aborting it when ctx is done.
func (c *Conn) HandshakeContext(ctx context.Context) error {
	if err := c.Conn.HandshakeContext(ctx); err != nil {
		if c.clientIDErr != nil {
			err = fmt.Errorf("%w (%w)", err, c.clientIDErr)
		}
		return tlsError(c.backend, "handshake", err)
	}
	return nil
}

// Read reads application data. When the server rejected the connection
// because no fitting client certificate was sent (TLS 1.3 reports that
// after the handshake), the error also says why none was.
func (c *Conn) Read(b []byte) (int, error) {
	n, err := c.Conn.Read(b)
	if err != nil && c.clientIDErr != nil && !errors.Is(err, io.EOF) {
		err = fmt.Errorf("%w (%w)", err, c.clientIDErr)
	}
	return n, err
}

// NetConn returns the underlying connection, as (*tls.Conn).NetConn does.
func (c *Conn) NetConn() net.Conn { return c.Conn.NetConn() }

// tlsError wraps err from operation op in a *trust.TLSError. A
// *trust.VerificationError cause is carried without its own "trust: "
// prefix, so the message reads "trust: linux handshake: certificate …"
// instead of repeating the prefix; errors.As still finds it.
func tlsError(backend, op string, err error) error {
	var ve *trust.VerificationError
	if errors.As(err, &ve) {
		err = verificationCause{ve}
	}
	return &trust.TLSError{Backend: backend, Op: op, Err: err}
}

// verificationCause is a *trust.VerificationError inside a TLSError: the
// same error, its sentence printed without the package prefix.
type verificationCause struct{ ve *trust.VerificationError }

func (v verificationCause) Error() string {
	msg := v.ve.Message()
	switch {
	case v.ve.PlatformCodeName != "" && v.ve.PlatformCode != 0:
		msg += fmt.Sprintf(" [%s %s 0x%x]", v.ve.Backend, v.ve.PlatformCodeName, uint64(v.ve.PlatformCode)&0xffffffff)
	case v.ve.PlatformCodeName != "":
		msg += fmt.Sprintf(" [%s %s]", v.ve.Backend, v.ve.PlatformCodeName)
	case v.ve.PlatformCode != 0:
		msg += fmt.Sprintf(" [%s code %d]", v.ve.Backend, v.ve.PlatformCode)
	}
	return msg
}

// Unwrap returns the verification error.
func (v verificationCause) Unwrap() error { return v.ve }

// verifier runs a context's trust decision for one connection.
type verifier struct {
	backend       string
	store         trust.TrustStore // nil when validation is off
	cfg           trust.Configuration
	usage         trust.Usage
	checkHostname bool
}

// verify checks the peer's certificates in cs for name and records the
// verified chains in conn (when conn is not nil).
func (v *verifier) verify(cs tls.ConnectionState, name string, conn *Conn) error {
	if v.store == nil {
		return nil
	}
	if len(cs.PeerCertificates) == 0 {
		if v.usage == trust.UsageClientAuth {
			return nil // RequireClientCert is enforced by crypto/tls itself
		}
		return &trust.VerificationError{Reason: trust.ReasonMalformed, Depth: -1, Host: name, Backend: v.backend,
			Detail: "the server presented no certificate"}
	}
	opts := v.cfg.VerifyOptions(name, v.usage)
	opts.OCSPResponse = cs.OCSPResponse
	chains, err := trust.Verify(context.Background(), v.store, cs.PeerCertificates, opts)
	if err != nil {
		return err
	}
	if conn != nil {
		own := make([][]*x509.Certificate, len(chains))
		for i, ch := range chains {
			own[i] = slices.Clone(ch) // never the verification cache's slices
		}
		conn.verified.Store(&own)
	}
	return nil
}
