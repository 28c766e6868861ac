package native

import "github.com/nativetls/nativetls/darwin"

// darwinBackend verifies with Security.framework's SecTrust (package
// darwin), which sees keychain and trust-settings changes as macOS does.
var darwinBackend = osBackend("darwin", darwin.System)

// platformBackend returns the macOS backend.
func platformBackend() *backend { return darwinBackend }
