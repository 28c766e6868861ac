// Package p11raw is a cgo-free binding of the PKCS#11 function list: the
// module is opened with dlopen (purego on Linux, macOS and FreeBSD,
// LoadLibraryEx on Windows), C_GetFunctionList is the one symbol looked
// up, and every other call goes through the returned CK_FUNCTION_LIST.
//
// The C ABI (CK_ULONG width, structure packing) is stated in abi.go and
// checked per GOOS/GOARCH by abi_test.go. Memory handed to a module is Go
// memory pinned for the call (runtime.Pinner) and never retained, except
// the C_Initialize arguments, pinned until C_Finalize. Calls that return
// variable-length data are two-pass (length, then value).
//
// It is internal: pkcs11/ builds its API on it, and linux/ reads p11-kit's
// trust module and NSS softokn through pkcs11.Module.
package p11raw
