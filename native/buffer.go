package native

import (
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"runtime"

	"github.com/nativetls/nativetls/trust"
)

// defaultOutgoingLimit is the default bound of a Buffer's outgoing
// ciphertext queue. Write and Shutdown return trust.ErrWantWrite while at
// least this many bytes wait to be drained; one call may overshoot the
// bound by at most one record (or one handshake flight).
const defaultOutgoingLimit = 64 << 10

// maxPlaintextRecord is the largest TLS record payload (RFC 8446 5.1).
const maxPlaintextRecord = 16 << 10

// ErrBufferClosed is returned by every Buffer operation after Close. It
// wraps net.ErrClosed.
var ErrBufferClosed = fmt.Errorf("native: the TLS buffer is closed (wrap a new one): %w", net.ErrClosed)

// TLSContext is what ClientContext and ServerContext have in common; a
// Buffer's Context returns the one that made it.
type TLSContext interface {
	// Configuration returns the configuration the context was built from.
	Configuration() trust.Configuration
	// Backend returns the name of the backend that built the context.
	Backend() string
}

var (
	_ TLSContext = (*ClientContext)(nil)
	_ TLSContext = (*ServerContext)(nil)
)

// Buffer is a TLS connection without I/O (PEP 543 TLSWrappedBuffer, like
// Python's SSLObject over a MemoryBIO): the caller moves ciphertext between
// it and the network and reads and writes plaintext. It verifies and fails
// exactly as WrapConn does.
//
// No method waits for the network (the handshake's own work, such as
// signing with an HSM key, runs in the call that completes it). An
// operation that cannot progress returns trust.ErrWantRead (feed
// ReceiveFromNetwork or ReceiveEOF, then retry) or trust.ErrWantWrite
// (drain, then retry). After every call, send the outgoing ciphertext
// (PeekOutgoing and ConsumeOutgoing, or TakeOutgoing): successful calls
// queue some too. Reads and Writes may be short, a short Write returning
// trust.ErrWantWrite.
//
// A Buffer is for one goroutine at a time. Close a Buffer you abandon: it
// ends the handshake goroutine at once (a cleanup does it too, when the
// garbage collector gets to it).
type Buffer struct {
	t       *memTransport
	conn    *tls.Conn
	sink    *Conn // the verifier records the peer's verified chains here
	ctx     TLSContext
	backend string

	hsDone   bool  // the handshake finished (successfully or not)
	hsErr    error // its error, as returned to the caller
	shutdown bool  // close_notify was queued
}

// WrapBuffers starts a client connection to serverName (as in WrapConn)
// whose ciphertext goes through memory. The handshake runs on the first
// Handshake, Read, Write or Shutdown.
func (c *ClientContext) WrapBuffers(serverName string) (*Buffer, error) {
	sink := &Conn{backend: c.b.name}
	tc, err := c.connConfig(serverName, sink)
	if err != nil {
		return nil, err
	}
	b := newBuffer(c, c.b.name, sink)
	b.conn = tls.Client(b.t, tc)
	return b, nil
}

// WrapBuffers starts a server connection whose ciphertext goes through
// memory, with the SNI callback and client-certificate verification of
// WrapConn.
func (s *ServerContext) WrapBuffers() (*Buffer, error) {
	sink := &Conn{backend: s.b.name}
	b := newBuffer(s, s.b.name, sink)
	b.conn = tls.Server(b.t, s.configFor(sink))
	return b, nil
}

func newBuffer(ctx TLSContext, backend string, sink *Conn) *Buffer {
	b := &Buffer{t: newMemTransport(defaultOutgoingLimit), sink: sink, ctx: ctx, backend: backend}
	runtime.AddCleanup(b, func(t *memTransport) { t.close() }, b.t)
	return b
}

// SetOutgoingLimit sets the bound of the outgoing ciphertext queue: Write
// and Shutdown return trust.ErrWantWrite while n bytes wait (one call may
// overshoot by a record or a handshake flight). Below 1 means 64 KiB, the
// default. It may be called at any time.
func (b *Buffer) SetOutgoingLimit(n int) {
	if n < 1 {
		n = defaultOutgoingLimit
	}
	b.t.mu.Lock()
	b.t.limit = n
	b.t.mu.Unlock()
}

// Handshake runs the handshake until it completes (nil), needs ciphertext
// (trust.ErrWantRead), needs the outgoing queue drained
// (trust.ErrWantWrite), or fails: a *trust.TLSError wrapping the cause, a
// *trust.VerificationError when the peer was not trusted. A failure is
// final; the alert telling the peer is queued for sending.
func (b *Buffer) Handshake() error {
	if b.hsDone {
		return b.hsErr
	}
	done, err := b.t.step(b.conn)
	switch {
	case errors.Is(err, net.ErrClosed):
		return ErrBufferClosed
	case !done:
		return err
	case err != nil:
		b.hsErr = tlsError(b.backend, "handshake", err)
	}
	b.hsDone = true
	return b.hsErr
}

// Read reads plaintext into p (PEP 543 readinto), running the handshake
// first if needed. It returns trust.ErrWantRead when no complete record is
// buffered, io.EOF after the peer's close_notify, trust.ErrRaggedEOF when
// the transport ended without one, and never trust.ErrWantWrite.
func (b *Buffer) Read(p []byte) (int, error) {
	if err := b.Handshake(); err != nil {
		return 0, err
	}
	if b.isClosed() {
		return 0, ErrBufferClosed
	}
	if len(p) == 0 {
		return 0, nil
	}
	n, err := b.conn.Read(p)
	if n > 0 || err == nil {
		return n, nil // crypto/tls keeps a final error; the next Read returns it
	}
	return 0, b.readError(err)
}

func (b *Buffer) readError(err error) error {
	switch {
	case errors.Is(err, errWouldBlock):
		return trust.ErrWantRead
	case errors.Is(err, net.ErrClosed):
		return ErrBufferClosed
	case err == io.ErrUnexpectedEOF:
		return trust.ErrRaggedEOF
	case err == io.EOF:
		b.t.mu.Lock()
		ragged := b.t.eofSeen
		b.t.mu.Unlock()
		if ragged {
			return trust.ErrRaggedEOF
		}
		return io.EOF
	}
	return &trust.TLSError{Backend: b.backend, Op: "read", Err: err}
}

// Write encrypts plaintext from p, running the handshake first if needed.
// It takes as much of p as the outgoing bound allows (at least one record
// when the queue is below its bound); when that is less than len(p) it
// returns the count with trust.ErrWantWrite.
func (b *Buffer) Write(p []byte) (int, error) {
	if err := b.Handshake(); err != nil {
		return 0, err
	}
	room, err := b.outgoingRoom()
	if err != nil {
		return 0, err
	}
	n := min(len(p), max(room, maxPlaintextRecord))
	if n == 0 {
		return 0, nil
	}
	w, err := b.conn.Write(p[:n])
	if err != nil {
		if errors.Is(err, net.ErrClosed) {
			return w, ErrBufferClosed
		}
		return w, &trust.TLSError{Backend: b.backend, Op: "write", Err: err}
	}
	if w < len(p) {
		return w, trust.ErrWantWrite
	}
	return w, nil
}

// outgoingRoom reports how far the outgoing queue is below its bound, or
// trust.ErrWantWrite when it is not.
func (b *Buffer) outgoingRoom() (int, error) {
	b.t.mu.Lock()
	defer b.t.mu.Unlock()
	switch {
	case b.t.closed:
		return 0, ErrBufferClosed
	case b.t.out.len() >= b.t.limit:
		return 0, trust.ErrWantWrite
	}
	return b.t.limit - b.t.out.len(), nil
}

// Shutdown queues a close_notify alert (PEP 543 shutdown), completing the
// handshake first if it is still running. Later Writes fail; Read still
// returns what the peer sends until its own close_notify. Calling it again
// does nothing. Shutdown does not release the Buffer: call Close too.
func (b *Buffer) Shutdown() error {
	if err := b.Handshake(); err != nil {
		return err
	}
	if b.shutdown {
		return nil
	}
	if _, err := b.outgoingRoom(); err != nil {
		return err
	}
	if err := b.conn.CloseWrite(); err != nil {
		return &trust.TLSError{Backend: b.backend, Op: "close", Err: err}
	}
	b.shutdown = true
	return nil
}

// Close releases the Buffer, discarding buffered ciphertext and sending
// nothing (Shutdown first for a clean close). It is idempotent; every other
// method then returns ErrBufferClosed.
func (b *Buffer) Close() error {
	b.t.close()
	return nil
}

func (b *Buffer) isClosed() bool {
	b.t.mu.Lock()
	defer b.t.mu.Unlock()
	return b.t.closed
}
