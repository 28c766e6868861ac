//go:build !windows

package p11raw

import "unsafe"

// nativeABI on Unix: CK_ULONG is unsigned long (pointer-sized), natural
// alignment.
var nativeABI = abi{ulong: int(unsafe.Sizeof(uintptr(0))), ptr: int(unsafe.Sizeof(uintptr(0)))}
