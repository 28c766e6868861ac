package darwin

import (
	"bytes"
	"crypto/x509"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/nativetls/nativetls/trust"
)

func TestInstallSettings(t *testing.T) {
	p := newTestPKI(t)
	if got := installSettings(p.root); !reflect.DeepEqual(got, []settingSpec{{policySSLServer, resultTrustRoot}, {policyBasic, resultTrustRoot}}) {
		t.Errorf("root: %v", got)
	}
	if got := installSettings(p.inter); !reflect.DeepEqual(got, []settingSpec{{policySSLServer, resultTrustAsRoot}, {policyBasic, resultTrustAsRoot}}) {
		t.Errorf("intermediate: %v", got)
	}
	if err := checkInstallable(p.root); err != nil {
		t.Errorf("root: %v", err)
	}
	if err := checkInstallable(p.inter); err != nil {
		t.Errorf("intermediate: %v", err)
	}
	if err := checkInstallable(p.leaf); !errors.Is(err, ErrNotCA) {
		t.Errorf("leaf: %v", err)
	}
	if checkInstallable(nil) == nil {
		t.Error("nil certificate accepted")
	}
}

func TestInstallPlan(t *testing.T) {
	p := newTestPKI(t)
	cases := []struct {
		name     string
		opts     trust.InstallOptions
		unin     bool
		domain   Domain
		keychain string
		stores   []string
	}{
		{"default is the user domain", trust.InstallOptions{}, false, DomainUser, "", []string{"default keychain", "user trust settings"}},
		{"user scope, own keychain", trust.InstallOptions{Scope: trust.ScopeUser, Keychain: "/tmp/k.keychain"}, false, DomainUser, "/tmp/k.keychain", []string{"keychain /tmp/k.keychain", "user trust settings"}},
		{"system scope is the admin domain and System keychain", trust.InstallOptions{Scope: trust.ScopeSystem}, false, DomainAdmin, systemKeychain, []string{"keychain " + systemKeychain, "admin trust settings"}},
		{"uninstall removes settings first", trust.InstallOptions{Scope: trust.ScopeSystem}, true, DomainAdmin, systemKeychain, []string{"admin trust settings", "keychain " + systemKeychain}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			pl, err := planInstall(p.root, c.opts, c.unin)
			if err != nil {
				t.Fatal(err)
			}
			var stores []string
			for _, a := range pl.actions {
				stores = append(stores, a.Store)
			}
			if pl.domain != c.domain || pl.keychain != c.keychain || !reflect.DeepEqual(stores, c.stores) {
				t.Fatalf("plan %+v", pl)
			}
		})
	}
	for name, opts := range map[string]trust.InstallOptions{
		"Stores": {Stores: []string{"ROOT"}}, "Root": {Root: "/srv"}, "Method": {Method: "debian"},
		"NSSDatabases": {NSSDatabases: []string{"sql:/x"}}, "Home": {Home: "/home/u"}, "Name": {Name: "../x"}, "Scope": {Scope: 9},
	} {
		var ce *trust.ConfigurationError
		if _, err := Install(p.root, opts); !errors.As(err, &ce) || !strings.Contains(ce.Field, name) {
			t.Errorf("%s: want a ConfigurationError naming it, got %v", name, err)
		}
	}
}

func TestInstallDryRun(t *testing.T) {
	p := newTestPKI(t)
	var out bytes.Buffer
	actions, err := Install(p.inter, trust.InstallOptions{DryRun: true, Stdout: &out, Name: "company-ca"})
	if err != nil {
		t.Fatalf("dry run must not touch the platform: %v", err)
	}
	if len(actions) != 2 || actions[1].Op != "set-trust" || !strings.Contains(actions[1].Detail, "TrustAsRoot") {
		t.Fatalf("actions %v", actions)
	}
	if !strings.Contains(out.String(), "[user trust settings] set-trust") {
		t.Errorf("plan not printed: %q", out.String())
	}
	if _, err := Uninstall(p.inter, trust.InstallOptions{DryRun: true}); err != nil {
		t.Errorf("uninstall dry run: %v", err)
	}
}

// TestInstallReadBack: the decision Install and Uninstall make from the
// trust settings read back after the change (issue 14: a change the store
// does not show is an error, never success).
func TestInstallReadBack(t *testing.T) {
	p := newTestPKI(t)
	root := func(domains map[Domain][]trustSetting) []certSettings {
		return []certSettings{{DER: p.root.Raw, SelfSigned: true, Domains: domains}}
	}
	trustRoot := []trustSetting{{Policy: &tsPolicySSLServer, Result: res(resultTrustRoot)}, {Policy: &tsPolicyBasic, Result: res(resultTrustRoot)}}
	cases := []struct {
		name   string
		certs  []certSettings
		c      *x509.Certificate
		domain Domain
		prec   domainPrecedence
		unin   bool
		ok     bool
		msg    string
	}{
		{"installed in user", root(map[Domain][]trustSetting{DomainUser: trustRoot}), p.root, DomainUser, adminWins, false, true, ""},
		{"nothing there", nil, p.root, DomainUser, adminWins, false, false, "hold nothing"},
		{"only in the other domain", root(map[Domain][]trustSetting{DomainAdmin: trustRoot}), p.root, DomainUser, adminWins, false, false, "hold nothing"},
		{"TrustAsRoot written for a self-signed root", root(map[Domain][]trustSetting{DomainUser: {{Result: res(resultTrustAsRoot)}}}), p.root, DomainUser, adminWins, false, false, "do not make it an anchor"},
		{"admin settings override a user install (macOS 11+)", root(map[Domain][]trustSetting{DomainUser: trustRoot, DomainAdmin: {{Result: res(resultDeny)}}}), p.root, DomainUser, adminWins, false, false, "overridden by the admin"},
		{"user install wins on 10.15", root(map[Domain][]trustSetting{DomainUser: trustRoot, DomainAdmin: {{Result: res(resultDeny)}}}), p.root, DomainUser, userWins, false, true, ""},
		{"admin install", root(map[Domain][]trustSetting{DomainAdmin: trustRoot}), p.root, DomainAdmin, adminWins, false, true, ""},
		{"uninstalled", root(map[Domain][]trustSetting{DomainSystem: {}}), p.root, DomainUser, adminWins, true, true, ""},
		{"still there after uninstall", root(map[Domain][]trustSetting{DomainUser: trustRoot}), p.root, DomainUser, adminWins, true, false, "still hold"},
		{"other domain's settings do not count after uninstall", root(map[Domain][]trustSetting{DomainAdmin: trustRoot}), p.root, DomainUser, adminWins, true, true, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := checkReadBack(c.certs, c.c, c.domain, c.prec, c.unin)
			if c.ok {
				if err != nil {
					t.Fatalf("unexpected %v", err)
				}
				return
			}
			if !errors.Is(err, trust.ErrNotInstalled) || !strings.Contains(err.Error(), c.msg) {
				t.Fatalf("want ErrNotInstalled with %q, got %v", c.msg, err)
			}
		})
	}
}
