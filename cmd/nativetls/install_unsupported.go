//go:build !linux

package main

import (
	"crypto/x509"
	"fmt"
	"runtime"
)

// platformInstall is not available in this build: the platform package's
// installer is not wired in for this OS.
func platformInstall(*x509.Certificate, installOpts, bool) ([]actionJSON, error) {
	return nil, fmt.Errorf("installing a CA is not available in this build on %s (the %s backend's installer is not wired in)", runtime.GOOS, runtime.GOOS)
}
