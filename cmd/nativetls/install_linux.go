package main

import (
	"crypto/x509"
	"io"
	"strings"

	"github.com/nativetls/nativetls/linux"
	"github.com/nativetls/nativetls/trust"
)

// platformInstall installs or removes cert with package linux.
func platformInstall(cert *x509.Certificate, o installOpts, uninstall bool) ([]actionJSON, error) {
	var stores []string
	for _, s := range strings.Split(o.store, ",") {
		if s = strings.ToLower(strings.TrimSpace(s)); s != "" {
			stores = append(stores, s)
		}
	}
	opts := trust.InstallOptions{Stores: stores, DryRun: o.dryRun, Root: o.root,
		Method: o.method, NSSDatabases: o.nssdbs, Home: o.home, Name: o.name, Stdout: io.Discard}
	f := linux.Install
	if uninstall {
		f = linux.Uninstall
	}
	acts, err := f(cert, opts)
	out := make([]actionJSON, 0, len(acts))
	for _, a := range acts {
		out = append(out, actionJSON{Store: a.Store, Op: a.Op, Path: a.Path, Cmd: a.Cmd, Text: a.String()})
	}
	return out, err
}
