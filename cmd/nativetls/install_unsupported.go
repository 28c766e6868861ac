//go:build !linux && !windows && !darwin

package main

import (
	"crypto/x509"
	"fmt"
	"runtime"
)

// platformInstall has no store to change on this OS.
func platformInstall(*x509.Certificate, installOpts, bool) ([]actionJSON, error) {
	return nil, fmt.Errorf("installing a CA is not supported on %s: nativetls knows the stores of Linux, Windows and macOS", runtime.GOOS)
}
