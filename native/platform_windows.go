package native

import "github.com/nativetls/nativetls/windows"

// windowsBackend verifies with the CryptoAPI chain engine (package
// windows), which sees store changes as Windows does.
var windowsBackend = osBackend("windows", windows.System)

// platformBackend returns the Windows backend.
func platformBackend() *backend { return windowsBackend }
