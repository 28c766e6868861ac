package native

import (
	"sync"

	"github.com/nativetls/nativetls/linux"
	"github.com/nativetls/nativetls/trust"
)

// linuxBackend verifies with the merged Linux trust sources (p11-kit, bundles,
// directories; see package linux).
var linuxBackend = &backend{
	name:             "linux",
	system:           linuxSystem,
	loadCertificates: backendCertificates,
	loadKey:          backendKey,
}

var (
	linuxOnce  sync.Once
	linuxStore trust.TrustStore
	linuxErr   error
)

// linuxSystem loads the Linux system store once per process; the store
// notices changes to its sources by itself (see package linux).
func linuxSystem() (trust.TrustStore, error) {
	linuxOnce.Do(func() {
		s, err := linux.System()
		if err != nil {
			linuxErr = err
			return
		}
		linuxStore = s
	})
	return linuxStore, linuxErr
}

// platformBackend returns the Linux backend.
func platformBackend() *backend { return linuxBackend }
