package native

// platformBackend returns the backend for this platform. Until a platform
// package is wired in, it is the portable backend.
func platformBackend() *backend { return portableBackend }
