package p11raw

import (
	"encoding/binary"
	"time"
)

// Attribute is a CK_ATTRIBUTE: type and raw value (nil: none or
// unavailable).
type Attribute struct {
	Type  uint
	Value []byte
}

// NewAttribute returns an attribute of type typ holding x: bool
// (CK_BBOOL), int or uint (a CK_ULONG of this platform's width), string,
// []byte, time.Time (CK_DATE) or nil.
func NewAttribute(typ uint, x any) *Attribute {
	a := &Attribute{Type: typ}
	switch v := x.(type) {
	case bool:
		a.Value = []byte{0}
		if v {
			a.Value[0] = 1
		}
	case int:
		a.Value = ULongBytes(uint(v))
	case uint:
		a.Value = ULongBytes(v)
	case string:
		a.Value = []byte(v)
	case []byte:
		a.Value = v
	case time.Time:
		a.Value = []byte(v.UTC().Format("20060102"))
	}
	return a
}

// ULongBytes encodes v as a CK_ULONG attribute value of this platform.
func ULongBytes(v uint) []byte {
	b := make([]byte, nativeABI.ulong)
	putU(b, 0, v)
	return b
}

// ULong decodes a CK_ULONG attribute value (4 or 8 bytes, native byte
// order); ok is false for any other length.
func ULong(b []byte) (v uint, ok bool) {
	switch len(b) {
	case 8:
		return uint(binary.NativeEndian.Uint64(b)), true
	case 4:
		return uint(binary.NativeEndian.Uint32(b)), true
	}
	return ^uint(0), false
}

// template encodes attrs as a pinned CK_ATTRIBUTE array whose values
// point at the attributes' own (pinned) buffers; with lengthsOnly the
// pointers are NULL (the first pass of C_GetAttributeValue).
func (a *arena) template(attrs []*Attribute, lengthsOnly bool) (buf []byte, p uintptr) {
	if len(attrs) == 0 {
		return nil, 0
	}
	l := lay.attribute
	buf = a.alloc(len(attrs) * l.size)
	for i, at := range attrs {
		o := i * l.size
		putU(buf, o+l.off[0], at.Type)
		if !lengthsOnly {
			putP(buf, o+l.off[1], a.addr(at.Value))
		}
		putU(buf, o+l.off[2], uint(len(at.Value)))
	}
	return buf, a.addr(buf)
}

// CreateObject calls C_CreateObject.
func (c *Ctx) CreateObject(sh SessionHandle, tmpl []*Attribute) (ObjectHandle, error) {
	var a arena
	defer a.release()
	_, tp := a.template(tmpl, false)
	hb, hp := a.ulong(0)
	if err := c.call(fnCreateObject, uintptr(sh), tp, uintptr(len(tmpl)), hp); err != nil {
		return 0, err
	}
	return ObjectHandle(getU(hb, 0)), nil
}

// DestroyObject calls C_DestroyObject.
func (c *Ctx) DestroyObject(sh SessionHandle, o ObjectHandle) error {
	return c.call(fnDestroyObject, uintptr(sh), uintptr(o))
}

// GetAttributeValue reads the types in tmpl in two passes (lengths, then
// values). Any error of either pass (CKR_ATTRIBUTE_SENSITIVE,
// CKR_ATTRIBUTE_TYPE_INVALID, …) is returned as it is.
func (c *Ctx) GetAttributeValue(sh SessionHandle, o ObjectHandle, tmpl []*Attribute) ([]*Attribute, error) {
	var a arena
	defer a.release()
	buf, p := a.template(tmpl, true)
	if err := c.call(fnGetAttributeValue, uintptr(sh), uintptr(o), p, uintptr(len(tmpl))); err != nil {
		return nil, err
	}
	l := lay.attribute
	out := make([]*Attribute, len(tmpl))
	for i, at := range tmpl {
		n := getUN(buf, i*l.size+l.off[2])
		out[i] = &Attribute{Type: at.Type}
		if n != ^uint(0) && n > 0 {
			if n > 1<<26 {
				return nil, Error(CKR_DEVICE_MEMORY)
			}
			out[i].Value = make([]byte, n)
		}
	}
	buf, p = a.template(out, false)
	if err := c.call(fnGetAttributeValue, uintptr(sh), uintptr(o), p, uintptr(len(out))); err != nil {
		return nil, err
	}
	for i, at := range out {
		if n := getUN(buf, i*l.size+l.off[2]); n <= uint(len(at.Value)) {
			at.Value = at.Value[:n]
		}
	}
	return out, nil
}

// SetAttributeValue calls C_SetAttributeValue.
func (c *Ctx) SetAttributeValue(sh SessionHandle, o ObjectHandle, tmpl []*Attribute) error {
	var a arena
	defer a.release()
	_, p := a.template(tmpl, false)
	return c.call(fnSetAttributeValue, uintptr(sh), uintptr(o), p, uintptr(len(tmpl)))
}

// FindObjectsInit calls C_FindObjectsInit.
func (c *Ctx) FindObjectsInit(sh SessionHandle, tmpl []*Attribute) error {
	var a arena
	defer a.release()
	_, p := a.template(tmpl, false)
	return c.call(fnFindObjectsInit, uintptr(sh), p, uintptr(len(tmpl)))
}

// FindObjects calls C_FindObjects for at most limit handles; the bool is
// always false (kept for the shape of other bindings).
func (c *Ctx) FindObjects(sh SessionHandle, limit int) ([]ObjectHandle, bool, error) {
	var a arena
	defer a.release()
	limit = min(max(limit, 1), 1<<16)
	hs := a.alloc(limit * nativeABI.ulong)
	nb, np := a.ulong(0)
	if err := c.call(fnFindObjects, uintptr(sh), a.addr(hs), uintptr(limit), np); err != nil {
		return nil, false, err
	}
	n := min(int(getU(nb, 0)), limit)
	out := make([]ObjectHandle, n)
	for i := range out {
		out[i] = ObjectHandle(getU(hs, i*nativeABI.ulong))
	}
	return out, false, nil
}

// FindObjectsFinal calls C_FindObjectsFinal.
func (c *Ctx) FindObjectsFinal(sh SessionHandle) error {
	return c.call(fnFindObjectsFinal, uintptr(sh))
}

// ULongs decodes an array of CK_ULONG (such as CKA_ALLOWED_MECHANISMS) in
// this platform's width; ok is false when the length is not a multiple of
// it.
func ULongs(b []byte) (v []uint, ok bool) {
	w := nativeABI.ulong
	if len(b)%w != 0 {
		return nil, false
	}
	for i := 0; i < len(b); i += w {
		x, _ := ULong(b[i : i+w])
		v = append(v, x)
	}
	return v, true
}
