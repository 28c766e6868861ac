package main

import (
	"crypto/x509"
	"io"

	"github.com/nativetls/nativetls/linux"
)

// platformInstall installs or removes cert with package linux.
func platformInstall(cert *x509.Certificate, o installOpts, uninstall bool) ([]actionJSON, error) {
	targets, err := linux.ParseTarget(o.store)
	if err != nil {
		return nil, usagef("--store: %v", err)
	}
	opts := linux.InstallOptions{Targets: targets, DryRun: o.dryRun, Root: o.root,
		Method: linux.SystemMethod(o.method), NSSDatabases: o.nssdbs, Home: o.home, Name: o.name, Stdout: io.Discard}
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
