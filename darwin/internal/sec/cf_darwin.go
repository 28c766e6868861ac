package sec

import (
	"unsafe"
)

// CoreFoundation constants (CFString.h, CFNumber.h).
const (
	kCFAllocatorDefault   Ref    = 0          // kCFAllocatorDefault (NULL)
	kCFStringEncodingUTF8 uint32 = 0x08000100 // kCFStringEncodingUTF8
	kCFNumberSInt64Type   int    = 4          // kCFNumberSInt64Type
)

var (
	cfRelease                    func(Ref)
	cfRetain                     func(Ref) Ref
	cfGetTypeID                  func(Ref) uint
	cfStringGetTypeID            func() uint
	cfNumberGetTypeID            func() uint
	cfBooleanGetTypeID           func() uint
	cfDataGetTypeID              func() uint
	cfArrayGetTypeID             func() uint
	cfDictionaryGetTypeID        func() uint
	cfDataCreate                 func(Ref, *byte, int) Ref
	cfDataGetLength              func(Ref) int
	cfDataGetBytePtr             func(Ref) *byte
	cfStringCreateWithBytes      func(Ref, *byte, int, uint32, bool) Ref
	cfStringGetLength            func(Ref) int
	cfStringGetMaximumSize       func(int, uint32) int
	cfStringGetCString           func(Ref, *byte, int, uint32) bool
	cfNumberCreate               func(Ref, int, unsafe.Pointer) Ref
	cfNumberGetValue             func(Ref, int, unsafe.Pointer) bool
	cfBooleanGetValue            func(Ref) bool
	cfArrayCreateMutable         func(Ref, int, uintptr) Ref
	cfArrayAppendValue           func(Ref, Ref)
	cfArrayGetCount              func(Ref) int
	cfArrayGetValueAtIndex       func(Ref, int) Ref
	cfDictionaryCreateMutable    func(Ref, int, uintptr, uintptr) Ref
	cfDictionarySetValue         func(Ref, Ref, Ref)
	cfDictionaryGetValue         func(Ref, Ref) Ref
	cfDictionaryGetCount         func(Ref) int
	cfDictionaryGetKeysAndValues func(Ref, *Ref, *Ref)
	cfDateCreate                 func(Ref, float64) Ref
	cfErrorGetCode               func(Ref) int
	cfErrorGetDomain             func(Ref) Ref
	cfErrorCopyDescription       func(Ref) Ref
)

var cfFuncs = []binding{
	{&cfRelease, "CFRelease", false},
	{&cfRetain, "CFRetain", false},
	{&cfGetTypeID, "CFGetTypeID", false},
	{&cfStringGetTypeID, "CFStringGetTypeID", false},
	{&cfNumberGetTypeID, "CFNumberGetTypeID", false},
	{&cfBooleanGetTypeID, "CFBooleanGetTypeID", false},
	{&cfDataGetTypeID, "CFDataGetTypeID", false},
	{&cfArrayGetTypeID, "CFArrayGetTypeID", false},
	{&cfDictionaryGetTypeID, "CFDictionaryGetTypeID", false},
	{&cfDataCreate, "CFDataCreate", false},
	{&cfDataGetLength, "CFDataGetLength", false},
	{&cfDataGetBytePtr, "CFDataGetBytePtr", false},
	{&cfStringCreateWithBytes, "CFStringCreateWithBytes", false},
	{&cfStringGetLength, "CFStringGetLength", false},
	{&cfStringGetMaximumSize, "CFStringGetMaximumSizeForEncoding", false},
	{&cfStringGetCString, "CFStringGetCString", false},
	{&cfNumberCreate, "CFNumberCreate", false},
	{&cfNumberGetValue, "CFNumberGetValue", false},
	{&cfBooleanGetValue, "CFBooleanGetValue", false},
	{&cfArrayCreateMutable, "CFArrayCreateMutable", false},
	{&cfArrayAppendValue, "CFArrayAppendValue", false},
	{&cfArrayGetCount, "CFArrayGetCount", false},
	{&cfArrayGetValueAtIndex, "CFArrayGetValueAtIndex", false},
	{&cfDictionaryCreateMutable, "CFDictionaryCreateMutable", false},
	{&cfDictionarySetValue, "CFDictionarySetValue", false},
	{&cfDictionaryGetValue, "CFDictionaryGetValue", false},
	{&cfDictionaryGetCount, "CFDictionaryGetCount", false},
	{&cfDictionaryGetKeysAndValues, "CFDictionaryGetKeysAndValues", false},
	{&cfDateCreate, "CFDateCreate", false},
	{&cfErrorGetCode, "CFErrorGetCode", false},
	{&cfErrorGetDomain, "CFErrorGetDomain", false},
	{&cfErrorCopyDescription, "CFErrorCopyDescription", false},
}

// CFRelease releases an object the caller owns. A zero Ref is ignored
// (CFRelease(NULL) would crash).
func CFRelease(r Ref) {
	if r != 0 {
		cfRelease(r)
	}
}

// CFRetain adds a reference; the caller then owns one more release.
func CFRetain(r Ref) Ref { return cfRetain(r) }

// CFGetTypeID returns the object's CFTypeID.
func CFGetTypeID(r Ref) uint { return cfGetTypeID(r) }

// CFStringGetTypeID returns the CFTypeID of CFString.
func CFStringGetTypeID() uint { return cfStringGetTypeID() }

// CFNumberGetTypeID returns the CFTypeID of CFNumber.
func CFNumberGetTypeID() uint { return cfNumberGetTypeID() }

// CFBooleanGetTypeID returns the CFTypeID of CFBoolean.
func CFBooleanGetTypeID() uint { return cfBooleanGetTypeID() }

// CFDataGetTypeID returns the CFTypeID of CFData.
func CFDataGetTypeID() uint { return cfDataGetTypeID() }

// CFArrayGetTypeID returns the CFTypeID of CFArray.
func CFArrayGetTypeID() uint { return cfArrayGetTypeID() }

// CFDictionaryGetTypeID returns the CFTypeID of CFDictionary.
func CFDictionaryGetTypeID() uint { return cfDictionaryGetTypeID() }

// CFDataCreate copies b into a new CFData. Create rule: release it.
func CFDataCreate(b []byte) Ref {
	// CFDataCreate copies the bytes before returning, so the Go memory is
	// not retained by C (the cgo pointer rule).
	return cfDataCreate(kCFAllocatorDefault, unsafe.SliceData(b), len(b))
}

// CFDataGetLength returns the length of a CFData.
func CFDataGetLength(d Ref) int { return cfDataGetLength(d) }

// CFDataBytes copies the contents of a CFData into Go memory
// (CFDataGetLength + CFDataGetBytePtr).
func CFDataBytes(d Ref) []byte {
	n := cfDataGetLength(d)
	if n == 0 {
		return []byte{}
	}
	p := cfDataGetBytePtr(d)
	// p points to n bytes owned by d, which the caller keeps alive during
	// this call; the bytes are copied before returning.
	return append([]byte(nil), unsafe.Slice(p, n)...)
}

// CFStringCreate makes a CFString from UTF-8 (CFStringCreateWithBytes).
// Create rule: release it.
func CFStringCreate(s string) Ref {
	// The bytes are copied by CFStringCreateWithBytes.
	return cfStringCreateWithBytes(kCFAllocatorDefault, unsafe.StringData(s), len(s), kCFStringEncodingUTF8, false)
}

// CFStringGo returns the UTF-8 contents of a CFString (CFStringGetLength,
// CFStringGetMaximumSizeForEncoding, CFStringGetCString), or "" for 0.
func CFStringGo(s Ref) string {
	if s == 0 {
		return ""
	}
	size := cfStringGetMaximumSize(cfStringGetLength(s), kCFStringEncodingUTF8) + 1
	buf := make([]byte, size)
	if !cfStringGetCString(s, &buf[0], size, kCFStringEncodingUTF8) {
		return ""
	}
	for i, c := range buf {
		if c == 0 {
			return string(buf[:i])
		}
	}
	return string(buf)
}

// CFNumberCreateInt64 makes a CFNumber (CFNumberCreate with
// kCFNumberSInt64Type). Create rule: release it.
func CFNumberCreateInt64(v int64) Ref {
	return cfNumberCreate(kCFAllocatorDefault, kCFNumberSInt64Type, unsafe.Pointer(&v))
}

// CFNumberInt64 reads a CFNumber as a 64-bit integer (CFNumberGetValue);
// ok is false when the value does not fit exactly.
func CFNumberInt64(n Ref) (v int64, ok bool) {
	ok = cfNumberGetValue(n, kCFNumberSInt64Type, unsafe.Pointer(&v))
	return v, ok
}

// CFBooleanGetValue reads a CFBoolean.
func CFBooleanGetValue(b Ref) bool { return cfBooleanGetValue(b) }

// CFArrayCreateMutable makes an empty array that retains its values
// (kCFTypeArrayCallBacks). Create rule: release it; that releases the
// array's references to its values, not the caller's.
func CFArrayCreateMutable() Ref {
	return cfArrayCreateMutable(kCFAllocatorDefault, 0, kCFTypeArrayCallBacks)
}

// CFArrayAppendValue appends v; the array retains it.
func CFArrayAppendValue(a, v Ref) { cfArrayAppendValue(a, v) }

// CFArrayGetCount returns the number of values.
func CFArrayGetCount(a Ref) int { return cfArrayGetCount(a) }

// CFArrayGetValueAtIndex returns value i. Get rule: owned by the array.
func CFArrayGetValueAtIndex(a Ref, i int) Ref { return cfArrayGetValueAtIndex(a, i) }

// CFDictionaryCreateMutable makes an empty dictionary that retains its keys
// and values (kCFTypeDictionaryKeyCallBacks/ValueCallBacks). Create rule:
// release it.
func CFDictionaryCreateMutable() Ref {
	return cfDictionaryCreateMutable(kCFAllocatorDefault, 0, kCFTypeDictionaryKeyCallBacks, kCFTypeDictionaryValueCallBacks)
}

// CFDictionarySetValue sets k to v; the dictionary retains both.
func CFDictionarySetValue(d, k, v Ref) { cfDictionarySetValue(d, k, v) }

// CFDictionaryGetValue returns the value of k, or 0. Get rule: owned by
// the dictionary.
func CFDictionaryGetValue(d, k Ref) Ref { return cfDictionaryGetValue(d, k) }

// CFDictionaryKeysAndValues returns the keys and values
// (CFDictionaryGetCount + CFDictionaryGetKeysAndValues). Get rule: owned
// by the dictionary.
func CFDictionaryKeysAndValues(d Ref) (keys, values []Ref) {
	n := cfDictionaryGetCount(d)
	if n == 0 {
		return nil, nil
	}
	keys, values = make([]Ref, n), make([]Ref, n)
	cfDictionaryGetKeysAndValues(d, &keys[0], &values[0])
	return keys, values
}

// CFDateCreate makes a CFDate from seconds since 2001-01-01 00:00:00 UTC
// (CFAbsoluteTime). Create rule: release it.
func CFDateCreate(abs float64) Ref { return cfDateCreate(kCFAllocatorDefault, abs) }

// CFErrorGetCode returns the error's code (an OSStatus in
// NSOSStatusErrorDomain).
func CFErrorGetCode(e Ref) int { return cfErrorGetCode(e) }

// CFErrorGetDomain returns the error domain. Get rule: owned by the error.
func CFErrorGetDomain(e Ref) Ref { return cfErrorGetDomain(e) }

// CFErrorCopyDescription returns the localized description. Copy rule:
// release it.
func CFErrorCopyDescription(e Ref) Ref { return cfErrorCopyDescription(e) }
