package main

import (
	"github.com/nativetls/nativetls/windows"
)

// platformIdentities lists the certificates of the MY stores (those with a
// private key are usable as capi: identities).
func platformIdentities() []storeKeys {
	var out []storeKeys
	for _, loc := range []windows.Location{windows.CurrentUser, windows.LocalMachine} {
		sk := storeKeys{Store: windows.Source(loc, "MY")}
		certs, err := windows.ListStore(loc, "MY")
		if err != nil {
			sk.Skipped = err.Error()
			out = append(out, sk)
			continue
		}
		for _, c := range certs {
			u := &windows.CAPIURI{Location: loc, Store: "My", SHA1: sha1Of(c.Raw)}
			sk.Identities = append(sk.Identities, objectJSON{Type: "cert", Label: c.Subject.String(), URI: u.String()})
		}
		out = append(out, sk)
	}
	return out
}
