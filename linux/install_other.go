//go:build !linux

package linux

import "crypto/x509"

// Install returns ErrUnsupported outside Linux.
func Install(cert *x509.Certificate, opts InstallOptions) ([]Action, error) {
	return nil, ErrUnsupported
}

// Uninstall returns ErrUnsupported outside Linux.
func Uninstall(cert *x509.Certificate, opts InstallOptions) ([]Action, error) {
	return nil, ErrUnsupported
}
