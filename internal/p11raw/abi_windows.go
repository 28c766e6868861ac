package p11raw

import "unsafe"

// nativeABI on Windows: 32-bit CK_ULONG, structures packed to 1 byte.
var nativeABI = abi{ulong: 4, ptr: int(unsafe.Sizeof(uintptr(0))), packed: true}
