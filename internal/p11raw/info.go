package p11raw

// Version is CK_VERSION.
type Version struct{ Major, Minor byte }

// Info is CK_INFO; strings keep their blank padding.
type Info struct {
	CryptokiVersion    Version
	ManufacturerID     string
	Flags              uint
	LibraryDescription string
	LibraryVersion     Version
}

// SlotInfo is CK_SLOT_INFO; strings keep their blank padding.
type SlotInfo struct {
	SlotDescription string
	ManufacturerID  string
	Flags           uint
	HardwareVersion Version
	FirmwareVersion Version
}

// TokenInfo is CK_TOKEN_INFO; strings keep their blank padding, and
// CK_UNAVAILABLE_INFORMATION reads as ^uint(0) on every platform.
type TokenInfo struct {
	Label, ManufacturerID, Model, SerialNumber string
	Flags                                      uint
	MaxSessionCount, SessionCount              uint
	MaxRwSessionCount, RwSessionCount          uint
	MaxPinLen, MinPinLen                       uint
	TotalPublicMemory, FreePublicMemory        uint
	TotalPrivateMemory, FreePrivateMemory      uint
	HardwareVersion, FirmwareVersion           Version
	UTCTime                                    string
}

// SessionInfo is CK_SESSION_INFO.
type SessionInfo struct {
	SlotID, State, Flags, DeviceError uint
}

// MechanismInfo is CK_MECHANISM_INFO.
type MechanismInfo struct {
	MinKeySize, MaxKeySize, Flags uint
}

func str(b []byte, l structLayout, i, n int) string { return string(b[l.off[i] : l.off[i]+n]) }

func ver(b []byte, off int) Version { return Version{b[off], b[off+1]} }

// callOut calls fn with args and then a buffer for the structure laid
// out as l that the module fills (C_GetInfo, C_GetSlotInfo, ...); it
// returns the buffer.
func (c *Ctx) callOut(l structLayout, fn int, args ...uintptr) ([]byte, error) {
	var a arena
	defer a.release()
	b := a.alloc(l.size)
	if err := c.call(fn, append(args, a.addr(b))...); err != nil {
		return nil, err
	}
	return b, nil
}

// getUN reads a CK_ULONG, mapping a 32-bit CK_UNAVAILABLE_INFORMATION to
// ^uint(0).
func getUN(b []byte, off int) uint {
	v := getU(b, off)
	if nativeABI.ulong == 4 && v == 0xFFFFFFFF {
		return ^uint(0)
	}
	return v
}

// GetInfo calls C_GetInfo.
func (c *Ctx) GetInfo() (Info, error) {
	l := lay.info
	b, err := c.callOut(l, fnGetInfo)
	if err != nil {
		return Info{}, err
	}
	return Info{ver(b, l.off[0]), str(b, l, 1, 32), getU(b, l.off[2]), str(b, l, 3, 32), ver(b, l.off[4])}, nil
}

// GetSlotList calls C_GetSlotList twice (count, then the list), again
// while the list grows.
func (c *Ctx) GetSlotList(tokenPresent bool) ([]uint, error) {
	tp := uintptr(0)
	if tokenPresent {
		tp = 1
	}
	return c.ulongList(func(a *arena, buf, n uintptr) error { return c.call(fnGetSlotList, tp, buf, n) })
}

// ulongList runs a two-pass CK_ULONG list call.
func (c *Ctx) ulongList(f func(a *arena, buf, n uintptr) error) ([]uint, error) {
	for range 8 {
		var a arena
		nb, np := a.ulong(0)
		if err := f(&a, 0, np); err != nil {
			a.release()
			return nil, err
		}
		n := getU(nb, 0)
		if n == 0 {
			a.release()
			return nil, nil
		}
		if n > 1<<20 { // no module has a million slots or mechanisms
			a.release()
			return nil, Error(CKR_DEVICE_MEMORY)
		}
		list := a.alloc(int(n) * nativeABI.ulong)
		err := f(&a, a.addr(list), np)
		if err == Error(CKR_BUFFER_TOO_SMALL) {
			a.release()
			continue
		}
		if err != nil {
			a.release()
			return nil, err
		}
		out := make([]uint, min(getU(nb, 0), n))
		for i := range out {
			out[i] = getU(list, i*nativeABI.ulong)
		}
		a.release()
		return out, nil
	}
	return nil, Error(CKR_BUFFER_TOO_SMALL)
}

// GetSlotInfo calls C_GetSlotInfo.
func (c *Ctx) GetSlotInfo(slot uint) (SlotInfo, error) {
	l := lay.slotInfo
	b, err := c.callOut(l, fnGetSlotInfo, uintptr(slot))
	if err != nil {
		return SlotInfo{}, err
	}
	return SlotInfo{str(b, l, 0, 64), str(b, l, 1, 32), getU(b, l.off[2]), ver(b, l.off[3]), ver(b, l.off[4])}, nil
}

// GetTokenInfo calls C_GetTokenInfo.
func (c *Ctx) GetTokenInfo(slot uint) (TokenInfo, error) {
	l := lay.tokenInfo
	b, err := c.callOut(l, fnGetTokenInfo, uintptr(slot))
	if err != nil {
		return TokenInfo{}, err
	}
	u := func(i int) uint { return getUN(b, l.off[i]) }
	return TokenInfo{
		Label: str(b, l, 0, 32), ManufacturerID: str(b, l, 1, 32), Model: str(b, l, 2, 16), SerialNumber: str(b, l, 3, 16),
		Flags: u(4), MaxSessionCount: u(5), SessionCount: u(6), MaxRwSessionCount: u(7), RwSessionCount: u(8),
		MaxPinLen: u(9), MinPinLen: u(10), TotalPublicMemory: u(11), FreePublicMemory: u(12),
		TotalPrivateMemory: u(13), FreePrivateMemory: u(14),
		HardwareVersion: ver(b, l.off[15]), FirmwareVersion: ver(b, l.off[16]), UTCTime: str(b, l, 17, 16),
	}, nil
}

// GetMechanismList calls C_GetMechanismList (two-pass).
func (c *Ctx) GetMechanismList(slot uint) ([]*Mechanism, error) {
	ids, err := c.ulongList(func(a *arena, buf, n uintptr) error { return c.call(fnGetMechanismList, uintptr(slot), buf, n) })
	if err != nil {
		return nil, err
	}
	out := make([]*Mechanism, len(ids))
	for i, id := range ids {
		out[i] = &Mechanism{Mechanism: id}
	}
	return out, nil
}

// GetMechanismInfo calls C_GetMechanismInfo.
func (c *Ctx) GetMechanismInfo(slot, mech uint) (MechanismInfo, error) {
	l := lay.mechInfo
	b, err := c.callOut(l, fnGetMechanismInfo, uintptr(slot), uintptr(mech))
	if err != nil {
		return MechanismInfo{}, err
	}
	return MechanismInfo{getU(b, l.off[0]), getU(b, l.off[1]), getU(b, l.off[2])}, nil
}
