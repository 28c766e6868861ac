package linux

import (
	"bytes"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nativetls/nativetls/trust"
)

// newDebianRoot lays out the directories update-ca-certificates needs.
func newDebianRoot(t *testing.T) string {
	t.Helper()
	needTool(t, "update-ca-certificates", "ca-certificates")
	needTool(t, "openssl", "openssl")
	root := t.TempDir()
	for _, d := range []string{"etc/ssl/certs", "usr/share/ca-certificates", "usr/local/share/ca-certificates"} {
		if err := os.MkdirAll(filepath.Join(root, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	// A distribution CA, so the bundle is never empty (update-ca-certificates
	// leaves a stale bundle in place when no certificate is left at all).
	newCert(t, "Distribution Root", true, nil).writePEM(t, filepath.Join(root, "usr/share/ca-certificates/dist"), "dist.crt")
	if err := os.WriteFile(filepath.Join(root, "etc/ca-certificates.conf"), []byte("dist/dist.crt\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return root
}

// loadDebianRoot loads the bundle and hashed directory of a Debian root.
func loadDebianRoot(t *testing.T, root string) (*Store, error) {
	opts := isolated()
	opts.CertFiles = []string{filepath.Join(root, "etc/ssl/certs/ca-certificates.crt")}
	opts.CertDirs = []string{filepath.Join(root, "etc/ssl/certs")}
	return Load(opts)
}

func TestInstallUninstallDebianRoot(t *testing.T) {
	root := newDebianRoot(t)
	ca := newChain(t, "Install", "install.test")
	var out bytes.Buffer
	actions, err := Install(ca.root.cert, trust.InstallOptions{Root: root, Stdout: &out})
	if err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	if len(actions) != 3 || actions[1].Cmd[0] != "update-ca-certificates" || actions[2].Op != "check" {
		t.Fatalf("actions = %v", actions)
	}
	if !bundleHas(t, filepath.Join(root, debianBundle), ca.root.cert) {
		t.Fatalf("the bundle does not hold the certificate after install:\n%s", out.String())
	}
	s, err := loadDebianRoot(t, root)
	if err != nil {
		t.Fatal(err)
	}
	if err := verifyServer(s, ca, "install.test"); err != nil {
		t.Fatalf("after install: %v", err)
	}
	if _, err := Uninstall(ca.root.cert, trust.InstallOptions{Root: root, Stdout: &out}); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	if bundleHas(t, filepath.Join(root, debianBundle), ca.root.cert) {
		t.Fatal("the bundle still holds the certificate after uninstall")
	}
	s, err = loadDebianRoot(t, root)
	if err != nil {
		t.Fatal(err)
	}
	wantReason(t, verifyServer(s, ca, "install.test"), trust.ReasonUnknownAuthority)
	links, _ := filepath.Glob(filepath.Join(root, "etc/ssl/certs/nativetls-*.pem"))
	if len(links) != 0 {
		t.Fatalf("links left after uninstall: %v", links)
	}
}

func TestInstallUninstallNSS(t *testing.T) {
	db := newNSSDB(t)
	ca := newChain(t, "NSS Install", "nssinstall.test")
	opts := trust.InstallOptions{Stores: []string{"nss"}, NSSDatabases: []string{db}}
	if _, err := Install(ca.root.cert, opts); err != nil {
		t.Fatal(err)
	}
	lopts := isolated()
	lopts.IncludeNSS = true
	lopts.NSSDatabases = []string{db}
	s, err := Load(lopts)
	if err != nil {
		t.Fatal(err)
	}
	if err := verifyServer(s, ca, "nssinstall.test"); err != nil {
		t.Fatalf("after install: %v", err)
	}
	if _, err := Uninstall(ca.root.cert, opts); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(lopts); !errors.Is(err, trust.ErrNoTrustAnchors) {
		t.Fatalf("after uninstall: %v, want no anchors", err)
	}
}

func TestInstallFindsFirefoxProfiles(t *testing.T) {
	needSoftokn(t)
	home := t.TempDir()
	p1 := filepath.Join(home, ".mozilla/firefox/abc.default-release")
	p2 := filepath.Join(home, ".pki/nssdb")
	for _, d := range []string{p1, p2, filepath.Join(home, ".mozilla/firefox/empty")} {
		os.MkdirAll(d, 0o755)
	}
	sh(t, "certutil", "-N", "-d", "sql:"+p1, "--empty-password")
	sh(t, "certutil", "-N", "-d", "sql:"+p2, "--empty-password")
	ca := newCert(t, "Profile Root", true, nil)
	actions, err := Install(ca.cert, trust.InstallOptions{Scope: trust.ScopeUser, Home: home})
	if err != nil {
		t.Fatal(err)
	}
	if len(actions) != 4 || actions[0].Store != "nss:sql:"+p2 || actions[2].Store != "nss:sql:"+p1 || actions[3].Op != "check" {
		t.Fatalf("actions = %v", actions)
	}
	out, _ := exec.Command("certutil", "-L", "-d", "sql:"+p1).CombinedOutput()
	if !strings.Contains(string(out), "nativetls-profile-root-") {
		t.Fatalf("certificate not in the Firefox profile:\n%s", out)
	}
	if _, err := Install(ca.cert, trust.InstallOptions{Stores: []string{"nss"}, Home: t.TempDir()}); !errors.Is(err, ErrNoNSSDatabase) {
		t.Fatalf("empty home: %v, want ErrNoNSSDatabase", err)
	}
}

func TestInstallDryRun(t *testing.T) {
	root := newDebianRoot(t)
	ca := newCert(t, "Dry Root", true, nil)
	var out bytes.Buffer
	actions, err := Install(ca.cert, trust.InstallOptions{Root: root, DryRun: true, Stdout: &out,
		Stores: []string{"all"}, NSSDatabases: []string{"/nonexistent/db"}, Name: "dry"})
	if err != nil {
		t.Fatal(err)
	}
	want := "[system (debian)] write certificate to " + filepath.Join(root, debianLocalDir, "dry.crt") + "\n" +
		"[system (debian)] update-ca-certificates " + strings.Join(debianRootArgs(root), " ") + "\n" +
		"[nss:sql:/nonexistent/db] certutil -A -d sql:/nonexistent/db -t 'C,,' -n dry -a < certificate.pem\n"
	if out.String() != want {
		t.Fatalf("dry run printed\n%s\nwant\n%s", out.String(), want)
	}
	if len(actions) != 3 {
		t.Fatalf("actions = %v", actions)
	}
	if _, err := os.Stat(filepath.Join(root, debianLocalDir, "dry.crt")); !os.IsNotExist(err) {
		t.Fatal("dry run wrote the certificate")
	}
}

func TestInstallToolMissingAndFailing(t *testing.T) {
	ca := newCert(t, "Missing Tool Root", true, nil)
	t.Setenv("PATH", t.TempDir())
	_, err := Install(ca.cert, trust.InstallOptions{Method: methodP11Kit})
	var ce *CmdError
	if !errors.As(err, &ce) || !errors.Is(err, ErrToolMissing) || ce.Cmd[0] != "trust" {
		t.Fatalf("err = %v, want *CmdError for missing trust", err)
	}
	if !strings.Contains(err.Error(), "apt-get install p11-kit") {
		t.Fatalf("error does not say how to fix: %v", err)
	}
}

func TestInstallCommandFails(t *testing.T) {
	needTool(t, "certutil", "libnss3-tools")
	ca := newCert(t, "Fail Root", true, nil)
	_, err := Install(ca.cert, trust.InstallOptions{Stores: []string{"nss"}, NSSDatabases: []string{filepath.Join(t.TempDir(), "nodb")}})
	var ce *CmdError
	if !errors.As(err, &ce) || len(ce.Output) == 0 || ce.Cmd[0] != "certutil" {
		t.Fatalf("err = %v, want *CmdError with certutil's output", err)
	}
}

func TestInstallBadRoot(t *testing.T) {
	ca := newCert(t, "Bad Root", true, nil)
	if _, err := Install(ca.cert, trust.InstallOptions{Root: t.TempDir()}); err == nil || !strings.Contains(err.Error(), "Debian-layout") {
		t.Fatalf("err = %v", err)
	}
}

func TestInstallDryRunFedoraAndP11Kit(t *testing.T) {
	ca := newCert(t, "Plan Root", true, nil)
	for _, tc := range []struct {
		m    string
		want []string
	}{
		{methodFedora, []string{"[system (fedora)] write certificate to /etc/pki/ca-trust/source/anchors/plan.pem", "[system (fedora)] update-ca-trust extract"}},
		{methodP11Kit, []string{"write certificate to", "trust anchor --store", "rm -f"}},
	} {
		var out bytes.Buffer
		if _, err := Install(ca.cert, trust.InstallOptions{Method: tc.m, DryRun: true, Stdout: &out, Name: "plan"}); err != nil {
			t.Fatal(err)
		}
		for _, w := range tc.want {
			if !strings.Contains(out.String(), w) {
				t.Errorf("%s plan lacks %q:\n%s", tc.m, w, out.String())
			}
		}
	}
	var out bytes.Buffer
	if _, err := Uninstall(ca.cert, trust.InstallOptions{Method: methodP11Kit, DryRun: true, Stdout: &out, Name: "plan"}); err != nil || !strings.Contains(out.String(), "trust anchor --remove") {
		t.Fatalf("uninstall plan: %v\n%s", err, out.String())
	}
}

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
