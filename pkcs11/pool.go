//go:build cgo

package pkcs11

import (
	"sync"

	p11 "github.com/miekg/pkcs11"
)

// sessionPool bounds the sessions of one token: at most cap(sem) are in
// use at once; idle ones are kept for reuse. Sessions that failed with a
// dead-session error are closed, never returned.
type sessionPool struct {
	t    *token
	sem  chan struct{}
	idle chan p11.SessionHandle

	mu     sync.Mutex
	closed bool
}

func newSessionPool(t *token, size int) *sessionPool {
	return &sessionPool{t: t, sem: make(chan struct{}, size), idle: make(chan p11.SessionHandle, size)}
}

// get returns an idle session or opens (and logs in) a new one, waiting
// while the pool is at its bound.
func (p *sessionPool) get() (p11.SessionHandle, error) {
	p.sem <- struct{}{}
	p.mu.Lock()
	closed := p.closed
	p.mu.Unlock()
	if closed {
		<-p.sem
		return 0, ErrClosed
	}
	select {
	case sh := <-p.idle:
		return sh, nil
	default:
	}
	sh, err := p.t.openSession()
	if err != nil {
		<-p.sem
		return 0, err
	}
	return sh, nil
}

// put returns a session; ok=false (or a closed pool) closes it instead.
func (p *sessionPool) put(sh p11.SessionHandle, ok bool) {
	p.mu.Lock()
	closed := p.closed
	p.mu.Unlock()
	if ok && !closed {
		select {
		case p.idle <- sh:
			<-p.sem
			return
		default:
		}
	}
	p.t.ctx.CloseSession(sh)
	<-p.sem
}

// drain closes every idle session (after a failure that may have killed
// them all, e.g. C_CloseAllSessions or a logout).
func (p *sessionPool) drain() {
	for {
		select {
		case sh := <-p.idle:
			p.t.ctx.CloseSession(sh)
		default:
			return
		}
	}
}

// close marks the pool closed and closes idle sessions; sessions in use
// are closed when they are put back.
func (p *sessionPool) close() {
	p.mu.Lock()
	p.closed = true
	p.mu.Unlock()
	p.drain()
}
