//go:build !windows && !linux && !darwin && !(freebsd && (cgo || purego_fakecgo_std))

package p11raw

import "errors"

// errNoLoader explains the one platform without a cgo-free loader.
var errNoLoader = errors.New("no cgo-free dynamic loader on this platform: on FreeBSD build with CGO_ENABLED=1, or with " +
	"-tags purego_fakecgo_std -gcflags=github.com/ebitengine/purego/internal/fakecgo=-std (purego's requirement)")

func dlopen(string) (uintptr, error)         { return 0, errNoLoader }
func dlsym(uintptr, string) (uintptr, error) { return 0, errNoLoader }
func dlclose(uintptr) error                  { return nil }
func callN(uintptr, ...uintptr) uintptr      { return CKR_FUNCTION_NOT_SUPPORTED }
