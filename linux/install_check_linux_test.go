package linux

import (
	"bytes"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nativetls/nativetls/trust"
)

// bundleHas reads a PEM bundle file itself (not through the package's
// loader) and reports whether it holds cert.
func bundleHas(t *testing.T, path string, cert *x509.Certificate) bool {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return false
		}
		t.Fatal(err)
	}
	for rest := data; ; {
		var b *pem.Block
		if b, rest = pem.Decode(rest); b == nil {
			return false
		}
		if bytes.Equal(b.Bytes, cert.Raw) {
			return true
		}
	}
}

// fakeTool puts a script named tool first on PATH that prints its usage
// and exits 0 without doing anything, as ca-certificates 20230311's
// update-ca-certificates does when given --sysroot.
func fakeTool(t *testing.T, tool string) {
	t.Helper()
	dir := t.TempDir()
	script := "#!/bin/sh\necho \"$0: [--verbose] [--fresh]\"\nexit 0\n"
	if err := os.WriteFile(filepath.Join(dir, tool), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", dir+string(os.PathListSeparator)+os.Getenv("PATH"))
}

// A tool that exits 0 without installing anything must not look like
// success: the store is read back and the error wraps ErrNotInstalled.
func TestInstallToolThatDoesNothing(t *testing.T) {
	root := newDebianRoot(t)
	fakeTool(t, "update-ca-certificates")
	ca := newCert(t, "Silent Root", true, nil)
	_, err := Install(ca.cert, trust.InstallOptions{Root: root})
	var ne *NotInstalledError
	if !errors.Is(err, trust.ErrNotInstalled) || !errors.As(err, &ne) || ne.Uninstall {
		t.Fatalf("err = %v, want a *NotInstalledError wrapping trust.ErrNotInstalled", err)
	}
	if !strings.Contains(err.Error(), filepath.Join(root, debianBundle)) || !strings.Contains(err.Error(), "Silent Root") {
		t.Fatalf("the error does not name the bundle read back and the certificate: %v", err)
	}
}

// Uninstalling under another name leaves the certificate trusted: the
// read-back says so.
func TestUninstallLeavesItTrusted(t *testing.T) {
	root := newDebianRoot(t)
	ca := newCert(t, "Sticky Root", true, nil)
	if _, err := Install(ca.cert, trust.InstallOptions{Root: root, Name: "first"}); err != nil {
		t.Fatal(err)
	}
	_, err := Uninstall(ca.cert, trust.InstallOptions{Root: root, Name: "second"})
	var ne *NotInstalledError
	if !errors.As(err, &ne) || !ne.Uninstall || !errors.Is(err, trust.ErrNotInstalled) {
		t.Fatalf("err = %v, want a *NotInstalledError for an uninstall", err)
	}
	if !strings.Contains(err.Error(), "still trusted") {
		t.Fatalf("error: %v", err)
	}
}

// The NSS read-back catches a certutil that did nothing.
func TestInstallNSSToolThatDoesNothing(t *testing.T) {
	db := newNSSDB(t)
	fakeTool(t, "certutil")
	ca := newCert(t, "Silent NSS Root", true, nil)
	_, err := Install(ca.cert, trust.InstallOptions{Stores: []string{"nss"}, NSSDatabases: []string{db}})
	if !errors.Is(err, trust.ErrNotInstalled) || !strings.Contains(err.Error(), "nss:sql:"+db) {
		t.Fatalf("err = %v, want ErrNotInstalled naming the database", err)
	}
}

// An install name is a plain name: "../../etc/cron.d/x" would write outside
// the store directory.
func TestInstallNameRefused(t *testing.T) {
	root := newDebianRoot(t)
	ca := newCert(t, "Escape Root", true, nil)
	for _, name := range []string{"../../etc/cron.d/x", "a/b", "..", "x\ny"} {
		_, err := Install(ca.cert, trust.InstallOptions{Root: root, Name: name})
		var ce *trust.ConfigurationError
		if !errors.As(err, &ce) || ce.Field != "Name" {
			t.Fatalf("name %q: err = %v, want a *trust.ConfigurationError for Name", name, err)
		}
	}
	if _, err := os.Stat(filepath.Join(root, "etc/cron.d")); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("a refused name wrote outside the store: %v", err)
	}
}

func TestInstallOptionsRefused(t *testing.T) {
	ca := newCert(t, "Options Root", true, nil)
	for _, tc := range []struct {
		opts  trust.InstallOptions
		field string
	}{
		{trust.InstallOptions{Keychain: "login.keychain"}, "Keychain"},
		{trust.InstallOptions{Stores: []string{"ROOT"}}, "Stores"},
		{trust.InstallOptions{Method: "yum"}, "Method"},
		{trust.InstallOptions{Root: "/tmp/x", Method: methodFedora}, "Root"},
	} {
		tc.opts.DryRun = true
		_, err := Install(ca.cert, tc.opts)
		var ce *trust.ConfigurationError
		if !errors.As(err, &ce) || ce.Field != tc.field {
			t.Errorf("%+v: err = %v, want a *trust.ConfigurationError for %s", tc.opts, err, tc.field)
		}
	}
}

func TestInstallStores(t *testing.T) {
	for _, tc := range []struct {
		stores      []string
		scope       trust.InstallScope
		system, nss bool
	}{
		{nil, trust.ScopeDefault, true, false},
		{nil, trust.ScopeSystem, true, false},
		{nil, trust.ScopeUser, false, true},
		{[]string{"nss"}, trust.ScopeDefault, false, true},
		{[]string{"system", "nss"}, trust.ScopeDefault, true, true},
		{[]string{"all"}, trust.ScopeDefault, true, true},
	} {
		p, err := newInstallPlan(trust.InstallOptions{Stores: tc.stores, Scope: tc.scope})
		if err != nil || p.system != tc.system || p.nss != tc.nss {
			t.Errorf("%v %v: system %v nss %v err %v", tc.stores, tc.scope, p.system, p.nss, err)
		}
	}
}
