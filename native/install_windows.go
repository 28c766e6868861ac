package native

import (
	"crypto/sha1"
	"crypto/x509"
	"strings"

	"github.com/nativetls/nativetls/trust"
	"github.com/nativetls/nativetls/windows"
)

func init() {
	windowsBackend.install = windowsInstall
	windowsBackend.osKeyStores = windowsKeyStores
}

// windowsScopes splits InstallOptions into the calls package windows
// takes: the CLI's words "user", "system" (or "machine") and "all" become
// scopes (CurrentUser, LocalMachine), the rest ("ROOT", "CA",
// "Disallowed") stay store names; no word means opts.Scope.
func windowsScopes(opts trust.InstallOptions) []trust.InstallOptions {
	var scopes []trust.InstallScope
	var stores []string
	for _, s := range opts.Stores {
		switch strings.ToLower(strings.TrimSpace(s)) {
		case "user":
			scopes = append(scopes, trust.ScopeUser)
		case "system", "machine":
			scopes = append(scopes, trust.ScopeSystem)
		case "all":
			scopes = append(scopes, trust.ScopeUser, trust.ScopeSystem)
		default:
			stores = append(stores, s)
		}
	}
	if len(scopes) == 0 {
		scopes = []trust.InstallScope{opts.Scope}
	}
	var out []trust.InstallOptions
	for _, sc := range scopes {
		o := opts
		o.Scope, o.Stores = sc, stores
		out = append(out, o)
	}
	return out
}

// windowsInstall is package windows' Install/Uninstall, once per scope the
// options name.
func windowsInstall(cert *x509.Certificate, opts trust.InstallOptions, uninstall bool) ([]trust.InstallAction, error) {
	calls := windowsScopes(opts)
	change := windows.Install
	if uninstall {
		change = windows.Uninstall
	}
	var out []trust.InstallAction
	for _, o := range calls {
		acts, err := change(cert, o)
		out = append(out, acts...)
		if err != nil {
			return out, err
		}
	}
	return out, nil
}

// windowsKeyStores lists the certificates of the MY stores (those with a
// private key are usable as capi: identities).
func windowsKeyStores() []trust.KeyStore {
	var out []trust.KeyStore
	for _, loc := range []windows.Location{windows.CurrentUser, windows.LocalMachine} {
		ks := trust.KeyStore{Name: windows.Source(loc, "MY"), Kind: "os-store"}
		certs, err := windows.ListStore(loc, "MY")
		if err != nil {
			ks.Err = err
		}
		for _, c := range certs {
			sum := sha1.Sum(c.Raw)
			u := &windows.CAPIURI{Location: loc, Store: "My", SHA1: sum[:]}
			ks.Objects = append(ks.Objects, trust.KeyObject{Type: "cert", Label: c.Subject.String(), URI: u.String()})
		}
		out = append(out, ks)
	}
	return out
}
