package native

import (
	"sync"

	"github.com/nativetls/nativetls/darwin"
	"github.com/nativetls/nativetls/trust"
)

// darwinBackend verifies with Security.framework's SecTrust (package darwin).
var darwinBackend = &backend{
	name:             "darwin",
	system:           darwinSystem,
	loadCertificates: backendCertificates,
	loadKey:          backendKey,
}

var (
	darwinOnce  sync.Once
	darwinStore trust.TrustStore
	darwinErr   error
)

// darwinSystem returns the macOS system store, created once per process;
// SecTrust sees keychain and trust-settings changes as macOS does.
func darwinSystem() (trust.TrustStore, error) {
	darwinOnce.Do(func() { darwinStore, darwinErr = darwin.System() })
	return darwinStore, darwinErr
}

// platformBackend returns the macOS backend.
func platformBackend() *backend { return darwinBackend }
