//go:build cgo

package pkcs11

// #include <stdlib.h>
import "C"

import "unsafe"

// cString returns a malloc'ed NUL-terminated copy of s; the caller frees
// it with cFree. C memory is used because the module may keep the pointer
// (CK_C_INITIALIZE_ARGS.pReserved) after C_Initialize returns, which Go
// memory must not be passed for.
func cString(s string) unsafe.Pointer { return unsafe.Pointer(C.CString(s)) }

// cFree frees memory from cString.
func cFree(p unsafe.Pointer) { C.free(p) }
