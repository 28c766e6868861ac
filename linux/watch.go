package linux

import (
	"hash/fnv"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nativetls/nativetls/trust"
)

// DefaultCheckInterval is how often System and WithRoots stores look, at
// most, for changes to their sources: one stat per watched path, run in the
// background when the store is used (never on the handshake's path).
const DefaultCheckInterval = time.Second

// p11KitDefaultPaths are the trust paths distributions compile into
// p11-kit (Fedora/RHEL, Arch, openSUSE, Debian/Ubuntu's trust-source); the
// module's configured paths are among them or among the bundle files.
var p11KitDefaultPaths = []string{
	"/etc/pki/ca-trust/source", "/usr/share/pki/ca-trust-source",
	"/etc/ca-certificates/trust-source", "/usr/share/ca-certificates/trust-source",
	"/etc/pki/trust", "/usr/share/pki/trust",
}

// watcher decides when a store looks at its sources again. Checks are
// started by poke, which costs an atomic load and a clock read, and run on
// their own short-lived goroutine; at most one runs at a time.
type watcher struct {
	interval int64        // nanoseconds between checks
	next     atomic.Int64 // earliest time (UnixNano) of the next check
	busy     atomic.Bool  // a check is running
	stopped  atomic.Bool
	wg       sync.WaitGroup
	failed   atomic.Uint64 // fingerprint whose reload failed (not retried until it changes)
}

func newWatcher(interval time.Duration) *watcher {
	if interval <= 0 {
		return nil
	}
	if interval < DefaultCheckInterval {
		interval = DefaultCheckInterval
	}
	w := &watcher{interval: int64(interval)}
	w.next.Store(time.Now().UnixNano() + w.interval)
	return w
}

// poke starts a background check of s's sources when one is due.
func (w *watcher) poke(s *Store) {
	now := time.Now().UnixNano()
	if now < w.next.Load() || w.stopped.Load() || !w.busy.CompareAndSwap(false, true) {
		return
	}
	w.next.Store(now + w.interval)
	w.wg.Add(1)
	go func() {
		defer w.wg.Done()
		defer w.busy.Store(false)
		s.checkSources()
	}()
}

// stop ends change detection and waits for a running check.
func (w *watcher) stop() {
	w.stopped.Store(true)
	w.wg.Wait()
}

// fingerprint hashes the stat of every path (missing paths count too).
func fingerprint(paths []string) uint64 {
	h := fnv.New64a()
	var b [8]byte
	put := func(v int64) {
		for i := range b {
			b[i] = byte(v >> (8 * i))
		}
		h.Write(b[:])
	}
	for _, p := range paths {
		h.Write([]byte(p))
		st, err := os.Stat(p)
		if err != nil {
			put(-1)
			continue
		}
		put(st.ModTime().UnixNano())
		put(st.Size())
		put(int64(st.Mode()))
		put(inode(st))
	}
	return h.Sum64()
}

// checkSources reloads s when its sources changed since the current
// content was read. A reload that fails keeps the content and is not
// retried until the sources change again.
func (s *Store) checkSources() {
	snap := s.cur.Load()
	if snap == nil {
		return
	}
	fp := fingerprint(snap.watched)
	if fp == snap.stamp || fp == s.watch.failed.Load() {
		return
	}
	if err := s.Reload(); err != nil {
		s.watch.failed.Store(fp)
	}
}

// modified returns the latest modification time among paths (zero when
// none exists).
func modified(paths ...string) time.Time {
	var t time.Time
	for _, p := range paths {
		if st, err := os.Stat(p); err == nil && st.ModTime().After(t) {
			t = st.ModTime()
		}
	}
	return t
}

// stampReports fills each report's Modified: the source's file or
// directory, the NSS database, or for p11-kit the latest of its trust
// paths.
func stampReports(reports []trust.SourceReport, watched []string) {
	for i := range reports {
		r := &reports[i]
		if r.Skipped != "" {
			continue
		}
		switch {
		case r.Name == "nss":
			d := r.Path[len("sql:"):]
			r.Modified = modified(d, filepath.Join(d, "cert9.db"))
		case len(r.Name) >= 7 && r.Name[:7] == "p11-kit":
			r.Modified = modified(watched...) // its trust paths, and the bundle Debian's p11-kit reads
		default:
			r.Modified = modified(r.Path)
		}
	}
}
