//go:build !linux

package linux

import (
	"crypto/x509"

	"github.com/nativetls/nativetls/trust"
)

// Install returns ErrUnsupported outside Linux.
func Install(cert *x509.Certificate, opts trust.InstallOptions) ([]trust.InstallAction, error) {
	return nil, ErrUnsupported
}

// Uninstall returns ErrUnsupported outside Linux.
func Uninstall(cert *x509.Certificate, opts trust.InstallOptions) ([]trust.InstallAction, error) {
	return nil, ErrUnsupported
}
