package native

import (
	"sync"

	"github.com/nativetls/nativetls/trust"
	"github.com/nativetls/nativetls/windows"
)

// windowsBackend verifies with the CryptoAPI chain engine (package windows).
var windowsBackend = &backend{
	name:             "windows",
	system:           windowsSystem,
	loadCertificates: backendCertificates,
	loadKey:          backendKey,
}

var (
	windowsOnce  sync.Once
	windowsStore trust.TrustStore
	windowsErr   error
)

// windowsSystem returns the Windows system store, created once per process;
// the OS verifier sees store changes as Windows does.
func windowsSystem() (trust.TrustStore, error) {
	windowsOnce.Do(func() { windowsStore, windowsErr = windows.System() })
	return windowsStore, windowsErr
}

// platformBackend returns the Windows backend.
func platformBackend() *backend { return windowsBackend }
