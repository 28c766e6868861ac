//go:build linux || darwin || (freebsd && (cgo || purego_fakecgo_std))

package p11raw

import "github.com/ebitengine/purego"

// dlopen opens a shared library by absolute path, resolving its symbols
// now and keeping them local to it.
func dlopen(path string) (uintptr, error) {
	return purego.Dlopen(path, purego.RTLD_NOW|purego.RTLD_LOCAL)
}

func dlsym(h uintptr, name string) (uintptr, error) { return purego.Dlsym(h, name) }

func dlclose(h uintptr) error { return purego.Dlclose(h) }

// callN calls the C function at fn with integer/pointer arguments and
// returns its CK_RV.
func callN(fn uintptr, args ...uintptr) uintptr {
	r, _, _ := purego.SyscallN(fn, args...)
	return r
}
