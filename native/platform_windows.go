package native

// platformBackend returns the backend for windows. Until package windows builds and
// is wired in, it is the portable backend (files and crypto/x509).
func platformBackend() *backend { return portableBackend }
