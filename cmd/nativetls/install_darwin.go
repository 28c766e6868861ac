package main

import (
	"crypto/x509"
	"fmt"

	"github.com/nativetls/nativetls/darwin"
)

// platformInstall adds cert to the login keychain and the user's trust
// settings (or removes it). --root names another keychain file.
func platformInstall(cert *x509.Certificate, o installOpts, uninstall bool) ([]actionJSON, error) {
	if o.store != "user" && o.store != "system" && o.store != "all" {
		return nil, usagef("--store %q: on macOS use user (the login keychain and the user's trust settings)", o.store)
	}
	var opts []darwin.Option
	where := "login keychain"
	if o.root != "" {
		opts = append(opts, darwin.WithKeychain(o.root))
		where = "keychain " + o.root
	}
	op, verb := "add", "add to the "+where+" and trust for TLS in the user's trust settings"
	if uninstall {
		op, verb = "remove", "remove from the "+where+" and the user's trust settings"
	}
	out := []actionJSON{{Store: "darwin:" + where, Op: op, Text: fmt.Sprintf("[darwin] %s", verb)}}
	if o.dryRun {
		return out, nil
	}
	var err error
	if uninstall {
		err = darwin.Uninstall(cert, opts...)
	} else {
		err = darwin.Install(cert, opts...)
	}
	return out, err
}
