package native

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"

	"github.com/nativetls/nativetls/trust"
)

// Stream runs a Buffer over any io.ReadWriter (a WebSocket or SSH channel,
// a serial port, a net.Conn): the blocking io.ReadWriteCloser face of the
// Buffer, which behaves like a connection made by WrapConn, except that the
// transport needs no deadlines or addresses and a transport that ends
// without close_notify is trust.ErrRaggedEOF. Transport errors are returned
// as they are. One Read or one Write may run at a time, not both.
type Stream struct {
	b    *Buffer
	rw   io.ReadWriter
	rbuf []byte
}

var _ io.ReadWriteCloser = (*Stream)(nil)

// NewStream runs b over rw. The Stream owns b: closing it closes b.
func NewStream(b *Buffer, rw io.ReadWriter) *Stream {
	return &Stream{b: b, rw: rw}
}

// WrapStream starts TLS as a client of serverName over rw (see WrapConn
// for serverName).
func (c *ClientContext) WrapStream(rw io.ReadWriter, serverName string) (*Stream, error) {
	b, err := c.WrapBuffers(serverName)
	if err != nil {
		return nil, err
	}
	return NewStream(b, rw), nil
}

// WrapStream starts TLS as a server over rw.
func (s *ServerContext) WrapStream(rw io.ReadWriter) (*Stream, error) {
	b, err := s.WrapBuffers()
	if err != nil {
		return nil, err
	}
	return NewStream(b, rw), nil
}

// Buffer returns the Buffer the Stream drives, for its connection state.
func (s *Stream) Buffer() *Buffer { return s.b }

// ConnectionState returns crypto/tls's view of the connection.
func (s *Stream) ConnectionState() tls.ConnectionState { return s.b.ConnectionState() }

// VerifiedChains returns the chains the trust store verified for the peer.
func (s *Stream) VerifiedChains() [][]*x509.Certificate { return s.b.VerifiedChains() }

// Handshake runs the handshake if it has not run yet.
func (s *Stream) Handshake() error { return s.drive(s.b.Handshake) }

// Read reads plaintext, running the handshake first if needed.
func (s *Stream) Read(p []byte) (n int, err error) {
	err = s.drive(func() error {
		n, err = s.b.Read(p)
		return err
	})
	return n, err
}

// Write writes all of p, running the handshake first if needed.
func (s *Stream) Write(p []byte) (int, error) {
	off := 0
	err := s.drive(func() error {
		n, err := s.b.Write(p[off:])
		off += n
		if err == nil && off < len(p) {
			return trust.ErrWantWrite // keep going; drive flushes first
		}
		return err
	})
	return off, err
}

// CloseWrite sends close_notify; the peer then reads io.EOF.
func (s *Stream) CloseWrite() error { return s.drive(s.b.Shutdown) }

// Close sends close_notify if the handshake completed, closes the
// transport if it is an io.Closer, and releases the Buffer.
func (s *Stream) Close() error {
	var err error
	if s.b.HandshakeComplete() {
		err = s.CloseWrite()
	}
	if c, ok := s.rw.(io.Closer); ok {
		err = errors.Join(err, c.Close())
	}
	return errors.Join(err, s.b.Close())
}

// drive repeats op, sending pending ciphertext after each try and feeding
// the Buffer from the transport when op wants more.
func (s *Stream) drive(op func() error) error {
	for {
		err := op()
		if _, ferr := s.b.SendOutgoing(s.rw); ferr != nil {
			return ferr
		}
		switch {
		case errors.Is(err, trust.ErrWantWrite):
			continue
		case errors.Is(err, trust.ErrWantRead):
			if ferr := s.fill(); ferr != nil {
				return ferr
			}
		default:
			return err
		}
	}
}

// fill reads once from the transport into the Buffer.
func (s *Stream) fill() error {
	if s.rbuf == nil {
		s.rbuf = make([]byte, 32<<10)
	}
	n, err := s.rw.Read(s.rbuf)
	if n > 0 {
		if rerr := s.b.ReceiveFromNetwork(s.rbuf[:n]); rerr != nil {
			return rerr
		}
	}
	if err == io.EOF {
		s.b.ReceiveEOF()
		return nil
	}
	return err
}
