package native

import (
	"bytes"
	"crypto"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nativetls/nativetls/trust"
)

// WatchOptions configure WatchIdentity. The zero value checks once a second,
// takes the key from beside the certificates, and accepts a new identity
// when its certificate and key belong together and the leaf is valid now.
type WatchOptions struct {
	// Key is the private key's path or URI when it is not beside the
	// certificates (as WithKey does for LoadIdentity); empty means the
	// certificate path or URI holds both.
	Key string
	// Load are the options for loading (passwords, PINs).
	Load []LoadOption
	// Interval is the time between checks (a stat per file, or reading a
	// token's or OS store's certificates); zero means one second.
	Interval time.Duration
	// Verify, if set, must accept a new identity before it is served (say,
	// verify its chain against the store clients use). An error keeps the
	// current identity in service and goes to OnError.
	Verify func(trust.CertificateChain) error
	// OnChange, if set, is called after a new identity is in service, from
	// the watcher's goroutine (or Reload's caller).
	OnChange func(trust.CertificateChain)
	// OnError, if set, is called when a changed identity cannot be used; the
	// previous one stays in service. It is called once per distinct change.
	OnError func(error)
	// KeyGrace is how long a replaced key stays open for handshakes still
	// using it before it is closed (keys that are io.Closers: tokens, OS
	// stores); zero means one minute.
	KeyGrace time.Duration
}

// IdentityWatcher is a trust.IdentitySource that loads a server identity
// from a path or URI and keeps it current as its files (renamed or written
// in place) or its token's or OS store's certificates change. A new identity
// is used only when its certificate matches its key, its leaf is valid now
// and WatchOptions.Verify accepts it; otherwise the previous one stays.
//
// Give it to a server with trust.Configuration.WithIdentitySource. Close it
// when done; it is safe for concurrent use.
type IdentityWatcher struct {
	uri  string
	opts WatchOptions

	cur atomic.Pointer[watched]
	gen atomic.Uint64

	mu       sync.Mutex // serialises checks and reloads
	seen     sourceState
	reported sourceState

	stop      chan struct{}
	done      chan struct{}
	closeOnce sync.Once
}

var _ trust.IdentitySource = (*IdentityWatcher)(nil)

type watched struct {
	chain trust.CertificateChain
	gen   uint64
}

// WatchIdentity loads the identity at uri (see LoadIdentity; with
// opts.Key, the certificates come from uri and the key from opts.Key) and
// watches it for changes until Close. It fails when the first load fails.
func WatchIdentity(uri string, opts WatchOptions) (*IdentityWatcher, error) {
	if opts.Interval <= 0 {
		opts.Interval = time.Second
	}
	if opts.KeyGrace <= 0 {
		opts.KeyGrace = time.Minute
	}
	w := &IdentityWatcher{uri: uri, opts: opts, stop: make(chan struct{}), done: make(chan struct{})}
	st, err := w.state()
	if err != nil {
		return nil, err
	}
	chain, err := w.load()
	if err != nil {
		return nil, err
	}
	w.install(chain)
	w.seen = st
	go w.loop()
	return w, nil
}

// Identity returns the identity in service.
func (w *IdentityWatcher) Identity() (trust.CertificateChain, error) {
	c := w.cur.Load()
	if c == nil {
		return trust.CertificateChain{}, errors.New("native: the identity watcher is closed")
	}
	return c.chain, nil
}

// Generation changes whenever a new identity goes into service.
func (w *IdentityWatcher) Generation() uint64 { return w.gen.Load() }

// Reload loads the identity now, whatever the sources' state (for SIGHUP).
// On error the previous identity stays in service and the error is
// returned (and not given to OnError).
func (w *IdentityWatcher) Reload() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	st, err := w.state()
	if err != nil {
		return err
	}
	if err := w.replace(); err != nil {
		return err
	}
	w.seen = st
	return nil
}

// Close stops watching. The identity in service stays readable; its key
// is not closed (the program may still serve with it).
func (w *IdentityWatcher) Close() error {
	w.closeOnce.Do(func() {
		close(w.stop)
		<-w.done
	})
	return nil
}

func (w *IdentityWatcher) loop() {
	defer close(w.done)
	t := time.NewTicker(w.opts.Interval)
	defer t.Stop()
	for {
		select {
		case <-w.stop:
			return
		case <-t.C:
			w.check()
		}
	}
}

// check reloads when a source changed since the last successful load or
// attempt. A failure is retried once shortly after (a rotation that renames
// certificate and key one after the other passes through a mismatched
// state), then reported once for that state of the sources.
func (w *IdentityWatcher) check() {
	w.mu.Lock()
	defer w.mu.Unlock()
	st, err := w.state()
	if err == nil && st.equal(w.seen) {
		return
	}
	if err == nil {
		if err = w.replace(); err != nil {
			select {
			case <-w.stop:
				return
			case <-time.After(w.opts.Interval / 4):
			}
			if st, err = w.state(); err == nil {
				err = w.replace()
			}
		}
	}
	if err == nil {
		w.seen = st
		return
	}
	if !st.equal(w.reported) || st.empty() {
		w.reported = st
		if w.opts.OnError != nil {
			w.opts.OnError(err)
		}
	}
}

// replace loads the identity and puts it in service if it differs.
func (w *IdentityWatcher) replace() error {
	chain, err := w.load()
	if err != nil {
		return err
	}
	old := w.cur.Load()
	if old != nil && sameIdentity(old.chain, chain) {
		if chain.PrivateKey != old.chain.PrivateKey {
			closeKeyLater(chain.PrivateKey, 0)
		}
		return nil
	}
	w.install(chain)
	if old != nil && old.chain.PrivateKey != chain.PrivateKey {
		closeKeyLater(old.chain.PrivateKey, w.opts.KeyGrace)
	}
	if w.opts.OnChange != nil {
		w.opts.OnChange(chain)
	}
	return nil
}

func (w *IdentityWatcher) install(chain trust.CertificateChain) {
	g := w.gen.Add(1)
	w.cur.Store(&watched{chain: chain, gen: g})
}

// load reads the identity and checks it may be served.
func (w *IdentityWatcher) load() (trust.CertificateChain, error) {
	opts := w.opts.Load
	if w.opts.Key != "" {
		opts = append(append([]LoadOption(nil), opts...), WithKey(w.opts.Key))
	}
	chain, err := LoadIdentity(w.uri, opts...)
	if err != nil {
		return trust.CertificateChain{}, err
	}
	if err := w.accept(chain); err != nil {
		closeKeyLater(chain.PrivateKey, 0)
		return trust.CertificateChain{}, err
	}
	return chain, nil
}

// accept is the gate a new identity passes before it is served.
func (w *IdentityWatcher) accept(chain trust.CertificateChain) error {
	if _, err := tlsCertificate(chain); err != nil {
		return newLoadError(w.uri, "", "identity", err)
	}
	leaf := chain.Certificates[0]
	now := time.Now()
	if now.Before(leaf.NotBefore) || now.After(leaf.NotAfter) {
		return newLoadError(w.uri, "", "identity", fmt.Errorf(
			"certificate %q (serial %s) is valid only from %s to %s: not serving it",
			leaf.Subject.String(), leaf.SerialNumber, leaf.NotBefore.UTC().Format(time.RFC3339), leaf.NotAfter.UTC().Format(time.RFC3339)))
	}
	if w.opts.Verify != nil {
		if err := w.opts.Verify(chain); err != nil {
			return newLoadError(w.uri, "", "identity", fmt.Errorf("certificate %q (serial %s) was refused by the check: %w", leaf.Subject.String(), leaf.SerialNumber, err))
		}
	}
	return nil
}

// sameIdentity reports the same certificates and the same public key.
func sameIdentity(a, b trust.CertificateChain) bool {
	if len(a.Certificates) != len(b.Certificates) {
		return false
	}
	for i := range a.Certificates {
		if !bytes.Equal(a.Certificates[i].Raw, b.Certificates[i].Raw) {
			return false
		}
	}
	type equaler interface{ Equal(crypto.PublicKey) bool }
	pa, ok := a.PrivateKey.Public().(equaler)
	return ok && pa.Equal(b.PrivateKey.Public())
}

// closeKeyLater closes a key handle that went out of service, after grace
// (handshakes in flight may still sign with it).
func closeKeyLater(key crypto.Signer, grace time.Duration) {
	c, ok := key.(io.Closer)
	if !ok {
		return
	}
	if grace <= 0 {
		c.Close()
		return
	}
	time.AfterFunc(grace, func() { c.Close() })
}

// sourceState is what a check compares: each file's identity (device,
// inode, size, modification time) and, for URIs that are not files, a hash
// of the certificates they name.
type sourceState struct {
	files []os.FileInfo
	certs [sha256.Size]byte
}

func (s sourceState) empty() bool { return s.files == nil && s.certs == [sha256.Size]byte{} }

func (s sourceState) equal(o sourceState) bool {
	if len(s.files) != len(o.files) || s.certs != o.certs {
		return false
	}
	for i := range s.files {
		a, b := s.files[i], o.files[i]
		if !os.SameFile(a, b) || a.Size() != b.Size() || !a.ModTime().Equal(b.ModTime()) {
			return false
		}
	}
	return true
}

// state reads the sources' current state: a stat per file; the
// certificates of a token or store URI.
func (w *IdentityWatcher) state() (sourceState, error) {
	var st sourceState
	for _, spec := range []string{w.uri, w.opts.Key} {
		if spec == "" {
			continue
		}
		scheme, rest := schemeOf(spec)
		if scheme == "file" {
			fi, err := os.Stat(rest)
			if err != nil {
				return sourceState{}, newLoadError(spec, scheme, "identity", err)
			}
			st.files = append(st.files, fi)
			continue
		}
		if spec == w.opts.Key {
			continue // a key in a token or store: the handle stays
		}
		certs, err := LoadCertificates(spec, w.opts.Load...)
		if err != nil {
			return sourceState{}, err
		}
		h := sha256.New()
		for _, c := range certs {
			h.Write(c.Raw)
		}
		copy(st.certs[:], h.Sum(nil))
	}
	return st, nil
}
