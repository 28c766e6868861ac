package linux

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nativetls/nativetls/trust"
)

// p11KitFixture is a p11-kit trust path with anchors/ and blocklist/.
type p11KitFixture struct {
	dir                            string
	good, blocked, email, badInter chain
}

func newP11KitFixture(t *testing.T) p11KitFixture {
	t.Helper()
	needTool(t, "openssl", "openssl")
	f := p11KitFixture{dir: t.TempDir()}
	f.good = newChain(t, "Good", "good.test")
	f.blocked = newChain(t, "Blocked", "blocked.test")
	f.email = newChain(t, "Email", "email.test")
	f.badInter = newChain(t, "BadInter", "badinter.test")
	anchors, block := filepath.Join(f.dir, "anchors"), filepath.Join(f.dir, "blocklist")
	f.good.root.writePEM(t, anchors, "good.pem")
	f.badInter.root.writePEM(t, anchors, "badinter-root.pem")
	f.blocked.root.writePEM(t, anchors, "blocked.pem") // trusted here …
	f.blocked.root.writePEM(t, block, "blocked.pem")   // … and blocklisted: distrust wins
	f.badInter.inter.writePEM(t, block, "badinter-intermediate.pem")
	// An anchor trusted for e-mail only: OpenSSL TRUSTED CERTIFICATE,
	// which p11-kit turns into a stapled extended key usage extension.
	plain := f.email.root.writePEM(t, t.TempDir(), "email.pem")
	sh(t, "openssl", "x509", "-in", plain, "-addtrust", "emailProtection", "-out", filepath.Join(anchors, "email.pem"))
	return f
}

func (f p11KitFixture) load(t *testing.T) *Store {
	t.Helper()
	s := p11KitStore(t, []string{f.dir}, false)
	return s
}

func TestP11KitAnchorsBlocklistAndPurposes(t *testing.T) {
	needP11Kit(t)
	f := newP11KitFixture(t)
	s := f.load(t)

	if err := verifyServer(s, f.good, "good.test"); err != nil {
		t.Fatalf("chain to a p11-kit anchor: %v", err)
	}
	wantReason(t, verifyServer(s, f.blocked, "blocked.test"), trust.ReasonDistrusted)
	wantReason(t, verifyServer(s, f.badInter, "badinter.test"), trust.ReasonDistrusted)
	if err := verifyServer(s, f.email, "email.test"); err == nil {
		t.Fatal("an anchor trusted only for e-mail anchored a TLS server chain")
	}

	anchors, _ := s.Anchors(nil)
	byCN := map[string]trust.Anchor{}
	for _, a := range anchors {
		byCN[a.Certificate.Subject.CommonName] = a
		if !strings.HasPrefix(a.Source, "p11-kit:") {
			t.Errorf("anchor %s has source %q, want p11-kit:<token>", a.Certificate.Subject.CommonName, a.Source)
		}
		if !a.Platform {
			t.Errorf("anchor %s from the p11-kit trust module is not marked as a platform root", a.Certificate.Subject.CommonName)
		}
	}
	if a := byCN["Email Root"]; len(a.Purposes) != 1 || a.Purposes[0] != trust.UsageEmail {
		t.Errorf("Email Root purposes = %v, want [email]", a.Purposes)
	}
	if a := byCN["Good Root"]; len(a.Purposes) != 0 || a.Distrusted {
		t.Errorf("Good Root = %+v, want unrestricted", a)
	}
	if !byCN["Blocked Root"].Distrusted || !byCN["BadInter Intermediate"].Distrusted {
		t.Errorf("blocklisted certificates not distrusted: %+v", byCN)
	}
	if !s.IsDistrusted(f.blocked.root.cert) {
		t.Error("IsDistrusted(blocked root) = false")
	}
	var rep *trust.SourceReport
	for _, r := range s.Sources() {
		if r.Name == "p11-kit" {
			r := r
			rep = &r
		}
	}
	if rep == nil || rep.Anchors != 3 || rep.Distrusted < 2 || rep.Err != nil {
		t.Fatalf("p11-kit report = %+v, want 3 anchors, at least 2 distrusted", rep)
	}
}

func TestP11KitReloadBumpsGeneration(t *testing.T) {
	needP11Kit(t)
	f := newP11KitFixture(t)
	s := f.load(t)
	g := s.Generation()
	// Blocklist the good root and reload: the change is seen only now.
	f.good.root.writePEM(t, filepath.Join(f.dir, "blocklist"), "good.pem")
	if err := verifyServer(s, f.good, "good.test"); err != nil {
		t.Fatalf("before Reload: %v", err)
	}
	if err := s.Reload(); err != nil {
		t.Fatal(err)
	}
	if s.Generation() == g {
		t.Fatal("Reload did not change the generation")
	}
	wantReason(t, verifyServer(s, f.good, "good.test"), trust.ReasonDistrusted)
}

func TestP11KitMissingModule(t *testing.T) {
	opts := isolated()
	opts.DisableP11Kit = false
	opts.P11KitModule = filepath.Join(t.TempDir(), "nope.so")
	opts.CertFiles = []string{newCert(t, "Fallback Root", true, nil).writePEM(t, t.TempDir(), "b.pem")}
	s, err := Load(opts)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range s.Sources() {
		if r.Name == "p11-kit" {
			if r.Err == nil || !strings.Contains(r.Err.Error(), "nope.so") {
				t.Fatalf("p11-kit report %+v should name the missing module", r)
			}
			return
		}
	}
	t.Fatal("no p11-kit report")
}

func TestNoAnchorsError(t *testing.T) {
	opts := isolated()
	opts.CertFiles = []string{filepath.Join(t.TempDir(), "missing.pem")}
	_, err := Load(opts)
	var ne *NoAnchorsError
	if !errors.As(err, &ne) || !errors.Is(err, trust.ErrNoTrustAnchors) {
		t.Fatalf("err = %v, want *NoAnchorsError", err)
	}
	if !strings.Contains(err.Error(), "missing.pem") {
		t.Fatalf("error does not say where it looked: %v", err)
	}
	_ = os.Remove
}

// TestConcurrentVerifyAndReload runs verifications while the store reloads
// and other loads share the module (run with -race).
func TestConcurrentVerifyAndReload(t *testing.T) {
	needP11Kit(t)
	f := newP11KitFixture(t)
	s := f.load(t)
	done := make(chan error, 8)
	for i := 0; i < 4; i++ {
		go func() {
			for j := 0; j < 5; j++ {
				if err := verifyServer(s, f.good, "good.test"); err != nil {
					done <- err
					return
				}
			}
			done <- nil
		}()
	}
	for i := 0; i < 2; i++ {
		go func() { done <- s.Reload() }()
		go func() {
			_, err := Load(Options{Getenv: noEnv, CertFiles: []string{}, CertDirs: []string{}, P11KitPaths: []string{f.dir}})
			done <- err
		}()
	}
	for i := 0; i < 8; i++ {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
}
