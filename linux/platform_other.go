//go:build !linux

package linux

import (
	"crypto/x509"

	"github.com/nativetls/nativetls/trust"
)

// On operating systems other than Linux every entry point reports
// ErrUnsupported; the portable logic (bundle and p11-kit parsing, install
// planning) still builds and is tested.

func loadSources(*Options) ([]trust.Anchor, []trust.SourceReport, error) {
	return nil, nil, ErrUnsupported
}

func watchPaths(*Options) []string { return nil }

func change(*x509.Certificate, trust.InstallOptions, bool) ([]trust.InstallAction, error) {
	return nil, ErrUnsupported
}
