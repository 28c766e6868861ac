package native

import (
	"context"
	"crypto/tls"
	"io"
	"net"
	"sync"
	"time"

	"github.com/nativetls/nativetls/trust"
)

// engineState says what the handshake goroutine of a Buffer is doing.
type engineState uint8

const (
	engineIdle      engineState = iota // not started
	engineRunning                      // computing; the caller waits
	engineWantRead                     // parked in Read until ciphertext arrives
	engineWantWrite                    // parked in Write until the caller drains
	engineDone                         // the handshake returned
)

// errWouldBlock is what memTransport.Read returns after the handshake when
// no ciphertext is buffered. It is a temporary net.Error, which crypto/tls
// treats as non-fatal for record reads: the partial record stays in the
// tls.Conn and the next Read continues it.
var errWouldBlock error = wouldBlockError{}

type wouldBlockError struct{}

func (wouldBlockError) Error() string   { return "native: no buffered ciphertext" }
func (wouldBlockError) Timeout() bool   { return false }
func (wouldBlockError) Temporary() bool { return true }

// memTransport is the net.Conn that crypto/tls runs over inside a Buffer:
// a queue of incoming ciphertext fed by the caller and a queue of outgoing
// ciphertext drained by the caller, guarded by one mutex.
//
// During the handshake a goroutine runs tls.Conn.Handshake; its Read and
// Write park (the engine waits) when the incoming queue is empty or the
// outgoing one full, and the caller's Handshake returns ErrWantRead or
// ErrWantWrite. The engine only ever runs while the caller waits for it in
// step, so it never races with the caller. After the handshake, reads and
// writes happen on the caller's goroutine and never park: an empty
// incoming queue is errWouldBlock, and writes always fit (the outgoing
// bound is enforced by Buffer.Write before it calls crypto/tls).
type memTransport struct {
	mu    sync.Mutex
	cond  sync.Cond
	in    byteQueue
	out   byteQueue
	limit int // outgoing bound: the engine parks, and Write refuses, at or above it

	eof     bool // the caller signalled the end of the transport
	eofSeen bool // io.EOF was returned to crypto/tls
	closed  bool

	state   engineState
	hsErr   error         // the handshake's result, once engineDone
	exited  chan struct{} // closed when the handshake goroutine returns
	started bool
}

func newMemTransport(limit int) *memTransport {
	t := &memTransport{limit: limit, exited: make(chan struct{})}
	t.cond.L = &t.mu
	return t
}

// Read hands buffered ciphertext to crypto/tls. The engine waits for
// ciphertext; after the handshake an empty queue is errWouldBlock.
func (t *memTransport) Read(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for t.state == engineRunning && !t.closed && t.in.len() == 0 && !t.eof {
		t.park(engineWantRead)
	}
	switch {
	case t.closed:
		return 0, net.ErrClosed
	case t.in.len() > 0:
		return t.in.read(p), nil
	case t.eof:
		t.eofSeen = true
		return 0, io.EOF
	}
	return 0, errWouldBlock
}

// Write queues ciphertext from crypto/tls. The engine waits while the
// queue is at its bound; after the handshake writes always fit.
func (t *memTransport) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for t.state == engineRunning && !t.closed && t.out.len() >= t.limit {
		t.park(engineWantWrite)
	}
	if t.closed {
		return 0, net.ErrClosed
	}
	t.out.write(p)
	return len(p), nil
}

// park records why the engine waits, wakes the caller, and waits until the
// caller resumes the engine (or closes the transport). t.mu is held.
func (t *memTransport) park(s engineState) {
	t.state = s
	t.cond.Broadcast()
	for t.state == s && !t.closed {
		t.cond.Wait()
	}
}

// step runs the handshake engine until it finishes or parks, starting it
// on the first call, and reports where it stopped: nil when the handshake
// is done (hsDone true), ErrWantRead, ErrWantWrite, or net.ErrClosed.
func (t *memTransport) step(conn *tls.Conn) (hsDone bool, err error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.closed {
		return false, net.ErrClosed
	}
	switch t.state {
	case engineIdle:
		t.state = engineRunning
		t.started = true
		go t.runHandshake(conn)
	case engineWantRead:
		if t.in.len() == 0 && !t.eof {
			return false, trust.ErrWantRead
		}
		t.resume()
	case engineWantWrite:
		if t.out.len() >= t.limit {
			return false, trust.ErrWantWrite
		}
		t.resume()
	case engineDone:
		return true, t.hsErr
	}
	for t.state == engineRunning {
		t.cond.Wait()
	}
	switch t.state {
	case engineWantRead:
		return false, trust.ErrWantRead
	case engineWantWrite:
		return false, trust.ErrWantWrite
	}
	return true, t.hsErr
}

func (t *memTransport) resume() {
	t.state = engineRunning
	t.cond.Broadcast()
}

// runHandshake is the engine goroutine: it lives only until the handshake
// returns, which Close forces by failing the parked Read or Write.
func (t *memTransport) runHandshake(conn *tls.Conn) {
	defer close(t.exited)
	err := conn.HandshakeContext(context.Background())
	t.mu.Lock()
	t.hsErr = err
	t.state = engineDone
	t.cond.Broadcast()
	t.mu.Unlock()
}

// close fails every pending and later transport call and waits for the
// handshake goroutine, if one was started, to return.
func (t *memTransport) close() {
	t.mu.Lock()
	t.closed = true
	started := t.started
	t.cond.Broadcast()
	t.mu.Unlock()
	if started {
		<-t.exited
	}
	t.mu.Lock()
	t.in, t.out = byteQueue{}, byteQueue{}
	t.mu.Unlock()
}

func (t *memTransport) Close() error                     { return nil }
func (t *memTransport) LocalAddr() net.Addr              { return bufferAddr{} }
func (t *memTransport) RemoteAddr() net.Addr             { return bufferAddr{} }
func (t *memTransport) SetDeadline(time.Time) error      { return nil }
func (t *memTransport) SetReadDeadline(time.Time) error  { return nil }
func (t *memTransport) SetWriteDeadline(time.Time) error { return nil }

var _ net.Conn = (*memTransport)(nil)

// bufferAddr is the address of both ends of a Buffer's transport.
type bufferAddr struct{}

func (bufferAddr) Network() string { return "tlsbuffer" }
func (bufferAddr) String() string  { return "tlsbuffer" }

// byteQueue is a FIFO of bytes that reuses its storage.
type byteQueue struct {
	buf []byte
	off int
}

func (q *byteQueue) len() int      { return len(q.buf) - q.off }
func (q *byteQueue) bytes() []byte { return q.buf[q.off:] }

func (q *byteQueue) consume(n int) {
	q.off += n
	if q.off >= len(q.buf) {
		q.buf, q.off = q.buf[:0], 0
	}
}

func (q *byteQueue) read(p []byte) int {
	n := copy(p, q.bytes())
	q.consume(n)
	return n
}

func (q *byteQueue) write(p []byte) {
	if q.off > 0 && len(q.buf)+len(p) > cap(q.buf) {
		n := copy(q.buf, q.buf[q.off:])
		q.buf, q.off = q.buf[:n], 0
	}
	q.buf = append(q.buf, p...)
}
