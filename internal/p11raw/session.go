package p11raw

// SessionHandle is CK_SESSION_HANDLE.
type SessionHandle uint

// ObjectHandle is CK_OBJECT_HANDLE.
type ObjectHandle uint

// OpenSession calls C_OpenSession without a notification callback.
func (c *Ctx) OpenSession(slot, flags uint) (SessionHandle, error) {
	var a arena
	defer a.release()
	hb, hp := a.ulong(0)
	if err := c.call(fnOpenSession, uintptr(slot), uintptr(flags), 0, 0, hp); err != nil {
		return 0, err
	}
	return SessionHandle(getU(hb, 0)), nil
}

// CloseSession calls C_CloseSession.
func (c *Ctx) CloseSession(sh SessionHandle) error { return c.call(fnCloseSession, uintptr(sh)) }

// CloseAllSessions calls C_CloseAllSessions.
func (c *Ctx) CloseAllSessions(slot uint) error { return c.call(fnCloseAllSessions, uintptr(slot)) }

// GetSessionInfo calls C_GetSessionInfo.
func (c *Ctx) GetSessionInfo(sh SessionHandle) (SessionInfo, error) {
	l := lay.sessionInfo
	b, err := c.callOut(l, fnGetSessionInfo, uintptr(sh))
	if err != nil {
		return SessionInfo{}, err
	}
	return SessionInfo{getU(b, l.off[0]), getU(b, l.off[1]), getU(b, l.off[2]), getU(b, l.off[3])}, nil
}

// Login calls C_Login; an empty pin passes NULL (protected
// authentication path).
func (c *Ctx) Login(sh SessionHandle, userType uint, pin string) error {
	var a arena
	defer a.release()
	pb := []byte(pin)
	defer clear(pb)
	return c.call(fnLogin, uintptr(sh), uintptr(userType), a.addr(pb), uintptr(len(pin)))
}

// Logout calls C_Logout.
func (c *Ctx) Logout(sh SessionHandle) error { return c.call(fnLogout, uintptr(sh)) }

// SetPIN calls C_SetPIN.
func (c *Ctx) SetPIN(sh SessionHandle, oldPIN, newPIN string) error {
	var a arena
	defer a.release()
	ob, nb := []byte(oldPIN), []byte(newPIN)
	defer clear(ob)
	defer clear(nb)
	return c.call(fnSetPIN, uintptr(sh), a.addr(ob), uintptr(len(oldPIN)), a.addr(nb), uintptr(len(newPIN)))
}
