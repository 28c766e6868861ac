package p11raw

import (
	"fmt"
	"sync"
	"unsafe"
)

// Function indices in CK_FUNCTION_LIST (pkcs11f.h order).
const (
	fnInitialize        = 0
	fnFinalize          = 1
	fnGetInfo           = 2
	fnGetSlotList       = 4
	fnGetSlotInfo       = 5
	fnGetTokenInfo      = 6
	fnGetMechanismList  = 7
	fnGetMechanismInfo  = 8
	fnSetPIN            = 11
	fnOpenSession       = 12
	fnCloseSession      = 13
	fnCloseAllSessions  = 14
	fnGetSessionInfo    = 15
	fnLogin             = 18
	fnLogout            = 19
	fnCreateObject      = 20
	fnDestroyObject     = 22
	fnGetAttributeValue = 24
	fnSetAttributeValue = 25
	fnFindObjectsInit   = 26
	fnFindObjects       = 27
	fnFindObjectsFinal  = 28
	fnDecryptInit       = 33
	fnDecrypt           = 34
	fnSignInit          = 42
	fnSign              = 43
	fnSignUpdate        = 44
	fnSignFinal         = 45
	fnVerifyInit        = 48
	fnVerify            = 49
	fnGenerateKeyPair   = 59
)

// Ctx is a loaded PKCS#11 module: the library handle and the function
// pointers of the CK_FUNCTION_LIST its C_GetFunctionList returned. Every
// call goes through those pointers. A Ctx is safe for concurrent use as
// far as the module is (it is initialized with CKF_OS_LOCKING_OK).
type Ctx struct {
	lib uintptr
	fns [numFuncs]uintptr

	mu      sync.Mutex
	initMem *arena // CK_C_INITIALIZE_ARGS and pReserved, pinned until C_Finalize
}

// New opens the module at path (absolute; the caller has applied its
// loading policy) and reads its function list. Nothing is initialized.
func New(path string) (*Ctx, error) {
	lib, err := dlopen(path)
	if err != nil {
		return nil, fmt.Errorf("cannot load %s: %v", path, err)
	}
	sym, err := dlsym(lib, "C_GetFunctionList")
	if err != nil || sym == 0 {
		dlclose(lib)
		return nil, fmt.Errorf("%s has no C_GetFunctionList: it is not a PKCS#11 module", path)
	}
	var a arena
	defer a.release()
	list := new(unsafe.Pointer)
	a.pin.Pin(list)
	if err := rv(callN(sym, uintptr(unsafe.Pointer(list)))); err != nil || *list == nil {
		dlclose(lib)
		return nil, fmt.Errorf("C_GetFunctionList of %s failed (%v)", path, err)
	}
	c := &Ctx{lib: lib}
	tbl := unsafe.Slice((*byte)(*list), lay.funcList.size)
	for i := range c.fns {
		c.fns[i] = getP(tbl, lay.funcList.off[i+1])
	}
	return c, nil
}

// call runs function fn of the list; a NULL entry is
// CKR_FUNCTION_NOT_SUPPORTED.
func (c *Ctx) call(fn int, args ...uintptr) error {
	f := c.fns[fn]
	if f == 0 {
		return Error(CKR_FUNCTION_NOT_SUPPORTED)
	}
	return rv(callN(f, args...))
}

// rv turns a CK_RV into nil or Error.
func rv(r uintptr) error {
	r = uintptr(uint64(r) & ulongMask)
	if r == 0 {
		return nil
	}
	return Error(r)
}

// Initialize calls C_Initialize with CKF_OS_LOCKING_OK and, when reserved
// is not empty, pReserved pointing to it as a NUL-terminated string
// (p11-kit's "paths=…", NSS softokn's "configdir=…"). The arguments stay
// pinned until Finalize, since a module may keep pReserved.
func (c *Ctx) Initialize(reserved string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	a := &arena{}
	args := a.alloc(lay.initArgs.size)
	putU(args, lay.initArgs.off[4], CKF_OS_LOCKING_OK)
	if reserved != "" {
		putP(args, lay.initArgs.off[5], a.cstr(reserved))
	}
	err := c.call(fnInitialize, a.addr(args))
	if err != nil {
		a.release()
		return err
	}
	if c.initMem != nil {
		c.initMem.release()
	}
	c.initMem = a
	return nil
}

// Finalize calls C_Finalize and releases the initialization arguments.
func (c *Ctx) Finalize() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	err := c.call(fnFinalize, 0)
	if err == nil && c.initMem != nil {
		c.initMem.release()
		c.initMem = nil
	}
	return err
}

// Destroy releases the Ctx; it must not be used afterwards. The library
// itself stays mapped for the life of the process (a later New maps the
// same copy): modules whose threads outlive C_Finalize (Go c-shared
// modules, many vendor HSM clients) crash the process when unloaded, and
// p11-kit-proxy and NSS are mapped by other users in the process anyway.
func (c *Ctx) Destroy() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.initMem != nil {
		// Not finalized by us: the module may still read pReserved, so
		// it stays pinned for the life of the process.
		retained.Lock()
		retained.arenas = append(retained.arenas, c.initMem)
		retained.Unlock()
		c.initMem = nil
	}
	c.lib = 0
}

// retained holds initialization arguments of modules that were never
// finalized through their Ctx.
var retained struct {
	sync.Mutex
	arenas []*arena
}
