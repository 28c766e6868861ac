package linux

import (
	"crypto/x509"
	"fmt"
	"os"
	"path/filepath"

	"github.com/nativetls/nativetls/trust"
)

// p11KitActions stores or removes the certificate as an anchor with
// p11-kit's `trust anchor`, which takes a file: the certificate is written
// to a file in the temporary directory first.
func p11KitActions(cert *x509.Certificate, name string, install, dryRun bool) ([]action, error) {
	const store = "system (p11-kit)"
	dir := filepath.Join(os.TempDir(), "nativetls-trust-XXXX")
	if !dryRun {
		var err error
		if dir, err = os.MkdirTemp("", "nativetls-trust-"); err != nil {
			return nil, fmt.Errorf("linux: cannot create a temporary directory for `trust anchor`: %w", err)
		}
	}
	file := filepath.Join(dir, name+".pem")
	op := "--store"
	if !install {
		op = "--remove"
	}
	ia := func(op, path string, cmd ...string) trust.InstallAction {
		return trust.InstallAction{Store: store, Op: op, Path: path, Cmd: cmd}
	}
	return []action{
		{InstallAction: ia("write", file), data: certPEM(cert)},
		{InstallAction: ia("run", "", "trust", "anchor", op, file)},
		{InstallAction: ia("remove", file)},
		{InstallAction: ia("remove", dir)},
	}, nil
}
