package pkcs11

import (
	"sync"

	p11 "github.com/nativetls/nativetls/internal/p11raw"
)

// pooled is an idle session and the module generation it was opened in.
type pooled struct {
	sh  p11.SessionHandle
	gen uint64
}

// sessionPool bounds the sessions of one token: at most cap(sem) are in
// use at once; idle ones are kept for reuse. Sessions that failed with a
// dead-session error are closed, never returned.
type sessionPool struct {
	t    *token
	sem  chan struct{}
	idle chan pooled

	mu     sync.Mutex
	closed bool
}

func newSessionPool(t *token, size int) *sessionPool {
	return &sessionPool{t: t, sem: make(chan struct{}, size), idle: make(chan pooled, size)}
}

// get returns an idle session of generation gen or opens (and logs in) a
// new one, waiting while the pool is at its bound. Sessions from an older
// generation (before a module re-initialization) are dropped without
// C_CloseSession: their handle numbers may belong to new sessions now.
// The caller holds the module's call lock.
func (p *sessionPool) get(gen uint64) (p11.SessionHandle, error) {
	p.sem <- struct{}{}
	p.mu.Lock()
	closed := p.closed
	p.mu.Unlock()
	if closed {
		<-p.sem
		return 0, ErrClosed
	}
	for {
		select {
		case s := <-p.idle:
			if s.gen == gen {
				return s.sh, nil
			}
			continue
		default:
		}
		break
	}
	sh, err := p.t.openSession()
	if err != nil {
		<-p.sem
		return 0, err
	}
	return sh, nil
}

// put returns a session; ok=false (or a closed pool) closes it instead.
func (p *sessionPool) put(sh p11.SessionHandle, gen uint64, ok bool) {
	p.mu.Lock()
	closed := p.closed
	p.mu.Unlock()
	if ok && !closed {
		select {
		case p.idle <- pooled{sh, gen}:
			<-p.sem
			return
		default:
		}
	}
	p.t.ctx.CloseSession(sh)
	<-p.sem
}

// drain closes every idle session (after a failure that may have killed
// them all, e.g. C_CloseAllSessions or a logout). The caller holds the
// module's call lock.
func (p *sessionPool) drain() {
	gen := p.t.mod.inst.gen
	for {
		select {
		case s := <-p.idle:
			if s.gen == gen {
				p.t.ctx.CloseSession(s.sh)
			}
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
	p.t.mod.inst.callMu.RLock()
	p.drain()
	p.t.mod.inst.callMu.RUnlock()
}
