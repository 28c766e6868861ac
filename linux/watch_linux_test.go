package linux

import (
	"crypto/x509"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/nativetls/nativetls/internal/testpki"
)

// watchedStore loads a store on one bundle file with change detection.
func watchedStore(t *testing.T) (*Store, string) {
	t.Helper()
	bundle := filepath.Join(t.TempDir(), "bundle.pem")
	if err := os.WriteFile(bundle, testpki.Root("Watch Root", testpki.Options{}).PEM(), 0o644); err != nil {
		t.Fatal(err)
	}
	opts := isolated()
	opts.CertFiles = []string{bundle}
	opts.CheckInterval = DefaultCheckInterval
	s, err := Load(opts)
	if err != nil {
		t.Fatal(err)
	}
	return s, bundle
}

// pokeAndWait asks for the generation after the check interval, then
// waits for the background check to finish.
func pokeAndWait(s *Store) uint64 {
	time.Sleep(DefaultCheckInterval + 50*time.Millisecond)
	s.Generation()
	time.Sleep(20 * time.Millisecond)
	s.watch.wg.Wait()
	return s.Generation()
}

// Unchanged sources are not reloaded; a changed one is; after Close,
// nothing is.
func TestWatchReloadsOnlyOnChange(t *testing.T) {
	s, bundle := watchedStore(t)
	g0 := s.Generation()
	if g := pokeAndWait(s); g != g0 {
		t.Fatalf("generation changed (%d -> %d) with no change to the sources", g0, g)
	}
	extra := testpki.Root("Watch Extra", testpki.Options{}).PEM()
	appendTo(t, bundle, extra)
	g1 := pokeAndWait(s)
	if g1 == g0 {
		t.Fatal("a root appended to the bundle was not noticed")
	}
	if as, _ := s.Anchors(nil); len(as) != 2 {
		t.Fatalf("after the change: %d anchors, want 2", len(as))
	}
	s.Close()
	appendTo(t, bundle, testpki.Root("Watch After Close", testpki.Options{}).PEM())
	if g := pokeAndWait(s); g != g1 {
		t.Fatal("a closed store still reloads")
	}
}

// A reload that fails keeps the content and is not retried every second.
func TestWatchKeepsContentOnBrokenSource(t *testing.T) {
	s, bundle := watchedStore(t)
	g0 := s.Generation()
	if err := os.WriteFile(bundle, []byte("not a certificate\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if g := pokeAndWait(s); g != g0 {
		t.Fatal("a broken bundle replaced the content")
	}
	if s.watch.failed.Load() == 0 {
		t.Fatal("the failed fingerprint was not recorded")
	}
}

func TestSourcesReportModified(t *testing.T) {
	s, bundle := watchedStore(t)
	defer s.Close()
	when := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	if err := os.Chtimes(bundle, when, when); err != nil {
		t.Fatal(err)
	}
	if err := s.Reload(); err != nil {
		t.Fatal(err)
	}
	for _, r := range s.Sources() {
		if r.Path == bundle {
			if !r.Modified.Equal(when) {
				t.Fatalf("Modified = %v, want %v", r.Modified, when)
			}
			return
		}
	}
	t.Fatalf("no report for %s: %+v", bundle, s.Sources())
}

func appendTo(t *testing.T, path string, data []byte) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.Write(data); err != nil {
		t.Fatal(err)
	}
}

// WithRoots adds roots to what the sources give; a nil root is refused.
func TestWithRootsAddsRoots(t *testing.T) {
	ca := newChain(t, "With Roots", "withroots.test")
	other := newCert(t, "Sources Root", true, nil)
	bundle := other.writePEM(t, t.TempDir(), "bundle.pem")
	opts := isolated()
	opts.CertFiles = []string{bundle}
	s, err := (&Store{opts: opts, extra: []*x509.Certificate{ca.root.cert}}).start()
	if err != nil {
		t.Fatal(err)
	}
	if err := verifyServer(s, ca, "withroots.test"); err != nil {
		t.Fatalf("a chain to an extra root: %v", err)
	}
	plain, err := Load(opts)
	if err != nil {
		t.Fatal(err)
	}
	if verifyServer(plain, ca, "withroots.test") == nil {
		t.Fatal("the store without the extra root verified the chain")
	}
	if _, err := WithRoots(nil); err == nil {
		t.Fatal("WithRoots(nil) accepted")
	}
}
