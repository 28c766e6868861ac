package windows

import (
	"bytes"
	"crypto/x509"
	"errors"
	"strings"
	"testing"

	"github.com/nativetls/nativetls/trust"
)

// TestPlanInstall: the one install shape, decided without touching a store.
func TestPlanInstall(t *testing.T) {
	p := newPKI(t, "nativetls Plan Test", testHost)
	rows := []struct {
		name   string
		opts   trust.InstallOptions
		stores []string // Location\Store of each action; nil: error
		field  string   // the ConfigurationError field, if any
	}{
		{"default", trust.InstallOptions{}, []string{`CurrentUser\ROOT`}, ""},
		{"user", trust.InstallOptions{Scope: trust.ScopeUser}, []string{`CurrentUser\ROOT`}, ""},
		{"system", trust.InstallOptions{Scope: trust.ScopeSystem}, []string{`LocalMachine\ROOT`}, ""},
		{"stores", trust.InstallOptions{Stores: []string{"ca", " Disallowed ", "Root"}}, []string{`CurrentUser\CA`, `CurrentUser\Disallowed`, `CurrentUser\ROOT`}, ""},
		{"unknown store", trust.InstallOptions{Stores: []string{"MY"}}, nil, "Stores"},
		{"linux root", trust.InstallOptions{Root: "/tmp/x"}, nil, "Root"},
		{"linux method", trust.InstallOptions{Method: "debian"}, nil, "Method"},
		{"nss", trust.InstallOptions{NSSDatabases: []string{"sql:/x"}}, nil, "NSSDatabases"},
		{"home", trust.InstallOptions{Home: "/home/u"}, nil, "Home"},
		{"keychain", trust.InstallOptions{Keychain: "login"}, nil, "Keychain"},
		{"bad name", trust.InstallOptions{Name: `..\evil`}, nil, "Name"},
	}
	for _, r := range rows {
		steps, acts, err := planInstall(p.root, r.opts, true)
		if r.stores == nil {
			var ce *trust.ConfigurationError
			if !errors.As(err, &ce) || ce.Field != r.field {
				t.Errorf("%s: %v, want a *trust.ConfigurationError for %s", r.name, err, r.field)
			}
			continue
		}
		if err != nil || len(steps) != len(r.stores) || len(acts) != len(r.stores) {
			t.Fatalf("%s: %v, %v, %v", r.name, steps, acts, err)
		}
		for i, want := range r.stores {
			if acts[i].Store != want || acts[i].Op != "add" || !strings.Contains(acts[i].Detail, "SHA-1 thumbprint") {
				t.Errorf("%s: action %d = %+v, want add to %s", r.name, i, acts[i], want)
			}
		}
	}
	if _, _, err := planInstall(nil, trust.InstallOptions{}, true); err == nil {
		t.Error("no certificate accepted")
	}
	var out bytes.Buffer
	acts, err := Uninstall(p.root, trust.InstallOptions{DryRun: true, Stdout: &out, Scope: trust.ScopeSystem})
	if err != nil || len(acts) != 1 || acts[0].Op != "delete" || !strings.Contains(out.String(), `dry run: [LocalMachine\ROOT] delete`) {
		t.Errorf("dry-run uninstall: %v, %v, output %q", acts, err, out.String())
	}
}

// TestReadBackError: a change the store does not show is reported as
// trust.ErrNotInstalled, naming the store and the certificate.
func TestReadBackError(t *testing.T) {
	p := newPKI(t, "nativetls ReadBack Test", testHost)
	for _, install := range []bool{true, false} {
		err := readBackError(p.root, installStep{loc: LocalMachine, store: StoreRoot}, install)
		var se *StoreError
		if !errors.Is(err, trust.ErrNotInstalled) || !errors.As(err, &se) || !strings.Contains(err.Error(), `LocalMachine\ROOT`) || !strings.Contains(err.Error(), "ReadBack Test") {
			t.Errorf("install=%v: %v", install, err)
		}
	}
}

// TestIsPlatformAnchor: the roots the program gave WithRoots are not the
// OS's; everything else the chain engine anchored on is.
func TestIsPlatformAnchor(t *testing.T) {
	p, extra := newPKI(t, "nativetls OS Root", testHost), newPKI(t, "nativetls Program Root", testHost)
	s := &Store{extra: []*x509.Certificate{extra.root}}
	if s.IsPlatformAnchor(extra.root) || !s.IsPlatformAnchor(p.root) || s.IsPlatformAnchor(nil) {
		t.Errorf("IsPlatformAnchor: program root %v, OS root %v", s.IsPlatformAnchor(extra.root), s.IsPlatformAnchor(p.root))
	}
}
