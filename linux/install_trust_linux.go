package linux

import (
	"crypto/x509"
	"fmt"
	"os"
	"path/filepath"
)

// p11KitActions stores or removes the certificate as an anchor with
// p11-kit's `trust anchor`, which takes a file: the certificate is written
// to a file in the temporary directory first.
func p11KitActions(cert *x509.Certificate, name string, install, dryRun bool) ([]Action, error) {
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
	return []Action{
		{Store: store, Op: "write", Path: file, data: certPEM(cert)},
		{Store: store, Op: "run", Cmd: []string{"trust", "anchor", op, file}},
		{Store: store, Op: "remove", Path: file},
		{Store: store, Op: "remove", Path: dir},
	}, nil
}
