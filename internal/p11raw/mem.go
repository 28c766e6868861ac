package p11raw

import (
	"encoding/binary"
	"runtime"
	"unsafe"
)

// arena holds the Go memory handed to the module during one call: every
// buffer is pinned (runtime.Pinner) until release, so its address stays
// valid and the collector keeps it alive while C reads or writes it. The
// module must not keep these pointers after the call returns (PKCS#11
// never lets it, except CK_C_INITIALIZE_ARGS.pReserved, which Module keeps
// pinned until C_Finalize).
type arena struct{ pin runtime.Pinner }

// alloc returns n zeroed bytes (at least 8, 8-aligned) and pins them.
func (a *arena) alloc(n int) []byte {
	words := make([]uint64, (max(n, 8)+7)/8)
	a.pin.Pin(&words[0])
	return unsafe.Slice((*byte)(unsafe.Pointer(&words[0])), n)
}

// addr pins b and returns its address (0 for an empty slice: NULL).
func (a *arena) addr(b []byte) uintptr {
	if len(b) == 0 {
		return 0
	}
	a.pin.Pin(&b[0])
	return uintptr(unsafe.Pointer(&b[0]))
}

// ulong returns a pinned CK_ULONG holding v and its address.
func (a *arena) ulong(v uint) ([]byte, uintptr) {
	b := a.alloc(nativeABI.ulong)
	putU(b, 0, v)
	return b, a.addr(b)
}

// cstr returns a pinned NUL-terminated copy of s.
func (a *arena) cstr(s string) uintptr {
	b := a.alloc(len(s) + 1)
	copy(b, s)
	return a.addr(b)
}

func (a *arena) release() { a.pin.Unpin() }

// putWord writes v at off as a size-byte (4 or 8) native-endian word.
func putWord(b []byte, off, size int, v uint64) {
	if size == 4 {
		binary.NativeEndian.PutUint32(b[off:], uint32(v))
		return
	}
	binary.NativeEndian.PutUint64(b[off:], v)
}

// getWord reads a size-byte (4 or 8) native-endian word at off.
func getWord(b []byte, off, size int) uint64 {
	if size == 4 {
		return uint64(binary.NativeEndian.Uint32(b[off:]))
	}
	return binary.NativeEndian.Uint64(b[off:])
}

// putU writes a CK_ULONG at off.
func putU(b []byte, off int, v uint) { putWord(b, off, nativeABI.ulong, uint64(v)) }

// getU reads a CK_ULONG at off.
func getU(b []byte, off int) uint { return uint(getWord(b, off, nativeABI.ulong)) }

// putP writes a pointer at off.
func putP(b []byte, off int, p uintptr) { putWord(b, off, nativeABI.ptr, uint64(p)) }

// getP reads a pointer at off.
func getP(b []byte, off int) uintptr { return uintptr(getWord(b, off, nativeABI.ptr)) }
