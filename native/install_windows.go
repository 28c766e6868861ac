package native

import (
	"crypto/sha1"
	"crypto/x509"
	"fmt"
	"strings"

	"github.com/nativetls/nativetls/trust"
	"github.com/nativetls/nativetls/windows"
)

func init() {
	windowsBackend.install = windowsInstall
	windowsBackend.osKeyStores = windowsKeyStores
}

// windowsLocations maps InstallOptions to the store locations to change:
// Stores "user", "system" (or "machine") and "all", or else the Scope
// (default: CurrentUser). "ROOT" is the only store name taken.
func windowsLocations(opts trust.InstallOptions) ([]windows.Location, error) {
	var locs []windows.Location
	for _, s := range opts.Stores {
		switch strings.ToLower(strings.TrimSpace(s)) {
		case "user":
			locs = append(locs, windows.CurrentUser)
		case "system", "machine":
			locs = append(locs, windows.LocalMachine)
		case "all":
			locs = append(locs, windows.CurrentUser, windows.LocalMachine)
		case "root":
		default:
			return nil, &trust.ConfigurationError{Backend: "windows", Field: "install stores",
				Msg: fmt.Sprintf("unknown store %q: on Windows use user, system (LocalMachine), all or ROOT", s)}
		}
	}
	if len(locs) == 0 && opts.Scope == trust.ScopeSystem {
		locs = append(locs, windows.LocalMachine)
	} else if len(locs) == 0 {
		locs = append(locs, windows.CurrentUser)
	}
	return locs, nil
}

// windowsInstall adapts windows.Install/Uninstall (today's
// (cert, Location) shape) to trust.InstallOptions: the ROOT store of each
// location.
func windowsInstall(cert *x509.Certificate, opts trust.InstallOptions, uninstall bool) ([]trust.InstallAction, error) {
	if opts.Root != "" || opts.Method != "" || opts.NSSDatabases != nil || opts.Home != "" || opts.Keychain != "" {
		return nil, &trust.ConfigurationError{Backend: "windows", Field: "install options", Msg: "Root, Method, NSSDatabases and Home are for Linux, Keychain for macOS"}
	}
	locs, err := windowsLocations(opts)
	if err != nil {
		return nil, err
	}
	op, f := "add", windows.Install
	if uninstall {
		op, f = "delete", windows.Uninstall
	}
	var out []trust.InstallAction
	for _, loc := range locs {
		a := trust.InstallAction{Store: windows.Source(loc, "ROOT"), Op: op}
		out = append(out, a)
		if opts.DryRun {
			writePlan(opts.Stdout, a)
			continue
		}
		if err := f(cert, loc); err != nil {
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
