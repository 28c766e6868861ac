package pkcs11

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"sync/atomic"

	p11 "github.com/nativetls/nativetls/internal/p11raw"
)

// Module is a handle on a loaded, initialized PKCS#11 module. Handles are
// reference-counted per process: every LoadModule returns a new handle on
// the shared instance, and the module is finalized and unloaded when the
// last handle is closed. A Module is safe for concurrent use.
type Module struct {
	inst   *moduleInstance
	path   string
	closed atomic.Bool
}

// moduleInstance is one dlopen'ed, C_Initialize'd module.
type moduleInstance struct {
	key      string // resolved path
	path     string // path as first given
	initArgs string
	ctx      *p11.Ctx
	refs     int
	owned    bool // we own initialization (so we finalize and may re-initialize)
	initOK   bool // the module is currently initialized

	// callMu is held shared by every call sequence on the module and
	// exclusively by reinit, so C_Finalize never runs under a call.
	callMu sync.RWMutex
	gen    uint64 // incremented by reinit; handles from older generations are stale
}

// reinit finalizes and re-initializes the module, the only way to recover
// some modules (SoftHSM) after their token storage vanished and came back.
// seen is the generation the caller saw fail; if another caller already
// re-initialized since, reinit does nothing. Handles of every session and
// object from before are stale afterwards.
func (inst *moduleInstance) reinit(seen uint64) error {
	inst.callMu.Lock()
	defer inst.callMu.Unlock()
	if inst.gen != seen {
		return nil
	}
	if !inst.owned {
		return fmt.Errorf("pkcs11: module %s was initialized by another library in this process, so it cannot be re-initialized to recover the token", inst.path)
	}
	if inst.initOK {
		inst.ctx.Finalize() // errors are moot: the module is being reset
		inst.initOK = false
	}
	inst.gen++
	err := inst.ctx.Initialize(inst.initArgs)
	if err != nil && ckrCode(err) != ckrCryptokiAlreadyInit {
		// Stay owned and uninitialized: the next operation tries again.
		return wrapErr("C_Initialize", err, inst.path, "", "")
	}
	inst.initOK = true
	return nil
}

var modules = struct {
	sync.Mutex
	byKey map[string]*moduleInstance
}{byKey: map[string]*moduleInstance{}}

// LoadModule loads and initializes a PKCS#11 module, once per path per
// process (see Module). initArgs, if non-empty, is passed as
// CK_C_INITIALIZE_ARGS.pReserved: p11-kit's trust module takes
// "paths=/dir1:/dir2", NSS softokn takes "configdir='sql:/dir'
// certPrefix=” keyPrefix=” secmod='secmod.db' flags=readOnly".
//
// A path already loaded with other initArgs fails with ErrModuleInUse
// until every handle on it is closed. A module another library in this
// process initialized (CKR_CRYPTOKI_ALREADY_INITIALIZED) is used and not
// finalized. The file must pass the loading policy (ModuleRefusedError)
// before it is opened.
func LoadModule(path string, initArgs string) (*Module, error) {
	return loadModule(path, initArgs, nil)
}

// loadModule is LoadModule with the program's allowed module files.
func loadModule(path string, initArgs string, allowed []string) (*Module, error) {
	if path == "" {
		return nil, fmt.Errorf("pkcs11: empty module path: %w", ErrModuleNotFound)
	}
	key, err := checkModule(path, allowed)
	if err != nil {
		return nil, err
	}
	modules.Lock()
	defer modules.Unlock()
	if inst := modules.byKey[key]; inst != nil {
		if inst.initArgs != initArgs {
			return nil, fmt.Errorf("pkcs11: module %s is already initialized in this process with arguments %q, not %q; close the other handles first: %w",
				path, inst.initArgs, initArgs, ErrModuleInUse)
		}
		inst.callMu.RLock()
		broken, gen := !inst.initOK, inst.gen
		inst.callMu.RUnlock()
		if broken {
			if err := inst.reinit(gen); err != nil {
				return nil, err
			}
		}
		inst.refs++
		return &Module{inst: inst, path: path}, nil
	}
	inst, err := openInstance(key, path, initArgs)
	if err != nil {
		return nil, err
	}
	modules.byKey[key] = inst
	return &Module{inst: inst, path: path}, nil
}

func openInstance(key, path, initArgs string) (*moduleInstance, error) {
	ctx, err := p11.New(key)
	if err != nil {
		return nil, fmt.Errorf("pkcs11: module %s: %v; check the path and that it is a PKCS#11 library: %w", path, err, ErrModuleNotFound)
	}
	inst := &moduleInstance{key: key, path: path, initArgs: initArgs, ctx: ctx, refs: 1}
	err = ctx.Initialize(initArgs)
	switch code := ckrCode(err); {
	case err == nil:
		inst.owned, inst.initOK = true, true
	case code == ckrCryptokiAlreadyInit:
		// Another library in this process owns the initialization.
		inst.initOK = true
	default:
		ctx.Destroy()
		return nil, wrapErr("C_Initialize", err, path, "", "")
	}
	return inst, nil
}

func (inst *moduleInstance) release() error {
	modules.Lock()
	defer modules.Unlock()
	inst.refs--
	if inst.refs > 0 {
		return nil
	}
	delete(modules.byKey, inst.key)
	var err error
	if inst.owned && inst.initOK {
		if e := inst.ctx.Finalize(); e != nil && ckrCode(e) != ckrCryptokiNotInitialized {
			err = wrapErr("C_Finalize", e, inst.path, "", "")
		}
	}
	inst.ctx.Destroy()
	return err
}

// Close releases this handle; the last Close finalizes and unloads the
// module. Close is idempotent.
func (m *Module) Close() error {
	if m.closed.Swap(true) {
		return nil
	}
	return m.inst.release()
}

// Path returns the module path as given to LoadModule.
func (m *Module) Path() string { return m.path }

// ctx returns the binding with the instance's call lock held shared
// (release it with done), or ErrClosed.
func (m *Module) ctx() (ctx *p11.Ctx, done func(), err error) {
	if m.closed.Load() {
		return nil, nil, fmt.Errorf("pkcs11: module %s: %w", m.path, ErrClosed)
	}
	m.inst.callMu.RLock()
	return m.inst.ctx, m.inst.callMu.RUnlock, nil
}

// Slots lists the module's slots (only those with a token when
// tokenPresent), with slot and token information.
func (m *Module) Slots(tokenPresent bool) ([]Slot, error) {
	ctx, done, err := m.ctx()
	if err != nil {
		return nil, err
	}
	defer done()
	ids, err := ctx.GetSlotList(tokenPresent)
	if err != nil {
		return nil, wrapErr("C_GetSlotList", err, m.path, "", "")
	}
	slots := make([]Slot, 0, len(ids))
	for _, id := range ids {
		si, err := ctx.GetSlotInfo(id)
		if err != nil {
			return nil, wrapErr("C_GetSlotInfo", err, m.path, "", fmt.Sprintf("slot %d", id))
		}
		s := Slot{ID: id, Description: trimPad(si.SlotDescription), Manufacturer: trimPad(si.ManufacturerID)}
		if si.Flags&p11.CKF_TOKEN_PRESENT != 0 {
			ti, err := ctx.GetTokenInfo(id)
			switch {
			case err == nil:
				s.Token = tokenInfo(ti)
			case ckrCode(err) == ckrTokenNotPresent || ckrCode(err) == ckrTokenNotRecognized:
			default:
				return nil, wrapErr("C_GetTokenInfo", err, m.path, "", fmt.Sprintf("slot %d", id))
			}
		}
		if tokenPresent && s.Token == nil {
			continue
		}
		slots = append(slots, s)
	}
	return slots, nil
}

func tokenInfo(ti p11.TokenInfo) *TokenInfo {
	max := ti.MaxSessionCount
	if max == ^uint(0) { // CK_UNAVAILABLE_INFORMATION
		max = 0
	}
	return &TokenInfo{
		Label:           trimPad(ti.Label),
		Manufacturer:    trimPad(ti.ManufacturerID),
		Model:           trimPad(ti.Model),
		Serial:          trimPad(ti.SerialNumber),
		Flags:           ti.Flags,
		MaxSessionCount: max,
	}
}

// trimPad removes the blank (and NUL) padding of CK_UTF8CHAR fields.
func trimPad(s string) string { return strings.TrimRight(s, " \x00") }

// FindObjects opens a read-only session on the slot (no login), finds the
// objects of class (a CKO_* number of pkcs11t.h or a vendor's) and reads
// the attribute types in want (CKA_* numbers) for each.
// Attributes the object does not have or that are sensitive are absent from
// Object.Attrs, not an error.
func (m *Module) FindObjects(slotID uint, class uint, want []uint) ([]Object, error) {
	template := []*p11.Attribute{p11.NewAttribute(p11.CKA_CLASS, class)}
	ctx, done, err := m.ctx()
	if err != nil {
		return nil, err
	}
	defer done()
	sh, err := ctx.OpenSession(slotID, p11.CKF_SERIAL_SESSION)
	if err != nil {
		return nil, wrapErr("C_OpenSession", err, m.path, "", fmt.Sprintf("slot %d", slotID))
	}
	defer ctx.CloseSession(sh)
	handles, err := findHandles(ctx, sh, template, 0)
	if err != nil {
		return nil, wrapErr("C_FindObjects", err, m.path, "", fmt.Sprintf("slot %d", slotID))
	}
	objs := make([]Object, 0, len(handles))
	for _, h := range handles {
		attrs, err := readAttrs(ctx, sh, h, want)
		if err != nil {
			return nil, wrapErr("C_GetAttributeValue", err, m.path, "", fmt.Sprintf("slot %d object %d", slotID, h))
		}
		objs = append(objs, Object{Handle: uint(h), Attrs: attrs})
	}
	return objs, nil
}

// findHandles runs C_FindObjectsInit/C_FindObjects/C_FindObjectsFinal.
// limit > 0 stops after that many handles.
func findHandles(ctx *p11.Ctx, sh p11.SessionHandle, template []*p11.Attribute, limit int) ([]p11.ObjectHandle, error) {
	if err := ctx.FindObjectsInit(sh, template); err != nil {
		return nil, err
	}
	var all []p11.ObjectHandle
	var ferr error
	for {
		hs, _, err := ctx.FindObjects(sh, 64)
		if err != nil {
			ferr = err
			break
		}
		all = append(all, hs...)
		if len(hs) == 0 || (limit > 0 && len(all) >= limit) {
			break
		}
	}
	if err := ctx.FindObjectsFinal(sh); err != nil && ferr == nil {
		ferr = err
	}
	return all, ferr
}

// readAttrs reads want from h. If the module refuses the whole template
// (an attribute is invalid or sensitive), it reads them one by one and
// leaves out the unreadable ones.
func readAttrs(ctx *p11.Ctx, sh p11.SessionHandle, h p11.ObjectHandle, want []uint) (map[uint][]byte, error) {
	out := make(map[uint][]byte, len(want))
	if len(want) == 0 {
		return out, nil
	}
	tmpl := make([]*p11.Attribute, len(want))
	for i, t := range want {
		tmpl[i] = &p11.Attribute{Type: t}
	}
	got, err := ctx.GetAttributeValue(sh, h, tmpl)
	if err == nil {
		for _, a := range got {
			if a.Value != nil {
				out[a.Type] = a.Value
			}
		}
		return out, nil
	}
	if !isAttrSkippable(err) {
		return nil, err
	}
	for _, t := range want {
		got, err := ctx.GetAttributeValue(sh, h, []*p11.Attribute{{Type: t}})
		if err != nil {
			if isAttrSkippable(err) {
				continue
			}
			return nil, err
		}
		if got[0].Value != nil {
			out[t] = got[0].Value
		}
	}
	return out, nil
}

func isAttrSkippable(err error) bool {
	switch ckrCode(err) {
	case ckrAttributeTypeInvalid, ckrAttributeSensitive, ckrBufferTooSmall, ckrFunctionFailed:
		return true
	}
	return false
}

// ckrCode extracts the CK_RV from a binding or package error (0 if none).
func ckrCode(err error) uint {
	var pe p11.Error
	if errors.As(err, &pe) {
		return uint(pe)
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return 0
}

// wrapErr turns a binding error into *Error with context; other errors are
// returned as they are.
func wrapErr(op string, err error, module, token, object string) error {
	if err == nil {
		return nil
	}
	var pe p11.Error
	if errors.As(err, &pe) {
		return &Error{Op: op, Code: uint(pe), Module: module, Token: token, Object: object}
	}
	return err
}

// moduleExists reports whether path names an existing file.
func moduleExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}
