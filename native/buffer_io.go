package native

import (
	"errors"
	"io"
)

// ErrReceiveAfterEOF is returned by ReceiveFromNetwork after ReceiveEOF.
var ErrReceiveAfterEOF = errors.New("native: ciphertext received after ReceiveEOF; the transport already ended")

// ReceiveFromNetwork queues ciphertext that arrived from the network (PEP
// 543 receive_from_network). The bytes are copied; p may be reused at once.
// The incoming queue is not bounded: feed it as ciphertext arrives and
// call Read or Handshake in between.
func (b *Buffer) ReceiveFromNetwork(p []byte) error {
	b.t.mu.Lock()
	defer b.t.mu.Unlock()
	switch {
	case b.t.closed:
		return ErrBufferClosed
	case b.t.eof:
		return ErrReceiveAfterEOF
	}
	b.t.in.write(p)
	return nil
}

// ReceiveEOF signals that the transport ended: no more ciphertext will
// come. Once the queued ciphertext is used up, Read returns io.EOF if the
// peer sent close_notify and trust.ErrRaggedEOF if it did not; a handshake
// still running fails.
func (b *Buffer) ReceiveEOF() {
	b.t.mu.Lock()
	b.t.eof = true
	b.t.mu.Unlock()
}

// IncomingBuffered returns how many received bytes of ciphertext wait to
// be handed to the TLS engine (PEP 543 incoming_bytes_buffered).
func (b *Buffer) IncomingBuffered() int {
	b.t.mu.Lock()
	defer b.t.mu.Unlock()
	return b.t.in.len()
}

// OutgoingBuffered returns how many bytes of ciphertext wait to be sent
// (PEP 543 outgoing_bytes_buffered).
func (b *Buffer) OutgoingBuffered() int {
	b.t.mu.Lock()
	defer b.t.mu.Unlock()
	return b.t.out.len()
}

// PeekOutgoing returns the ciphertext waiting to be sent, without
// consuming it (PEP 543 peek_outgoing). The slice aliases the Buffer's
// storage: it is valid until the next call of any other Buffer method.
func (b *Buffer) PeekOutgoing() []byte {
	b.t.mu.Lock()
	defer b.t.mu.Unlock()
	return b.t.out.bytes()
}

// ConsumeOutgoing removes the first n bytes of outgoing ciphertext, once
// they were sent (PEP 543 consume_outgoing). n is capped at what is queued.
func (b *Buffer) ConsumeOutgoing(n int) {
	b.t.mu.Lock()
	defer b.t.mu.Unlock()
	b.t.out.consume(max(0, min(n, b.t.out.len())))
}

// TakeOutgoing appends all outgoing ciphertext to dst, consumes it, and
// returns the extended slice.
func (b *Buffer) TakeOutgoing(dst []byte) []byte {
	b.t.mu.Lock()
	defer b.t.mu.Unlock()
	dst = append(dst, b.t.out.bytes()...)
	b.t.out.consume(b.t.out.len())
	return dst
}

// SendOutgoing writes all outgoing ciphertext to w, consuming what w took.
// It stops at the first error of w.
func (b *Buffer) SendOutgoing(w io.Writer) (int64, error) {
	var total int64
	for {
		p := b.PeekOutgoing()
		if len(p) == 0 {
			return total, nil
		}
		n, err := w.Write(p)
		b.ConsumeOutgoing(n)
		total += int64(n)
		if err != nil {
			return total, err
		}
		if n == 0 {
			return total, io.ErrShortWrite
		}
	}
}
