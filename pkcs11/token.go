package pkcs11

import (
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"

	p11 "github.com/nativetls/nativetls/internal/p11raw"
)

// token is one token opened through a URI: its module handle, slot,
// login state and session pool.
type token struct {
	mod  *Module
	ctx  *p11.Ctx
	uri  *URI
	opts *Options

	mu    sync.Mutex // guards slot, info
	slot  uint
	info  TokenInfo
	mechs map[uint]bool

	ident *URI // the selected token's label, serial, model, manufacturer: used to find it again

	loginMu    sync.Mutex
	pin        string // remembered after a successful login, for re-login after recovery
	havePIN    bool
	pinErr     error       // sticky: a rejected PIN is never tried again
	pinSources []pinSource // where a PIN may come from, one per opener

	pool *sessionPool

	opMu   sync.RWMutex // operations hold it shared; close exclusively
	closed bool

	shared bool // registered in sharedTokens (OpenKey)
	key    tokenKey
	refs   int // guarded by sharedTokens
}

// pinSource is one opener's URI and options, for pinFor.
type pinSource struct {
	uri  *URI
	opts *Options
}

// tokenKey identifies a token within a module instance.
type tokenKey struct {
	inst                               *moduleInstance
	label, serial, model, manufacturer string
}

// sharedTokens holds the tokens opened by OpenKey, so every key on a token
// shares one bounded session pool and one login.
var sharedTokens = struct {
	sync.Mutex
	m map[tokenKey]*token
}{m: map[tokenKey]*token{}}

// openSharedToken is openToken for keys: a token already open in this
// process (same module instance, label and serial) is shared, and this
// opener's PIN source is added to it. A new opener with its own PIN
// source may try a PIN once more after an earlier one was rejected.
func openSharedToken(u *URI, opts *Options) (*token, error) {
	t, err := openToken(u, opts)
	if err != nil {
		return nil, err
	}
	sharedTokens.Lock()
	defer sharedTokens.Unlock()
	if old := sharedTokens.m[t.key]; old != nil {
		old.refs++
		old.loginMu.Lock()
		old.pinSources = append(old.pinSources, pinSource{u, opts})
		if hasPINSource(u, opts) {
			old.pinErr = nil
		}
		old.loginMu.Unlock()
		t.pool.close()
		t.mod.Close()
		return old, nil
	}
	t.shared, t.refs = true, 1
	sharedTokens.m[t.key] = t
	return t, nil
}

// openToken loads the module the URI names and selects the one token the
// URI matches.
func openToken(u *URI, opts *Options) (*token, error) {
	path, err := resolveModule(opts.modulePath(), u)
	if err != nil {
		return nil, err
	}
	m, err := loadModule(path, "", opts.allowedModules())
	if err != nil {
		return nil, err
	}
	t := &token{mod: m, ctx: m.inst.ctx, uri: u, opts: opts, pinSources: []pinSource{{u, opts}}}
	if err := t.selectSlot(); err != nil {
		m.Close()
		return nil, err
	}
	t.ident = TokenURI(&t.info, "")
	t.key = tokenKey{m.inst, t.info.Label, t.info.Serial, t.info.Model, t.info.Manufacturer}
	m.inst.callMu.RLock()
	ml, err := t.ctx.GetMechanismList(t.slot)
	m.inst.callMu.RUnlock()
	if err != nil {
		m.Close()
		return nil, t.err("C_GetMechanismList", err, "")
	}
	t.mechs = make(map[uint]bool, len(ml))
	for _, mech := range ml {
		t.mechs[mech.Mechanism] = true
	}
	t.pool = newSessionPool(t, t.poolSize())
	return t, nil
}

func (t *token) poolSize() int {
	n := t.opts.maxSessions()
	if n == 0 {
		n = t.uri.MaxSessions
	}
	if n == 0 {
		n = max(defaultMaxSessions/4, 2*runtime.GOMAXPROCS(0))
		n = min(n, defaultMaxSessions)
		if tm := int(t.info.MaxSessionCount); tm > 0 && tm < n {
			n = tm
		}
	}
	return n
}

// selectSlot finds the slot whose token matches the URI (after the first
// time: the token's own label, serial, model and manufacturer, since a
// reinserted token may sit in another slot); exactly one must.
func (t *token) selectSlot() error {
	sel := t.uri
	if t.ident != nil {
		sel = t.ident
	}
	slots, err := t.mod.Slots(true)
	if err != nil {
		return err
	}
	var lib p11.Info
	if sel.Has("library-manufacturer") || sel.Has("library-description") || sel.Has("library-version") {
		if lib, err = t.ctx.GetInfo(); err != nil {
			return wrapErr("C_GetInfo", err, t.mod.path, "", "")
		}
		if !matchLibrary(sel, lib) {
			return fmt.Errorf("pkcs11: module %s (%s %s) does not match the library attributes of %s: %w",
				t.mod.path, trimPad(lib.ManufacturerID), trimPad(lib.LibraryDescription), sel.Redacted(), ErrTokenNotFound)
		}
	}
	var match []Slot
	var seen []string
	for _, s := range slots {
		seen = append(seen, fmt.Sprintf("%q (slot %d)", s.Token.Label, s.ID))
		if matchSlot(sel, s) {
			match = append(match, s)
		}
	}
	switch len(match) {
	case 0:
		return fmt.Errorf("pkcs11: no token in module %s matches %s (tokens present: %s): %w",
			t.mod.path, sel.Redacted(), orNone(seen), ErrTokenNotFound)
	case 1:
	default:
		var names []string
		for _, s := range match {
			names = append(names, fmt.Sprintf("%q (slot %d, serial %s)", s.Token.Label, s.ID, s.Token.Serial))
		}
		return fmt.Errorf("pkcs11: %s matches %d tokens in module %s: %s; add token= or serial=: %w",
			sel.Redacted(), len(match), t.mod.path, strings.Join(names, ", "), ErrAmbiguous)
	}
	t.mu.Lock()
	t.slot, t.info = match[0].ID, *match[0].Token
	t.mu.Unlock()
	return nil
}

func orNone(s []string) string {
	if len(s) == 0 {
		return "none"
	}
	return strings.Join(s, ", ")
}

func matchLibrary(u *URI, lib p11.Info) bool {
	if u.Has("library-manufacturer") && trimPad(lib.ManufacturerID) != u.LibraryManufacturer {
		return false
	}
	if u.Has("library-description") && trimPad(lib.LibraryDescription) != u.LibraryDescription {
		return false
	}
	if u.Has("library-version") {
		v := fmt.Sprintf("%d.%d", lib.LibraryVersion.Major, lib.LibraryVersion.Minor)
		if v != u.LibraryVersion && fmt.Sprintf("%d", lib.LibraryVersion.Major) != u.LibraryVersion {
			return false
		}
	}
	return true
}

// matchSlot reports whether the slot and its token match the URI's slot
// and token attributes.
func matchSlot(u *URI, s Slot) bool {
	ti := s.Token
	checks := []struct {
		name, have, want string
	}{
		{"token", ti.Label, u.Token},
		{"manufacturer", ti.Manufacturer, u.Manufacturer},
		{"serial", ti.Serial, u.Serial},
		{"model", ti.Model, u.Model},
		{"slot-description", s.Description, u.SlotDescription},
		{"slot-manufacturer", s.Manufacturer, u.SlotManufacturer},
	}
	for _, c := range checks {
		if u.Has(c.name) && c.have != c.want {
			return false
		}
	}
	return !u.Has("slot-id") || s.ID == u.SlotID
}

// label returns the token label for messages.
func (t *token) label() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.info.Label
}

func (t *token) slotID() uint {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.slot
}

// err wraps a binding error with this token's context.
func (t *token) err(op string, err error, object string) error {
	return wrapErr(op, err, t.mod.path, t.label(), object)
}

// openSession opens a read-only session on the token and logs in.
func (t *token) openSession() (p11.SessionHandle, error) {
	sh, err := t.ctx.OpenSession(t.slotID(), p11.CKF_SERIAL_SESSION)
	if err != nil {
		return 0, t.err("C_OpenSession", err, "")
	}
	if err := t.ensureLogin(sh); err != nil {
		t.ctx.CloseSession(sh)
		return 0, err
	}
	return sh, nil
}

// do runs op on a pooled session and recovers from a lost session or
// token, retrying op once:
//   - op failed with a dead-session code (CKR_SESSION_HANDLE_INVALID,
//     CKR_SESSION_CLOSED, CKR_USER_NOT_LOGGED_IN, CKR_*_HANDLE_INVALID,
//     CKR_DEVICE_REMOVED, CKR_TOKEN_NOT_PRESENT, ...): the session is
//     discarded with every idle one, and a fresh session is opened and
//     logged in;
//   - opening or logging in a session failed with a token-level error
//     (CKR_GENERAL_ERROR, CKR_DEVICE_ERROR, removal codes), or op failed
//     with CKR_GENERAL_ERROR/CKR_DEVICE_ERROR and C_GetTokenInfo fails
//     too: the module is finalized and re-initialized (waiting for calls
//     in flight), and the token is selected again by its URI.
//
// refresh (if any) re-finds object handles on the fresh session. Dead
// sessions never return to the pool. A rejected PIN is never retried.
func (t *token) do(op func(sh p11.SessionHandle) error, refresh func(sh p11.SessionHandle) error) error {
	t.opMu.RLock()
	defer t.opMu.RUnlock()
	if t.closed {
		return fmt.Errorf("pkcs11: token %q: %w", t.label(), ErrClosed)
	}
	r := t.attempt(op, nil)
	if r.err == nil || r.act == actNone {
		return r.err
	}
	first := r.err
	if r.act == actReinit {
		if err := t.mod.inst.reinit(r.gen); err != nil {
			return fmt.Errorf("pkcs11: token %q failed (%v) and re-initializing the module failed: %w", t.label(), first, err)
		}
	}
	if r.act == actReinit || r.act == actReselect {
		if err := t.selectSlot(); err != nil {
			return fmt.Errorf("pkcs11: token %q went away (%v) and is not back: %w", t.label(), first, errors.Join(err, ErrTokenNotPresent))
		}
	}
	r = t.attempt(op, refresh)
	return r.err
}

// Recovery actions decided by attempt.
const (
	actNone     = iota // success, or an error recovery cannot help
	actReopen          // the session died: open a new one
	actReselect        // the token was removed: find its slot again
	actReinit          // the module is wedged: finalize and initialize it
)

type attemptResult struct {
	err error
	gen uint64
	act int
}

// attempt runs op once on a pooled session under the module's call lock.
func (t *token) attempt(op, refresh func(sh p11.SessionHandle) error) attemptResult {
	inst := t.mod.inst
	inst.callMu.RLock()
	defer inst.callMu.RUnlock()
	gen := inst.gen
	sh, err := t.pool.get(gen)
	if err != nil {
		act := actNone
		switch ckrCode(err) {
		case ckrGeneralError, ckrDeviceError, ckrDeviceRemoved, ckrTokenNotPresent, ckrTokenNotRecognized,
			ckrSlotIDInvalid, ckrCryptokiNotInitialized, ckrSessionHandleInvalid, ckrSessionClosed:
			act = actReinit
		}
		return attemptResult{err, gen, act}
	}
	if refresh != nil {
		err = refresh(sh)
	}
	if err == nil {
		err = op(sh)
	}
	if err == nil {
		t.pool.put(sh, gen, true)
		return attemptResult{nil, gen, actNone}
	}
	code := ckrCode(err)
	act := actNone
	switch {
	case code == ckrDeviceRemoved || code == ckrTokenNotPresent || code == ckrSlotIDInvalid || code == ckrCryptokiNotInitialized:
		act = actReselect
	case isSessionDead(code):
		act = actReopen
	case (code == ckrGeneralError || code == ckrDeviceError) && !t.healthy():
		act = actReinit
	}
	t.pool.put(sh, gen, act == actNone)
	if act != actNone {
		t.pool.drain()
	}
	return attemptResult{err, gen, act}
}

// healthy probes the token after an unexplained failure: a token that
// still answers C_GetTokenInfo is fine, and the failure belongs to the
// operation (e.g. bad padding), so the module is not re-initialized.
func (t *token) healthy() bool {
	_, err := t.ctx.GetTokenInfo(t.slotID())
	return err == nil
}

// close releases the pool and the module handle.
// It waits for operations in flight. A shared token is closed when its
// last key closes.
func (t *token) close() error {
	if t.shared {
		sharedTokens.Lock()
		t.refs--
		last := t.refs == 0
		if last {
			delete(sharedTokens.m, t.key)
		}
		sharedTokens.Unlock()
		if !last {
			return nil
		}
	}
	t.opMu.Lock()
	if t.closed {
		t.opMu.Unlock()
		return nil
	}
	t.closed = true
	t.pool.close()
	t.opMu.Unlock()
	return t.mod.Close()
}
