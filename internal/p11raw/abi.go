package p11raw

// The C ABI of PKCS#11, stated once for every platform.
//
//   - CK_ULONG is C's unsigned long: as wide as a pointer on Unix (LP64 on
//     64-bit Linux, macOS and FreeBSD, ILP32 on 32-bit), 32 bits on Windows
//     (LLP64), whatever the pointer size.
//   - Structures are packed to 1 byte on Windows (the spec's
//     "#pragma pack(push, cryptoki, 1)") and naturally aligned elsewhere.
//   - CK_FUNCTION_LIST is a CK_VERSION followed by one function pointer per
//     function in the order of pkcs11f.h, laid out by the same rules.
//
// Structures are never declared as Go structs (Go cannot express the
// Windows packing): they are encoded into byte buffers at the offsets
// computed here, which abi_test.go checks against the headers' layout for
// every GOOS/GOARCH.

// abi is one platform's sizes and packing.
type abi struct {
	ulong  int  // sizeof(CK_ULONG)
	ptr    int  // sizeof(void *)
	packed bool // #pragma pack(1)
}

// field is the size and alignment of one structure member.
type field struct{ size, align int }

func (a abi) u() field      { return a.f(a.ulong, a.ulong) }
func (a abi) p() field      { return a.f(a.ptr, a.ptr) }
func (a abi) ver() field    { return field{2, 1} } // CK_VERSION {CK_BYTE major, minor}
func (a abi) b(n int) field { return field{n, 1} } // CK_UTF8CHAR[n]
func (a abi) f(s, al int) field {
	if a.packed {
		al = 1
	}
	return field{s, al}
}

// structLayout is the field offsets and size of one C structure.
type structLayout struct {
	off  []int
	size int
}

// layout places fields by C's rules: each at the next multiple of its
// alignment, the size rounded up to the largest alignment.
func layout(fields ...field) structLayout {
	var l structLayout
	maxAlign := 1
	for _, f := range fields {
		l.size = roundUp(l.size, f.align)
		l.off = append(l.off, l.size)
		l.size += f.size
		maxAlign = max(maxAlign, f.align)
	}
	l.size = roundUp(l.size, maxAlign)
	return l
}

func roundUp(n, a int) int { return (n + a - 1) / a * a }

// layouts holds every structure this package encodes or decodes.
type layouts struct {
	abi         abi
	version     structLayout // CK_VERSION
	info        structLayout // CK_INFO
	slotInfo    structLayout // CK_SLOT_INFO
	tokenInfo   structLayout // CK_TOKEN_INFO
	sessionInfo structLayout // CK_SESSION_INFO
	mechInfo    structLayout // CK_MECHANISM_INFO
	attribute   structLayout // CK_ATTRIBUTE
	mechanism   structLayout // CK_MECHANISM
	pssParams   structLayout // CK_RSA_PKCS_PSS_PARAMS
	oaepParams  structLayout // CK_RSA_PKCS_OAEP_PARAMS
	initArgs    structLayout // CK_C_INITIALIZE_ARGS
	funcList    structLayout // CK_FUNCTION_LIST (version + numFuncs pointers)
}

// numFuncs is the number of function pointers in a PKCS#11 2.x
// CK_FUNCTION_LIST (C_Initialize … C_WaitForSlotEvent).
const numFuncs = 68

func layoutsFor(a abi) layouts {
	u, p, v, b := a.u(), a.p(), a.ver(), a.b
	fl := []field{v}
	for range numFuncs {
		fl = append(fl, p)
	}
	return layouts{
		abi:         a,
		version:     layout(b(1), b(1)),
		info:        layout(v, b(32), u, b(32), v),
		slotInfo:    layout(b(64), b(32), u, v, v),
		tokenInfo:   layout(b(32), b(32), b(16), b(16), u, u, u, u, u, u, u, u, u, u, u, v, v, b(16)),
		sessionInfo: layout(u, u, u, u),
		mechInfo:    layout(u, u, u),
		attribute:   layout(u, p, u),
		mechanism:   layout(u, p, u),
		pssParams:   layout(u, u, u),
		oaepParams:  layout(u, u, u, p, u),
		initArgs:    layout(p, p, p, p, u, p),
		funcList:    layout(fl...),
	}
}

// lay is this platform's layout.
var lay = layoutsFor(nativeABI)

// ulongMask keeps the CK_ULONG bits of a register (CK_RV in RAX on
// Windows has 32 meaningful bits).
var ulongMask = uint64(1)<<(8*nativeABI.ulong) - 1
