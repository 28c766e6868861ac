// Package sec is the thin foreign-call layer of package darwin: one Go
// function per CoreFoundation or Security.framework C function, called
// through github.com/ebitengine/purego without cgo, so that GOOS=darwin
// CGO_ENABLED=0 builds and cross-compiles (as Go's own
// crypto/x509/internal/macos does with its assembly trampolines).
//
// Nothing here decides anything: status codes are returned as they are,
// and package darwin turns them into errors. Every function documents the
// CoreFoundation ownership rule of what it returns: functions whose C name
// contains Create or Copy return an object the caller owns and must pass to
// CFRelease exactly once; Get functions return an object owned by its
// container, valid only while the container is.
//
// On operating systems other than macOS the package is empty.
package sec
