package main

import (
	"crypto/x509"
	"strings"

	"github.com/nativetls/nativetls/trust"
	"github.com/nativetls/nativetls/windows"
)

// platformInstall adds cert to (or removes it from) the ROOT store of the
// current user ("user") or of the machine ("system", LocalMachine).
func platformInstall(cert *x509.Certificate, o installOpts, uninstall bool) ([]actionJSON, error) {
	var scopes []trust.InstallScope
	for _, s := range strings.Split(o.store, ",") {
		switch strings.ToLower(strings.TrimSpace(s)) {
		case "user":
			scopes = append(scopes, trust.ScopeUser)
		case "system", "machine":
			scopes = append(scopes, trust.ScopeSystem)
		case "all":
			scopes = append(scopes, trust.ScopeUser, trust.ScopeSystem)
		default:
			return nil, usagef("--store %q: on Windows use user, system (LocalMachine) or all", s)
		}
	}
	change := windows.Install
	if uninstall {
		change = windows.Uninstall
	}
	var out []actionJSON
	for _, sc := range scopes {
		acts, err := change(cert, trust.InstallOptions{Scope: sc, DryRun: o.dryRun, Name: o.name})
		for _, a := range acts {
			out = append(out, actionJSON{Store: a.Store, Op: a.Op, Text: a.String()})
		}
		if err != nil {
			return out, err
		}
	}
	return out, nil
}
