//go:build !linux && !windows && !darwin

package native

// platformBackend returns the portable backend: this OS has no platform
// backend of its own.
func platformBackend() *backend { return portableBackend }
