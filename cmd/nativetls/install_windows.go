package main

import (
	"crypto/x509"
	"fmt"
	"strings"

	"github.com/nativetls/nativetls/windows"
)

// platformInstall adds cert to (or removes it from) the ROOT store of the
// current user ("user", the default for "system" is LocalMachine).
func platformInstall(cert *x509.Certificate, o installOpts, uninstall bool) ([]actionJSON, error) {
	var locs []windows.Location
	for _, s := range strings.Split(o.store, ",") {
		switch strings.ToLower(strings.TrimSpace(s)) {
		case "user":
			locs = append(locs, windows.CurrentUser)
		case "system", "machine":
			locs = append(locs, windows.LocalMachine)
		case "all":
			locs = append(locs, windows.CurrentUser, windows.LocalMachine)
		default:
			return nil, usagef("--store %q: on Windows use user, system (LocalMachine) or all", s)
		}
	}
	var out []actionJSON
	for _, loc := range locs {
		op, verb := "add", "add to"
		if uninstall {
			op, verb = "remove", "remove from"
		}
		store := windows.Source(loc, "ROOT")
		out = append(out, actionJSON{Store: store, Op: op, Text: fmt.Sprintf("[%s] %s %s", store, verb, store)})
		if o.dryRun {
			continue
		}
		var err error
		if uninstall {
			err = windows.Uninstall(cert, loc)
		} else {
			err = windows.Install(cert, loc)
		}
		if err != nil {
			return out, err
		}
	}
	return out, nil
}
