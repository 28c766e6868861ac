//go:build !cgo

package pkcs11

import "encoding/binary"

// Attribute is a PKCS#11 attribute (type and raw value).
type Attribute struct {
	Type  uint
	Value []byte
}

// ObjectHandle is a PKCS#11 object handle.
type ObjectHandle uint

// NewAttribute returns an attribute of type typ holding x (bool, int, uint,
// string, []byte or nil).
func NewAttribute(typ uint, x any) *Attribute {
	a := &Attribute{Type: typ}
	switch v := x.(type) {
	case bool:
		if v {
			a.Value = []byte{1}
		} else {
			a.Value = []byte{0}
		}
	case int:
		a.Value = binary.NativeEndian.AppendUint64(nil, uint64(v))
	case uint:
		a.Value = binary.NativeEndian.AppendUint64(nil, uint64(v))
	case string:
		a.Value = []byte(v)
	case []byte:
		a.Value = v
	}
	return a
}

// Module is a loaded PKCS#11 module; without cgo it cannot exist.
type Module struct{ path string }

// LoadModule returns ErrNoCgo: this binary was built without cgo.
func LoadModule(path string, initArgs string) (*Module, error) { return nil, ErrNoCgo }

// Close does nothing.
func (m *Module) Close() error { return nil }

// Path returns the module path.
func (m *Module) Path() string { return m.path }

// Slots returns ErrNoCgo.
func (m *Module) Slots(tokenPresent bool) ([]Slot, error) { return nil, ErrNoCgo }

// FindObjects returns ErrNoCgo.
func (m *Module) FindObjects(slotID uint, template []*Attribute, want []uint) ([]Object, error) {
	return nil, ErrNoCgo
}
