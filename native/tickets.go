package native

import (
	"crypto/rand"
	"crypto/tls"
	"sync"
	"time"
)

// ticketKeys gives every per-connection clone of a server's tls.Config the
// same session-ticket keys, so sessions resume across connections. (Each
// tls.Config otherwise makes its own keys on first use.) Keys rotate daily
// like crypto/tls's automatic keys; tickets made with the previous keys
// stay valid for a week.
type ticketKeys struct {
	mu      sync.Mutex
	keys    [][32]byte // newest first
	rotated time.Time
}

const (
	ticketKeyLifetime = 24 * time.Hour
	ticketKeysKept    = 7
)

// clone returns a copy of base carrying the current ticket keys.
func (t *ticketKeys) clone(base *tls.Config) *tls.Config {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := time.Now()
	if len(t.keys) == 0 || now.Sub(t.rotated) >= ticketKeyLifetime {
		var k [32]byte
		if _, err := rand.Read(k[:]); err == nil {
			t.keys = append([][32]byte{k}, t.keys...)
			if len(t.keys) > ticketKeysKept {
				t.keys = t.keys[:ticketKeysKept]
			}
			t.rotated = now
		}
	}
	tc := base.Clone()
	if len(t.keys) > 0 {
		tc.SetSessionTicketKeys(t.keys)
	}
	return tc
}
